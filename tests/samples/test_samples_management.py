"""Decisions, monitoring reports, change filings and findings: files that read back, and the story
each tells (who fails a spot check, who reports late, who filed a change in time)."""

import csv
from datetime import date

import pandas as pd
import pytest

from clustercert.contract import MONITORING
from clustercert.intake import read_submission
from clustercert.samples.management import (
    cast_roles,
    generate_change_filings,
    generate_decisions,
    generate_findings,
    generate_monitoring,
)

DEADLINE = date(2028, 3, 10)


def _read(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def decisions(campaign, tmp_path_factory):
    return generate_decisions(tmp_path_factory.mktemp("decisions"), campaign, seed=5)


@pytest.fixture(scope="module")
def certified(campaign, decisions):
    won = sorted(
        (s for s in campaign if decisions.outcome.get(s.submission_id) == "certified"),
        key=lambda s: s.submission_id,
    )
    return [
        {
            "certificate_id": f"HLJ-2026-{i:03d}",
            "submission_id": s.submission_id,
            "cluster_name": s.cluster_name,
            "county_code": s.county_code,
            "prefecture_code": s.prefecture_code,
            "certified_on": "2026-08-03",
            "valid_until": "2029-08-02",
        }
        for i, s in enumerate(won, start=1)
    ]


def test_decisions_cover_the_eligible_samples_with_one_failure_per_level(campaign, decisions):
    spot, recommend, objections = (_read(p) for p in decisions.files)
    eligible = {s.submission_id for s in campaign if s.expected.eligible}
    assert set(decisions.outcome) == eligible
    assert {r["申报编号"] for r in recommend} == eligible
    failures = [(r["层级"], r["申报编号"]) for r in spot if r["结果"] == "不通过"]
    assert sorted(level for level, _ in failures) == ["市地", "省"]
    assert [r["异议成立"] for r in objections].count("是") == 1
    yuan = next(s.submission_id for s in campaign if "amounts_in_yuan" in s.variations)
    assert ("市地", yuan) in failures  # the spot check catches what validation only warned about
    outcomes = list(decisions.outcome.values())
    assert outcomes.count("not_shortlisted") == 1 and outcomes.count("objection_upheld") == 1
    assert outcomes.count("not_recommended") == 2 and outcomes.count("certified") == len(eligible) - 4


def test_roles_depend_on_the_certificates_only(certified):
    cast = cast_roles(certified)
    assert cast == cast_roles(list(reversed(certified))) == cast_roles(pd.DataFrame(certified))
    parts = [cast.missing, cast.below_threshold, cast.unfiled_change, cast.art6_incident,
             cast.on_time_filing, cast.late_filing, cast.month_end_filing]  # fmt: skip
    assert None not in parts and len(set(parts)) == len(parts)


def test_monitoring_reports_read_back_and_tell_the_planned_story(certified, campaign, tmp_path):
    result = generate_monitoring(
        tmp_path, certified=certified, report_year=2027, as_of_deadline=DEADLINE, seed=9, samples=campaign
    )
    cast = cast_roles(certified)
    assert len(result.files) == len({c["prefecture_code"] for c in certified})
    listed, submitted = set(), {}
    for path in result.files:
        sub = read_submission(path, workbook=MONITORING)
        assert sub.issues == []
        summary = sub.tables["work_summary"].iloc[0]
        submitted[summary["prefecture_code"]] = date.fromisoformat(summary["submitted_on"])
        listed |= set(sub.tables["cluster_status"]["certificate_id"])
    late = {code for code, on in submitted.items() if on > DEADLINE}
    assert late == {cast.late_prefecture}
    assert DEADLINE in submitted.values()  # one report on the deadline day itself: on time
    assert cast.missing not in listed and len(listed) == len(certified) - 1
    assert result.report_status[cast.missing] == "missing"
    assert list(result.report_status.values()).count("late") == sum(
        c["prefecture_code"] == cast.late_prefecture for c in certified
    )
    assert result.below_threshold == {cast.below_threshold: ("A5.1.output",)}
    assert result.unfiled_changes == (cast.unfiled_change,)
    assert result.art6_incidents == (cast.art6_incident,)


def test_change_filings_include_the_month_end_case_and_never_the_unfiled_change(certified, tmp_path):
    changes = generate_change_filings(tmp_path / "change_filings.csv", certified, seed=1)
    rows = _read(tmp_path / "change_filings.csv")
    cast = cast_roles(certified)
    assert {r["认定编号"] for r in rows} == {cast.on_time_filing, cast.late_filing, cast.month_end_filing}
    month_end = next(r for r in rows if r["认定编号"] == cast.month_end_filing)
    assert (month_end["变动日期"], month_end["备案日期"]) == ("2027-01-31", "2027-02-28")
    assert {c.certificate_id: c.on_time for c in changes} == {
        cast.on_time_filing: True, cast.late_filing: False, cast.month_end_filing: True, cast.unfiled_change: False,
    }  # fmt: skip


def test_month_end_filing_clamps_to_29_february_in_a_leap_year(certified, tmp_path):
    changes = generate_change_filings(tmp_path / "c.csv", certified, year=2028)
    month_end = next(c for c in changes if c.changed_on == date(2028, 1, 31))
    assert month_end.filed_on == date(2028, 2, 29) and month_end.on_time


def test_findings_hold_one_false_declaration(certified, tmp_path):
    found = generate_findings(tmp_path / "findings.csv", certified, seed=1)
    rows = _read(tmp_path / "findings.csv")
    assert found == [cast_roles(certified).false_declaration]
    assert [r["类型"] for r in rows] == ["虚假申报"]


@pytest.mark.slow
def test_monitoring_compiles_to_the_expected_statuses(certified, campaign, tmp_path):
    monitoring = pytest.importorskip("clustercert.management.monitoring")
    from clustercert.management.monitoring_report import MonitoringReport
    from clustercert.management.parameters import ManagementParameters
    from clustercert.policy import load_policy
    from schemas.structure import check_structure

    hlj = load_policy("hlj-2023")
    result = generate_monitoring(
        tmp_path, certified=certified, report_year=2027, as_of_deadline=DEADLINE, seed=9, samples=campaign
    )
    reports = []
    for path in result.files:
        structure = check_structure(read_submission(path, workbook=MONITORING), MONITORING)
        assert structure.ok, structure.issues
        reports.append(MonitoringReport.from_structure(structure))
    targets = pd.DataFrame(
        [
            {
                "certificate_id": c["certificate_id"],
                **{k: t[k] for k in ("indicator", "target_year", "target_value")},
            }
            for c in certified
            for s in campaign
            if s.submission_id == c["submission_id"]
            for t in s.tables["plan_targets"]
        ]
    )
    compiled = monitoring.compile_monitoring(
        2027,
        DEADLINE.replace(day=20),
        pd.DataFrame(certified),
        reports,
        monitoring_deadline=ManagementParameters.from_policy(hlj).monitoring_deadline,
        plan_targets=targets,
        check_year=monitoring.single_year_check(hlj),
    )
    rows = compiled.rows.set_index("certificate_id")
    assert rows["report_status"].to_dict() == result.report_status
    flagged = {cid: tuple(v.split(";")) for cid, v in rows["below_threshold"].items() if v}
    assert flagged == result.below_threshold
    reported = rows[rows["report_status"] != "missing"]
    below = next(iter(result.below_threshold))
    assert (reported.drop(index=below)["plan_completion_pct"] == 100.0).all()
    assert set(compiled.changes["certificate_id"]) >= set(result.unfiled_changes)
