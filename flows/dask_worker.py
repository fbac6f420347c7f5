"""Set-up of each worker process of the Dask `LocalCluster` a campaign starts (Dask's `preload`).

When the campaign ends, the cluster closes its workers and its scheduler together; a worker whose
heartbeat falls in between logs `ERROR … Failed to communicate with scheduler during heartbeat`
with a traceback, though nothing failed (a worker that really loses its scheduler mid-run fails
its tasks, and the flow reports them). That one message is dropped; every other line stays.
"""

from __future__ import annotations

import logging
from typing import Any

SHUTDOWN_RACE = "Failed to communicate with scheduler during heartbeat"


class ShutdownRace(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return SHUTDOWN_RACE not in record.getMessage()


def dask_setup(worker: Any = None) -> None:
    logging.getLogger("distributed.worker").addFilter(ShutdownRace())
