"""Default scoring model: 0–100, contributions shown, deterministic, monotone (the ranking: tests/campaign)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from cluster_builder import AS_OF, BASE_ANNUAL, ENTERPRISE_IDS, build
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clustercert.policy import load_policy
from clustercert.rules import score
from clustercert.rules.scoring import normalised

HLJ = load_policy()


def test_score_shows_every_indicator_and_adds_up() -> None:
    result = score(build(), HLJ, AS_OF)
    assert result.model_note == "默认评分模型（由本次申报工作设定）"
    indicators = [(c.aspect, c.indicator) for c in result.contributions]
    assert len(indicators) == sum(len(a.indicators) for a in HLJ.scoring.aspects) == 15
    assert {a for a, _ in indicators} == {f"A5.{n}" for n in range(1, 9)}
    assert result.total == sum(c.points for c in result.contributions)
    assert Decimal(0) < result.total < Decimal(100)
    energy = next(c for c in result.contributions if c.indicator == "energy_decline")
    assert (energy.value, energy.points) == (Decimal("20.00"), Decimal("10.00"))  # 0.5 → 0.4: a 20 % fall
    assert score(build(), HLJ, AS_OF) == result  # deterministic


def test_a_cluster_at_every_cap_scores_100() -> None:
    top = {2023: dict(BASE_ANNUAL[2023], sme_rd=100, invention_patents=100, energy_intensity=1.0),
           2025: dict(total_output=1_000_000, sme_output=1_000_000, leading_output=1_000_000, sme_rd=200,
                      invention_patents=200, employees=20000, ii_adoption_pct=80, software_adoption_pct=100,
                      energy_intensity=0.5)}  # fmt: skip
    designations = [
        {"uscc": u, "designation": "制造业单项冠军", "level": "国家级"} for u in ENTERPRISE_IDS[:5]
    ]
    designations += [
        {"uscc": f"91230183MB{n:07d}X", "designation": "高新技术企业", "level": "国家级"} for n in range(30)
    ]
    plan = [{"indicator": "total_output", "baseline": 1.0, "target_year": y, "target_value": 2.0}
            for y in (2026, 2027, 2028) for _ in range(4)]  # fmt: skip
    assert score(build(annual=top, designations=designations, plan_targets=plan), HLJ, AS_OF).total == 100


def test_uncomputable_indicators_give_zero_points() -> None:
    result = score(build(annual={2023: {"sme_rd": 0}}), HLJ, AS_OF)
    rd = next(c for c in result.contributions if c.indicator == "rd_growth")
    assert rd.value is None and rd.points == 0


def test_weights_come_from_the_policy() -> None:
    policy = load_policy(overrides={"scoring.A5.6.weight": 20, "scoring.A5.4.weight": 10})
    energy = next(c for c in score(build(), policy, AS_OF).contributions if c.indicator == "energy_decline")
    assert (energy.weight, energy.points) == (Decimal("20.00"), Decimal("20.00"))


@given(
    value=st.fractions(min_value=-100, max_value=2_000_000),
    step=st.fractions(min_value=0, max_value=1000),
    floor=st.integers(min_value=-10, max_value=1000),
    width=st.integers(min_value=1, max_value=1_000_000),
)
def test_normalisation_is_monotone_and_bounded(
    value: Fraction, step: Fraction, floor: int, width: int
) -> None:
    low = normalised(value, Decimal(floor), Decimal(floor + width))
    high = normalised(value + step, Decimal(floor), Decimal(floor + width))
    assert Decimal(0) <= low <= high <= Decimal(1)


def _qualitative(result, aspect: str):
    return next(c for c in result.contributions if (c.aspect, c.indicator) == (aspect, "qualitative"))


def test_qualitative_share_counts_every_item_of_the_aspect() -> None:
    """5(三) has four items, 5(八) four: one missing of four is 75 % of the indicator's share."""
    assert [i for i in QUALITATIVE if i.startswith("A5.3.")] == [
        "A5.3.layout", "A5.3.coordination", "A5.3.sharing", "A5.3.key_links",
    ]  # fmt: skip
    full = score(build(), HLJ, AS_OF)
    assert (_qualitative(full, "A5.3").value, _qualitative(full, "A5.3").points) == (
        Decimal("100.00"),
        Decimal("10.00"),
    )
    chain = score(build(evidence={"A5.3.key_links": [True, ""]}), HLJ, AS_OF)
    assert (_qualitative(chain, "A5.3").value, _qualitative(chain, "A5.3").points) == (
        Decimal("75.00"),
        Decimal("7.50"),
    )
    measures = score(build(evidence={"A5.8.measures": None}), HLJ, AS_OF)
    # 5 points shared by two indicators: 2.50 × 3/4 = 1.875, rounded half up
    assert (_qualitative(measures, "A5.8").value, _qualitative(measures, "A5.8").points) == (
        Decimal("75.00"),
        Decimal("1.88"),
    )
    # 5(六) has no qualitative indicator: its items decide eligibility, not the score
    assert score(build(evidence={"A5.6.pollution_control": [False, ""]}), HLJ, AS_OF).total == full.total


