"""Worker processes for the campaign's CPU-bound pure work, while its tasks run on threads.

On the thread runner (the default) every task shares one interpreter: reading 3,000 county folders
or evaluating 3,000 clusters keeps one core busy and leaves the machine's others idle. A campaign
with many files therefore starts a few plain worker processes (`start()`, spawned: Prefect's
threads are never forked) that import the domain — no Prefect — in the background. A task still
runs, is recorded and persists its result in the flow's process, as before; only its pure work goes
to a worker: reading a batch of files (`receive`), evaluating a batch of clusters (`evaluate`),
writing a batch of evaluation or cluster pages (`write_evaluation_pages`, `write_cluster_pages`). Each worker opens the campaign's
archive and registry itself from the plain setup, as a Dask worker does, and collects its garbage
at the campaign's pace (`clustercert.collector_pace`).

A submission comes back already pickled (`Pickled`): the flow's process unpickles it once for the
stage and writes those same bytes to the result store instead of pickling it again.

Without a pool (a stage run alone, a process pool or Dask task runner, an in-memory registry that
other processes cannot open), or when the pool breaks, the same functions run in the task's thread.
Workers end with the campaign (`stop()`), or within half a second of its process dying in any way
(even SIGKILL: each watches its parent).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from clustercert.collector_pace import keep_campaign_pace
from clustercert.rules import Evaluation
from clustercert.stages.setup import CampaignSetup

if TYPE_CHECKING:
    from clustercert.reports.stages import ClusterPage, EvaluationPage

log = logging.getLogger(__name__)
T = TypeVar("T")

PARENT_POLL_SECONDS = 0.5
_pool: ProcessPoolExecutor | None = None


class Pickled:
    """An object kept as its pickle: pickling it writes those bytes as they are, unpickling them
    gives the object itself (so the result store holds the submission, not this wrapper)."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def load(self) -> Any:
        return pickle.loads(self.data)  # noqa: S301 — bytes our own worker pickled

    def __reduce__(self) -> tuple[Any, ...]:
        return (pickle.loads, (self.data,))


def _leave_with(parent: int) -> None:
    """A worker's initializer: the campaign's pace of garbage collection; end as soon as the
    campaign's process is gone (re-parented: it was killed). A worker also holds its call queue's
    writing end, so it would never read end-of-file."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    keep_campaign_pace()


def _warm() -> int:
    """A worker's first call: import what the work needs now, not in the first batch."""
    import clustercert.stages.collect  # noqa: F401
    import clustercert.stages.score  # noqa: F401

    return 0


def usable(setup: CampaignSetup) -> bool:
    """Whether other processes can open this campaign's registry (not an in-memory SQLite one)."""
    url = setup.db_url or ""
    return not (url.startswith("sqlite") and (url.endswith("://") or ":memory:" in url))


def start(workers: int) -> None:
    """Start this process's worker processes (once); they import the domain in the background."""
    global _pool
    if _pool is None and workers > 1:
        _pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_leave_with,
            initargs=(os.getpid(),),
        )
        for _ in range(workers):
            _pool.submit(_warm)


def running() -> bool:
    return _pool is not None


def stop() -> None:
    """Stop the worker processes, if any were started (the campaign goes on at once)."""
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def run(fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a worker process when the pool runs, else here."""
    return next(iter(_results(fn, [args])))


def run_in_chunks(fn: Callable[..., list[T]], items: Sequence[Any], size: int, *args: Any) -> Iterator[T]:
    """`fn(chunk, *args)` for each chunk of `size` items, every chunk sent to the workers at once, so
    that they read ahead while the caller handles what came back; the results in order."""
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
    for found in _results(fn, [(chunk, *args) for chunk in chunks]):
        yield from found


def _results(fn: Callable[..., T], calls: list[tuple[Any, ...]]) -> Iterator[T]:
    """Each call's result in order: from the workers, or here without a pool, or from the call on
    when the pool broke (a worker was killed; said once in the log)."""
    futures = None
    pool = _pool
    if pool is not None:
        try:
            futures = [pool.submit(fn, *call) for call in calls]
        except (BrokenProcessPool, RuntimeError):  # broken, or stopped by another thread meanwhile
            futures = None
    for k, call in enumerate(calls):
        if futures is not None:
            try:
                yield futures[k].result()
                continue
            except (BrokenProcessPool, CancelledError) as exc:  # cancelled: stopped by another thread
                log.warning(
                    "工作进程已退出，改在本进程内处理 / a worker process died, the work runs here: %s", exc
                )
                stop()
                futures = None
        yield fn(*call)


# -- the work -----------------------------------------------------------------------------------


def receive(paths: Sequence[str], setup: CampaignSetup) -> list[bytes]:
    """Archive and read each file (or CSV folder): `collect.receive`, each submission as its pickle
    (plain bytes: a `Pickled` would arrive unpickled)."""
    from clustercert.stages import collect
    from clustercert.stages.context import context

    ctx = context(setup)
    return [pickle.dumps(collect.receive(Path(p), ctx), protocol=pickle.HIGHEST_PROTOCOL) for p in paths]


def evaluate(submission_ids: Sequence[str], setup: CampaignSetup) -> list[Evaluation]:
    """Load each cluster from the registry and evaluate it: `score.evaluate_batch`."""
    from clustercert.stages import score
    from clustercert.stages.context import context

    return score.evaluate_batch(list(submission_ids), context(setup))


def write_evaluation_pages(pages: Sequence[EvaluationPage], setup: CampaignSetup, reports: str) -> list[str]:
    """Write each evaluation page into `reports` (the stage's folder): `write_evaluations`."""
    from clustercert.reports.stages import write_evaluations
    from clustercert.stages.context import context

    return [str(path) for path in write_evaluations(context(setup, reports), pages)]


def write_cluster_pages(pages: Sequence[ClusterPage], setup: CampaignSetup, reports: str) -> list[str]:
    """Write each cluster page of the overview into `reports`: `write_cluster_pages`."""
    from clustercert.reports.stages import write_cluster_pages as write
    from clustercert.stages.context import context

    return [str(path) for path in write(context(setup, reports), pages)]


__all__ = [
    "Pickled",
    "evaluate",
    "receive",
    "run",
    "run_in_chunks",
    "running",
    "start",
    "stop",
    "usable",
    "write_cluster_pages",
    "write_evaluation_pages",
]
