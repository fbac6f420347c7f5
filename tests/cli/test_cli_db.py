"""`clustercert db upgrade | current`, run as an operator runs them (a subprocess)."""

from __future__ import annotations

import subprocess

from flows.local_server import BIN, clean_env


def db(tmp_path, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "clustercert"), "db", *argv],
        env=clean_env(),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_upgrade_migrates_an_empty_registry_once_and_current_says_so(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    behind = db(tmp_path, "current", "--db", url)
    assert behind.returncode == 1 and "clustercert db upgrade" in behind.stdout
    first = db(tmp_path, "upgrade", "--db", url)
    assert first.returncode == 0 and "→" in first.stdout, first.stdout + first.stderr
    again = db(tmp_path, "upgrade", "--db", url)
    assert again.returncode == 0 and "up to date" in again.stdout
    current = db(tmp_path, "current", "--db", url)
    assert current.returncode == 0 and "at head" in current.stdout
    for proc in (behind, first, again, current):
        assert "Traceback" not in proc.stdout + proc.stderr


def test_a_bad_url_is_one_line_and_exit_2(tmp_path) -> None:
    proc = db(tmp_path, "upgrade", "--db", "foo://x")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
