"""The CLI tests' fixtures come from tests/flows_management/mgmt_fixtures (shared with the flow tests)."""

import logging
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "flows_management"))


class _CurrentStderr:
    """Whatever `sys.stderr` is when a line is written (pytest swaps it for each test's capture)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def __getattr__(self, name: str):
        return getattr(sys.stderr, name)


@pytest.fixture(autouse=True)
def prefect_console_on_the_current_stderr():
    """Prefect's console log handler keeps the stream it was created with: under `capfd` that is the
    capture of the first test that ran a flow, closed after it, so later tests would read "Logging
    error" tracebacks instead of their own log lines. Point it at the current stderr instead."""
    from prefect.logging.handlers import PrefectConsoleHandler

    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]
    for handler in {h for logger in loggers for h in getattr(logger, "handlers", [])}:
        if isinstance(handler, PrefectConsoleHandler) and not isinstance(handler.stream, _CurrentStderr):
            handler.stream = handler.console.file = _CurrentStderr()
    yield
