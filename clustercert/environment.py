"""Process environment for everything that may import Prefect or Great Expectations.

Called first by the CLI, the flows package and the tests: nothing may call out at run time, so
telemetry is off before either library is imported, and Prefect's state lives under var/ unless
the operator points PREFECT_HOME or PREFECT_API_URL elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

OFFLINE = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    # Yearly runs (the campaign, the 10 March monitoring report) must show in the UI ahead of time.
    "PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME": "P400D",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    # The tasks pass DataFrames in memory; nothing is persisted or hashed for caching.
    "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "false",
    # A fresh throw-away server migrates its SQLite database first; on a busy 2-core machine that
    # can take longer than the 20 s default.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


class EnvironmentFailed(RuntimeError):
    """What a command needs around it could not be had (its throw-away Prefect server did not
    start): the command says so in one line and exits 1."""


TASK_RUNNER_ENV = "CLUSTERCERT_TASK_RUNNER"  # thread (default) | process | dask


def task_runner_kind() -> str:
    """thread (default), process or dask: as `CLUSTERCERT_TASK_RUNNER` says. Read here, without
    Prefect, so that a command can tell what to start before it imports Prefect."""
    return os.environ.get(TASK_RUNNER_ENV, "thread") or "thread"


def prepare(home: Path | None = None) -> None:
    """Set defaults the operator has not set; must run before `import prefect`."""
    for key, value in OFFLINE.items():
        os.environ.setdefault(key, value)
    # Persisted task results (resume after a crash): one absolute folder, whatever the working directory.
    results = Path(os.environ.get("CLUSTERCERT_VAR", "var")) / "prefect-results"
    os.environ.setdefault("PREFECT_RESULTS_LOCAL_STORAGE_PATH", str(results.resolve()))
    if "PREFECT_API_URL" not in os.environ:
        default_home = home or Path(os.environ.get("CLUSTERCERT_VAR", "var")) / "prefect-home"
        os.environ.setdefault("PREFECT_HOME", str(Path(default_home).resolve()))
        Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
