"""The command's throw-away Prefect server, started before the command imports Prefect.

Without an API to record in ($PREFECT_API_URL, or a profile or `prefect.toml` naming one), a command
runs its flows against a throw-away server of its own. Prefect's `SubprocessASGIServer` starts one
only after its module — the whole server, ~1.7 s of imports — is loaded in the command's own
process, and then waits ~4 s for the server to boot. `begin()` starts the very same server (Prefect's
uvicorn command and environment, `uvicorn_argv`, through `flows.server_guard` so that it dies with
the command) as the command's first act: it boots on the other core while the command imports
Prefect and its flows. `flows.runtime.local_api` waits until it answers and stops it at the end.

Nothing here imports Prefect but `begin()`, which reads Prefect's settings to know whether an API is
configured (the command imports them next anyway).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from clustercert.environment import EnvironmentFailed

# What Prefect's SubprocessASGIServer sets for its server (`_run_uvicorn_command`, Prefect 3.9)
SERVER_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
# uvicorn's exit code when it cannot start — another process took the port meanwhile (Prefect then
# starts it again on another), or the app itself failed (its database): started again at most so often
STARTUP_FAILED = 3
RESTARTS = 2
POLL_SECONDS = 0.1

_current: ThrowawayServer | None = None


class ServerFailed(EnvironmentFailed):
    """The throw-away server exited, or did not answer in time."""


def uvicorn_argv(port: int) -> list[str]:
    """Prefect's own command for its temporary server on `port` (`tests/flows/test_throwaway_server.py`
    compares it with Prefect's)."""
    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    assert spec is not None and spec.origin is not None
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(Path(spec.origin).parent.parent),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


class ThrowawayServer:
    """One throw-away server process on a free loopback port."""

    def __init__(self) -> None:
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def launch(self) -> None:
        """Start the server's process (and return at once: `wait_ready` waits for it)."""
        from flows.local_server import free_port, recorder_settings

        for name, value in recorder_settings().items():  # the server reads them from its environment
            os.environ.setdefault(name, value)
        self.port = free_port()
        argv = uvicorn_argv(self.port)
        guarded = [sys.executable, "-m", "flows.server_guard", str(os.getpid()), *argv[1:]]
        self.process = subprocess.Popen(guarded, env={**os.environ, **SERVER_ENV})

    def wait_ready(self, timeout: float) -> None:
        """Return once the server answers its health check; `ServerFailed` if it exits or does not
        answer within `timeout` seconds. One that could not start (a port taken meanwhile) is
        started again on another port, `RESTARTS` times at most."""
        deadline = time.monotonic() + timeout
        restarts = RESTARTS
        while time.monotonic() < deadline:
            assert self.process is not None
            code = self.process.poll()
            if code == STARTUP_FAILED and restarts:
                restarts -= 1
                self.launch()
                continue
            if code is not None:
                raise ServerFailed(
                    f"临时 Prefect 服务已退出 / the throw-away Prefect server exited with code {code}"
                )
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as answer:  # noqa: S310 — loopback
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass  # not listening yet
            time.sleep(POLL_SECONDS)
        raise ServerFailed(
            f"临时 Prefect 服务 {timeout:.0f} 秒内未就绪 / the throw-away Prefect server did not answer within {timeout:.0f} s"
        )

    def stop(self) -> None:
        """Terminate the server (uvicorn shuts down in order); kill it if it has not gone in 5 s."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def begin() -> ThrowawayServer | None:
    """Start this command's throw-away server now, unless an API is configured; its URL goes into
    $PREFECT_API_URL (for this process's flows and every process they start)."""
    global _current
    if _current is not None or os.environ.get("PREFECT_API_URL"):
        return _current
    server = ThrowawayServer()
    server.launch()  # it boots while Prefect's settings are read
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():  # a profile or prefect.toml names an API: that one is used
        server.stop()
        return None
    os.environ["PREFECT_API_URL"] = server.api_url
    _current = server
    return server


def current() -> ThrowawayServer | None:
    return _current


def end() -> None:
    """Stop the throw-away server `begin` started, if any, and forget its URL."""
    global _current
    server, _current = _current, None
    if server is not None:
        with contextlib.suppress(OSError):
            server.stop()
        if os.environ.get("PREFECT_API_URL") == server.api_url:
            del os.environ["PREFECT_API_URL"]


@contextlib.contextmanager
def booting() -> Iterator[ThrowawayServer | None]:
    """`begin()` now, `end()` when the block ends (if `local_api` has not stopped it already): a
    command's first act, before it imports Prefect and its flows."""
    try:
        yield begin()
    finally:
        end()
