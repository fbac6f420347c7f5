"""The Prefect client's first two retries of a refused request (503) come within a second."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import flows.runtime  # noqa: F401 — installs it
from flows import api_retries


class _RefusesFirst(BaseHTTPRequestHandler):
    """Answers 503 (what a Prefect server on SQLite says for "database is locked") to the first
    `refusals` requests, then 200."""

    refusals = 2
    seen: list[float] = []

    def do_GET(self) -> None:  # noqa: N802 — http.server's name
        type(self).seen.append(time.monotonic())
        refused = len(self.seen) <= self.refusals
        body = json.dumps({"exception_message": "Service Unavailable"} if refused else "👋").encode()
        self.send_response(503 if refused else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def refusing_api() -> Iterator[type[_RefusesFirst]]:
    handler = type("Handler", (_RefusesFirst,), {"seen": [], "refusals": 2})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/api"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_prefect_uses_it() -> None:
    from prefect.client import base

    assert base.clamped_poisson_interval is api_retries._sooner_retries


def test_the_first_retries_of_a_refused_request_come_within_a_second(refusing_api) -> None:
    from prefect.client.orchestration import SyncPrefectClient

    with SyncPrefectClient(api=refusing_api.url) as client:
        started = time.monotonic()
        client.hello()
        took = time.monotonic() - started
    assert len(refusing_api.seen) == 3  # refused twice, then answered
    first, second = (refusing_api.seen[k + 1] - refusing_api.seen[k] for k in (0, 1))
    assert first < 0.4, f"the first retry came {first:.2f} s after the refusal (Prefect's own wait: ~2 s)"
    assert second < 0.7, f"the second retry came {second:.2f} s after (Prefect's own wait: ~4 s)"
    assert took < 1.5


def test_later_retries_keep_prefects_waits() -> None:
    for attempt in (3, 4, 5):
        prefect_wait = 2**attempt
        waits = [api_retries._sooner_retries(prefect_wait, 0.2) for _ in range(200)]
        assert max(waits) <= prefect_wait * 1.2
        assert sum(waits) / len(waits) > prefect_wait * 0.8  # the same average as Prefect's
    for prefect_wait, sooner in ((2, 0.25), (4, 0.5)):
        waits = [api_retries._sooner_retries(prefect_wait, 0.2) for _ in range(200)]
        assert max(waits) <= sooner * 1.2
