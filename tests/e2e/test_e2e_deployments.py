"""End to end on a real Prefect server: every deployment registers, shows its next run in
Asia/Shanghai, and a run triggered through a deployment and executed by `clustercert serve`
completes with its artifacts.

The server, `clustercert serve` and the flow runs are separate processes in their own process
groups, each stopped at the end (also on failure). Timings are printed (run with `-s` to see them).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.local_server import BIN, Server, clean_env, prefect_server, start, stop
from tests.deployments.expected_schedules import EXPECTED, SHANGHAI, next_run

pytestmark = pytest.mark.e2e

TRIGGERED = "expiry-check/daily"  # cheap: an empty registry in a temporary folder
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[Server]:
    t0 = time.monotonic()
    with prefect_server(workdir) as running:
        TIMINGS["server start (to /api/health)"] = time.monotonic() - t0
        yield running
    print("\n" + "\n".join(f"e2e timing: {k}: {v:.1f} s" for k, v in TIMINGS.items()))


@pytest.fixture(scope="module")
def api(server: Server) -> Iterator[str]:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield server.api_url


@pytest.fixture(scope="module")
def registered(api: str, workdir: Path) -> dict:
    import deployments

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLUSTERCERT_DB_URL", f"sqlite:///{workdir / 'registry.db'}")
        t0 = time.monotonic()
        mp.setenv("CLUSTERCERT_VAR", str(workdir / "root"))
        ids = deployments.register_deployments()
        TIMINGS["register every deployment"] = time.monotonic() - t0
    return {"ids": ids, "at": datetime.now(UTC)}


def _earliest_scheduled(client, deployment_id) -> datetime | None:
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    runs = client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
        flow_run_filter=FlowRunFilter(
            state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
        ),
        sort=FlowRunSort.EXPECTED_START_TIME_ASC,
        limit=1,
    )
    return runs[0].expected_start_time if runs else None


def test_every_deployment_is_on_the_server_with_its_next_run_in_shanghai(registered: dict) -> None:
    from prefect.client.orchestration import get_client

    ids = registered["ids"]
    assert sorted(ids) == sorted(EXPECTED)
    scheduled = {name for name, rule in EXPECTED.items() if rule is not None}
    found: dict[str, datetime | None] = {}
    t0 = time.monotonic()
    with get_client(sync_client=True) as client:
        for name, deployment_id in ids.items():
            deployment = client.read_deployment(deployment_id)
            assert deployment.name == name.split("/")[1]
            assert deployment.entrypoint and deployment.entrypoint.startswith("flows."), name
            zones = {s.schedule.timezone for s in deployment.schedules}
            assert zones == ({"Asia/Shanghai"} if name in scheduled else set()), name
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the scheduler service creates the runs asynchronously
            found = {name: _earliest_scheduled(client, ids[name]) for name in scheduled}
            if all(found.values()):
                break
            time.sleep(0.5)
        for name in set(ids) - scheduled:
            assert _earliest_scheduled(client, ids[name]) is None, f"{name} is on demand only"
    TIMINGS["scheduler: first runs visible"] = time.monotonic() - t0
    now = datetime.now(UTC)
    for name in sorted(scheduled):
        assert found[name] is not None, f"no scheduled run for {name}"
        got = found[name].astimezone(SHANGHAI)
        # A daily time may pass while the test runs: accept the next run seen from either moment.
        allowed = {next_run(name, registered["at"]), next_run(name, now)}
        assert got in allowed, f"{name}: next run {got}, expected {sorted(allowed)}"
    monitoring = found["monitoring-report/after-deadline"].astimezone(SHANGHAI)
    assert (monitoring.month, monitoring.day, monitoring.hour, monitoring.minute) == (3, 11, 9, 0)


def test_a_run_triggered_through_a_deployment_completes_with_artifacts(
    registered: dict, server: Server, workdir: Path
) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment

    root = workdir / "root"
    env = clean_env(
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(workdir / "serve-home"),
        PREFECT_RUNNER_POLL_FREQUENCY="1",
        CLUSTERCERT_VAR=str(root),
        CLUSTERCERT_DB_URL=f"sqlite:///{workdir / 'registry.db'}",
    )
    # Another working folder than the checkout: the entrypoints must not depend on it.
    served = start(
        [str(BIN / "clustercert"), "serve", "--limit", "2"], env, workdir / "serve.log", cwd=workdir
    )
    try:
        t0 = time.monotonic()
        run = run_deployment(TRIGGERED, timeout=150, poll_interval=1, as_subflow=False)
        TIMINGS[f"triggered {TRIGGERED} run to completion (incl. serve start)"] = time.monotonic() - t0
        assert run.state is not None and run.state.is_completed(), (
            f"{TRIGGERED} ended {run.state}\n--- serve log ---\n{served.tail(60)}"
        )
        assert run.deployment_id == registered["ids"][TRIGGERED]
        with get_client(sync_client=True) as client:
            artifacts = client.read_artifacts(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
            )
        assert artifacts, f"no artifacts for flow run {run.id}\n{served.tail(60)}"
        assert all(a.flow_run_id == run.id for a in artifacts)
        assert any(a.key and "expiry" in a.key for a in artifacts), [a.key for a in artifacts]
        assert (root / "out" / "expiry-check").is_dir(), "the run wrote nowhere under the root"
    finally:
        stop(served)
    assert not served.alive()
    # A stopped `serve` pauses the schedules; registering again resumes them (docs/operations.md).
    import deployments

    spec = next(s for s in deployments.DEPLOYMENTS if s.full_name == TRIGGERED)
    with get_client(sync_client=True) as client:
        assert client.read_deployment(run.deployment_id).paused is True
        deployments.build_deployment(spec).apply()
        assert client.read_deployment(run.deployment_id).paused is False


def test_a_process_worker_runs_deployments_registered_on_its_pool(
    registered: dict, server: Server, workdir: Path
) -> None:
    """`clustercert serve --pool NAME`: creates the process pool, registers on it, starts a worker."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment

    env = clean_env(
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(workdir / "worker-home"),
        PREFECT_WORKER_QUERY_SECONDS="1",
        CLUSTERCERT_VAR=str(workdir / "root"),
        CLUSTERCERT_DB_URL=f"sqlite:///{workdir / 'registry.db'}",
    )
    argv = [str(BIN / "clustercert"), "serve", "--pool", "clustercert-e2e"]
    worker = start(argv, env, workdir / "worker.log", cwd=workdir)
    try:
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # registered on the pool, then the worker polls
                deployment = client.read_deployment(
                    registered["ids"]["monitoring-reminder/week-before-deadline"]
                )
                if deployment.work_pool_name == "clustercert-e2e" and "started" in worker.tail():
                    break
                assert worker.alive(), worker.tail()
                time.sleep(0.5)
            t0 = time.monotonic()
            run = run_deployment(
                "monitoring-reminder/week-before-deadline", timeout=120, poll_interval=1, as_subflow=False
            )
            TIMINGS["process worker: monitoring-reminder run to completion"] = time.monotonic() - t0
            assert run.state is not None and run.state.is_completed(), f"{run.state}\n{worker.tail(60)}"
            assert run.work_pool_name == "clustercert-e2e"
            assert client.read_work_pool("clustercert-e2e").type == "process"
            artifacts = client.read_artifacts(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[run.id]))
            )
            assert any(a.key and a.key.startswith("monitoring-reminder") for a in artifacts), artifacts
    finally:
        stop(worker)
    assert not worker.alive()
