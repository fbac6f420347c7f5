"""Art. 13 monitoring compilation (cases in cases/monitoring.yaml and cases/plan_completion.yaml)."""

from datetime import date

import pandas as pd
import pytest
from management_fixtures import DAQING, HARBIN, case_ids, certificates, load_cases, monitoring_report

from clustercert.management.monitoring import MONITORING_COLUMNS, compile_monitoring
from clustercert.management.monitoring_report import check_monitoring_report
from clustercert.management.plan import plan_completion

TABLE = load_cases("monitoring.yaml")
R = TABLE["report_year"]
DEADLINE = TABLE["monitoring_deadline"]
CID = "HLJ-2023-001"


def _status_row(cid=CID, **values):
    return {
        "certificate_id": cid,
        "total_output": 180000.0,
        "sme_output": 120000.0,
        "leading_output": 130000.0,
        "sme_rd": 1000.0,
        "invention_patents": 100,
        "employees": 5000,
        "ii_adoption_pct": 20.0,
        "software_adoption_pct": 40.0,
        "energy_intensity": 0.5,
        **values,
    }


@pytest.mark.parametrize("case", TABLE["cases"], ids=case_ids(TABLE["cases"]))
def test_report_status(case):
    reports = []
    if case.get("submitted_on"):
        listed = [_status_row()] if case.get("lists_cluster", True) else [_status_row("HLJ-2023-002")]
        reports.append(
            monitoring_report(
                HARBIN, case.get("file_report_year", R), case["submitted_on"], cluster_status=listed
            )
        )
    certs = certificates({"certificate_id": CID}, {"certificate_id": "HLJ-2023-002"})
    result = compile_monitoring(R, case["as_of"], certs, reports, monitoring_deadline=DEADLINE)
    row = result.rows.set_index("certificate_id").loc[CID]
    assert result.deadline == date(R + 1, 3, 10)
    assert row["report_status"] == case["status"]
    assert row["article"] == "13" and row["prefecture_code"] == HARBIN
    assert list(result.missing["certificate_id"]).count(CID) == (1 if case["status"] == "missing" else 0)


PLAN = load_cases("plan_completion.yaml")


@pytest.mark.parametrize("case", PLAN["cases"], ids=case_ids(PLAN["cases"]))
def test_plan_completion(case):
    actuals = {(a["indicator"], a["year"]): a["value"] for a in case["actuals"]}
    assert plan_completion(pd.DataFrame(case["targets"]), actuals, years=[PLAN["year"]]).pct == case["pct"]


def _fails_output_below_150000(values, year):
    """Stands in for `rules.check_single_year` (the real engine reads the policy threshold)."""
    return ["A5.1.output"] if values["total_output"] < 150000 else []


def test_compiled_rows_thresholds_plan_progress_and_passed_on_facts():
    certs = certificates(
        {"certificate_id": "HLJ-2023-001"},
        {"certificate_id": "HLJ-2023-002"},
        {"certificate_id": "HLJ-2023-003", "prefecture_code": DAQING},
        {"certificate_id": "HLJ-2023-004", "status": "revoked"},  # no longer expected
        {"certificate_id": "HLJ-2027-001", "certified_on": date(2027, 8, 1)},  # certified after R
    )
    targets = pd.DataFrame(
        [
            {
                "certificate_id": "HLJ-2023-001",
                "indicator": "total_output",
                "target_year": R,
                "target_value": 170000,
            },
            {
                "certificate_id": "HLJ-2023-001",
                "indicator": "energy_intensity",
                "target_year": R,
                "target_value": 0.45,
            },
            {
                "certificate_id": "HLJ-2023-002",
                "indicator": "total_output",
                "target_year": R,
                "target_value": 150000,
            },
        ]
    )
    harbin = monitoring_report(
        HARBIN,
        submitted_on=date(2027, 3, 9),
        cluster_status=[_status_row("HLJ-2023-001"), _status_row("HLJ-2023-002", total_output=149999.0)],
        # an explicit actual overrides the 集群发展情况 value for that target
        plan_progress=[
            {
                "certificate_id": "HLJ-2023-001",
                "indicator": "energy_intensity",
                "target_year": R,
                "actual_value": 0.44,
            }
        ],
        changes=[
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "运营管理机构",
                "changed_on": date(2026, 5, 20),
                "new_value": "新运营公司",
            }
        ],
        incidents=[
            {
                "certificate_id": "HLJ-2023-002",
                "occurred_on": date(2026, 4, 2),
                "uscc": "91230100MA1B2C3D4E",
                "category": "安全事故",
                "severity": "较大",
                "description": "车间火灾",
            }
        ],
    )
    result = compile_monitoring(
        R,
        date(2027, 3, 11),
        certs,
        [harbin],
        monitoring_deadline=DEADLINE,
        plan_targets=targets,
        check_year=_fails_output_below_150000,
    )
    assert (
        list(result.rows.columns[:5])
        == MONITORING_COLUMNS[:5]
        == ["certificate_id", "prefecture_code", "report_status", "below_threshold", "plan_completion_pct"]
    )
    got = result.rows.set_index("certificate_id")[["report_status", "below_threshold", "plan_completion_pct"]]
    assert got.to_dict(orient="index") == {
        "HLJ-2023-001": {"report_status": "on_time", "below_threshold": "", "plan_completion_pct": 100.0},
        "HLJ-2023-002": {
            "report_status": "on_time",
            "below_threshold": "A5.1.output",
            "plan_completion_pct": 0.0,
        },
        "HLJ-2023-003": {
            "report_status": "missing",
            "below_threshold": "",
            "plan_completion_pct": pytest.approx(float("nan"), nan_ok=True),
        },
    }
    assert (
        "大庆市未报送2026年度集群发展情况"
        in result.rows.set_index("certificate_id").loc["HLJ-2023-003", "note"]
    )
    (change,) = result.changes.to_dict(orient="records")
    assert change["changed_on"] == date(2026, 5, 20) and change["row"] == 2 and change["sheet"] == "重大变动"
    (incident,) = result.incidents.to_dict(orient="records")
    assert incident["severity"] == "较大" and incident["file"] == "monitoring_230100.xlsx"
    assert result.issues == []


