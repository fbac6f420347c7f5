"""The flow-run heartbeat helper that replaces Prefect's: same heartbeats, no wait at the end."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import flows.runtime  # noqa: F401 — installs it
from flows import heartbeats


class FakeEngine:
    heartbeat_seconds = 30

    def __init__(self) -> None:
        self.sent = 0
        self.flow_run = SimpleNamespace(state=None)
        self.logger = SimpleNamespace(debug=lambda *a, **k: None)

    def _build_heartbeat_event_template(self) -> tuple[str, list]:
        return "resource", []

    def _emit_flow_run_heartbeat(self, resource: str, related: list) -> None:
        self.sent += 1


def test_prefect_uses_it() -> None:
    from prefect import flow_engine

    assert flow_engine._send_heartbeats is heartbeats._send_heartbeats


def test_a_heartbeat_goes_out_and_the_run_ends_without_waiting() -> None:
    engine = FakeEngine()
    before = threading.active_count()
    with heartbeats._send_heartbeats(engine):
        deadline = time.monotonic() + 5
        while engine.sent == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
    ended = time.monotonic() - started
    assert engine.sent == 1  # the first at once; the next one 30 s later (the minimum interval)
    assert ended < 0.5, f"ending the run waited {ended:.2f} s for the heartbeat thread"
    assert threading.active_count() == before


def test_no_heartbeats_when_they_are_switched_off() -> None:
    engine = FakeEngine()
    engine.heartbeat_seconds = None
    with heartbeats._send_heartbeats(engine):
        time.sleep(0.05)
    assert engine.sent == 0
