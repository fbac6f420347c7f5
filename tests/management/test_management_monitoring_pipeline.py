"""Monitoring with the real neighbours: a JSON report read by intake, typed by the structure layer,
judged by the rule engine's single-year Art. 5 criteria (hlj-2023 policy)."""

import json
from datetime import date

import pandas as pd
from management_fixtures import FIGURES, HARBIN, certificates

from clustercert import contract
from clustercert.intake import read_submission
from clustercert.management.monitoring import compile_monitoring, single_year_check
from clustercert.management.monitoring_report import MonitoringReport
from clustercert.management.parameters import ManagementParameters
from clustercert.policy import load_policy
from schemas.structure import check_structure

POLICY = load_policy("hlj-2023")
PARAMS = ManagementParameters.from_policy(POLICY)


def _status(cid, **changes):
    return {"certificate_id": cid, **FIGURES, **changes}


def test_single_year_check_uses_the_policy_thresholds():
    check = single_year_check(POLICY)
    assert check({k: v for k, v in _status("x").items() if k != "certificate_id"}, 2026) == []
    # exactly 15亿元 passes (以上); SME share exactly 60 % passes; leading share exactly 60 % fails (高于)
    edge = _status("x", total_output=150000, sme_output=90000, leading_output=90000, ii_adoption_pct=9.9)
    del edge["certificate_id"]
    assert check(edge, 2026) == ["A5.1.leading_share", "A5.5.ii_adoption"]


def test_json_report_through_intake_structure_and_compilation(tmp_path):
    doc = {
        "work_summary": {
            "prefecture_code": HARBIN,
            "report_year": "2026",
            "submitted_on": "2027-03-10",
            "summary": "2026年度培育工作总结",
        },
        "cluster_status": [_status("HLJ-2023-001"), _status("HLJ-2023-002", total_output=140000)],
        "plan_progress": [
            {
                "certificate_id": "HLJ-2023-001",
                "indicator": "total_output",
                "target_year": 2026,
                "actual_value": 200000,
            }
        ],
        "changes": [
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "运营管理机构",
                "changed_on": "2026-05-20",
                "new_value": "新运营公司",
            }
        ],
        "incidents": [],
    }
    path = tmp_path / "monitoring_230100.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    structure = check_structure(read_submission(path, workbook=contract.MONITORING), contract.MONITORING)
    assert structure.ok, structure.issues
    report = MonitoringReport.from_structure(structure)
    assert (report.prefecture_code, report.report_year, report.submitted_on) == (
        HARBIN,
        2026,
        date(2027, 3, 10),
    )

    certs = certificates({"certificate_id": "HLJ-2023-001"}, {"certificate_id": "HLJ-2023-002"})
    targets = pd.DataFrame(
        [
            {
                "certificate_id": "HLJ-2023-001",
                "indicator": "total_output",
                "target_year": 2026,
                "target_value": 190000,
            }
        ]
    )
    result = compile_monitoring(
        2026,
        date(2027, 3, 11),
        certs,
        [report],
        monitoring_deadline=PARAMS.monitoring_deadline,
        plan_targets=targets,
        check_year=single_year_check(POLICY),
    )
    rows = result.rows.set_index("certificate_id")
    assert rows.loc["HLJ-2023-001", "report_status"] == "on_time"
    assert rows.loc["HLJ-2023-001", "plan_completion_pct"] == 100.0
    assert rows.loc["HLJ-2023-002", "below_threshold"] == "A5.1.output"
    (change,) = result.changes.to_dict(orient="records")
    assert (change["changed_on"], change["row"], change["file"]) == (
        date(2026, 5, 20),
        2,
        "monitoring_230100.json",
    )
