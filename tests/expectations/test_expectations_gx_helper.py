"""Great Expectations' helper process: the same results as GX in this process, a fall-back here
when the helper cannot answer, and no helper left when its campaign's process is killed."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from validation.cc_factory import YEAR, corpus

from expectations import engine_gx, gx_helper, prepare
from expectations.suites import build_specs
from schemas import check_structure


@pytest.fixture(scope="module")
def frames():
    return prepare([check_structure(sub) for sub in corpus()], campaign_year=YEAR)


@pytest.fixture
def helper():
    started = gx_helper.start()
    yield started
    gx_helper.stop(wait=True)


def test_the_helper_answers_what_gx_in_this_process_answers(frames, helper) -> None:
    assert gx_helper.current() is helper
    by_helper = engine_gx.evaluate(frames, build_specs())
    assert by_helper == engine_gx.evaluate_here(frames, build_specs())
    assert any(found.unexpected_count for found in by_helper.values())  # the corpus breaks every spec


def test_the_helper_is_sent_only_the_columns_the_specs_read(frames) -> None:
    specs = build_specs()
    sent = gx_helper._what_specs_read(frames, specs)
    assert set(sent) == {spec.table for spec in specs}
    enterprises = sent["enterprises"]
    assert 0 < len(enterprises.columns) < len(frames["enterprises"].columns)
    assert enterprises.index.equals(frames["enterprises"].index)
    for spec in specs:  # every column a spec names is there
        named = [spec.kwargs.get(k) for k in ("column", "column_A", "column_B")]
        named += list(spec.kwargs.get("column_list", ()))
        assert {c for c in named if c and c in frames[spec.table]} <= set(sent[spec.table].columns), spec.id
    assert engine_gx.evaluate_here(sent, specs) == engine_gx.evaluate_here(frames, specs)


def test_a_helper_that_died_leaves_the_work_to_this_process(frames, helper, caplog) -> None:
    os.kill(helper.pid, signal.SIGKILL)
    helper._process.wait(timeout=10)
    with caplog.at_level(logging.WARNING, logger="expectations.engine_gx"):
        found = engine_gx.evaluate(frames, build_specs())
    assert found == engine_gx.evaluate_here(frames, build_specs())
    assert "runs in this process instead" in caplog.text


def test_an_evaluation_that_fails_in_the_helper_is_reported_and_done_here(frames, helper) -> None:
    broken = {name: frame for name, frame in frames.items() if name != "annual"}  # a table missing
    with pytest.raises(gx_helper.HelperFailed, match="KeyError"):
        helper.evaluate(broken, build_specs())
    assert helper.evaluate(frames, build_specs()) == engine_gx.evaluate_here(frames, build_specs())


def test_stopping_the_helper_ends_its_process() -> None:
    started = gx_helper.start()
    gx_helper.stop(wait=True)
    assert started._process.returncode == 0
    assert gx_helper.current() is None


def test_no_helper_outlives_a_campaign_process_killed_with_sigkill() -> None:
    script = textwrap.dedent(
        """
        import time
        from expectations import gx_helper
        print(gx_helper.start().pid, flush=True)
        time.sleep(120)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 60  # it may still be importing GX when its stdin closes
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[-1][0] != "Z"  # a zombie has ended (init reaps it)
    except FileNotFoundError:
        return False


def test_a_helper_whose_campaign_died_mid_request_ends_quietly(frames, capsys) -> None:
    """Killed while its helper evaluated, the campaign never reads the answer: the helper's write
    meets a broken pipe, and it ends without a traceback instead of failing twice."""
    import io

    class Gone(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    requests = io.BytesIO()
    gx_helper._send(requests, (frames, build_specs(None)))
    requests.seek(0)
    gx_helper.serve(requests, io.BufferedWriter(Gone()))  # returns: nothing raised
    assert "Traceback" not in capsys.readouterr().err
