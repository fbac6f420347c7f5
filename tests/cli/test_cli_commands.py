"""Every command of the README, run as a user runs it: the real `clustercert` in a subprocess, on
generated data, against a real `prefect server start` on loopback (one per module, so that each
command does not start its own throw-away server; `test_cli_campaign.py::test_demo…` covers that).

Each run is checked for its exit code, the files it writes, and that it printed no traceback and no
ERROR line (a refusal prints its one line and exits 1 or 2).
"""

from __future__ import annotations

import csv
import filecmp
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from clustercert.samples import cast_roles, generate_campaign, generate_decisions, generate_monitoring
from flows.local_server import BIN, Server, clean_env, prefect_server

sys.path.insert(0, str(Path(__file__).parents[1] / "flows_management"))
from mgmt_inputs import decisions as write_revocation_decisions  # noqa: E402
from mgmt_inputs import set_calendar  # noqa: E402

pytestmark = pytest.mark.slow
YEAR, AS_OF = 2026, "2026-07-24"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("commands")


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[Server]:
    with prefect_server(workdir / "server") as running:
        yield running


def run(server: Server, workdir: Path, *argv: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = clean_env(
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(workdir / "home"),
        PREFECT_RESULTS_LOCAL_STORAGE_PATH=str(workdir / "results"),
        PREFECT_LOGGING_LEVEL="INFO",
    )
    return subprocess.run(
        [str(BIN / "clustercert"), *argv],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def clean(proc: subprocess.CompletedProcess, code: int = 0) -> str:
    output = proc.stdout + proc.stderr
    assert proc.returncode == code, output[-4000:]
    assert "Traceback" not in output, output[-4000:]
    if code == 0:
        assert not [line for line in output.splitlines() if "| ERROR" in line], output[-4000:]
    return output


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def campaign(server: Server, workdir: Path) -> dict:
    samples = generate_campaign(workdir / "inbox", year=YEAR, count=12)
    generate_decisions(workdir / "decisions", samples)
    db = f"sqlite:///{workdir / 'registry.db'}"
    argv = [
        "campaign", "--year", str(YEAR), "--inbox", "inbox", "--out", "out", "--as-of", AS_OF,
        "--decisions", "decisions", "--db", db, "--set", "A10.public_notice_working_days=7",
    ]  # fmt: skip
    proc = run(server, workdir, *argv)
    return {"argv": argv, "db": db, "out": workdir / "out", "samples": samples, "output": clean(proc)}


def test_campaign_with_decisions_and_an_override_writes_every_output(campaign) -> None:
    out = campaign["out"]
    assert "认定 certified" in campaign["output"]
    for name in (
        "index.html", "validation.html", "validation_issues.csv", "expectations.csv", "criteria.csv",
        "decisions.csv", "scores.html", "public_notice.html", "public_notice.xlsx", "certified.csv",
        "certified.html", "certified.xlsx", "policy.json",
    ):  # fmt: skip
        assert (out / name).is_file(), name
    assert (out / "archive" / "manifest.jsonl").is_file()
    assert '"A10.public_notice_working_days": 7' in (out / "policy.json").read_text(encoding="utf-8")
    decisions = rows(out / "decisions.csv")
    assert len(decisions) == len(campaign["samples"])
    assert all(r["final_status"] and r["reason"] for r in decisions)
    assert rows(out / "certified.csv"), "the sample campaign certifies some clusters"


def test_campaign_keeps_the_results_worth_reading_back(workdir, campaign) -> None:
    """Each submission as read, each received batch, each evaluation batch and the quality report are
    persisted; structure batches are not (reading one back costs what checking again does)."""
    kept = {p.name.split("-")[0] for p in (workdir / "results").iterdir() if p.is_file()}
    assert {"submission", "receive", "evaluate", "quality"} <= kept, kept
    assert "structure" not in kept, kept


def test_rerun_changes_no_byte(server, workdir, campaign) -> None:
    before = workdir / "out-before"
    shutil.copytree(campaign["out"], before)
    clean(run(server, workdir, *campaign["argv"]))
    compared = filecmp.dircmp(before, campaign["out"])
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    for sub in ("evaluation", "feedback", "prefectures"):
        nested = filecmp.dircmp(before / sub, campaign["out"] / sub)
        assert not nested.diff_files and not nested.left_only and not nested.right_only, sub


def test_one_stage_alone_gives_the_same_certified_list(server, workdir, campaign) -> None:
    certified = (campaign["out"] / "certified.csv").read_bytes()
    argv = [
        "campaign", "--year", str(YEAR), "--out", "out", "--as-of", AS_OF, "--decisions", "decisions",
        "--db", campaign["db"], "--set", "A10.public_notice_working_days=7", "--stage", "provincial-shortlist",
    ]  # fmt: skip
    output = clean(run(server, workdir, *argv))
    assert "provincial-shortlist" in output
    assert (campaign["out"] / "certified.csv").read_bytes() == certified


@pytest.mark.parametrize("runner", ["dask", "process"])
def test_the_campaign_on_other_task_runners_decides_the_same(server, workdir, campaign, runner) -> None:
    """Tasks pickled to Dask workers or a process pool decide exactly as the default threads do."""
    db = f"sqlite:///{workdir / f'registry-{runner}.db'}"
    argv = [
        "campaign", "--year", str(YEAR), "--inbox", "inbox", "--out", f"out-{runner}", "--as-of", AS_OF,
        "--decisions", "decisions", "--db", db, "--set", "A10.public_notice_working_days=7",
        "--task-runner", runner, "--workers", "2",
    ]  # fmt: skip
    clean(run(server, workdir, *argv))
    for name in ("validation_issues.csv", "criteria.csv", "decisions.csv", "certified.csv"):
        assert (workdir / f"out-{runner}" / name).read_bytes() == (campaign["out"] / name).read_bytes(), name


def test_one_stage_alone_without_the_certified_runs_decisions_is_refused_before_it_starts(
    server, workdir, campaign
) -> None:
    before = (campaign["out"] / "certified.csv").read_bytes()
    argv = [
        "campaign", "--year", str(YEAR), "--out", "out", "--as-of", AS_OF,
        "--db", campaign["db"], "--set", "A10.public_notice_working_days=7", "--stage", "provincial-shortlist",
    ]  # fmt: skip
    # no --decisions: the certified run had them, so its certificates would change
    proc = run(server, workdir, *argv)
    output = clean(proc, 1)
    assert "人工决定文件已变更" in output and "HLJTS-2026-" in output, output[-2000:]
    assert "Flow run" not in output, "refused before the stage's flow run starts"
    assert (campaign["out"] / "certified.csv").read_bytes() == before


def test_a_corrected_file_for_a_certified_cluster_is_refused_and_changes_nothing(
    server, workdir, campaign
) -> None:
    import openpyxl

    certified = rows(campaign["out"] / "certified.csv")[0]
    sample = next(s for s in campaign["samples"] if s.submission_id == certified["submission_id"])
    inbox = workdir / "inbox-corrected"
    shutil.copytree(workdir / "inbox", inbox)
    book = openpyxl.load_workbook(sample.file)
    ws = book["基本信息"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "运营管理机构":
            row[1].value = f"{row[1].value}（更正）"
    book.save(inbox / f"{sample.file.stem}-更正.xlsx")
    snapshot = workdir / "out-snapshot"
    shutil.copytree(campaign["out"], snapshot)
    argv = list(campaign["argv"])
    argv[argv.index("inbox")] = "inbox-corrected"
    proc = run(server, workdir, *argv)
    output = clean(proc, code=1)
    assert certified["certificate_id"] in output, output[-2000:]
    assert "认定" in output
    compared = filecmp.dircmp(snapshot, campaign["out"])
    assert not compared.diff_files and not compared.left_only and not compared.right_only


@pytest.fixture(scope="module")
def managed(server, workdir, campaign) -> dict:
    """The certified campaign's registry, then the dynamic-management commands in their daily order."""
    certified = rows(campaign["out"] / "certified.csv")
    generate_monitoring(
        workdir / "monitoring", certified=certified, report_year=YEAR, as_of_deadline=date(2027, 3, 10)
    )
    return {"db": campaign["db"], "certified": certified, "out": workdir / "managed"}


def test_monitor_changes_revocations_national_expiry(server, workdir, managed) -> None:
    db, out = managed["db"], "managed"
    calendar = set_calendar()
    monitor = run(server, workdir, "monitor", "--inbox", "monitoring", "--out", out, "--as-of", "2027-03-11", "--db", db, *calendar)  # fmt: skip
    assert "年度集群发展情况" in clean(monitor)
    (workdir / "filings").mkdir(exist_ok=True)
    changes = run(server, workdir, "changes", "--inbox", "filings", "--out", out, "--as-of", "2027-03-20", "--db", db, *calendar)  # fmt: skip
    clean(changes)
    cast = cast_roles(managed["certified"])
    write_revocation_decisions(workdir / "revocation_decisions.csv", [{"certificate_id": cast.missing, "decision": "不予撤销", "reason": "已补报"}])  # fmt: skip
    revocations = run(server, workdir, "revocations", "--decisions", "revocation_decisions.csv", "--out", out, "--as-of", "2027-03-20", "--db", db, *calendar)  # fmt: skip
    clean(revocations)
    national = run(server, workdir, "national", "--out", out, "--as-of", "2027-03-20", "--db", db)
    assert "national recommendation" in clean(national)
    expiry = run(server, workdir, "expiry", "--out", out, "--as-of", "2029-06-01", "--engine", "pandas", "--db", db, *calendar)  # fmt: skip
    assert "notices" in clean(expiry)
    for name in ("monitoring.csv", "change_filings.csv", "revocation_proposals.csv", "national_recommendation.csv", "expiry.csv", "index.html"):  # fmt: skip
        assert (managed["out"] / name).is_file(), name


def test_deployments_lists_every_deployment(server, workdir) -> None:
    output = clean(run(server, workdir, "deployments", "--next", "1"))
    for name in ("yearly-campaign", "monitoring-report", "expiry-check", "revocation-triggers"):
        assert name in output


def test_misuse_is_refused_in_one_line_before_any_work(server, workdir) -> None:
    (workdir / "empty-inbox").mkdir(exist_ok=True)
    base = [
        "campaign",
        "--year",
        str(YEAR),
        "--inbox",
        "empty-inbox",
        "--out",
        "misuse-out",
        "--as-of",
        AS_OF,
    ]
    for extra, code in (
        (["--set", "A5.1.nope=1"], 2),
        (["--set", "A5.1.output.threshold=-1"], 2),
        (["--db", "foo://x"], 2),
        (["--db", "postgresql+psycopg://nobody@127.0.0.1:1/x"], 1),
    ):
        proc = run(server, workdir, *base, *extra, timeout=60)
        output = clean(proc, code=code)
        assert len([line for line in output.splitlines() if line.strip()]) <= 2, output
    assert not (workdir / "misuse-out" / "index.html").exists()
