"""evaluate(): eligibility, warnings, veto, overrides recorded, CSV rows, robustness; check_single_year()."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
from cluster_builder import AS_OF, build

from clustercert.policy import load_policy
from clustercert.rules import (
    CRITERIA_COLUMNS,
    Result,
    below_threshold,
    check_single_year,
    criteria_rows,
    evaluate,
)

HLJ = load_policy()


def test_base_cluster_is_eligible_with_every_criterion_in_policy_order() -> None:
    evaluation = evaluate(build(), HLJ, AS_OF)
    assert [r.criterion_id for r in evaluation.criteria] == list(HLJ.criterion_ids)
    assert evaluation.eligible and not evaluation.vetoed
    assert evaluation.failed_criteria == [] and evaluation.warnings == []
    assert evaluation.latest_total_output == Decimal("250000")
    assert evaluation.policy == "hlj-2023" and evaluation.as_of == AS_OF


def test_advisory_failure_is_a_warning_not_an_ineligibility() -> None:
    evaluation = evaluate(build(profile={"area_km2": 120}), HLJ, AS_OF)
    assert evaluation.eligible
    assert evaluation.warnings == ["A5.1.area"] and evaluation.failed_criteria == []


def test_hard_failures_and_veto_make_it_ineligible() -> None:
    data = build(
        annual={2025: {"leading_output": 150000, "total_output": 250000}},
        incidents=[{"occurred_on": "2025-01-05", "uscc": "91230183MA0000001X", "category": "偷税漏税"}],
    )
    evaluation = evaluate(data, HLJ, AS_OF)
    assert not evaluation.eligible and evaluation.vetoed
    assert evaluation.failed_criteria == ["A5.1.leading_share", "A6.incidents"]
    [incident] = evaluation.veto_incidents
    assert (incident.category, incident.uscc, incident.row) == ("偷税漏税", "91230183MA0000001X", 2)


def test_criteria_rows_match_the_csv_contract() -> None:
    # SPEC §5's columns, then the gap to pass after them
    assert CRITERIA_COLUMNS == [
        "submission_id",
        "criterion_id",
        "article",
        "value",
        "threshold",
        "comparator",
        "result",
        "explanation",
        "source_sheet",
        "source_rows",
        "source_columns",
        "gap",
    ]  # fmt: skip — the SPEC §5 columns in their order, then where each value was read, then the gap
    rows = criteria_rows(evaluate(build(), HLJ, AS_OF))
    assert all(list(row) == CRITERIA_COLUMNS for row in rows)
    sme = next(row for row in rows if row["criterion_id"] == "A5.1.sme_share")
    assert sme == {
        "submission_id": "2026-230183-abcdef01",
        "criterion_id": "A5.1.sme_share",
        "article": "第五条（一）",
        "value": "70.00",
        "threshold": "60",
        "comparator": "以上",
        "result": "pass",
        "explanation": "2025年中小企业产值占比 70.00%，在60%以上（第五条（一））：通过",
        "source_sheet": "经营指标",
        "source_rows": "4",
        "source_columns": "中小企业产值（万元）;集群总产值（万元）",
        "gap": "",
    }


def test_overrides_change_the_rule_and_are_recorded() -> None:
    data = build(annual={2023: {"total_output": 130000}})
    assert evaluate(data, HLJ, AS_OF).result("A5.1.output").result == Result.FAIL
    policy = load_policy(overrides={"A5.1.output.threshold": 120000})
    evaluation = evaluate(data, policy, AS_OF)
    assert evaluation.result("A5.1.output").result == Result.PASS
    assert evaluation.result("A5.1.output").threshold == "120000"
    assert evaluation.policy_overrides == {"A5.1.output.threshold": 120000}


def test_zero_and_missing_data_fail_with_reasons_and_never_crash() -> None:
    zeros = {key: 0 for key in ("total_output", "sme_output", "leading_output", "sme_rd", "invention_patents",
                                "employees", "ii_adoption_pct", "software_adoption_pct", "energy_intensity")}  # fmt: skip
    data = build(replace_annual={2023: dict(zeros), 2024: dict(zeros), 2025: dict(zeros)})
    evaluation = evaluate(data, HLJ, AS_OF)
    assert not evaluation.eligible
    for cid in (
        "A5.1.output",
        "A5.1.sme_share",
        "A5.4.rd_growth",
        "A5.4.patent_density",
        "A5.6.energy_trend",
    ):
        assert cid in evaluation.failed_criteria
    assert "为0" in evaluation.result("A5.1.sme_share").explanation
    assert 0 <= evaluation.score.total <= 100

    empty = build(
        replace_annual={}, designations=[], evidence={i: None for i in HLJ.item_ids}, plan_targets=[]
    )
    evaluation = evaluate(empty, HLJ, AS_OF)
    assert evaluation.result("A5.1.output").explanation.startswith("2023年经营指标未填报")
    assert evaluation.result("A5.1.brand").explanation.startswith("集群品牌知名度：未填报")
    assert evaluation.score.total == Decimal("0.00")


def test_frames_with_nan_text_cells_are_read_as_blank() -> None:
    data = build(incidents=[{"occurred_on": "2025-01-05", "uscc": "91230183MA0000001X", "category": "安全事故",
                             "severity": "一般"}])  # fmt: skip
    data.incidents["description"] = pd.Series([float("nan")], dtype="object")
    assert evaluate(data, HLJ, AS_OF).result("A6.incidents").result == Result.PASS


def test_same_engine_evaluates_the_national_standard() -> None:
    data = build(
        annual={2023: {"total_output": 400000}, 2024: {"total_output": 450000},
                2025: {"total_output": 500000, "sme_output": 360000, "leading_output": 360000}},
    )  # fmt: skip
    evaluation = evaluate(data, load_policy("national-2022"), AS_OF)
    assert evaluation.failed_criteria == [] and evaluation.eligible
    results = {r.criterion_id: r.result for r in evaluation.criteria}
    assert results["N1.output_growth"] == Result.PASS  # 400000 → 500000: 11.80 % a year
    assert [cid for cid, r in results.items() if r == Result.NOT_EVALUATED] == [
        "N4.innovation", "N5.digital", "N6.green", "N8.plan",
    ]  # fmt: skip
    assert (results["N1.area"], results["N.incidents"]) == (Result.PASS, Result.PASS)  # confirmed (SPEC §4.4)


def test_check_single_year_flags_indicators_below_art5_thresholds() -> None:
    values = {"total_output": 149999.5, "sme_output": 89999.7, "leading_output": 89999.7, "sme_rd": 900.0,
              "invention_patents": 70, "employees": 140000, "ii_adoption_pct": 10.0,
              "software_adoption_pct": 30.0, "energy_intensity": 0.4}  # fmt: skip
    results = check_single_year(values, 2027, HLJ, subject_id="HLJ-2026-001")
    assert [r.criterion_id for r in results] == [
        "A5.1.output", "A5.1.sme_share", "A5.1.leading_share", "A5.4.patent_density", "A5.5.ii_adoption",
    ]  # fmt: skip
    assert below_threshold(results) == ["A5.1.output", "A5.1.leading_share"]
    assert {r.submission_id for r in results} == {"HLJ-2026-001"}
    sme = next(r for r in results if r.criterion_id == "A5.1.sme_share")
    assert sme.explanation == "2027年中小企业产值占比 60.00%，在60%以上（第五条（一））：通过"
    density = next(r for r in results if r.criterion_id == "A5.4.patent_density")
    assert density.value == "5.00" and density.result == Result.PASS


def test_check_single_year_with_decimals_and_missing_values() -> None:
    values = {"total_output": Decimal("150000"), "sme_output": None, "leading_output": Decimal("90001")}
    results = {r.criterion_id: r for r in check_single_year(values, 2027, HLJ)}
    assert results["A5.1.output"].result == Result.PASS
    assert results["A5.1.sme_share"].result == Result.FAIL
    assert "中小企业产值未填报" in results["A5.1.sme_share"].explanation
    assert results["A5.1.leading_share"].result == Result.PASS
    national = check_single_year({"total_output": 399999}, 2027, load_policy("national-2022"))
    assert below_threshold(national)[0] == "N1.output"
