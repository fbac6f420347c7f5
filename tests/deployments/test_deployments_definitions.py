"""Smoke test: every deployment definition loads, with the right flow, schedule, zone and parameters."""

from __future__ import annotations

import importlib
from datetime import datetime
from pathlib import Path

import pytest

import deployments
from deployments.calendar import next_runs
from tests.deployments.expected_schedules import ENTRYPOINTS, EXPECTED, SHANGHAI, next_run


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    base = tmp_path_factory.mktemp("root")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLUSTERCERT_VAR", str(base))
        mp.setenv("CLUSTERCERT_DB_URL", "postgresql+psycopg://app:secret@db/clustercert")
        return base, {d.full_name: d for d in deployments.build_deployments()}


def test_every_flow_entrypoint_imports_and_is_the_named_flow() -> None:
    for flow_name, entrypoint in ENTRYPOINTS.items():
        module, function = entrypoint.split(":")
        flow = getattr(importlib.import_module(module), function)
        assert flow.name == flow_name, entrypoint


def test_the_one_list_holds_exactly_the_expected_deployments(built: tuple[Path, dict]) -> None:
    _, by_name = built
    assert sorted(by_name) == sorted(EXPECTED)
    assert [s.full_name for s in deployments.DEPLOYMENTS] == list(by_name)


def test_entrypoints_are_module_paths_that_do_not_depend_on_the_working_folder(
    built: tuple[Path, dict],
) -> None:
    _, by_name = built
    for name, deployment in by_name.items():
        module, function = ENTRYPOINTS[deployment.flow_name].split(":")
        assert deployment.entrypoint == f"{module}.{function}", name
        assert deployment.entrypoint_type.value == "module_path"


def test_schedules_are_the_agreed_crons_in_asia_shanghai(built: tuple[Path, dict]) -> None:
    _, by_name = built
    after = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
    for name, deployment in by_name.items():
        schedules = deployment.schedules or []
        if EXPECTED[name] is None:
            assert schedules == [], name
            continue
        assert len(schedules) == 1, name
        assert schedules[0].schedule.timezone == "Asia/Shanghai", name
        assert schedules[0].active, name
        assert deployment.paused is False, name
        spec = next(s for s in deployments.DEPLOYMENTS if s.full_name == name)
        assert next_runs(spec, after=after) == [next_run(name, after)], name


def test_next_monitoring_run_is_11_march_09_00_shanghai() -> None:
    spec = next(s for s in deployments.DEPLOYMENTS if s.flow_name == "monitoring-report")
    after = datetime(2026, 11, 25, 12, 0, tzinfo=SHANGHAI)
    assert next_runs(spec, n=2, after=after) == [
        datetime(2027, 3, 11, 9, 0, tzinfo=SHANGHAI),
        datetime(2028, 3, 11, 9, 0, tzinfo=SHANGHAI),
    ]
    # Through 09:00 on 11 March the run is this year's (the server counts from "on or after");
    # a second later it is next year's.
    assert next_runs(spec, after=datetime(2027, 3, 11, 9, 0, tzinfo=SHANGHAI))[0].year == 2027
    assert next_runs(spec, after=datetime(2027, 3, 11, 9, 0, 1, tzinfo=SHANGHAI))[0].year == 2028


def test_daily_checks_run_in_dependency_order() -> None:
    after = datetime(2026, 11, 25, 0, 0, tzinfo=SHANGHAI)
    order = ["expiry-check/daily", "change-filings/daily", "revocation-triggers/daily"]
    times = [next_run(name, after) for name in order]
    assert times == sorted(times) and len(set(times)) == 3


def test_scheduled_runs_have_every_required_parameter(built: tuple[Path, dict]) -> None:
    _, by_name = built
    for name, deployment in by_name.items():
        if EXPECTED[name] is None:
            continue
        flow = deployments.load_flow(next(s for s in deployments.DEPLOYMENTS if s.full_name == name))
        missing = set(flow.parameters.required or []) - set(deployment.parameters)
        assert not missing, f"{name} would fail on schedule: no value for {sorted(missing)}"


def test_a_deployment_carries_no_path_or_url_of_the_registering_machine(built: tuple[Path, dict]) -> None:
    """Folders, the registry and result storage come from the worker's environment when it runs."""
    base, by_name = built
    for name, deployment in by_name.items():
        params = deployment.parameters
        assert not {"inbox", "out", "archive", "db_url", "as_of"} & set(params), (name, params)
        assert str(base) not in repr(params) and "secret" not in repr(params), name
        assert not (deployment.job_variables or {}).get("working_dir"), name


def test_each_campaign_stage_has_a_deployment_of_its_own(built: tuple[Path, dict]) -> None:
    _, by_name = built
    from clustercert.stages import CAMPAIGN_STAGE_NAMES

    for stage in CAMPAIGN_STAGE_NAMES:
        assert f"{stage}/on-demand" in by_name, stage


def test_a_run_finds_its_folders_under_the_workers_clustercert_var(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from flows.campaign_stages import setup_of
    from flows.management_artifacts import folders

    monkeypatch.setenv("CLUSTERCERT_VAR", str(tmp_path / "worker"))
    out, inbox, archive = folders("monitoring-report", "monitoring", out=None)
    assert (out, inbox, archive) == (
        str(tmp_path / "worker" / "out" / "monitoring-report"),
        str(tmp_path / "worker" / "inbox" / "monitoring"),
        str(tmp_path / "worker" / "archive"),
    )
    setup = setup_of(year=2026, out=None, inbox=None)
    assert setup.out == str(tmp_path / "worker" / "out" / "yearly-campaign")
    assert setup.inbox == str(tmp_path / "worker" / "inbox" / "campaign")
    from clustercert.registry import resolve_url

    monkeypatch.delenv("CLUSTERCERT_DB_URL", raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'worker' / 'clustercert.db'}"


def test_root_comes_from_clustercert_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLUSTERCERT_VAR", str(tmp_path / "elsewhere"))
    assert deployments.root() == tmp_path / "elsewhere"
    monkeypatch.delenv("CLUSTERCERT_VAR")
    assert deployments.root() == Path("var").resolve()


def test_with_a_work_pool_the_deployment_names_it() -> None:
    spec = next(s for s in deployments.DEPLOYMENTS if s.flow_name == "expiry-check")
    deployment = deployments.build_deployment(spec, work_pool="clustercert")
    assert deployment.work_pool_name == "clustercert"
    assert deployments.build_deployment(spec).work_pool_name is None


def test_a_row_naming_the_wrong_flow_is_refused() -> None:
    spec = next(s for s in deployments.DEPLOYMENTS if s.flow_name == "expiry-check")
    wrong = deployments.DeploymentSpec(
        name="x", flow_name="not-it", entrypoint=spec.entrypoint, description="", crons=()
    )
    with pytest.raises(ValueError, match="expected 'not-it'"):
        deployments.build_deployment(wrong)


def test_prepare_folders_makes_every_inbox_out_and_the_archive(tmp_path: Path) -> None:
    folders = deployments.prepare_folders(tmp_path)
    assert all(f.is_dir() and f.is_relative_to(tmp_path) for f in folders)
    assert {p.name for p in (tmp_path / "inbox").iterdir()} == {
        "campaign",
        "monitoring",
        "reviews",
        "filings",
        "revocations",
    }
    assert {p.name for p in (tmp_path / "out").iterdir()} == {s.output_name for s in deployments.DEPLOYMENTS}
    assert "yearly-campaign" in {p.name for p in (tmp_path / "out").iterdir()}  # the stages write there too
    assert (tmp_path / "archive").is_dir()
