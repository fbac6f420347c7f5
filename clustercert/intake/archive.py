"""The raw-file archive: every file is kept, byte for byte, under its SHA-256 before anything parses it.

Layout: ``<root>/<sha256[:2]>/<sha256><suffix>`` plus ``<root>/manifest.jsonl`` with one line per
(sha256, name) pair received. Re-running intake over the same inbox adds nothing: the same bytes are
stored once and the same (sha256, name) pair is logged once, keeping its first ``received_at``.
File names are display strings only; no path is ever built from them.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path

from clustercert.submission import SourceFile

MAX_RAW_BYTES = 50 * 1024 * 1024  # a county's workbook is well under 5 MiB; 50 MiB leaves room
CHUNK = 1024 * 1024
MANIFEST = "manifest.jsonl"
_SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size of a file, streamed."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def safe_suffix(name: str) -> str:
    """The lower-case extension of `name` if it is plain (".xlsx"), else "" (never a path piece)."""
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return suffix if _SAFE_SUFFIX.fullmatch(suffix) else ""


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Archive:
    """Content-addressed store of received files, with an append-only manifest.

    Files larger than `max_bytes` are hashed and logged (so that their receipt is on record) but not
    copied; their `SourceFile.archived_path` is "" and intake reports them as too large.
    Safe for several processes: the manifest is appended under an exclusive `flock`.
    """

    def __init__(self, root: Path, max_bytes: int = MAX_RAW_BYTES) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.manifest = self.root / MANIFEST
        self._entries: dict[tuple[str, str], SourceFile] = {}
        self._shas: set[str] = set()
        self._names: set[str] = set()
        self._offset = 0  # bytes of the manifest already loaded
        # Tasks of one campaign archive files from several threads: one reader of the manifest at a time.
        self._lock = threading.RLock()

    # -- manifest --------------------------------------------------------------------------------
    def _refresh(self) -> None:
        """Load manifest lines written since the last look (by us or another process)."""
        with self._lock:
            self._refresh_unlocked()

    def _refresh_unlocked(self) -> None:
        if not self.manifest.exists():
            return
        with self.manifest.open("rb") as fh:
            fh.seek(self._offset)
            data = fh.read()
        complete = data[: data.rfind(b"\n") + 1]  # a line still being written is read next time
        self._offset += len(complete)
        for line in complete.decode("utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                source = SourceFile(**{k: rec[k] for k in SourceFile.__dataclass_fields__})
                self._entries.setdefault((source.sha256, source.name), source)
                self._shas.add(source.sha256)
                self._names.add(source.name)

    def seen(self, sha256: str) -> bool:
        """Whether these bytes were ever received (under any name)."""
        self._refresh()
        return sha256 in self._shas

    def received_under(self, name: str) -> bool:
        """Whether anything was ever received under this name (a cache asks before it hashes a file:
        a name never received has nothing to find)."""
        self._refresh()
        return name in self._names

    def holds(self, sha256: str, name: str) -> bool:
        """Whether these bytes were received under this name and are still kept (a cache may skip
        receiving them again)."""
        self._refresh()
        source = self._entries.get((sha256, name))
        return source is not None and (not source.archived_path or Path(source.archived_path).is_file())

    def entries(self) -> list[SourceFile]:
        self._refresh()
        return list(self._entries.values())

    # -- store -----------------------------------------------------------------------------------
    def store(self, path: Path, name: str | None = None) -> SourceFile:
        """Copy `path` into the archive (one pass: hash while copying) and log it; idempotent."""
        path = Path(path)
        name = name if name is not None else path.name
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    if size <= self.max_bytes:
                        out.write(chunk)
            sha = digest.hexdigest()
            archived = ""
            if size <= self.max_bytes:
                target = self.root / sha[:2] / f"{sha}{safe_suffix(name)}"
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    tmp.unlink()
                else:
                    os.replace(tmp, target)
                archived = str(target)
        finally:
            tmp.unlink(missing_ok=True)
        return self._log(SourceFile(name, sha, size, utc_now(), archived))

    def _log(self, source: SourceFile) -> SourceFile:
        with self._lock:
            return self._log_unlocked(source)

    def _log_unlocked(self, source: SourceFile) -> SourceFile:
        self.manifest.touch(exist_ok=True)
        with self.manifest.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._refresh()
                known = self._entries.get((source.sha256, source.name))
                if known is not None:
                    return known
                fh.write(json.dumps(source.__dict__, ensure_ascii=False) + "\n")
                fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        self._refresh()
        return self._entries[(source.sha256, source.name)]
