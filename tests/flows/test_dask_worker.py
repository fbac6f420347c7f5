"""The Dask workers a campaign starts drop the one shutdown-race message and nothing else."""

from __future__ import annotations

import logging

from flows import dask_worker, runtime


def _record(message: str) -> logging.LogRecord:
    return logging.LogRecord("distributed.worker", logging.ERROR, __file__, 1, message, None, None)


def test_the_heartbeat_race_at_shutdown_is_dropped_and_other_errors_stay() -> None:
    race = dask_worker.ShutdownRace()
    assert not race.filter(_record("Failed to communicate with scheduler during heartbeat."))
    assert race.filter(_record("Compute Failed"))
    assert race.filter(_record("Worker is at 95% memory usage."))


def test_a_closed_comm_note_keeps_its_line_without_the_traceback() -> None:
    try:
        raise OSError("stream closed")
    except OSError:
        import sys

        info = sys.exc_info()
    note = logging.LogRecord(
        "distributed.batched", logging.INFO, __file__, 1, "Batched Comm Closed %r", ("<TCP>",), info
    )
    assert dask_worker.ClosedCommNote().filter(note) and note.exc_info is None
    assert "Traceback" not in logging.Formatter().format(note)
    failure = logging.LogRecord(
        "distributed.batched", logging.ERROR, __file__, 1, "Error in batched write", None, info
    )
    assert dask_worker.ClosedCommNote().filter(failure) and failure.exc_info is info


def test_a_local_cluster_loads_it_in_every_worker(monkeypatch) -> None:
    from distributed import Client, LocalCluster

    monkeypatch.setenv(runtime.TASK_RUNNER_ENV, "dask")
    monkeypatch.setenv(runtime.WORKERS_ENV, "2")
    kwargs = runtime.task_runner().cluster_kwargs
    with LocalCluster(**kwargs) as cluster, Client(cluster) as client:
        filtered = client.run(
            lambda: [type(f).__name__ for f in logging.getLogger("distributed.worker").filters]
        )
    assert len(filtered) == 2
    assert all("ShutdownRace" in names for names in filtered.values())
    assert any(
        isinstance(f, dask_worker.ClosedCommNote) for f in logging.getLogger("distributed.batched").filters
    )
