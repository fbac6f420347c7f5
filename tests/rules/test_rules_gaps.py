"""The gap to pass: the grid of what can be entered, number text, changed submissions re-evaluated end to end,
trends, and a policy without precision units."""

from __future__ import annotations

import copy
from datetime import date
from fractions import Fraction

import pytest
from cluster_builder import AS_OF, CAMPAIGN_YEAR, build
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from clustercert.policy import build_policy, load_policy
from clustercert.policy.loader import read_document
from clustercert.rules import criteria as crit
from clustercert.rules import evaluate, gaps
from clustercert.rules.changes import apply, apply_rows, step_back
from clustercert.rules.results import Result

HLJ = load_policy()
Y1, Y2, Y3 = CAMPAIGN_YEAR - 3, CAMPAIGN_YEAR - 2, CAMPAIGN_YEAR - 1


@pytest.mark.parametrize(
    ("bound", "word", "step", "expected"),
    [
        (Fraction(150000), "以上", Fraction(1, 100), Fraction(150000)),  # the number itself is enough
        (Fraction(150000), "不低于", Fraction(1, 100), Fraction(150000)),
        (Fraction(150000), "高于", Fraction(1, 100), Fraction(15000001, 100)),  # one unit past it
        (Fraction(150000), "超过", Fraction(1), Fraction(150001)),
        (Fraction(100), "不超过", Fraction(1, 100), Fraction(100)),
        (Fraction(1, 2), "低于", Fraction(1, 10000), Fraction(4999, 10000)),
        (
            Fraction(74074068, 1000),
            "以上",
            Fraction(1, 100),
            Fraction(7407407, 100),
        ),  # rounded up onto the grid
        (Fraction(74074068, 1000), "高于", Fraction(1, 100), Fraction(7407407, 100)),
        (Fraction(1102500, 100), "不少于", Fraction(1), Fraction(11025)),
        (Fraction(11025, 100), "不少于", Fraction(1), Fraction(111)),
    ],
)
def test_on_grid_takes_the_word_and_the_precision(bound, word, step, expected) -> None:
    assert gaps.on_grid(bound, word, step) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(150000), "150 000"),
        (Fraction(11025), "11 025"),
        (Fraction(1000), "1000"),
        (Fraction(1, 100), "0.01"),
        (Fraction(1234567891, 100), "12 345 678.91"),
        (Fraction(1, 3), "0.333333"),
    ],
)
def test_numbers_read_as_written(value, text) -> None:
    assert gaps.number(value) == text


FAILING = {
    "leading share at 60 %": dict(annual={2025: {"leading_output": 150000, "total_output": 250000}}),
    "SME share below": dict(annual={2025: {"sme_output": 100000.55}}),
    "output two years": dict(annual={2023: {"total_output": 120000.5}, 2024: {"total_output": 149999.99}}),
    "R&D growth exactly 5 %": dict(annual={2023: {"sme_rd": 10000}, 2025: {"sme_rd": 11025}}),
    "patents": dict(annual={2025: {"invention_patents": 80, "employees": 200000}}),
    "II adoption": dict(annual={2025: {"ii_adoption_pct": 3.5}}),
    "software flat": dict(annual={2024: {"software_adoption_pct": 20}, 2025: {"software_adoption_pct": 30}}),
    "energy up": dict(annual={2024: {"energy_intensity": 0.52}, 2025: {"energy_intensity": 0.53}}),
    "no designations": dict(designations=[]),
    "no plan": dict(plan_targets=[]),
    "area": dict(profile={"area_km2": 130.25}),
}


@pytest.mark.parametrize("given_data", FAILING.values(), ids=FAILING.keys())
def test_each_option_passes_once_the_submission_is_changed(given_data) -> None:
    """End to end: the changed submission (typed frames) through `evaluate`, not just the criterion."""
    data = build(**given_data)
    evaluation = evaluate(data, HLJ, AS_OF)
    failed = [r for r in evaluation.criteria if r.result in gaps.GAP_RESULTS]
    assert failed
    ctx = crit.Context(data.submission_id, HLJ, AS_OF, CAMPAIGN_YEAR, evaluate_rows(data), data)
    for result in failed:
        assert result.gap, result.criterion_id
        found = gaps.gap(ctx, HLJ.criterion(result.criterion_id))
        assert found.text == result.gap and found.options
        for option in found.options:
            changed = evaluate(apply(data, option), HLJ, AS_OF)
            assert changed.result(result.criterion_id).result == Result.PASS, result.gap
            for index in range(len(option)):
                short = evaluate(apply(data, step_back(option, index)), HLJ, AS_OF)
                assert short.result(result.criterion_id).result != Result.PASS, (result.gap, index)


