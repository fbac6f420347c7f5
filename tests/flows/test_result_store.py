"""The submissions the collect stage keeps for the validate stage: written to and read back from the
result store by several task threads at once, without Prefect's shared in-memory cache (it is not
thread-safe: a national campaign's structure batches raised KeyError in its eviction)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from prefect.results import get_result_store
from prefect.settings import PREFECT_RESULTS_LOCAL_STORAGE_PATH, temporary_settings

from tasks import campaign as t


def test_the_store_keeps_nothing_in_prefects_shared_cache(tmp_path) -> None:
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        store = t._store()
        assert store.store.cache_result_in_memory is False
        assert store.store.cache is not get_result_store().cache


def test_many_threads_read_back_more_submissions_than_the_cache_holds(tmp_path) -> None:
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        store = t._store()
        keys = [f"submission-{i:05d}" for i in range(1200)]  # Prefect's LRU holds 1,000
        for i, key in enumerate(keys):
            store.write({"n": i}, key=key, keep=False)  # read back from storage, not this process

        def read(part: list[str]) -> list[int]:  # as the structure batches do, in their threads
            return [store.read(key)["n"] for key in part]

        with ThreadPoolExecutor(max_workers=8) as pool:
            found = [n for part in pool.map(read, [keys[i::8] for i in range(8)]) for n in part]
        assert sorted(found) == list(range(1200))
        assert not any(key.rsplit("/", 1)[-1] in keys for key in get_result_store().cache)


def test_a_batch_result_pickles_its_stored_submissions_as_their_keys(tmp_path) -> None:
    """A batch's persisted result (and what a Dask worker ships back) holds each stored submission's
    key, not a second copy of it; unpickled, the submissions come back from the store."""
    import pickle

    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        store = t._store()
        big = {"rows": ["企业" * 50] * 2000}
        store.write(big, key="submission-a")
        loose = {"rows": ["not stored"]}
        batch = t._Referenced([big, loose], ["submission-a", loose], ["checked-a", "checked-b"])
        assert list(batch) == [big, loose]
        data = pickle.dumps(batch)
        assert len(data) < len(pickle.dumps(big)) / 10
        assert pickle.loads(data) == [(big, "checked-a"), (loose, "checked-b")]
        plain = t._Referenced([big], ["submission-a"])
        assert pickle.loads(pickle.dumps(plain)) == [big]
        rebuilt = t._Referenced([big, loose])  # as a generic copy would rebuild it: by value
        assert pickle.loads(pickle.dumps(rebuilt)) == [big, loose]


class _Counted:
    """A picklable value that counts how often it is unpickled."""

    loads = 0

    def __reduce__(self):
        return (_counted, ())


def _counted() -> _Counted:
    _Counted.loads += 1
    return _Counted()


def test_a_local_store_says_a_submission_exists_without_unpickling_it(tmp_path) -> None:
    """Prefect's `exists` unpickles the whole record; the local store looks for the key's file, and
    reads what Prefect's own store reads (both with and without the task's key records)."""
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        store = t._store()
        assert store.local and store.keys == (tmp_path / "cache-keys").resolve()
        store.write(_Counted(), key="submission-x", keep=False)
        store.write({"n": 1}, key="submission-y", keep=False)
        _Counted.loads = 0
        assert store.exists("submission-x") and not store.exists("submission-z")
        assert _Counted.loads == 0
        assert isinstance(store.read("submission-x"), _Counted) and _Counted.loads == 1
        assert store.read("submission-y") == store.store.read("submission-y").result == {"n": 1}
        plain = get_result_store().model_copy(update={"cache_result_in_memory": False})
        plain.write({"n": 2}, key="whole-record")  # no key records: the result and its metadata in one file
        bare = t._Submissions(plain)
        assert bare.local and bare.keys is None
        assert bare.exists("whole-record") and bare.read("whole-record") == {"n": 2}


def test_any_other_storage_goes_through_prefects_store(tmp_path) -> None:
    from prefect.filesystems import RemoteFileSystem

    remote = RemoteFileSystem(basepath=f"memory://{tmp_path.name}/results")
    store = t._Submissions(get_result_store().model_copy(update={"result_storage": remote}))
    assert not store.local
    store.write({"n": 3}, key="submission-r", keep=False)
    assert store.exists("submission-r") and not store.exists("submission-s")
    assert store.read("submission-r") == {"n": 3}


def test_what_this_process_wrote_is_read_back_once_from_memory_then_from_storage(tmp_path) -> None:
    """The validate stage's read-back of what the collect stage wrote in the same process takes the
    object itself (no unpickling); a second read (a resumed stage) reads the stored copy."""
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        store = t._store()
        written = _Counted()
        store.write(written, key="submission-m")
        _Counted.loads = 0
        assert store.exists("submission-m")
        assert store.read("submission-m") is written and _Counted.loads == 0
        again = store.read("submission-m")
        assert again is not written and isinstance(again, _Counted) and _Counted.loads == 1
        assert "submission-m" not in t._UNREAD  # nothing held once read


def test_a_batch_record_is_not_held_in_memory(tmp_path) -> None:
    """A received batch's record refers to its submissions: held, it would keep all of them alive
    after the validate stage took them."""
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        store = t._store()
        store.write(t._Referenced([{"n": 1}], ["submission-n"]), key="receive-b", keep=False)
        assert "receive-b" not in t._UNREAD and store.exists("receive-b")
        store.write({"n": 1}, key="submission-n")
        assert "submission-n" in t._UNREAD
        store.read("submission-n")
