"""Test-wide set-up: no telemetry, and Prefect state kept under var/ (never the user's ~/.prefect)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_HOME", str(ROOT / "var" / "prefect-home-tests"))
# Persisted task results of this test session only: tests must not find each other's cached work.
os.environ.setdefault(
    "PREFECT_RESULTS_LOCAL_STORAGE_PATH", str(ROOT / "var" / "prefect-results-tests" / str(os.getpid()))
)
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)

import pytest  # noqa: E402

pytest_plugins = ["tests.flows_management.mgmt_fixtures"]


@pytest.fixture(scope="session")
def prefect_api():
    """One throw-away Prefect API for every flow test of the session (starting one is slow)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
