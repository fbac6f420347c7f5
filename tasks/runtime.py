"""What every task needs from Prefect: the decorator for a unit of real work, and a note of each run.

A throw-away local Prefect server records task runs from events, asynchronously; if the process
exits first, those records are lost. Every task made with `unit_task` notes its run id when it
finishes (and `note_futures` notes runs that finished in other processes), so that the process can
wait until the API holds each of them in a final state (`flows.runtime.wait_until_recorded`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from uuid import UUID

from prefect import task
from prefect.cache_policies import NO_CACHE, CacheKeyFnPolicy
from prefect.context import FlowRunContext
from prefect.serializers import PickleSerializer

finished_task_runs: set[UUID] = set()


class _QuietBookkeeping(logging.Filter):
    """Prefect logs two INFO lines per hook run; ours is bookkeeping, not news for an operator."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "_note_task_run" not in record.getMessage()


logging.getLogger("prefect.task_runs").addFilter(_QuietBookkeeping())
# A campaign runs hundreds of tasks: their "Created/Finished in state Completed()" lines would bury
# what an operator needs in the console and cost the API a log record each. States are in the UI;
# warnings and errors still show.
logging.getLogger("prefect.task_runs").setLevel(logging.WARNING)


def _note_task_run(_task: Any, task_run: Any, _state: Any) -> None:
    finished_task_runs.add(task_run.id)


class ContentKeyPolicy(CacheKeyFnPolicy):
    """A task's cache key from its `cache_key_fn`, with the key records kept apart from the results.

    Prefect checks that a cached result exists by reading its record; when the record holds the
    result too, every cache hit unpickles the result twice (once to see it exists, once to use it):
    half of a re-run's time in the validate stage. With key storage, the check reads only the small
    record in `<results>/cache-keys`. It follows the result storage as configured when the task
    runs (a test or a worker may change it); with a storage block instead of a local folder, the
    records stay whole in the block (every worker reaches them).
    """

    @property  # type: ignore[override]
    def key_storage(self) -> Path | None:
        from prefect.settings import get_current_settings

        results = get_current_settings().results
        if results.default_storage_block is not None:
            return None
        return Path(results.local_storage_path) / "cache-keys"

    @key_storage.setter
    def key_storage(self, value: Any) -> None:
        """Ignored: the dataclass's __init__ assigns the field, but here it is derived from the settings."""
        del value


# Results are our own module-level classes, DataFrames and plain values: the standard library's
# pickle writes them in about 60 % of cloudpickle's time (Prefect's default), which also pickles
# closures and classes defined on the fly that no result of ours holds. The record names the library,
# so results written by cloudpickle earlier still read.
RESULTS_SERIALIZER = PickleSerializer(picklelib="pickle")


def unit_task(fn: Callable | None = None, **options: Any) -> Any:
    """`@task` for a unit of real work, noted so the process can wait until the API has recorded it.

    Without `cache_key_fn` nothing is cached or persisted. With one, the result is persisted under
    the key it computes from the *content* of the inputs (a file's SHA-256, the policy, the code
    version): a re-run after a crash, or with nothing changed, finds the result instead of doing the
    work again. Where results go is Prefect's own setting: a local folder
    (`PREFECT_RESULTS_LOCAL_STORAGE_PATH`, by default `$CLUSTERCERT_VAR/prefect-results`) or a
    storage block shared by every worker (`PREFECT_RESULTS_DEFAULT_STORAGE_BLOCK`, e.g.
    `remote-file-system/campaign-results`).
    """
    if options.get("cache_key_fn") is not None:
        options["cache_policy"] = ContentKeyPolicy(cache_key_fn=options.pop("cache_key_fn"))
        options.setdefault("persist_result", True)
        options.setdefault("result_serializer", RESULTS_SERIALIZER)
    else:
        options.setdefault("cache_policy", NO_CACHE)
        options.setdefault("persist_result", False)
    options["on_completion"] = [*options.get("on_completion", []), _note_task_run]
    options["on_failure"] = [*options.get("on_failure", []), _note_task_run]
    if fn is None:
        return lambda f: task(f, **options)
    return task(fn, **options)


def note_futures(futures: Iterable[Any]) -> list[Any]:
    """Note the task runs behind futures (tasks that ran in other processes, where no hook of this
    process sees them finish), so `wait_until_recorded` waits for them too."""
    futures = list(futures)
    for future in futures:
        finished_task_runs.add(future.task_run_id)
    return futures


def results(futures: Iterable[Any]) -> list[Any]:
    """Every future's result, in order (after noting their runs)."""
    return [f.result() for f in note_futures(futures)]


def flow_run_id() -> str | None:
    """The id of the flow run this code runs in (stamped on registry writes), None outside one."""
    ctx = FlowRunContext.get()
    return str(ctx.flow_run.id) if ctx and ctx.flow_run else None


__all__ = ["flow_run_id", "finished_task_runs", "note_futures", "results", "unit_task"]
