"""One Prefect test server for every flow and CLI test of dynamic management (starting one is slow).

Both test folders' conftests call `shared_harness`; the first call starts the server and the session
fixture that started it stops it at the end of the session.
"""

from __future__ import annotations

from contextlib import ExitStack

_stack: ExitStack | None = None


def shared_harness() -> tuple[bool, ExitStack]:
    """(started now, the stack holding the harness)."""
    global _stack
    if _stack is not None:
        return False, _stack
    from prefect.testing.utilities import prefect_test_harness

    _stack = ExitStack()
    _stack.enter_context(prefect_test_harness(server_startup_timeout=60))
    return True, _stack


def close_harness() -> None:
    global _stack
    if _stack is not None:
        _stack.close()
        _stack = None