def test_correction_supersedes_figures_but_the_first_report_decides_timeliness():
    certs = certificates({"certificate_id": CID})
    first = monitoring_report(
        HARBIN,
        submitted_on=date(2027, 3, 5),
        file="first.xlsx",
        cluster_status=[_status_row(total_output=140000.0)],
    )
    correction = monitoring_report(
        HARBIN,
        submitted_on=date(2027, 3, 15),
        file="correction.xlsx",
        cluster_status=[_status_row(total_output=160000.0)],
    )
    result = compile_monitoring(
        R,
        date(2027, 3, 20),
        certs,
        [correction, first],
        monitoring_deadline=DEADLINE,
        check_year=_fails_output_below_150000,
    )
    row = result.rows.iloc[0]
    assert (row["report_status"], row["below_threshold"], row["file"]) == ("on_time", "", "correction.xlsx")
    assert row["submitted_on"] == date(2027, 3, 5)


def test_monitoring_checks_are_located_issues():
    certs = certificates(
        {"certificate_id": CID}, {"certificate_id": "HLJ-2023-009", "prefecture_code": DAQING}
    )
    report = monitoring_report(
        HARBIN,
        cluster_status=[
            _status_row(),
            _status_row("HLJ-2023-009"),
            _status_row("HLJ-0000-000"),
            _status_row(),
        ],
    )
    issues = {(i.check, i.row) for i in check_monitoring_report(report, certs, R)}
    assert issues == {
        ("monitoring.certificate_id.prefecture", 3),
        ("monitoring.certificate_id.known", 4),
        ("monitoring.cluster_status.duplicate", 5),
    }
    (foreign,) = [i for i in check_monitoring_report(report, certs, R) if i.row == 3]
    assert (foreign.sheet, foreign.column) == ("集群发展情况", "认定编号") and "大庆市" in foreign.message


@pytest.mark.parametrize(
    ("prefecture", "year", "check", "row"),
    [
        ("239900", R, "monitoring.prefecture_code.known", 2),
        (HARBIN, R - 1, "monitoring.report_year.matches", 3),
    ],
    ids=["unknown prefecture code", "report of another year"],
)
def test_bad_header_keeps_the_report_from_counting(prefecture, year, check, row):
    certs = certificates({"certificate_id": CID})
    report = monitoring_report(prefecture, year, cluster_status=[_status_row()])
    result = compile_monitoring(R, date(2027, 3, 11), certs, [report], monitoring_deadline=DEADLINE)
    assert [(i.check, i.row, i.sheet) for i in result.issues if i.check == check] == [
        (check, row, "培育工作情况")
    ]
    assert result.rows.iloc[0]["report_status"] == "missing"


def test_rows_of_another_prefectures_certificate_are_not_compiled_for_it():
    certs = certificates(
        {"certificate_id": CID}, {"certificate_id": "HLJ-2023-009", "prefecture_code": DAQING}
    )
    harbin = monitoring_report(HARBIN, cluster_status=[_status_row(), _status_row("HLJ-2023-009")])
    result = compile_monitoring(R, date(2027, 3, 11), certs, [harbin], monitoring_deadline=DEADLINE)
    assert result.rows.set_index("certificate_id")["report_status"].to_dict() == {
        CID: "on_time",
        "HLJ-2023-009": "missing",
    }
