"""`clustercert campaign` with its worker processes (`tasks/work_processes.py`) decides exactly as
without them: the real command twice in a subprocess on the same inbox (sample workbooks, a CSV
folder and a workbook broken by hand), once with the workers forced on, once with none."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from intake.spec_workbook import save, sheets

from clustercert.samples import generate_campaign
from flows.local_server import BIN, clean_env, prefect_server

pytestmark = pytest.mark.slow
YEAR, AS_OF = 2026, "2026-07-24"
COMPARED = ("decisions.csv", "validation_issues.csv", "criteria.csv", "certified.csv", "expectations.csv")


def test_worker_processes_change_no_decision(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    generate_campaign(inbox, year=YEAR, count=6)
    broken = sheets()
    broken["经营指标"][1][1] = "很多"  # 集群总产值 not a number
    broken["企业名录"][2][0] = "12345"  # not a credit code
    save(inbox / "手工有误.xlsx", broken)
    outputs = {}
    with prefect_server(tmp_path / "server") as server:
        for way, env in (
            ("workers", {"CLUSTERCERT_WORKER_PROCESSES_FROM": "1", "CLUSTERCERT_WORKERS": "2"}),
            ("none", {"CLUSTERCERT_WORKERS": "1"}),
        ):
            proc = subprocess.run(
                [str(BIN / "clustercert"), "campaign", "--year", str(YEAR), "--inbox", str(inbox),
                 "--out", str(tmp_path / way), "--as-of", AS_OF, "--db", f"sqlite:///{tmp_path / way}.db"],
                env=clean_env(
                    PREFECT_API_URL=server.api_url,
                    PREFECT_HOME=str(tmp_path / f"home-{way}"),
                    PREFECT_RESULTS_LOCAL_STORAGE_PATH=str(tmp_path / f"results-{way}"),
                    PREFECT_LOGGING_LEVEL="INFO",
                    CLUSTERCERT_VAR=str(tmp_path / f"var-{way}"),
                    **env,
                ),
                capture_output=True,
                text=True,
                timeout=600,
                cwd=tmp_path,
            )  # fmt: skip
            output = proc.stdout + proc.stderr
            assert proc.returncode == 0, output[-4000:]
            assert "Traceback" not in output and "| ERROR" not in output, output[-4000:]
            outputs[way] = output
    assert "2 worker processes read them" in outputs["workers"]
    assert "worker processes" not in outputs["none"]
    for name in COMPARED:
        assert (tmp_path / "workers" / name).read_bytes() == (tmp_path / "none" / name).read_bytes(), name
    pages = {way: sorted((tmp_path / way / "evaluation").glob("*.html")) for way in outputs}
    assert pages["workers"] and [p.name for p in pages["workers"]] == [p.name for p in pages["none"]]
    for written_there, written_here in zip(pages["workers"], pages["none"], strict=True):
        assert written_there.read_bytes() == written_here.read_bytes(), written_there.name
    clusters = {way: sorted((tmp_path / way / "clusters").glob("*.html")) for way in outputs}
    assert clusters["workers"] and [p.name for p in clusters["workers"]] == [p.name for p in clusters["none"]]
    for written_there, written_here in zip(clusters["workers"], clusters["none"], strict=True):
        assert _unstamped(written_there) == _unstamped(written_here), written_there.name
    issues = (tmp_path / "workers" / "validation_issues.csv").read_text(encoding="utf-8-sig")
    assert "手工有误.xlsx" in issues and "集群总产值" in issues


def _unstamped(page: Path) -> str:
    """A cluster page without what differs between two runs: times and flow run ids."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?", "<time>", text)
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<run>", text)
