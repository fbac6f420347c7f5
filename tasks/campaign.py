"""The campaign's units of work: a file, a batch of submissions, a prefecture, one campaign-wide step.

Each task takes small, picklable arguments (paths, ids, the plain `CampaignSetup`) and reopens the
campaign's resources where it runs (`clustercert.stages.context.context`), so the task runner decides
where it runs: the thread pool on a laptop, a process pool, or Dask workers on other machines.
Results are persisted under keys made from content — a file's SHA-256, the policy and its
overrides, the code version — so a re-run after a crash, or with nothing changed, reads what was
done instead of doing it again, wherever reading costs less than the work (see `check_structures`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clustercert.campaign.prefecture import PrefectureRecommendation
from clustercert.intake import content_sha256
from clustercert.rules import Evaluation
from clustercert.stages import collect, validate
from clustercert.stages.context import context
from clustercert.stages.setup import CampaignSetup, code_version
from clustercert.submission import Submission
from clustercert.validation import QualityReport, StructureResult
from tasks import work_processes as work
from tasks.runtime import unit_task


def _digest(*parts: object) -> str:
    return hashlib.sha256("\n".join(str(p) for p in parts).encode()).hexdigest()[:32]


def submission_key(sha256: str, year: int) -> str:
    """One submission as read: the same bytes in the same campaign year read the same way."""
    return f"submission-{sha256}-{year}-{code_version()}"


# -- collect-submissions ------------------------------------------------------------------------


def _store() -> _Submissions:
    """The result store of persisted task results (Prefect's, as configured for the tasks), kept
    out of Prefect's in-memory cache of results.

    That cache is one LRU shared by every thread of the process and is not thread-safe: two
    structure batches reading their submissions back at once raised KeyError in its eviction (a
    national campaign, 3,000 submissions). It would also hold up to 1,000 submissions in memory.
    Submissions go to storage and come back from it, and nothing else.
    """
    from cachetools import LRUCache
    from prefect.results import get_result_store

    store = get_result_store().update_for_task(receive_files)
    return _Submissions(
        store.model_copy(update={"cache_result_in_memory": False, "cache": LRUCache(maxsize=1)})
    )


# Submissions this process wrote to the result store and has not read back yet, by key: the validate
# stage's read-back of what the collect stage wrote in the same process takes the object itself
# instead of unpickling its copy (at national scale ~2 ms per submission). Read once, an entry goes
# (a second read — a resumed stage — goes to the store); one never read (a superseded file, which the
# validate stage does not read) stays until the process ends, and no more than _UNREAD_AT_MOST are
# held. Other processes (a process pool, Dask workers) find nothing here and read the store.
_UNREAD: dict[str, Any] = {}
_UNREAD_AT_MOST = 4096


class _Submissions:
    """Submissions kept in the result store under their own keys, as Prefect writes them.

    Prefect's `exists` reads and unpickles the whole result to say yes, and every read resolves
    each folder of the path again (`LocalFileSystem._resolve_path`): a third of a re-run's reading
    time. When the records sit in local folders, `exists` looks for the key's file and `read`
    unpickles the result once; any other storage (a block every worker reaches) goes through
    Prefect's store as it is. Writing is Prefect's, so both read the same records.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self.results = _local_folder(store.result_storage)
        self.keys = _local_folder(store.metadata_storage) if store.metadata_storage is not None else None
        self.local = self.results is not None and (store.metadata_storage is None or self.keys is not None)

    def exists(self, key: str) -> bool:
        if key in _UNREAD:
            return True
        if not self.local:
            return bool(self.store.exists(key))
        return ((self.keys or self.results) / key).is_file()  # type: ignore[operator]

    def read(self, key: str) -> Any:
        kept = _UNREAD.pop(key, None)
        if kept is not None:
            return kept
        if not self.local:
            return self.store.read(key).result
        from prefect._internal.result_records import ResultRecord, ResultRecordMetadata

        if self.keys is None:
            content = (self.results / key).read_bytes()  # type: ignore[operator]
            return ResultRecord.deserialize(content, backup_serializer=self.store.serializer).result
        metadata = (self.keys / key).read_bytes()
        stored = ResultRecordMetadata.load_bytes(metadata).storage_key or key
        content = (self.results / stored).read_bytes()  # type: ignore[operator]  # absolute stays absolute
        return ResultRecord.deserialize_from_result_and_metadata(result=content, metadata=metadata).result

    def write(self, obj: Any, key: str, *, keep: bool = True, kept: Any = None) -> None:
        """Write `obj` under `key`; `keep`: also hold it (or `kept`, what `obj` unpickles to) here
        until this process reads it back."""
        self.store.write(obj, key=key)
        if keep and len(_UNREAD) < _UNREAD_AT_MOST:
            _UNREAD[key] = obj if kept is None else kept


def _local_folder(storage: Any) -> Path | None:
    """The resolved folder of a local file system storage, None for any other storage."""
    from prefect.filesystems import LocalFileSystem

    if storage is None:
        from prefect.results import get_default_result_storage

        storage = get_default_result_storage(_sync=True)
    if not isinstance(storage, LocalFileSystem):
        return None
    return Path(storage.basepath or ".").expanduser().resolve()


class _Referenced(list):  # type: ignore[type-arg]
    """A task's list of results whose submissions each sit in the result store under their own key.

    In memory it is the plain list. Pickled — when Prefect persists the task's result, or ships it
    from a Dask worker or a process pool back to the flow — each stored submission is written as its
    key only and read back from the store when unpickled: a batch's result no longer holds a second
    copy of every submission (at national scale ~130 MB of pickles per copy), and a cache hit reads
    each submission once. `refs[i]` is that key, or the item's submission itself where it is not in
    the store (`rest[i]` is what else the item holds).
    """

    def __init__(self, items: Any = (), refs: list[Any] | None = None, rest: list[Any] | None = None) -> None:
        super().__init__(items)
        self.refs, self.rest = refs, rest

    def __reduce__(self) -> tuple[Any, ...]:
        if self.refs is None or len(self.refs) != len(self):  # rebuilt or changed: by value
            return (list, (list(self),))
        return (_unreferenced, (self.refs, self.rest))


def _unreferenced(refs: list[Any], rest: list[Any] | None) -> list[Any]:
    store = _store()
    subs = [store.read(ref) if isinstance(ref, str) else ref for ref in refs]
    return subs if rest is None else list(zip(subs, rest, strict=True))


def _member_files(path: Path) -> list[tuple[Path, str]]:
    """(file, name as archived) of a file, or of each file of a CSV folder."""
    if not path.is_dir():
        return [(path, path.name)]
    files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
    return [(p, f"{path.name}/{p.name}") for p in files]


def _received_key(path: Path, setup: CampaignSetup) -> str | None:
    """A file's submission key once it is archived under its name (else None: do the work).

    A name the archive never received has nothing to find: no file is hashed for it (a campaign's
    first run, where hashing each county file twice — here and in the cache key — cost the national
    collect stage as much interpreter time as one more pass over the inbox)."""
    archive = context(setup).archive
    members = _member_files(path)
    if not all(archive.received_under(name) for _, name in members):
        return None
    if not all(archive.holds(content_sha256(file), name) for file, name in members):
        return None
    return submission_key(content_sha256(path), setup.year)


def _receive_key(context_: Any, parameters: dict[str, Any]) -> str | None:
    setup = parameters["setup"]
    keys = [_received_key(Path(p), setup) for p in parameters["paths"]]
    return None if None in keys else _batch_received_key(keys)  # type: ignore[arg-type]


def _batch_received_key(submission_keys: list[str]) -> str:
    """A received batch's cache key, from the keys of its submissions as archived."""
    return f"receive-{_digest(*submission_keys)}"


@unit_task(name="receive-files", task_run_name="receive-{label}", cache_key_fn=_receive_key)
def receive_files(paths: list[Path], setup: CampaignSetup, label: str) -> list[Submission]:
    """Archive a batch of county files (or CSV folders) under their SHA-256, then read them.

    Each submission as read is kept in the result store under its own key (its SHA-256 and the
    campaign year), where the validate stage finds it instead of reading the file again.
    """
    store = _store()
    keys = [_received_key(Path(p), setup) for p in paths]
    cached = [key is not None and store.exists(key) for key in keys]
    fresh = iter(_read([Path(p) for p, hit in zip(paths, cached, strict=True) if not hit], setup))
    received = []
    for i, hit in enumerate(cached):
        if hit:
            received.append(store.read(keys[i]))
            continue
        sub, stored = next(fresh)
        keys[i] = submission_key(sub.sha256, setup.year)
        store.write(stored, key=keys[i], kept=sub)
        received.append(sub)
    batch = _Referenced(received, keys)
    # A batch that was not archived yet had no cache key (see `_receive_key`); now that it is, its
    # result goes under the key the next run will compute, so a re-run after a crash finds it.
    # (from the submissions' keys: no file is hashed again)
    if _this_runs_cache_key() is None:
        store.write(batch, key=_batch_received_key(keys), keep=False)
    return batch


# Files per call to a worker process, and clusters: small enough that the task handles what came
# back (unpickling, writing to the result store) while the workers read on.
FILES_PER_WORKER_CALL = 25
CLUSTERS_PER_WORKER_CALL = 50


def _read(paths: list[Path], setup: CampaignSetup) -> Iterator[tuple[Submission, Any]]:
    """Each file archived and read, with what the result store is to keep of it: in the campaign's
    worker processes when it has them (the submission and its pickle, which the store writes as it
    is), else here (the submission twice)."""
    if work.running():
        names = [str(p) for p in paths]
        for data in work.run_in_chunks(work.receive, names, FILES_PER_WORKER_CALL, setup):
            pickled = work.Pickled(data)
            yield pickled.load(), pickled
        return
    ctx = context(setup)
    for path in paths:
        sub = collect.receive(path, ctx)
        yield sub, sub


def _this_runs_cache_key() -> str | None:
    """The cache key Prefect computed for the running task (None: its result will not be kept)."""
    from prefect.transactions import get_transaction

    transaction = get_transaction()
    return transaction.key if transaction is not None else None


# -- validate-submissions -----------------------------------------------------------------------


def _read_back(
    recorded: validate.Recorded, setup: CampaignSetup, store: _Submissions
) -> tuple[Submission, str | None]:
    """The submission as the collect stage read it (its persisted result, with its key), else read
    from the archive (no key)."""
    key = submission_key(recorded.sha256, setup.year)
    if store.exists(key):
        return store.read(key), key
    return validate.load(recorded, context(setup)), None


# Not persisted (no cache key): reading a structure batch's pickled result back costs what checking
# the batch again does (750 national submissions: unpickling 1.95 s, checking 2.05 s; both read the
# submissions back from the store), while writing it cost every run ~1.5 s per batch (pickle,
# base64, 38 MB on disk).
@unit_task(name="check-structure", task_run_name="structure-{label}")
def check_structures(
    batch: list[validate.Recorded], setup: CampaignSetup, label: str
) -> list[tuple[Submission, StructureResult]]:
    """Read back a batch of submissions and check every sheet's structure (Pandera)."""
    store = _store()
    read = [_read_back(r, setup, store) for r in batch]
    subs = [sub for sub, _ in read]
    checked = validate.structures(subs)
    refs = [key if key is not None else sub for sub, key in read]
    return _Referenced(list(zip(subs, checked, strict=True)), refs, checked)


def _quality_key(context_: Any, parameters: dict[str, Any]) -> str:
    setup: CampaignSetup = parameters["setup"]
    ctx = context(setup)
    shas = sorted(parameters["shas"])
    return f"quality-{_digest(setup.year, setup.engine, code_version(), ctx.policy.item_ids, *shas)}"


@unit_task(name="check-quality", task_run_name="quality-{setup.year}", cache_key_fn=_quality_key)
def check_quality(structured: list[StructureResult], shas: list[str], setup: CampaignSetup) -> QualityReport:
    """The data-quality expectations once over the whole campaign (Great Expectations or pandas)."""
    del shas  # part of the cache key only
    return validate.quality(structured, context(setup))


# -- score-clusters -----------------------------------------------------------------------------


def _evaluate_key(context_: Any, parameters: dict[str, Any]) -> str:
    setup: CampaignSetup = parameters["setup"]
    pairs = parameters["batch"]
    return f"evaluate-{_digest(setup.policy_key(), code_version(), *(f'{i}:{s}' for i, s in pairs))}"


@unit_task(name="evaluate-clusters", task_run_name="evaluate-{label}", cache_key_fn=_evaluate_key)
def evaluate_clusters(batch: list[tuple[str, str]], setup: CampaignSetup, label: str) -> list[Evaluation]:
    """Art. 5 criteria, the Art. 6 veto and the default score for a batch of (submission id, SHA-256)."""
    ids = [sid for sid, _ in batch]
    return list(work.run_in_chunks(work.evaluate, ids, CLUSTERS_PER_WORKER_CALL, setup))


# -- prefecture-recommendation ------------------------------------------------------------------


@unit_task(name="recommend-prefecture", task_run_name="recommend-{name}")
def recommend_prefecture(code: str, name: str, eligible: Any, decisions: Any) -> PrefectureRecommendation:
    """第九条 for one prefecture: spot checks, the prefecture's decisions, its order of recommendation."""
    from clustercert.stages import prefecture

    return prefecture.decide(code, eligible, decisions)


# -- provincial-shortlist -----------------------------------------------------------------------


@unit_task(name="shortlist-and-certify", task_run_name="shortlist-{setup.year}")
def shortlist_and_certify(recommended: Any, decisions: Any, setup: CampaignSetup) -> Any:
    """第十条 for the province: rank, spot checks, quota, the public notice, objections, certificates."""
    from clustercert.stages import shortlist

    return shortlist.decide(recommended, decisions, context(setup))
