"""The command's throw-away server, started before Prefect is imported (`flows.throwaway_server`):
Prefect's own server command, no server modules in the command's process, gone with the command
(even on kill -9), and none at all when an API is configured."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows import throwaway_server
from flows.local_server import clean_env
from tests.flows.test_server_guard import _gone, _guarded_servers

REPO = Path(__file__).parents[2]

RUNS_A_FLOW = """
import sys, time
from clustercert.environment import prepare
prepare()
from flows import throwaway_server
started = throwaway_server.begin()
assert started is not None
from flows.runtime import local_api, wait_until_recorded
from prefect import flow

@flow(name="throwaway-check")
def check() -> int:
    return 1

with local_api() as url:
    assert url == started.api_url, (url, started.api_url)
    assert check() == 1
    wait_until_recorded()  # as every command does before its server stops
    print("server modules here:", "prefect.server.api.server" in sys.modules, flush=True)
    print("flow ran on", url, flush=True)
    if sys.argv[1] == "stay":
        time.sleep(600)
print("stopped:", throwaway_server.current() is None and started.process is None, flush=True)
"""


def test_the_server_command_is_prefects_own() -> None:
    """What Prefect's SubprocessASGIServer runs for its temporary server, word for word: an upgrade
    of Prefect that changes it fails here, not in a campaign."""
    from prefect.server.api import server as prefect_server

    seen: list[list[str]] = []

    class Recording:
        def __getattr__(self, name: str) -> object:
            return getattr(subprocess, name)

        def Popen(self, args: list[str], **options: object) -> None:  # noqa: N802 — mirrors subprocess
            seen.append(list(args))
            env = options["env"]
            assert isinstance(env, dict)
            for key, value in throwaway_server.SERVER_ENV.items():
                assert env[key] == value

    instance = prefect_server.SubprocessASGIServer(port=8765)
    real = prefect_server.subprocess
    prefect_server.subprocess = Recording()  # type: ignore[assignment]
    try:
        instance._run_uvicorn_command()
    finally:
        prefect_server.subprocess = real
        instance.stop()
    assert seen == [throwaway_server.uvicorn_argv(8765)]


def _lines_until(proc: subprocess.Popen[str], text: str, timeout: float) -> list[str]:
    """The process's lines of output up to the first that holds `text` (what came, if it ends or
    `timeout` seconds pass first): never blocks on a process that goes on running."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if text in line:
            break
    return seen or [""]


def _run(tmp_path: Path, mode: str) -> subprocess.Popen[str]:
    env = clean_env(CLUSTERCERT_VAR=str(tmp_path / "var"), PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-c", RUNS_A_FLOW, mode],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


@pytest.mark.slow
def test_a_command_runs_its_flow_on_it_and_stops_it(tmp_path: Path) -> None:
    proc = _run(tmp_path, "leave")
    out, _ = proc.communicate(timeout=180)
    assert proc.returncode == 0, out
    assert "server modules here: False" in out, out  # ~1.7 s of imports the command no longer does
    assert "flow ran on http://127.0.0.1:" in out and "stopped: True" in out, out
    assert "Traceback" not in out and "ERROR" not in out, out
    assert not _guarded_servers(proc.pid)


@pytest.mark.slow
def test_it_dies_with_the_command_on_sigkill(tmp_path: Path) -> None:
    proc = _run(tmp_path, "stay")
    try:
        lines = _lines_until(proc, "flow ran on", timeout=180)
        assert "flow ran on" in lines[-1], "".join(lines)
        servers = _guarded_servers(proc.pid)
        assert servers, "the throw-away server was not started through the guard"
        proc.kill()
        proc.wait(timeout=10)
        assert _gone(servers), f"server processes {servers} outlived their command"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_none_when_a_prefect_toml_names_an_api(tmp_path: Path) -> None:
    """An API named where Prefect reads its settings (here `prefect.toml` in the working folder) is
    the one the command uses: the server begun on spec is stopped at once, nothing is exported."""
    (tmp_path / "prefect.toml").write_text('[api]\nurl = "http://127.0.0.1:9/api"\n', encoding="utf-8")
    script = """
import os
from flows import throwaway_server
print(throwaway_server.begin(), os.environ.get("PREFECT_API_URL"), flush=True)
"""
    env = clean_env(CLUSTERCERT_VAR=str(tmp_path / "var"), PYTHONPATH=str(REPO))
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "None None", done.stdout
    assert time.monotonic() - started < 30


NESTED = """
from clustercert.environment import prepare
prepare()
from flows import throwaway_server
throwaway_server.begin()
from flows.runtime import local_api
from prefect.client.orchestration import get_client
with local_api() as outer:
    with local_api() as inner:
        assert inner == outer
    with get_client(sync_client=True) as client:  # the inner block's end left the server running
        client.hello()
    print("still up", flush=True)
print("stopped:", throwaway_server.current() is None, flush=True)
"""


@pytest.mark.slow
def test_a_block_inside_another_leaves_the_server_to_the_outer_one(tmp_path: Path) -> None:
    env = clean_env(CLUSTERCERT_VAR=str(tmp_path / "var"), PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", NESTED], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "still up" in done.stdout and "stopped: True" in done.stdout, done.stdout + done.stderr


def test_a_server_that_cannot_start_is_tried_again_on_another_port_then_given_up(monkeypatch) -> None:
    """uvicorn exits with 3 when it cannot start: a port taken meanwhile is worth another try, a
    broken app (its database) is not worth waiting the whole startup timeout for."""
    launched: list[int] = []

    def launch(self: throwaway_server.ThrowawayServer) -> None:
        launched.append(1)
        self.port = 1
        self.process = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])

    monkeypatch.setattr(throwaway_server.ThrowawayServer, "launch", launch)
    server = throwaway_server.ThrowawayServer()
    server.launch()
    started = time.monotonic()
    with pytest.raises(throwaway_server.ServerFailed, match="code 3"):
        server.wait_ready(timeout=60)
    assert len(launched) == 1 + throwaway_server.RESTARTS
    assert time.monotonic() - started < 30