# Improving one input, all else equal, must never lower the score.
IMPROVEMENTS = [
    "sme_output", "leading_output", "scale_output", "sme_rd", "invention_patents", "fewer_employees",
    "ii_adoption_pct", "software_adoption_pct", "energy_fall", "designation", "qualitative", "plan_target",
]  # fmt: skip
# Every item a qualitative scoring indicator counts (the policy's lists: 5(三), 5(七), 5(八)).
QUALITATIVE = [
    item
    for aspect in HLJ.scoring.aspects
    for indicator in aspect.indicators
    if indicator.source == "qualitative"
    for item in indicator.options["items"]
]


def _annual(total: int, sme_pct: int, lead_pct: int, rd: list[int], patents: list[int], employees: int,
            ii: int, software: int, energy: list[int]) -> dict[int, dict]:  # fmt: skip
    years = {}
    for i, year in enumerate((2023, 2024, 2025)):
        years[year] = dict(
            total_output=total, sme_output=total * sme_pct // 100, leading_output=total * lead_pct // 100,
            sme_rd=rd[i], invention_patents=patents[i], employees=employees, ii_adoption_pct=ii,
            software_adoption_pct=software, energy_intensity=energy[i] / 100,
        )  # fmt: skip
    return years


@st.composite
def clusters(draw: st.DrawFn) -> dict:
    return {
        "replace_annual": _annual(
            draw(st.integers(100_000, 1_200_000)),
            draw(st.integers(40, 100)),
            draw(st.integers(40, 100)),
            draw(st.lists(st.integers(0, 5000), min_size=3, max_size=3)),
            draw(st.lists(st.integers(0, 500), min_size=3, max_size=3)),
            draw(st.integers(1, 200_000)),
            draw(st.integers(0, 90)),
            draw(st.integers(0, 90)),
            draw(st.lists(st.integers(1, 200), min_size=3, max_size=3)),
        ),
        "designation_count": draw(st.integers(0, 8)),
        "missing_items": draw(st.sets(st.sampled_from(QUALITATIVE))),
        "plan_count": draw(st.integers(0, 12)),
    }


def _build(spec: dict):
    designations = [{"uscc": u, "designation": "专精特新“小巨人”", "level": "国家级"}
                    for u in ENTERPRISE_IDS[: spec["designation_count"]]]  # fmt: skip
    plan = [{"indicator": "sme_rd", "baseline": 1.0, "target_year": 2026 + n % 3, "target_value": 2.0}
            for n in range(spec["plan_count"])]  # fmt: skip
    evidence = {item: [False, ""] for item in spec["missing_items"]}
    return build(replace_annual=spec["replace_annual"], designations=designations, plan_targets=plan,
                 evidence=evidence)  # fmt: skip


def _improve(spec: dict, move: str, amount: int) -> dict:
    spec = {**spec, "replace_annual": {y: dict(v) for y, v in spec["replace_annual"].items()}}
    last = spec["replace_annual"][2025]
    if move in ("sme_output", "leading_output"):
        last[move] = min(last["total_output"], last[move] + amount)
    elif move == "scale_output":  # a bigger cluster with the same shares
        for key in ("total_output", "sme_output", "leading_output"):
            last[key] = last[key] * 2
    elif move in ("sme_rd", "invention_patents"):
        last[move] += amount
    elif move == "fewer_employees":
        last["employees"] = max(1, last["employees"] - amount)
    elif move in ("ii_adoption_pct", "software_adoption_pct"):
        last[move] = min(100, last[move] + amount % 20)
    elif move == "energy_fall":
        last["energy_intensity"] = max(0.0, round(last["energy_intensity"] - (amount % 50) / 100, 2))
    elif move == "designation":
        spec["designation_count"] = min(len(ENTERPRISE_IDS), spec["designation_count"] + 1)
    elif move == "qualitative":
        spec["missing_items"] = set(list(spec["missing_items"])[1:])
    elif move == "plan_target":
        spec["plan_count"] += 1
    return spec


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=clusters(), move=st.sampled_from(IMPROVEMENTS), amount=st.integers(1, 100_000))
def test_improving_any_input_never_lowers_the_score(spec: dict, move: str, amount: int) -> None:
    before = score(_build(spec), HLJ, AS_OF)
    after = score(_build(_improve(spec, move, amount)), HLJ, AS_OF)
    assert after.total >= before.total, (move, before.contributions, after.contributions)
    assert Decimal(0) <= before.total <= Decimal(100)
