"""What every flow needs from Prefect: the run id, task bookkeeping, artifacts, a complete record.

A throw-away local Prefect server records task runs from events, asynchronously; if the process
exits first, those records are lost. Every task made with `unit_task` notes its run id when it
finishes, and `wait_until_recorded` blocks until the API holds each of them in a final state.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from clustercert.environment import TASK_RUNNER_ENV, task_runner_kind
from flows import api_retries, heartbeats, result_storage, server_guard
from tasks.runtime import finished_task_runs

# A throw-away Prefect server never outlives the process that started it. Only a process without an
# API of its own may start one; with $PREFECT_API_URL set, the server's modules (~2–4 s to import)
# are never needed, and `local_api` installs the guard before it starts a server anyway.
if not os.environ.get("PREFECT_API_URL"):
    server_guard.install()
heartbeats.install()  # a flow run ends when it is done, not up to a second later
result_storage.install()  # the server's default result storage asked once, not before every run
api_retries.install()  # a request refused for a moment (SQLite locked) retried in 0.25 s, not 2 s


def _pickle_annotations_by_value() -> None:
    """Prefect's annotations (`opaque`, `quote`, `unmapped`) are tuple subclasses whose `__new__`
    takes the value, while pickle rebuilds a tuple subclass from its items: sent to a Dask worker or
    a process pool, `opaque(x)` arrived as `opaque((x,))` (the quality check then got a tuple).
    Pickled by value, the worker unwraps what the flow wrapped."""
    from prefect.utilities.annotations import BaseAnnotation

    BaseAnnotation.__getnewargs__ = lambda self: (self[0],)  # type: ignore[attr-defined]


_pickle_annotations_by_value()
log = logging.getLogger("clustercert")

DASK_ADDRESS_ENV = "CLUSTERCERT_DASK_ADDRESS"  # tcp://scheduler:8786; empty: a LocalCluster
WORKERS_ENV = "CLUSTERCERT_WORKERS"  # processes / Dask workers / threads (default: the CPU count)
TASK_RUNNERS = ("thread", "process", "dask")


def workers() -> int:
    """How many workers the task runner has ($CLUSTERCERT_WORKERS, default the CPU count)."""

    return int(os.environ.get(WORKERS_ENV) or os.cpu_count() or 2)


BATCHES_PER_WORKER = 2


def default_batch_size(count: int) -> int:
    """Items per task when the setup does not say: `BATCHES_PER_WORKER` batches per worker."""
    return max(1, -(-count // (BATCHES_PER_WORKER * workers())))


def task_runner() -> Any:
    """The task runner the work goes to, chosen by the environment of the process that runs the flow:
    a thread pool (default), a process pool on one big machine, or Dask (a scheduler's address, or
    a LocalCluster of `CLUSTERCERT_WORKERS` worker processes) across machines."""

    kind = task_runner_kind()
    count = workers()
    if kind == "process":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=count)
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        from flows.dask_worker import quiet_shutdown

        quiet_shutdown()  # the scheduler of a LocalCluster lives in this process
        address = os.environ.get(DASK_ADDRESS_ENV)
        if address:
            return DaskTaskRunner(address=address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": count,
                "threads_per_worker": 1,
                "processes": True,
                "dashboard_address": None,
                "preload": ["flows.dask_worker"],  # quiet about the shutdown race, see there
            }
        )
    if kind != "thread":
        raise ValueError(f"{TASK_RUNNER_ENV}={kind!r}: use one of {', '.join(TASK_RUNNERS)}")
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=count)


REGISTRY_LIMIT_ENV = "CLUSTERCERT_REGISTRY_LIMIT"  # a Prefect global concurrency limit's name


def registry_writes() -> Any:
    """Hold a slot of the global concurrency limit named by $CLUSTERCERT_REGISTRY_LIMIT while a stage
    writes its transaction (several runs on several workers then write one at a time); without it,
    the database's own locking serialises writers (PostgreSQL rows, SQLite's BEGIN IMMEDIATE)."""
    import contextlib

    name = os.environ.get(REGISTRY_LIMIT_ENV)
    if not name:
        return contextlib.nullcontext()
    from prefect.concurrency.sync import concurrency

    return concurrency(name, occupy=1, strict=True)


def var_root() -> Any:
    """This machine's clustercert folder ($CLUSTERCERT_VAR, default ./var), absolute."""
    from pathlib import Path

    return Path(os.environ.get("CLUSTERCERT_VAR", "var")).resolve()


