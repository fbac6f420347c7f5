"""A request the API refused for a moment is tried again within a quarter of a second, not two.

A Prefect server on SQLite (the throw-away one `clustercert` starts, a local `prefect server
start`) answers `503 Service Unavailable` when SQLite reports "database is locked": creating a
task run reads before it writes in a deferred transaction, and another writer — the task run
recorder, the event persister, a log insert — committed in between (prefect#18934; the lock clears
in milliseconds). Prefect 3.9's client waits `2 ** attempt` seconds before each retry, 2 s the
first time: about one provincial campaign run in six (five sub-flows, each creating its task run
in the API) took 2 s longer for it — a third of the flow's own time.

`install()` makes the first two retries sooner (`SOONER_RETRY_SECONDS`: 0.25 s, then 0.5 s, with
Prefect's jitter — a second lock right after the first is not rare while a campaign writes); the
later ones keep Prefect's waits (8, 16, 32 s), so a server that is really down or restarting is
given nearly as long as before (57 s in all against 62 s). A `Retry-After` header (a rate limit)
is obeyed as before. Pinned to the Prefect version of the lock file; `tests/flows/test_api_retries.py`
checks it against a real HTTP server answering 503.
"""

from __future__ import annotations

from typing import Any

# Prefect's wait before retry n is 2 ** n s; the first two wait this long instead
SOONER_RETRY_SECONDS = {2: 0.25, 4: 0.5}

_prefect_interval: Any = None


def _sooner_retries(average_interval: float, clamping_factor: float = 0.3) -> float:
    """Prefect's jittered wait, a quarter and half a second for the first two retries."""
    return _prefect_interval(SOONER_RETRY_SECONDS.get(average_interval, average_interval), clamping_factor)


def install() -> None:
    global _prefect_interval
    from prefect.client import base

    if base.clamped_poisson_interval is _sooner_retries:
        return
    _prefect_interval = base.clamped_poisson_interval
    base.clamped_poisson_interval = _sooner_retries  # type: ignore[assignment]
