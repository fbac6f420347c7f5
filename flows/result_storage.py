"""The server's default result storage, asked once per API URL instead of at every flow run.

Prefect 3.9 resolves where results go twice as each flow run starts (and wherever
`get_result_store().update_for_task` is called outside a run): with no storage block in the
settings, it asks the server whether one is set as its default, building a new API client each
time — about 25 ms on an idle machine, several times that while a campaign keeps both cores busy;
a campaign (six flow runs) asked twelve times. `install()` keeps the answer per API URL for the
life of the process: a default storage block set on the server while a campaign runs applies from
the next process on (a worker runs each flow run in a process of its own). Pinned to the Prefect
version of the lock file; `tests/flows/test_result_storage.py` checks it."""

from __future__ import annotations

import threading
from typing import Any

_answers: dict[str, Any] = {}
_lock = threading.Lock()


def _api_url() -> str:
    from prefect.settings import get_current_settings

    return str(get_current_settings().api.url or "")


_UNREACHABLE = (RuntimeError, ValueError)  # with httpx's and Prefect's HTTP errors: Prefect's own list


def _errors() -> tuple[type[BaseException], ...]:
    import httpx
    from prefect.exceptions import PrefectHTTPStatusError

    return (PrefectHTTPStatusError, httpx.HTTPError, *_UNREACHABLE)


def _known(url: str) -> tuple[bool, Any]:
    with _lock:
        return (url in _answers, _answers.get(url))


def _keep(url: str, answer: Any) -> Any:
    with _lock:
        _answers[url] = answer
    return answer


def read_once() -> Any:
    """Prefect's `_read_server_default_result_storage_block_id`, asked once per API URL; an answer
    that could not be had (the server unreachable) is not kept, as Prefect falls back to local."""
    from prefect.client.orchestration import get_client

    url = _api_url()
    known, answer = _known(url)
    if known:
        return answer
    try:
        configuration = get_client(sync_client=True).read_server_default_result_storage()
    except _errors():
        return None
    return _keep(url, configuration.default_result_storage_block_id)


async def aread_once() -> Any:
    """The same for Prefect's async callers."""
    from prefect.client.orchestration import get_client

    url = _api_url()
    known, answer = _known(url)
    if known:
        return answer
    try:
        configuration = await get_client().read_server_default_result_storage()
    except _errors():
        return None
    return _keep(url, configuration.default_result_storage_block_id)


def install() -> None:
    from prefect import results

    results._read_server_default_result_storage_block_id = read_once  # type: ignore[assignment]
    results._aread_server_default_result_storage_block_id = aread_once  # type: ignore[assignment]


def forget() -> None:
    """Ask the server again on the next run (a test that sets a server default)."""
    with _lock:
        _answers.clear()
