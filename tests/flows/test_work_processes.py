"""The campaign's worker processes (`tasks.work_processes`): the same work as in the task's thread,
in spawned processes; a broken pool falls back to the thread; nothing to do without a pool."""

from __future__ import annotations

import logging
import os
import pickle
import signal
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from intake.spec_workbook import USCC, save, sheets, workbook

from clustercert.stages import collect
from clustercert.stages.context import context
from clustercert.stages.setup import CampaignSetup
from tasks import work_processes as work


@pytest.fixture
def pool():
    work.start(2)
    yield
    work.stop()


def _setup(tmp_path: Path, out: str) -> CampaignSetup:
    return CampaignSetup(
        year=2026,
        out=str(tmp_path / out),
        as_of=date(2026, 7, 24),
        inbox=str(tmp_path / "inbox"),
        db_url=f"sqlite:///{tmp_path / (out + '.db')}",
    )


def _inbox(tmp_path: Path) -> list[Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    good = workbook(inbox / "良好.xlsx")
    broken = sheets()
    broken["企业名录"][1][0] = USCC[0][:-1] + "X"  # a wrong check character
    broken["经营指标"][1][1] = "很多"  # not a number
    save(inbox / "有误.xlsx", broken)
    return [good, inbox / "有误.xlsx"]


def _same(a, b) -> None:
    assert (a.submission_id, a.sha256, a.file) == (b.submission_id, b.sha256, b.file)
    assert [i.message for i in a.issues] == [i.message for i in b.issues]
    assert [(x.name, x.sha256, x.size) for x in a.sources] == [(x.name, x.sha256, x.size) for x in b.sources]
    assert a.field_rows == b.field_rows and sorted(a.tables) == sorted(b.tables)
    for key in a.tables:
        pd.testing.assert_frame_equal(a.tables[key], b.tables[key])


def test_a_worker_reads_what_the_thread_reads(tmp_path, pool) -> None:
    assert work.run(os.getpid) != os.getpid()  # the work goes to another process
    paths = _inbox(tmp_path)
    here_ctx = context(_setup(tmp_path, "here"))
    here = [collect.receive(p, here_ctx) for p in paths]
    there_setup = _setup(tmp_path, "there")
    there = [work.Pickled(d).load() for d in work.run(work.receive, [str(p) for p in paths], there_setup)]
    for a, b in zip(here, there, strict=True):
        _same(a, b)
    # the worker archived the files where the flow's process finds them
    archive = context(there_setup).archive
    assert all(archive.holds(s.sha256, s.file) for s in there)


def test_pickled_writes_its_bytes_and_reads_back_as_the_object(tmp_path) -> None:
    (path,) = _inbox(tmp_path)[:1]
    sub = collect.receive(path, context(_setup(tmp_path, "p")))
    wrapped = work.Pickled(pickle.dumps(sub))
    again = pickle.loads(pickle.dumps(wrapped))
    assert not isinstance(again, work.Pickled)
    _same(again, sub)


def test_a_killed_worker_leaves_the_work_to_the_thread(tmp_path, pool, caplog) -> None:
    paths = _inbox(tmp_path)
    setup = _setup(tmp_path, "k")
    work.run(work.receive, [str(paths[0])], setup)  # the pool is up
    for pid in list(work._pool._processes):  # type: ignore[union-attr]
        os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.WARNING, logger="tasks.work_processes"):
        read = work.run(work.receive, [str(p) for p in paths], setup)
    assert len(read) == 2 and not work.running()
    assert "worker process died" in caplog.text


def test_without_a_pool_the_work_runs_here(tmp_path) -> None:
    work.stop()
    paths = _inbox(tmp_path)
    read = work.run(work.receive, [str(p) for p in paths], _setup(tmp_path, "n"))
    assert [work.Pickled(d).load().file for d in read] == [p.name for p in paths]


@pytest.mark.parametrize(
    ("url", "usable"),
    [("sqlite://", False), ("sqlite:///:memory:", False), ("sqlite:///var/r.db", True), (None, True),
     ("postgresql+psycopg://u@h/db", True)],
)  # fmt: skip
def test_a_registry_only_this_process_sees_keeps_the_work_here(url, usable) -> None:
    setup = CampaignSetup(year=2026, out="out", as_of=date(2026, 7, 24), db_url=url)
    assert work.usable(setup) is usable


def test_workers_end_when_the_campaigns_process_is_killed(tmp_path) -> None:
    """SIGKILL leaves no worker behind (each watches its parent; none would read end-of-file)."""
    import subprocess
    import sys
    import time

    script = (
        "import os, sys\n"
        "from tasks import work_processes as work\n"
        "work.start(2)\n"
        "work.run(os.getpid)\n"
        "print(*work._pool._processes, flush=True)\n"
        "sys.stdin.read()\n"
    )
    parent = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path.cwd(),
    )
    pids = [int(p) for p in parent.stdout.readline().split()]  # type: ignore[union-attr]
    assert len(pids) == 2
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [pid for pid in pids if Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)]
    assert not alive, f"workers still running: {alive}"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"
