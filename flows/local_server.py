"""A real `prefect server start` on loopback (end-to-end tests, the benchmark), and processes run against it.

Every process is started in its own session (process group) and stopped by terminating that group,
so nothing outlives the test, even when it fails half-way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent
OFFLINE_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any Prefect setting, plus offline defaults and overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(OFFLINE_ENV)
    env.update(overrides)
    return env


@dataclass
class Started:
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None


def start(argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None) -> Started:
    handle = log.open("wb")
    process = subprocess.Popen(
        argv, env=env, cwd=cwd, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    handle.close()
    return Started(process, log)


def stop(started: Started, grace: float = 15.0) -> None:
    """Terminate the whole process group; kill it if it does not go within `grace` seconds."""
    pgid = started.process.pid  # start_new_session: the group id is the leader's pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    try:
        started.process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        started.process.wait(timeout=5)
    deadline = time.monotonic() + grace
    while group_alive(pgid) and time.monotonic() < deadline:  # children may outlive the leader
        time.sleep(0.2)
    if group_alive(pgid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_healthy(url: str, started: Started, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not started.alive():
            raise RuntimeError(f"prefect server exited with {started.process.returncode}:\n{started.tail()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.25)
    raise TimeoutError(f"prefect server not healthy after {timeout:.0f} s:\n{started.tail()}")


@dataclass
class Server:
    api_url: str
    started: Started
    home: Path


PREFECT_TOML = Path(__file__).resolve().parent.parent / "prefect.toml"


def recorder_settings(source: Path = PREFECT_TOML) -> dict[str, str]:
    """The task run recorder's settings of the committed `prefect.toml`, as environment variables.

    Prefect reads `prefect.toml` only from the working directory; a server started elsewhere (by
    the tests, the benchmark, or `clustercert` run from another folder) gets the same settings this
    way. The file says why they differ from Prefect's defaults.
    """
    import tomllib

    if not source.is_file():
        return {}
    table = tomllib.loads(source.read_text(encoding="utf-8"))
    recorder = table.get("server", {}).get("services", {}).get("task_run_recorder", {})
    return {f"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_{k.upper()}": str(v) for k, v in recorder.items()}


@contextlib.contextmanager
def prefect_server(workdir: Path) -> Iterator[Server]:
    """A fresh server with its own PREFECT_HOME and SQLite database, scheduler on, UI off."""
    home = workdir / "server-home"
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = clean_env(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_DATABASE_CONNECTION_URL=f"sqlite+aiosqlite:///{workdir / 'prefect.db'}",
        # The next 10 March run must be visible now, and new deployments scheduled at once.
        PREFECT_SERVER_SERVICES_SCHEDULER_MAX_SCHEDULED_TIME="P400D",
        PREFECT_SERVER_SERVICES_SCHEDULER_RECENT_DEPLOYMENTS_LOOP_SECONDS="1",
        PREFECT_SERVER_UI_ENABLED="false",
        **recorder_settings(),
    )
    argv = [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)]
    started = start(argv, env, workdir / "server.log", cwd=workdir)
    try:
        api_url = f"http://127.0.0.1:{port}/api"
        wait_healthy(api_url, started)
        yield Server(api_url, started, home)
    finally:
        stop(started)
