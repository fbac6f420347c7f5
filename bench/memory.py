"""The peak memory of a mode's whole process tree: itself and every process it started, at once.

`getrusage` gives the largest resident set of this process and, separately, of its largest child;
a campaign's GX helper and worker processes hold their memory at the same time as the flow's, so
the machine needs their sum at its worst moment. `TreeMemory` samples it (`/proc`, every
`SAMPLE_SECONDS`) from a thread of its own while the mode runs.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

SAMPLE_SECONDS = 0.1
_PAGE = os.sysconf("SC_PAGE_SIZE")


def _descendants(pid: int) -> list[int]:
    """Every process under `pid` — but one forked and not yet running its own program (its command
    line still its parent's): until it does, it shares its parent's pages, counted once already."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        line = _cmdline(current)
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except (OSError, ValueError):  # the process or thread ended meanwhile
                continue
            for kid in kids:
                if _cmdline(kid) != line:
                    found.append(kid)
                    todo.append(kid)
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _resident(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):  # ended meanwhile
        return 0


def _name(pid: int) -> str:
    """What the process is: its command line's module (`-m x`) or script, else its executable."""
    argv = _cmdline(pid).decode(errors="replace").split("\0")
    if not argv[0]:
        return str(pid)
    if "-m" in argv[:-1]:
        return argv[argv.index("-m") + 1]
    if "-c" in argv[:-1]:  # multiprocessing's spawned workers
        return "worker" if "spawn_main" in argv[argv.index("-c") + 1] else "python -c"
    return Path(argv[1] if len(argv) > 1 and argv[1] else argv[0]).name


def tree_resident(pid: int | None = None) -> dict[int, int]:
    """Bytes resident now in `pid` (default: this process) and in each of its descendants."""
    root = pid or os.getpid()
    return {p: _resident(p) for p in [root, *_descendants(root)]}


class TreeMemory:
    """`with TreeMemory() as memory: …` then `memory.peak_mib`: the largest sampled sum."""

    def __init__(self) -> None:
        self.peak = 0
        self.at_peak: dict[str, float] = {}  # MiB by process (kind) at the peak
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="tree-memory", daemon=True)

    @property
    def peak_mib(self) -> float:
        return self.peak / 2**20

    def _note(self) -> None:
        now = tree_resident()
        if sum(now.values()) > self.peak:
            self.peak = sum(now.values())
            names = [_name(p) for p in now]
            self.at_peak = {}
            for name, size in zip(names, now.values(), strict=True):
                key = name if names.count(name) == 1 else f"{names.count(name)} × {name}"
                self.at_peak[key] = self.at_peak.get(key, 0) + size / 2**20

    def _sample(self) -> None:
        while True:
            self._note()
            if self._stop.wait(SAMPLE_SECONDS):
                return

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._note()
