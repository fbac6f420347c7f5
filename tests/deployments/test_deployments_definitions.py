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
        mp.delenv("CLUSTERCERT_DB_URL", raising=False)
        return base, {d.full_name: d for d in deployments.build_deployments(base)}


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


def test_parameters_point_under_the_root_and_leave_as_of_to_the_run(built: tuple[Path, dict]) -> None:
    base, by_name = built
    for name, deployment in by_name.items():
        params = deployment.parameters
        assert "as_of" not in params, name
        for key in ("inbox", "out"):
            if key in params:
                assert Path(params[key]).is_relative_to(base), (name, key)
        if "out" in params:
            assert Path(params["out"]).name == deployment.flow_name
    assert by_name["monitoring-report/after-deadline"].parameters["inbox"] == str(
        base / "inbox" / "monitoring"
    )


def test_default_sqlite_registry_is_pinned_absolute(
    built: tuple[Path, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, by_name = built
    urls = {d.parameters.get("db_url") for d in by_name.values()} - {None}
    assert urls == {f"sqlite:///{Path('var/clustercert.db').resolve()}"}
    monkeypatch.setenv("CLUSTERCERT_DB_URL", "sqlite:///rel/reg.db")
    assert deployments.default_db_url() == f"sqlite:///{Path('rel/reg.db').resolve()}"


def test_a_server_database_url_is_never_stored_in_a_deployment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLUSTERCERT_DB_URL", "postgresql+psycopg://app:secret@db/clustercert")
    assert deployments.default_db_url() is None
    spec = next(s for s in deployments.DEPLOYMENTS if s.flow_name == "expiry-check")
    assert "db_url" not in deployments.build_deployment(spec).parameters


def test_root_comes_from_clustercert_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLUSTERCERT_VAR", str(tmp_path / "elsewhere"))
    assert deployments.root() == tmp_path / "elsewhere"
    monkeypatch.delenv("CLUSTERCERT_VAR")
    assert deployments.root() == Path("var").resolve()


def test_with_a_work_pool_runs_start_in_the_registering_folder() -> None:
    spec = next(s for s in deployments.DEPLOYMENTS if s.flow_name == "expiry-check")
    deployment = deployments.build_deployment(spec, work_pool="clustercert")
    assert deployment.work_pool_name == "clustercert"
    assert deployment.job_variables == {"working_dir": str(Path.cwd())}
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
    assert {p.name for p in (tmp_path / "out").iterdir()} == {n.split("/")[0] for n in EXPECTED}
    assert (tmp_path / "archive").is_dir()


def test_runs_that_read_raw_files_archive_them_under_the_root(built: tuple[Path, dict]) -> None:
    base, by_name = built
    assert by_name["monitoring-report/after-deadline"].parameters["archive"] == str(base / "archive")
    assert by_name["expiry-check/daily"].parameters["archive"] == str(base / "archive")
