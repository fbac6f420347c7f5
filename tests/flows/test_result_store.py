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
        assert store.cache_result_in_memory is False
        assert store.cache is not get_result_store().cache


def test_many_threads_read_back_more_submissions_than_the_cache_holds(tmp_path) -> None:
    with temporary_settings(updates={PREFECT_RESULTS_LOCAL_STORAGE_PATH: str(tmp_path)}):
        store = t._store()
        keys = [f"submission-{i:05d}" for i in range(1200)]  # Prefect's LRU holds 1,000
        for i, key in enumerate(keys):
            store.write({"n": i}, key=key)

        def read(part: list[str]) -> list[int]:  # as the structure batches do, in their threads
            return [store.read(key).result["n"] for key in part]

        with ThreadPoolExecutor(max_workers=8) as pool:
            found = [n for part in pool.map(read, [keys[i::8] for i in range(8)]) for n in part]
        assert sorted(found) == list(range(1200))
        assert not any(key.rsplit("/", 1)[-1] in keys for key in get_result_store().cache)
