"""Running the real `clustercert` command and reading what it writes (no product imports)."""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

CLI = Path(sys.executable).with_name("clustercert")


@dataclass
class Run:
    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        shown = self.args if len(self.args) <= 16 else [*self.args[:4], f"… ({len(self.args)} args)"]
        return (
            f"$ clustercert {' '.join(shown)}\nexit {self.returncode} after {self.seconds:.1f} s\n"
            f"--- stdout (tail)\n{self.stdout[-3000:]}\n--- stderr (tail)\n{self.stderr[-3000:]}"
        )


def prefect_env(home: Path) -> dict[str, str]:
    """A fresh Prefect home, no telemetry, and no registry URL inherited from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLUSTERCERT_"))}
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        GX_ANALYTICS_ENABLED="false",
    )
    return env


def run_cli(args: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> Run:
    """Run `clustercert ARGS`; past the timeout, kill it and whatever it started (its own process
    group, e.g. a throw-away Prefect server) and report exit code -9."""
    env = env if env is not None else prefect_env(cwd / "prefect-home")
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(CLI), *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        code = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        code = -9
        stderr += f"\n[acceptance] killed after {timeout:.0f} s\n"
    return Run(args, code, stdout, stderr, time.monotonic() - start)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def truthy(text: str | None) -> bool:
    return (text or "").strip().lower() in {"true", "1", "yes", "是", "y", "t"}


def id_set(text: str | None) -> set[str]:
    return {part.strip() for part in (text or "").split(";") if part.strip()}


ERROR_LOG_LINE = re.compile(r"\|\s*ERROR\s*\|")


def error_log_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if " ERROR " in line or ERROR_LOG_LINE.search(line)]


def copy_into(folder: Path, files: list[Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, folder / f.name)
    return folder
