"""Flow-run heartbeats that stop at once: a sub-flow no longer waits up to a second to end.

Prefect 3.9 sends a flow run's heartbeats from a thread that sleeps in one-second steps and joins it
when the run ends, so every flow and sub-flow run ends up to a second late — five campaign stages,
five seconds, more than the work of a provincial campaign. `install()` replaces that helper with the
same loop waiting on its stop event instead of sleeping: heartbeats go out as often as before (crash
detection is unchanged), and a run ends as soon as it is done. Pinned to the Prefect version of the
lock file; `tests/flows/test_heartbeats.py` checks both.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Generator
from contextlib import contextmanager
from typing import Any


@contextmanager
def _send_heartbeats(engine: Any, join_on_exit: bool = True) -> Generator[None, None, None]:
    from prefect import flow_engine

    heartbeat_seconds = engine.heartbeat_seconds
    if heartbeat_seconds is None:
        yield
        return
    heartbeat_seconds = max(heartbeat_seconds, flow_engine.MINIMUM_HEARTBEAT_INTERVAL)
    resource, related = engine._build_heartbeat_event_template()
    stop_event = threading.Event()

    def heartbeat_loop() -> None:
        while not stop_event.is_set():
            if engine.flow_run and engine.flow_run.state and engine.flow_run.state.is_final():
                return
            try:
                engine._emit_flow_run_heartbeat(resource, related)
            except Exception:  # noqa: BLE001 — as Prefect: a missed heartbeat is not the run's failure
                engine.logger.debug("Failed to emit heartbeat", exc_info=True)
            stop_event.wait(heartbeat_seconds)

    # the same context as the calling thread (Prefect's reason: the API URL of a settings context)
    heartbeat_ctx = contextvars.copy_context()
    thread = threading.Thread(target=heartbeat_ctx.run, args=(heartbeat_loop,), daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop_event.set()
        if join_on_exit:
            thread.join(timeout=2)


def install() -> None:
    from prefect import flow_engine

    flow_engine._send_heartbeats = _send_heartbeats  # type: ignore[assignment]
