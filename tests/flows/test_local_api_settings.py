"""What a command does around its flows: the recorder settings every server it starts gets, and
Great Expectations' helper process only where the quality task will run in this process."""

from __future__ import annotations

import pytest

from clustercert.cli import CommandRefused
from clustercert.cli import campaign as cli_campaign
from expectations import gx_helper
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


@pytest.mark.parametrize(
    ("engine", "runner", "helped"),
    [("gx", "thread", True), ("pandas", "thread", False), ("gx", "process", False), ("gx", "dask", False)],
)
def test_the_gx_helper_starts_with_a_gx_campaign_on_threads_and_stops_with_it(
    monkeypatch, engine, runner, helped
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(gx_helper, "start", lambda: calls.append("start"))
    monkeypatch.setattr(gx_helper, "stop", lambda **kw: calls.append("stop"))
    monkeypatch.setenv(runtime.TASK_RUNNER_ENV, runner)
    monkeypatch.setattr(runtime, "local_api", lambda: _NoServer())
    monkeypatch.setattr(yearly_campaign, "run_locally", lambda **params: {"ran": True})
    assert cli_campaign.run_campaign(year=2026, engine=engine) == {"ran": True}
    assert calls == (["start", "stop"] if helped else ["stop"])


def test_a_refused_campaign_stops_the_helper_too(monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(gx_helper, "start", lambda: calls.append("start"))
    monkeypatch.setattr(gx_helper, "stop", lambda **kw: calls.append("stop"))
    monkeypatch.delenv(runtime.TASK_RUNNER_ENV, raising=False)
    monkeypatch.setattr(runtime, "local_api", lambda: _NoServer())

    def refused(**params):
        raise yearly_campaign.CampaignRefused("no")

    monkeypatch.setattr(yearly_campaign, "run_locally", refused)
    with pytest.raises(CommandRefused):
        cli_campaign.run_campaign(year=2026, engine="gx")
    assert calls == ["start", "stop"]


class _NoServer:
    def __enter__(self) -> str:
        return "http://127.0.0.1:9/api"

    def __exit__(self, *exc: object) -> None:
        return None


def test_the_command_starts_the_helper_before_it_imports_prefect() -> None:
    """GX loads in the helper while this process imports Prefect (a fresh interpreter: the test
    session has imported Prefect long ago)."""
    import os
    import subprocess
    import sys

    code = """
import sys
from clustercert.cli import campaign
from expectations import gx_helper

class Started(Exception):
    'Raised where the helper would start: the campaign goes no further.'

def start():
    print("prefect imported:", "prefect" in sys.modules, flush=True)
    raise Started

gx_helper.start = start
try:
    campaign.run_campaign(year=2026, engine="gx")
except Started:
    sys.exit(0)
"""
    env = {k: v for k, v in os.environ.items() if k != runtime.TASK_RUNNER_ENV}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "prefect imported: False"
