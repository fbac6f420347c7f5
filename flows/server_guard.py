"""The throw-away Prefect server dies with the process that started it, even on `kill -9`.

Without a `PREFECT_API_URL`, Prefect starts a temporary API server as a child process and stops it
from an `atexit` hook — which never runs when the parent is killed with SIGKILL, so the server (and
its SQLite database lock) outlived the campaign. `install()` makes Prefect start that child through
this module: `python -m flows.server_guard <parent pid> -m uvicorn …`. The guard watches its parent
and, as soon as the parent is gone (the child is re-parented), stops the server: SIGTERM to itself
for uvicorn's orderly shutdown, then a hard exit if that has not finished within a few seconds.

(`PR_SET_PDEATHSIG` would be the kernel's way, but it fires when the *thread* that forked the child
exits, and Prefect may start the server from a short-lived worker thread.)
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time
from types import ModuleType

POLL_SECONDS = 0.5
GRACE_SECONDS = 5.0


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(GRACE_SECONDS)
    os._exit(1)


class _GuardedSubprocess:
    """`subprocess` as Prefect's server module sees it: `Popen` of uvicorn goes through the guard."""

    def __init__(self, real: ModuleType) -> None:
        self._real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    def Popen(self, args: list[str], *rest: object, **options: object) -> object:  # noqa: N802 — mirrors subprocess
        if list(args[:3]) == [sys.executable, "-m", "uvicorn"]:
            args = [sys.executable, "-m", "flows.server_guard", str(os.getpid()), *args[1:]]
        return self._real.Popen(args, *rest, **options)


def install() -> None:
    """Route Prefect's temporary server through the guard (idempotent; only Prefect's server module
    sees the wrapped `subprocess`)."""
    import subprocess

    from prefect.server.api import server

    if not isinstance(server.subprocess, _GuardedSubprocess):
        server.subprocess = _GuardedSubprocess(subprocess)  # type: ignore[assignment]


def main(argv: list[str]) -> None:
    """`<parent pid> -m <module> args…`: watch the parent, then run the module as __main__."""
    parent, flag, module, *rest = argv
    if flag != "-m":
        raise SystemExit("usage: python -m flows.server_guard <parent pid> -m <module> [args…]")
    if os.getppid() != int(parent):  # the parent died before we got here
        raise SystemExit(1)
    threading.Thread(target=_watch, args=(int(parent),), name="parent-guard", daemon=True).start()
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
