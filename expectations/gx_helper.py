"""Great Expectations in a helper process that starts early, on the machine's other core.

Importing GX and opening its ephemeral context costs ~3 s of one interpreter — the largest single
item of a provincial campaign, and in a single process it waits for the intake before it can start
(or competes with it for the interpreter). A campaign that will check data quality with GX starts
this helper first (`start()`): a plain child process (`python -m expectations.gx_helper`) imports
GX and opens its context while the campaign reads the county files, then evaluates the prepared
tables it is sent — the very `engine_gx.evaluate` — and answers with the results.

The protocol is pickles over the child's stdin/stdout, each prefixed by its length. The child ends
when its stdin closes: when the campaign stops it (`stop()`), or when the campaign's process dies in
any way (even SIGKILL), so no helper outlives its campaign. If the helper cannot answer (it died,
its GX failed to load), `evaluate` says why in the log and evaluates in this process instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import IO, Any

import pandas as pd

from expectations.spec import Evaluation, ExpectationSpec, columns_read

log = logging.getLogger(__name__)
_HEADER = struct.Struct("!Q")


class HelperFailed(Exception):
    """The helper process could not evaluate (it is gone, or its Great Expectations is not usable)."""


def _send(stream: IO[bytes], payload: Any) -> None:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the other side closed the pipe")
    (size,) = _HEADER.unpack(header)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("the other side closed the pipe mid-message")
    return pickle.loads(data)  # noqa: S301 — our own child process, over its own pipe


class Helper:
    """One helper process; `evaluate` may be called from any thread (one request at a time)."""

    def __init__(self) -> None:
        env = {**os.environ, "GX_ANALYTICS_ENABLED": "false", "PYTHONUNBUFFERED": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-m", "expectations.gx_helper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self._lock = threading.Lock()
        self._sent = threading.Condition()
        self.sends = 0  # requests sent so far: the caller's process is free while one is evaluated

    @property
    def pid(self) -> int:
        return self._process.pid

    def evaluate(
        self, frames: Mapping[str, pd.DataFrame], specs: Sequence[ExpectationSpec]
    ) -> dict[str, Evaluation]:
        with self._lock:
            try:
                assert self._process.stdin is not None and self._process.stdout is not None
                _send(self._process.stdin, (_what_specs_read(frames, specs), list(specs)))
                with self._sent:
                    self.sends += 1
                    self._sent.notify_all()
                ok, value = _receive(self._process.stdout)
            except (OSError, EOFError, pickle.PickleError) as exc:
                raise HelperFailed(f"the helper process stopped ({exc})") from None
        if not ok:
            raise HelperFailed(value)
        return value

    def wait_for_send(self, after: int, timeout: float) -> bool:
        """Whether more than `after` requests were sent within `timeout` seconds."""
        with self._sent:
            return self._sent.wait_for(lambda: self.sends > after, timeout=timeout)

    def stop(self, *, wait: bool = False) -> None:
        """Close its stdin: it then ends on its own. Without `wait`, a daemon thread reaps it (the
        campaign goes on at once); a helper that has not ended after 5 s is killed."""
        with self._lock:
            if self._process.stdin is not None and not self._process.stdin.closed:
                with contextlib.suppress(OSError):  # a helper already gone: nothing to close
                    self._process.stdin.close()
        if wait:
            self._reap()
        else:
            threading.Thread(target=self._reap, name="gx-helper-reaper", daemon=True).start()

    def _reap(self) -> None:
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


_current: Helper | None = None


def wanted(engine: str) -> bool:
    """Whether a campaign checking with `engine` uses the helper: with GX on this machine's thread
    runner (a process pool or Dask runs the quality task in a worker of its own, where the helper
    would sit unused). Read without Prefect: a command starts the helper before it imports Prefect,
    so that GX loads on the other core while Prefect does."""
    from clustercert.environment import task_runner_kind

    return engine == "gx" and task_runner_kind() == "thread"


def start() -> Helper:
    """Start this process's helper (once); `engine_gx.evaluate` then sends its work there."""
    global _current
    if _current is None:
        _current = Helper()
    return _current


def current() -> Helper | None:
    return _current


def stop(*, wait: bool = False) -> None:
    """Stop this process's helper, if one was started (`wait`: until it has ended)."""
    global _current
    helper, _current = _current, None
    if helper is not None:
        helper.stop(wait=wait)


def _what_specs_read(
    frames: Mapping[str, pd.DataFrame], specs: Sequence[ExpectationSpec]
) -> dict[str, pd.DataFrame]:
    """Each table the specs check, with only the columns they read (same rows, same index): what
    the helper is sent, pickled and holds. National enterprises: 1 M rows of names and codes the
    expectations never look at."""
    read = columns_read(specs)
    return {
        table: frame[[c for c in frame.columns if c in read[table]]]
        for table, frame in frames.items()
        if table in read
    }


def serve(requests: IO[bytes], answers: IO[bytes]) -> None:
    """The child's loop: open GX once, then answer every request until the requests end."""
    from clustercert.collector_pace import keep_campaign_pace
    from expectations import engine_gx

    keep_campaign_pace()  # it holds the campaign's stacked tables
    try:
        engine_gx.context()
        failure = None
    except Exception as exc:  # noqa: BLE001 — reported to the campaign, which evaluates itself
        failure = f"Great Expectations could not be loaded in the helper: {exc!r}"
    while True:
        try:
            frames, specs = _receive(requests)
        except EOFError:
            return
        answer: tuple[bool, Any] = (False, failure)
        if failure is None:
            try:
                answer = (True, engine_gx.evaluate_here(frames, specs))
            except Exception as exc:  # noqa: BLE001 — the campaign re-raises it where it evaluates
                answer = (False, f"{type(exc).__name__}: {exc}")
        try:
            _send(answers, answer)
        except OSError:  # the campaign is gone (killed while this evaluated): nobody to answer
            return


if __name__ == "__main__":  # python -m expectations.gx_helper (started by `start`)
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # anything GX prints goes to stderr, not the pipe
    serve(sys.stdin.buffer, answers)
    with contextlib.suppress(OSError):  # an answer the killed campaign never read
        answers.close()
    os._exit(0)  # nothing left to tear down: GX's interpreter teardown alone takes half a second
