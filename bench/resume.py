"""Resume after a crash: `clustercert campaign` killed with SIGKILL, then run again (issue 9).

Against a real `prefect server start` on loopback, in one process:

1. a clean run of the command (its own registry, output folder and result storage);
2. the same command on a second registry/folder/storage, killed with SIGKILL as soon as the API
   shows its `score-clusters` sub-flow completed (the collect, validate and score work is done and
   persisted; prefecture and province are not);
3. the same command again (the resume), timed;
4. the same command once more with nothing changed (what a re-run costs when every task is cached:
   the fixed start-up plus recording and writing the reports).

The resume's `decisions.csv` and `certified.csv` must equal the clean run's byte for byte and every
registry table must hold as many rows; the figures go to the benchmark's table.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC
from pathlib import Path
from typing import Any

COMPARED = ("decisions.csv", "certified.csv", "validation_issues.csv", "criteria.csv")


def run_resume(
    root: Path, inbox: Path, year: int, as_of: str, kill_after: str = "score-clusters"
) -> dict[str, Any]:
    from flows.local_server import clean_env, prefect_server

    with prefect_server(root / "server-resume") as server:
        clean = _Run(root, "resume-clean", inbox, year, as_of, server.api_url, clean_env)
        crashed = _Run(root, "resume", inbox, year, as_of, server.api_url, clean_env)
        clean_wall = clean.run()
        killed_after, stages_done = crashed.run_until_killed(kill_after)
        since = _now_utc()
        resume_wall = crashed.run()
        resumed_ran, since = _started_flow_runs(server.api_url, since), _now_utc()
        resumed_same = _same_outputs(clean.out, crashed.out)
        counts_clean, counts_resumed = clean.row_counts(), crashed.row_counts()
        unchanged_wall = crashed.run()
        unchanged_ran = _started_flow_runs(server.api_url, since)
    figures: dict[str, Any] = {
        "clean run": clean_wall,
        "killed after": killed_after,
        "stages done when killed": ", ".join(stages_done),
        "resumed run": resume_wall,
        "resumed run ran": ", ".join(resumed_ran),
        "re-run, nothing changed": unchanged_wall,
        "nothing-changed run ran": ", ".join(unchanged_ran),
        "resumed ÷ clean": resume_wall / clean_wall,
        "outputs equal": resumed_same,
        "registry rows equal": counts_clean == counts_resumed,
        "registry rows": counts_resumed,
    }
    if counts_clean != counts_resumed:
        figures["registry rows (clean)"] = counts_clean
    return figures


class _Run:
    """One `clustercert campaign` command line with its own registry, output folder and results."""

    def __init__(self, root: Path, name: str, inbox: Path, year: int, as_of: str, api_url: str, env_of):
        self.out = root / f"out-{name}"
        self.db = root / f"registry-{name}.db"
        self.var = root / f"var-{name}"
        import shutil

        self.db.unlink(missing_ok=True)
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.var, ignore_errors=True)
        self.var.mkdir(parents=True)
        self.api_url = api_url
        self.argv = [
            str(Path(sys.executable).parent / "clustercert"),
            "campaign",
            "--year",
            str(year),
            "--inbox",
            str(inbox),
            "--out",
            str(self.out),
            "--as-of",
            as_of,
            "--db",
            f"sqlite:///{self.db}",
        ]
        self.env = env_of(
            PREFECT_API_URL=api_url,
            CLUSTERCERT_VAR=str(self.var),
            PREFECT_HOME=str(self.var / "prefect-home"),
        )
        self.log = root / f"{name}.log"

    def run(self) -> float:
        started = time.perf_counter()
        with self.log.open("ab") as log:
            done = subprocess.run(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(self.argv)} exited {done.returncode}; see {self.log}")
        return wall

    def run_until_killed(self, stage: str) -> tuple[float, list[str]]:
        """Start the command, SIGKILL it once `stage` has completed; (seconds, stages completed)."""
        started = time.perf_counter()
        since = _now_utc()
        with self.log.open("ab") as log:
            process = subprocess.Popen(self.argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        try:
            while process.poll() is None:
                done = _completed_flow_runs(self.api_url, since)
                if stage in done:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    return time.perf_counter() - started, done
                time.sleep(0.2)
        finally:
            if process.poll() is None:
                process.kill()
        raise RuntimeError(f"the campaign ended (exit {process.returncode}) before {stage} completed")

    def row_counts(self) -> dict[str, int]:
        import sqlalchemy as sa

        engine = sa.create_engine(f"sqlite:///{self.db}")
        try:
            with engine.connect() as connection:
                tables = sa.inspect(connection).get_table_names()
                return {
                    table: connection.execute(sa.text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
                    for table in sorted(tables)
                    if table != "alembic_version"
                }
        finally:
            engine.dispose()


def _now_utc():
    from datetime import datetime

    return datetime.now(UTC)


def _completed_flow_runs(api_url: str, since) -> list[str]:
    """Names of the flows whose runs, started since `since`, are completed (oldest first)."""
    return _flow_runs(api_url, since, completed=True)


def _started_flow_runs(api_url: str, since) -> list[str]:
    """Names of the flows whose runs started since `since` (oldest first)."""
    return _flow_runs(api_url, since, completed=False)


def _flow_runs(api_url: str, since, *, completed: bool) -> list[str]:
    import json
    import urllib.request

    runs_filter: dict[str, Any] = {"start_time": {"after_": since.isoformat()}}
    if completed:
        runs_filter["state"] = {"type": {"any_": ["COMPLETED"]}}
    body = json.dumps({"flow_runs": runs_filter, "sort": "START_TIME_ASC"}).encode()
    request = urllib.request.Request(
        f"{api_url}/flow_runs/filter", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        runs = json.load(response)
    flows = _flow_names(api_url, {run["flow_id"] for run in runs})
    return [flows.get(run["flow_id"], "?") for run in runs]


def _flow_names(api_url: str, ids: set[str]) -> dict[str, str]:
    import json
    import urllib.request

    if not ids:
        return {}
    body = json.dumps({"flows": {"id": {"any_": sorted(ids)}}}).encode()
    request = urllib.request.Request(
        f"{api_url}/flows/filter", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return {flow["id"]: flow["name"] for flow in json.load(response)}


def _same_outputs(left: Path, right: Path) -> bool:
    return all((left / name).read_bytes() == (right / name).read_bytes() for name in COMPARED)


if __name__ == "__main__":  # python -m bench.resume ROOT INBOX YEAR AS_OF
    print(run_resume(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]))
    os._exit(0)
