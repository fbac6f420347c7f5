"""A killed process leaves no throw-away Prefect server behind (kill -9 skips every atexit hook)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.local_server import clean_env

STARTS_A_SERVER = """
import sys, time
import flows.runtime  # installs the guard
from prefect.client.orchestration import get_client
with get_client(sync_client=True) as client:
    client.hello()
print("server up", flush=True)
time.sleep(600)
"""


def _guarded_servers(parent: int) -> list[int]:
    """Pids of server processes started through the guard for `parent`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"flows.server_guard" in argv and str(parent).encode() in argv:
            found.append(int(entry.name))
    return found


def _gone(pids: list[int], timeout: float = 15) -> bool:
    """Whether every process of `pids` has ended within `timeout` seconds."""
    return _wait(lambda: not any(Path(f"/proc/{pid}").exists() for pid in pids), timeout)


def _wait(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.mark.slow
@pytest.mark.parametrize("whole_group", [False, True], ids=["parent-only", "process-group"])
def test_server_dies_with_its_parent_on_sigkill(tmp_path, whole_group):
    env = clean_env(PREFECT_HOME=str(tmp_path / "home"), PYTHONPATH=str(Path(__file__).parents[2]))
    proc = subprocess.Popen(
        [sys.executable, "-c", STARTS_A_SERVER],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "server up" in line, line + proc.stdout.read()
        servers = _guarded_servers(proc.pid)
        assert servers, "the temporary server was not started through the guard"
        if whole_group:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
        proc.wait(timeout=10)
        assert _gone(servers), f"server processes {servers} outlived their parent"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
