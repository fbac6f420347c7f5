"""An output folder is replaced whole or not at all: a run writes beside it, then swaps.

A campaign that fails half-way must not leave eleven new files beside the old ones (a reader could
not tell which decisions.csv goes with which certified.csv). So a run writes its reports into a
staging folder next to the output folder and `publish()` swaps the two with renames: readers see the
old folder or the new one, never a mix.

The raw-file archive (`archive/`) lives in the output folder but belongs to every run: it stays in
place while the run archives into it and moves into the new folder at the swap. If a process dies
between the renames, the next `OutputFolder.start()` puts things back.

A folder that holds files we did not write is never replaced (it could be someone's home folder):
ours carry a marker file.

A campaign notes in its staging folder which stages have written their reports there, and on
which inputs (`STAGED`, travelling with the folder when it is published). A run killed half-way
leaves its staging folder; the next run on the same inputs resumes in it (`resume`), and one that
finds the published folder made from the same inputs starts from a copy of it: the reports of the
stages it need not run are already in place (`clustercert.stages.resume`).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

MARKER = ".clustercert-output"
STAGED = ".clustercert-stages.json"  # {"inputs": SHA-256, "stages": [names, in the order written]}
ARCHIVE = "archive"
KEPT = (ARCHIVE,)  # what a new run carries over from the folder it replaces


class ForeignFolder(Exception):
    """The output folder holds files clustercert did not write: it will not be replaced."""


class OutputFolder:
    def __init__(self, final: Path) -> None:
        self.final = Path(final)
        self.staging = self.final.parent / f".{self.final.name}.staging"
        self._previous = self.final.parent / f".{self.final.name}.previous"

    @property
    def archive(self) -> Path:
        """Where raw files are archived: inside the published folder, kept across runs."""
        return self.final / ARCHIVE

    def check_ours(self) -> None:
        """Refuse a non-empty folder without our marker (nothing of it would survive the swap)."""
        if not self.final.exists():
            return
        if not self.final.is_dir():
            raise ForeignFolder(f"{self.final} is a file, not a folder")
        if (self.final / MARKER).exists():
            return
        foreign = sorted(p.name for p in self.final.iterdir() if p.name not in KEPT)
        if foreign:
            shown = "、".join(foreign[:5]) + ("…" if len(foreign) > 5 else "")
            raise ForeignFolder(
                f"输出目录已有其他文件（{shown}），为免覆盖请指定新的或空的输出目录 / {self.final} already "
                "holds files clustercert did not write; choose a new or empty --out folder"
            )

    def start(self, *, carry_over: bool = False) -> Path:
        """Recover from a run that died mid-swap, then give a fresh staging folder: empty (a run that
        writes every report), or a copy of the published one (a run of one stage, which rewrites
        only its own reports and leaves the others as they are)."""
        self.check_ours()
        self._recover()
        shutil.rmtree(self.staging, ignore_errors=True)
        if carry_over and self.final.is_dir():
            shutil.copytree(self.final, self.staging, ignore=shutil.ignore_patterns(*KEPT))
        self.staging.mkdir(parents=True, exist_ok=True)
        self.final.mkdir(parents=True, exist_ok=True)
        (self.final / MARKER).touch()
        return self.staging

    def resume(self, inputs: str) -> tuple[Path, list[str]]:
        """A staging folder for a campaign run on `inputs`, and the stages whose reports it already
        holds: the staging folder a run on the same inputs left (killed before it published), else
        a copy of the published folder if it was made from the same inputs, else a fresh one."""
        self.check_ours()
        self._recover()
        left = staged_stages(self.staging, inputs)
        if left:
            return self.staging, left
        published = staged_stages(self.final, inputs)
        staging = self.start(carry_over=bool(published))
        return staging, published

    def publish(self) -> Path:
        """Swap the staging folder in; the kept parts (the archive) move from the old folder."""
        (self.staging / MARKER).touch()
        for name in KEPT:
            if (self.final / name).exists() and not (self.staging / name).exists():
                os.replace(self.final / name, self.staging / name)
        shutil.rmtree(self._previous, ignore_errors=True)
        if self.final.exists():
            os.replace(self.final, self._previous)
        os.replace(self.staging, self.final)
        shutil.rmtree(self._previous, ignore_errors=True)
        return self.final

    def discard(self) -> None:
        """A run that will not publish: drop what it staged, keep the archive where it is."""
        for name in KEPT:
            if (self.staging / name).exists() and not (self.final / name).exists():
                os.replace(self.staging / name, self.final / name)
        shutil.rmtree(self.staging, ignore_errors=True)

    def _recover(self) -> None:
        if not self.final.exists() and self._previous.exists():
            os.replace(self._previous, self.final)  # died between the two renames of publish()
        for name in KEPT:
            moved = self.staging / name
            if moved.exists() and not (self.final / name).exists():
                self.final.mkdir(parents=True, exist_ok=True)
                os.replace(moved, self.final / name)  # died after moving the archive, before the swap
        shutil.rmtree(self._previous, ignore_errors=True)


def staged_stages(folder: Path, inputs: str) -> list[str]:
    """The stages whose reports `folder` holds, written on `inputs` (none for other inputs)."""
    try:
        noted = json.loads((folder / STAGED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(noted, dict) or noted.get("inputs") != inputs:
        return []
    return [str(name) for name in noted.get("stages", [])]


def note_staged(folder: Path, inputs: str, stage: str) -> None:
    """`stage` has written its reports into `folder` on `inputs` (a note on other inputs is replaced)."""
    stages = [s for s in staged_stages(folder, inputs) if s != stage] + [stage]
    part = folder / f"{STAGED}.part"
    part.write_text(json.dumps({"inputs": inputs, "stages": stages}), encoding="utf-8")
    os.replace(part, folder / STAGED)
