"""Art. 11 expiry classification, notices and review outcomes (cases in cases/expiry.yaml)."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import pytest
from management_fixtures import case_ids, certificates, load_cases

from clustercert.management.expiry import (
    EXPIRY_COLUMNS,
    classify_expiry,
    expiry_notices,
    renewed_valid_until,
    review_outcome,
    review_plan_completion,
)

TABLE = load_cases("expiry.yaml")
PARAMS = {
    "expiry_notice_days": TABLE["expiry_notice_days"],
    "review_window_days": TABLE["review_window_days"],
}


def _classify(case):
    certs = certificates({"certificate_id": "HLJ-2023-001", "valid_until": case["valid_until"]})
    reviews = None
    if case.get("applied_on"):
        reviews = pd.DataFrame([{"certificate_id": "HLJ-2023-001", "applied_on": case["applied_on"]}])
    return classify_expiry(certs, TABLE["as_of"], reviews, **PARAMS)


@pytest.mark.parametrize("case", TABLE["cases"], ids=case_ids(TABLE["cases"]))
def test_expiry_status(case):
    row = _classify(case).iloc[0]
    assert row["days_to_expiry"] == case["d"]  # the table itself is right about d
    assert row["status"] == case["status"]
    assert row["article"] == case.get("article", "11")


@pytest.mark.parametrize("case", TABLE["cases"], ids=case_ids(TABLE["cases"]))
def test_notice_only_in_the_expiring_bands(case):
    notices = expiry_notices(_classify(case))
    if "notice" not in case:
        assert notices.empty
        return
    (notice,) = notices.to_dict(orient="records")
    assert notice["notice_days"] == case["notice"]
    assert notice["article"] == "11"
    assert f"有效期至{case['valid_until'].isoformat()}" in notice["text"]
    assert f"距到期还有{case['d']}天" in notice["text"] and "第十一条" in notice["text"]


def test_notice_already_sent_is_not_sent_again_but_a_renewed_certificate_gets_one():
    rows = classify_expiry(
        certificates({"certificate_id": "HLJ-2023-001", "valid_until": date(2026, 8, 30)}),
        date(2026, 6, 1),
        **PARAMS,
    )
    assert expiry_notices(rows, already_sent=[("HLJ-2023-001", 90, date(2026, 8, 30))]).empty
    assert len(expiry_notices(rows, already_sent=[("HLJ-2023-001", 90, date(2023, 8, 30))])) == 1


def test_revoked_certificates_are_not_classified_and_columns_follow_spec():
    certs = certificates(
        {"certificate_id": "HLJ-2023-002", "valid_until": date(2026, 9, 1)},
        {"certificate_id": "HLJ-2023-001", "valid_until": date(2026, 7, 1)},
        {"certificate_id": "HLJ-2023-003", "valid_until": date(2026, 7, 1), "status": "revoked"},
    )
    rows = classify_expiry(certs, date(2026, 6, 1), **PARAMS)
    assert list(rows.columns[:3]) == ["certificate_id", "valid_until", "status"] and EXPIRY_COLUMNS[
        :3
    ] == list(rows.columns[:3])
    assert list(rows["certificate_id"]) == ["HLJ-2023-001", "HLJ-2023-002"]  # by expiry, then id


@dataclass
class _Score:
    total: float


@dataclass
class _Evaluation:
    eligible: bool
    failed_criteria: list[str] = field(default_factory=list)
    score: _Score = field(default_factory=lambda: _Score(81.5))


@pytest.mark.parametrize("case", TABLE["reviews"], ids=case_ids(TABLE["reviews"]))
def test_review_outcome(case):
    old = {"certificate_id": "HLJ-2023-001", "valid_until": case["valid_until"]}
    outcome = review_outcome(
        old,
        _Evaluation(case["eligible"], case.get("failed", [])),
        None,
        renewal_years=3,
        review_id="2026-230183-abcd1234",
    )
    assert outcome.passed is case["eligible"]
    assert outcome.new_valid_until == case["new_valid_until"]
    assert outcome.article == case["article"]
    assert outcome.failed_criteria == tuple(case.get("failed", []))
    if case["eligible"]:
        assert case["new_valid_until"].isoformat() in outcome.explanation
        assert renewed_valid_until(case["valid_until"], 3) == case["new_valid_until"]
        assert f"新有效期自{(case['valid_until'] + timedelta(days=1)).isoformat()}" in outcome.explanation
    else:
        assert "第十五条（一）" in outcome.explanation and "A5.1.output" in outcome.explanation


def test_review_reports_plan_completion_from_original_targets_against_fresh_data():
    targets = pd.DataFrame(
        [
            {"indicator": "total_output", "baseline": 150000, "target_year": 2023, "target_value": 160000},
            {"indicator": "total_output", "baseline": 150000, "target_year": 2024, "target_value": 170000},
            {"indicator": "energy_intensity", "baseline": 0.6, "target_year": 2025, "target_value": 0.5},
            {"indicator": "sme_rd", "baseline": 1000, "target_year": 2025, "target_value": 1200},
        ]
    )
    fresh = pd.DataFrame(
        [
            {"year": 2023, "total_output": 165000.0, "energy_intensity": 0.58, "sme_rd": 1000.0},
            {"year": 2024, "total_output": 168000.0, "energy_intensity": 0.55, "sme_rd": 1100.0},
            {"year": 2025, "total_output": 180000.0, "energy_intensity": 0.49, "sme_rd": 1150.0},
        ]
    )
    completion = review_plan_completion(targets, fresh)
    assert (completion.met, completion.total, completion.pct) == (2, 4, 50.0)
    outcome = review_outcome(
        {"certificate_id": "HLJ-2023-001", "valid_until": date(2026, 7, 31)},
        _Evaluation(True),
        completion,
        renewal_years=3,
    )
    assert outcome.plan_completion_pct == 50.0 and outcome.passed  # the plan is reported, it decides nothing
    assert "total_output 2024年 目标 170000 实际 168000" in outcome.plan_unmet
    assert "sme_rd 2025年" in outcome.plan_unmet and "energy_intensity" not in outcome.plan_unmet
