"""The default scoring model for 择优 (Art. 10, Art. 14): 0–100, absolute per cluster, monotone. The
order it gives (ties broken) is `clustercert.campaign.ranking`.

The regulation gives no points, so the model is a campaign setting, marked as such in every output.
Each indicator is mapped to 0..1 between a policy floor (0) and cap (1), clipped, and weighted by its
Art. 5 aspect's weight shared equally among the aspect's indicators. A cluster's score depends on its
own data only, so it is deterministic, and better data never lowers it (each mapping is non-decreasing;
energy intensity enters as its relative fall, so a larger fall is better). An indicator that cannot be
computed (a zero base) gives 0 points and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from clustercert.policy import Policy, PolicyError, ScoringIndicator
from clustercert.rules import indicators as ind
from clustercert.rules.results import Contribution, Score
from clustercert.submission import ClusterData

CENT = Decimal("0.01")


def measure(
    indicator: ScoringIndicator,
    data: ClusterData,
    policy: Policy,
    as_of: date,
    rows: Mapping[int, ind.Row] | None = None,
    evidence: Mapping[str, tuple[bool, str]] | None = None,
) -> ind.Measured:
    """One scoring indicator's value; `rows`/`evidence` may be passed in when already computed."""
    rows = ind.annual_rows(data) if rows is None else rows
    years = [data.campaign_year + offset for offset in indicator.window]
    source = indicator.source
    if source == "yearly":
        return ind.yearly(indicator.measure, rows, years[-1])  # type: ignore[arg-type]
    if source == "growth":
        method = str(policy.value(indicator.method)) if indicator.method else "geometric"
        return ind.growth(indicator.measure, rows, years, method)  # type: ignore[arg-type]
    if source == "decline":
        return ind.decline(indicator.measure, rows, years)  # type: ignore[arg-type]
    if source == "count":
        return ind.VALUE[indicator.measure](data, as_of, indicator.options)  # type: ignore[index]
    if source == "plan":
        counts = [ind.plan_target_count(data, year).value for year in years]
        return ind.Measured(sum(counts, Fraction(0)))  # type: ignore[arg-type]
    if source == "qualitative":
        items = list(indicator.options.get("items") or [])
        if not items:
            return ind.Measured(None, "未设定定性条件")
        evidence = ind.evidence_by_item(data) if evidence is None else evidence
        met = sum(1 for item in items if evidence.get(item, (False, ""))[0] and evidence[item][1])
        return ind.Measured(Fraction(met * 100, len(items)))
    raise PolicyError(f"unknown scoring source {source!r}")


def normalised(value: ind.Value, floor: Decimal, cap: Decimal) -> Decimal:
    """0 at or below the floor, 1 at or above the cap, linear between."""
    if ind.order(value, cap) >= 0:
        return Decimal(1)
    if ind.order(value, floor) <= 0:
        return Decimal(0)
    return (ind.to_decimal(value) - floor) / (cap - floor)


def score(data: ClusterData, policy: Policy, as_of: date) -> Score:
    """The default model's score of one cluster with every indicator's contribution."""
    model = policy.scoring
    if model is None:
        return Score(Decimal("0.00"), [], "本政策未设定评分模型")
    contributions = []
    rows, evidence = ind.annual_rows(data), ind.evidence_by_item(data)
    for aspect in model.aspects:
        aspect_weight = Decimal(str(policy.value(aspect.weight)))
        share = aspect_weight / len(aspect.indicators) if aspect.indicators else Decimal(0)
        for indicator in aspect.indicators:
            measured = measure(indicator, data, policy, as_of, rows, evidence)
            floor = Decimal(str(policy.value(indicator.floor)))
            cap = Decimal(str(policy.value(indicator.cap)))
            fraction = Decimal(0) if measured.value is None else normalised(measured.value, floor, cap)
            value = (
                None
                if measured.value is None
                else ind.to_decimal(measured.value).quantize(CENT, ROUND_HALF_UP)
            )
            points = (share * fraction).quantize(CENT, ROUND_HALF_UP)
            contributions.append(
                Contribution(aspect.id, indicator.id, value, share.quantize(CENT, ROUND_HALF_UP), points)
            )
    total = sum((c.points for c in contributions), Decimal("0.00"))
    return Score(min(total, Decimal("100.00")), contributions, model.note)
