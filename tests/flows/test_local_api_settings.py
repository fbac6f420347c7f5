"""What a command does around its flows: the recorder settings every server it starts gets, and the
Great Expectations warm-up only where there is a server start to overlap with."""

from __future__ import annotations

import threading

import pytest

from clustercert.cli import campaign as cli_campaign
from flows import local_server, runtime, yearly_campaign


def test_recorder_settings_come_from_the_committed_prefect_toml() -> None:
    settings = local_server.recorder_settings()
    assert settings["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL"] == "1"
    assert settings["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE"] == "100"


def test_recorder_settings_read_the_table_they_are_given(tmp_path) -> None:
    toml = tmp_path / "prefect.toml"
    toml.write_text("[server.services.task_run_recorder]\nflush_interval = 2\n", encoding="utf-8")
    assert local_server.recorder_settings(toml) == {
        "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "2"
    }
    assert local_server.recorder_settings(tmp_path / "absent.toml") == {}


@pytest.mark.parametrize(("api_url", "warmed"), [(None, True), ("http://127.0.0.1:9/api", False)])
def test_great_expectations_is_warmed_up_only_while_a_server_starts(monkeypatch, api_url, warmed) -> None:
    started: list[str] = []
    monkeypatch.setattr(runtime, "warm_up_in_background", lambda module: started.append(module))
    monkeypatch.setattr(runtime, "local_api", lambda: _NoServer())
    monkeypatch.setattr(yearly_campaign, "run_locally", lambda **params: {"ran": True})
    if api_url is None:
        monkeypatch.delenv("PREFECT_API_URL", raising=False)
    else:
        monkeypatch.setenv("PREFECT_API_URL", api_url)
    assert cli_campaign.run_campaign(year=2026, engine="gx") == {"ran": True}
    assert started == ([runtime.GX_IMPORT] if warmed else [])


def test_the_pandas_engine_never_warms_up_great_expectations(monkeypatch) -> None:
    before = {t.name for t in threading.enumerate()}
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setattr(runtime, "local_api", lambda: _NoServer())
    monkeypatch.setattr(yearly_campaign, "run_locally", lambda **params: {"ran": True})
    cli_campaign.run_campaign(year=2026, engine="pandas")
    assert not {t.name for t in threading.enumerate()} - before


class _NoServer:
    def __enter__(self) -> str:
        return "http://127.0.0.1:9/api"

    def __exit__(self, *exc: object) -> None:
        return None
