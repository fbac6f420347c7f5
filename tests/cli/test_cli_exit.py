"""The `clustercert` program leaves without tearing the interpreter down (`clustercert.cli.run`),
yet does all a program must do at exit: its exit code, every line of output (to a file or a pipe),
the exit handlers and the threads that are not daemons."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PROGRAM = textwrap.dedent(
    """
    import atexit, sys, threading, time
    from pathlib import Path

    marks = Path(sys.argv[1])
    atexit.register(lambda: marks.joinpath("atexit").write_text("ran"))

    def late() -> None:
        time.sleep(0.5)
        marks.joinpath("thread").write_text("ran")

    threading.Thread(target=late).start()  # not a daemon: the program waits for it
    sys.argv = ["clustercert", "validate", sys.argv[2]]
    from clustercert.cli import run

    run()
    """
)


def _broken_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "230102-改了扩展名.xlsx"
    path.write_text("不是工作簿", encoding="utf-8")
    return path


def test_the_program_keeps_its_exit_code_output_handlers_and_threads(tmp_path) -> None:
    marks = tmp_path / "marks"
    marks.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(marks), str(_broken_workbook(tmp_path))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert "未通过 invalid" in done.stdout and "不是有效的 Excel 工作簿" in done.stdout
    assert "Traceback" not in done.stderr
    assert (marks / "atexit").read_text() == "ran"
    assert (marks / "thread").read_text() == "ran"


def test_output_into_a_pipe_that_closes_early_is_no_traceback(tmp_path) -> None:
    clustercert = Path(sys.executable).parent / "clustercert"
    workbook = _broken_workbook(tmp_path)
    for n in range(400):  # more output than a pipe holds: the writer meets the closed pipe
        (tmp_path / f"{n:03d}-{workbook.name}").write_bytes(workbook.read_bytes())
    done = subprocess.run(
        f"'{clustercert}' validate '{tmp_path}'/*.xlsx | head -n 1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout
    assert "Traceback" not in done.stderr
