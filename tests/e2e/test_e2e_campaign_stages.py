"""End to end on a real Prefect server with a process worker: the yearly campaign through its
deployment, then one stage — `provincial-shortlist` — re-run alone, through its own deployment and
with `clustercert campaign --stage`. The re-run gives the same certified list and its task runs are
the shortlist's own, not the campaign's.

The worker gets its folders and registry from its environment (`CLUSTERCERT_VAR`,
`CLUSTERCERT_DB_URL`): the deployments carry no path of the machine that registered them.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from clustercert.samples import generate_campaign, generate_decisions
from flows.local_server import BIN, Server, clean_env, prefect_server, start, stop

pytestmark = pytest.mark.e2e
YEAR, AS_OF = 2026, "2026-07-24"
POOL = "clustercert-e2e-stages"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-stages")


@pytest.fixture(scope="module")
def server(workdir: Path) -> Iterator[Server]:
    with prefect_server(workdir / "server") as running:
        yield running


@pytest.fixture(scope="module")
def env(server: Server, workdir: Path) -> dict[str, str]:
    return clean_env(
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(workdir / "home"),
        PREFECT_WORKER_QUERY_SECONDS="1",
        PREFECT_RESULTS_LOCAL_STORAGE_PATH=str(workdir / "results"),
        CLUSTERCERT_VAR=str(workdir / "root"),
        CLUSTERCERT_DB_URL=f"sqlite:///{workdir / 'registry.db'}",
    )


@pytest.fixture(scope="module")
def worker(server: Server, workdir: Path, env: dict[str, str]) -> Iterator[None]:
    """`clustercert serve --pool`: registers every deployment on a process pool and starts a worker."""
    samples = generate_campaign(workdir / "root" / "inbox" / "campaign", year=YEAR, count=10)
    generate_decisions(workdir / "decisions", samples)
    running = start(
        [str(BIN / "clustercert"), "serve", "--pool", POOL], env, workdir / "worker.log", cwd=workdir
    )
    try:
        deadline = time.monotonic() + 120
        while "started" not in running.tail() and time.monotonic() < deadline:
            assert running.alive(), running.tail()
            time.sleep(0.5)
        yield
    finally:
        stop(running)


def _run(server: Server, name: str, parameters: dict) -> object:
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        return run_deployment(name, parameters=parameters, timeout=600, poll_interval=2, as_subflow=False)


def _task_runs(server: Server, flow_run_ids: list) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    found: list = []
    with (
        temporary_settings(updates={PREFECT_API_URL: server.api_url}),
        get_client(sync_client=True) as client,
    ):
        while True:
            page = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=flow_run_ids)),
                limit=200,
                offset=len(found),
            )
            found += page
            if len(page) < 200:
                return found


def _recorded_task_runs(server: Server, flow_run_ids: list, expected: int, timeout: float = 30) -> list:
    """The task runs of flow runs that just ended on a worker: the server records task runs from
    events (at least once a second, prefect.toml), so a run can be Completed before they are in."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        found = _task_runs(server, flow_run_ids)
        if len(found) >= expected or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def _subflow_runs(server: Server, parent_id) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterParentFlowRunId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with (
        temporary_settings(updates={PREFECT_API_URL: server.api_url}),
        get_client(sync_client=True) as client,
    ):
        return client.read_flow_runs(
            flow_run_filter=FlowRunFilter(parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[parent_id]))
        )


@pytest.fixture(scope="module")
def campaign(server: Server, worker: None, workdir: Path) -> dict:
    params = {"year": YEAR, "as_of": AS_OF, "decisions": str(workdir / "decisions"), "engine": "pandas"}
    run = _run(server, "yearly-campaign/per-campaign", params)
    assert run.state is not None and run.state.is_completed(), (
        run.state,
        (workdir / "worker.log").read_text()[-4000:],
    )
    out = workdir / "root" / "out" / "yearly-campaign"
    return {"run": run, "params": params, "out": out, "certified": (out / "certified.csv").read_bytes()}


def test_a_campaign_through_its_deployment_completes_on_the_workers_folders(campaign: dict) -> None:
    out = campaign["out"]
    assert (out / "index.html").is_file() and (out / "decisions.csv").is_file()
    assert campaign["certified"].count(b"HLJTS-2026-") >= 1


def test_the_shortlist_alone_through_its_deployment_gives_the_same_list_with_its_own_tasks(
    server: Server, campaign: dict
) -> None:
    stages = {r.name: r for r in _subflow_runs(server, campaign["run"].id)}
    campaign_tasks = _task_runs(server, [campaign["run"].id, *[r.id for r in stages.values()]])
    run = _run(server, "provincial-shortlist/on-demand", campaign["params"])
    assert run.state is not None and run.state.is_completed(), run.state
    assert (campaign["out"] / "certified.csv").read_bytes() == campaign["certified"]
    in_campaign = _task_runs(server, [stages["shortlist-2026"].id])
    own = _recorded_task_runs(server, [run.id], expected=len(in_campaign))
    assert len(own) == len(in_campaign) >= 1, (len(own), len(in_campaign))
    assert len(own) < len(campaign_tasks), "the re-run did the shortlist's work only"
    assert {t.name.split("-")[0] for t in own} == {"shortlist"}


def test_the_shortlist_alone_from_the_command_line_gives_the_same_list(
    campaign: dict, env: dict[str, str], workdir: Path
) -> None:
    argv = [
        str(BIN / "clustercert"), "campaign", "--year", str(YEAR), "--as-of", AS_OF,
        "--out", str(campaign["out"]), "--decisions", str(workdir / "decisions"), "--engine", "pandas",
        "--stage", "provincial-shortlist",
    ]  # fmt: skip
    proc = subprocess.run(argv, env=env, cwd=workdir, capture_output=True, text=True, timeout=300)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert "Traceback" not in output
    assert (campaign["out"] / "certified.csv").read_bytes() == campaign["certified"]
