"""`clustercert deployments` and `clustercert serve` at the command line (no server needed)."""

from __future__ import annotations

import pytest

from clustercert.cli import main
from tests.deployments.expected_schedules import EXPECTED


def no_api_url():
    """As on a machine with no server configured, even when a test harness of this session set one."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    return temporary_settings(restore_defaults={PREFECT_API_URL})


def test_deployments_lists_every_deployment_with_its_schedule(
    capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    assert main(["deployments", "--root", str(tmp_path), "--next", "2"]) == 0
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if not line.startswith("#")}
    assert sorted(lines) == sorted(EXPECTED)
    assert "0 9 11 3 *" in lines["monitoring-report/after-deadline"]
    assert "-03-11 09:00" in lines["monitoring-report/after-deadline"]
    assert lines["monitoring-report/after-deadline"].count("-03-11 09:00") == 2
    assert "on demand" in lines["national-recommendation/on-demand"]
    assert str(tmp_path) in out and "Asia/Shanghai" in out


@pytest.mark.parametrize(
    "argv",
    [["serve"], ["serve", "--limit", "0"], ["deployments", "--pool", "p"], ["deployments", "--next", "0"]],
)
def test_usage_errors_exit_2(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with no_api_url(), pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2


def test_serve_without_a_server_says_how_to_get_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with no_api_url(), pytest.raises(SystemExit):
        main(["serve"])
    assert "PREFECT_API_URL" in capsys.readouterr().err