def today_shanghai() -> Any:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def artifact_key(*parts: object) -> str:
    """Artifact keys allow lowercase letters, digits and dashes only."""
    text = "-".join(str(p) for p in parts if p not in (None, "")).lower()
    return "".join(c if c.isalnum() and c.isascii() else "-" for c in text).strip("-")


def publish_table(key: str, rows: list[dict[str, Any]], description: str) -> None:
    safe = [
        {k: ("" if v is None else v if isinstance(v, int | float | str) else str(v)) for k, v in r.items()}
        for r in rows
    ]
    create_table_artifact(key=artifact_key(key), table=safe, description=description)


def publish_markdown(key: str, markdown: str, description: str) -> None:
    create_markdown_artifact(key=artifact_key(key), markdown=markdown, description=description)


def _drain_clients() -> None:
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (EventsWorker, APILogWorker):
        try:
            worker.drain_all(timeout=30)
        except Exception:  # noqa: BLE001 — draining is best effort; the poll below decides
            log.debug("drain of %s failed", worker.__name__, exc_info=True)


def _final_task_runs(ids: list[UUID]) -> int:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterId

    final = 0
    with get_client(sync_client=True) as client:
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            runs = client.read_task_runs(
                task_run_filter=TaskRunFilter(id=TaskRunFilterId(any_=chunk)), limit=200
            )
            final += sum(1 for r in runs if r.state is not None and r.state.is_final())
    return final


def wait_until_recorded(timeout: float = 300.0, ids: Iterable[UUID] | None = None) -> tuple[int, int]:
    """Block until every finished task run of this process is in the API in a final state.

    Returns (recorded, expected). Logs a warning, not an error, if the server is still behind at
    the timeout: the run itself succeeded.
    """
    wanted = list(ids if ids is not None else finished_task_runs)
    _drain_clients()
    deadline = time.monotonic() + timeout
    recorded = 0
    while wanted:
        recorded = _final_task_runs(wanted)
        if recorded >= len(wanted) or time.monotonic() > deadline:
            break
        time.sleep(0.1)  # one small filter query; the server records within a second (prefect.toml)
    if recorded < len(wanted):
        log.warning("Prefect API holds %d of %d task runs after %.0f s", recorded, len(wanted), timeout)
    return recorded, len(wanted)


@contextlib.contextmanager
def local_api(startup_timeout: int = 120) -> Iterator[str]:
    """The Prefect API this command uses: $PREFECT_API_URL when set, else a throw-away server.

    The throw-away server is the one the command started before it imported Prefect
    (`flows.throwaway_server.begin`), else one started here, before any flow; its URL is exported,
    so that every process the run starts (a process pool, a Dask LocalCluster) records its task runs
    in the same API instead of starting a server of its own. It stops when the block ends (or with
    its parent, see `server_guard`).
    """

    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows import throwaway_server

    global _throwaway_in_use
    server = throwaway_server.current()
    if server is not None and _throwaway_in_use:  # inside a block that runs on it already
        yield server.api_url
        return
    if server is None:
        url = PREFECT_API_URL.value()  # the environment, prefect.toml, a profile or a test harness
        if url:
            yield url
            return
        server = throwaway_server.begin()
        if server is None:  # $PREFECT_API_URL was set after Prefect read its settings: that one
            yield os.environ["PREFECT_API_URL"]
            return
    quiet = _NoUiLinks()  # the throw-away server has no UI to link to
    logging.getLogger("prefect.flow_runs").addFilter(quiet)
    _throwaway_in_use = True
    try:
        server.wait_ready(startup_timeout)
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield server.api_url
    finally:
        _throwaway_in_use = False
        logging.getLogger("prefect.flow_runs").removeFilter(quiet)
        throwaway_server.end()


_throwaway_in_use = False  # a `local_api` block runs on the throw-away server (it stops it at its end)


class _NoUiLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("View at ")
