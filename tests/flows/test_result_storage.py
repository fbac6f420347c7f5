"""The server's default result storage, asked once per API URL instead of before every run."""

from __future__ import annotations

import pytest
from prefect import flow, task

import flows.runtime  # noqa: F401 — installs it
from flows import result_storage


def test_prefect_uses_it() -> None:
    from prefect import results

    assert results._read_server_default_result_storage_block_id is result_storage.read_once
    assert results._aread_server_default_result_storage_block_id is result_storage.aread_once


@task(persist_result=True)
def _kept(number: int) -> int:
    return number * 2


@flow
def _runs_tasks(count: int) -> list[int]:
    return [_kept(n) for n in range(count)]


@pytest.mark.usefixtures("prefect_api")
def test_flow_runs_ask_the_server_once(monkeypatch) -> None:
    from prefect.client.orchestration import SyncPrefectClient

    asked = []
    real = SyncPrefectClient.read_server_default_result_storage

    def counted(self):  # the real call to the real API, counted
        asked.append(1)
        return real(self)

    monkeypatch.setattr(SyncPrefectClient, "read_server_default_result_storage", counted)
    result_storage.forget()
    assert _runs_tasks(5) == [0, 2, 4, 6, 8]
    assert len(asked) == 1  # Prefect itself asks twice for each flow run (2, then 4)
    assert _runs_tasks(3) == [0, 2, 4]
    assert len(asked) == 1  # the same API: the answer stands


def test_an_unreachable_server_is_asked_again_next_time(monkeypatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    result_storage.forget()
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:9/api"}):  # nothing listens
        assert result_storage.read_once() is None
        assert "http://127.0.0.1:9/api" not in result_storage._answers
