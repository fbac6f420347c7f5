"""Set-up of each worker process of the Dask `LocalCluster` a campaign starts (Dask's `preload`).

When the campaign ends, the cluster closes its workers and its scheduler together; a worker whose
heartbeat falls in between logs `ERROR … Failed to communicate with scheduler during heartbeat`
with a traceback, though nothing failed (a worker that really loses its scheduler mid-run fails
its tasks, and the flow reports them). That one message is dropped; every other line stays.
At the same moment a connection may close under a batched send: Dask notes it at INFO level,
`Batched Comm Closed`, with the traceback of the closed stream. The line stays, without the
traceback (in the workers and in the process that runs the flow, where the scheduler lives).
"""

from __future__ import annotations

import logging
from typing import Any

SHUTDOWN_RACE = "Failed to communicate with scheduler during heartbeat"


class ShutdownRace(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return SHUTDOWN_RACE not in record.getMessage()


COMM_CLOSED = "Batched Comm Closed"


class ClosedCommNote(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and COMM_CLOSED in record.getMessage():
            record.exc_info, record.exc_text = None, None
        return True


def quiet_shutdown() -> None:
    """Install both filters in this process (once)."""
    for name, kind in (("distributed.worker", ShutdownRace), ("distributed.batched", ClosedCommNote)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())


def dask_setup(worker: Any = None) -> None:
    quiet_shutdown()