def evaluate_rows(data):
    from clustercert.rules import indicators

    return indicators.annual_rows(data)


def test_a_cluster_that_meets_everything_has_no_gaps() -> None:
    evaluation = evaluate(build(), HLJ, AS_OF)
    assert all(r.gap == "" for r in evaluation.criteria)


def test_the_national_standard_gets_gaps_by_the_same_computation() -> None:
    national = load_policy("national-2022")
    evaluation = evaluate(build(annual={2025: {"total_output": 240000}}), national, AS_OF)
    gap = evaluation.result("N1.sme_share").gap  # 175000 of 240000 万元: 72.92 %, 70 % 以上
    assert evaluation.result("N1.sme_share").result == Result.PASS and gap == ""
    growth = evaluation.result("N1.output_growth")
    assert growth.result == Result.FAIL
    assert "2025年集群总产值至少增加 2000.01 万元（即 > 242 000 万元）" in growth.gap  # 200000 × 1.1², 高于
    assert all(r.gap == "" for r in evaluation.criteria if r.result == Result.NOT_EVALUATED)


def test_a_policy_without_precision_units_says_so_instead_of_guessing() -> None:
    document = copy.deepcopy(read_document("hlj-2023"))
    document.pop("gaps")
    policy = build_policy(document)
    evaluation = evaluate(build(annual={2025: {"leading_output": 150000}}), policy, AS_OF)
    assert evaluation.result("A5.1.leading_share").gap == "本政策未设定“万元”数据的最小变动单位，未计算差距"


def test_a_share_that_cannot_reach_the_threshold_says_so() -> None:
    policy = load_policy(overrides={"A5.1.leading_share.threshold": 100})
    gap = evaluate(build(), policy, AS_OF).result("A5.1.leading_share").gap
    assert "主导产业产值须超过集群总产值，不可能满足" in gap


def test_designations_that_lapse_before_the_evaluation_date_do_not_count() -> None:
    data = build(designations=[{"uscc": "91230183MA0000001X", "designation": "制造业单项冠军", "level": "国家级",
                                "valid_until": date(2026, 6, 30)}])  # fmt: skip
    gap = evaluate(data, HLJ, AS_OF).result("A5.2.tiered").gap
    assert "再增加 1 家（现有 0 家" in gap


# ---------------------------------------------------------------------------------------------
# trends: which year breaks the trend and what it needs (hypothesis, on the grid of entries)

TREND_SETTINGS = settings(
    max_examples=500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def trend_rows(column: str, values: tuple[Fraction, Fraction, Fraction]):
    return {year: {column: value} for year, value in zip((Y1, Y2, Y3), values, strict=True)}


def check_trend(cid: str, column: str, values: tuple[Fraction, Fraction, Fraction]) -> None:
    criterion = HLJ.criterion(cid)
    rows = trend_rows(column, values)
    ctx = crit.Context("s", HLJ, AS_OF, CAMPAIGN_YEAR, rows)
    assume(crit.evaluate_criterion(ctx, criterion).result == Result.FAIL)
    found = gaps.gap(ctx, criterion)
    if not found.options:  # cannot be met by changing later years (a value below 0): said plainly
        assert "不可能满足" in found.text or "不足以通过" in found.text, found.text
        return
    [option] = found.options
    assert all(change.year != Y1 for change in option)  # the first year is the base
    changed = crit.Context("s", HLJ, AS_OF, CAMPAIGN_YEAR, apply_rows(rows, option))
    assert crit.evaluate_criterion(changed, criterion).result == Result.PASS, found.text
    for index in range(len(option)):
        short = crit.Context("s", HLJ, AS_OF, CAMPAIGN_YEAR, apply_rows(rows, step_back(option, index)))
        assert crit.evaluate_criterion(short, criterion).result == Result.FAIL, (found.text, index)
    for change in option:
        assert f"{change.year}年" in found.text


@TREND_SETTINGS
@given(st.tuples(*[st.integers(0, 4000)] * 3))
def test_software_trend_gap(hundredths: tuple[int, int, int]) -> None:
    check_trend("A5.5.software_trend", "software_adoption_pct", tuple(Fraction(n, 100) for n in hundredths))


@TREND_SETTINGS
@given(st.tuples(*[st.integers(0, 60)] * 3))
def test_energy_trend_gap(thousandths: tuple[int, int, int]) -> None:
    check_trend("A5.6.energy_trend", "energy_intensity", tuple(Fraction(n, 100) for n in thousandths))
