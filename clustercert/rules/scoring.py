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

import re
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from clustercert.policy import Policy, PolicyError, ScoringAspect, ScoringIndicator
from clustercert.rules import indicators as ind
from clustercert.rules.criteria import regulation_words
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
) -> ind.Measured[ind.Value]:
    """One scoring indicator's value; `rows`/`evidence` may be passed in when already computed."""
    rows = ind.annual_rows(data) if rows is None else rows
    years = [data.campaign_year + offset for offset in indicator.window]
    source = indicator.source
    if source == "yearly":
        return ind.yearly(indicator.measure_name, rows, years[-1])
    if source == "growth":
        method = str(policy.value(indicator.method)) if indicator.method else "geometric"
        return ind.growth(indicator.measure_name, rows, years, method)
    if source == "decline":
        return ind.decline(indicator.measure_name, rows, years)
    if source == "count":
        return ind.VALUE[indicator.measure_name](data, as_of, indicator.options)
    if source == "plan":
        counts = [ind.counted(ind.plan_target_count(data, year)) for year in years]
        return ind.Measured(sum(counts, Fraction(0)))
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


def score(
    data: ClusterData,
    policy: Policy,
    as_of: date,
    rows: Mapping[int, ind.Row] | None = None,
    evidence: Mapping[str, tuple[bool, str]] | None = None,
) -> Score:
    """The default model's score of one cluster with every indicator's contribution; `rows` and
    `evidence` may be passed in when the evaluation has them already."""
    model = policy.scoring
    if model is None:
        return Score(Decimal("0.00"), [], "本政策未设定评分模型")
    contributions = []
    rows = ind.annual_rows(data) if rows is None else rows
    evidence = ind.evidence_by_item(data) if evidence is None else evidence
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


# ---------------------------------------------------------------------------------------------
# names of aspects and indicators, for people


def aspect(policy: Policy, aspect_id: str) -> ScoringAspect | None:
    for found in policy.scoring.aspects if policy.scoring else ():
        if found.id == aspect_id:
            return found
    return None


def indicator(policy: Policy, aspect_id: str, indicator_id: str) -> ScoringIndicator | None:
    found = aspect(policy, aspect_id)
    return next((i for i in found.indicators if i.id == indicator_id), None) if found else None


def aspect_name(policy: Policy, aspect_id: str) -> str:
    """ "A5.1" → "第五条（一）核心竞争力"; "" for an aspect the model does not have."""
    found = aspect(policy, aspect_id)
    return f"{found.article}{regulation_words(found.title)}" if found else ""


_YEAR_TOKEN = re.compile(r"(?<![A-Za-z])Y(?:([+-])(\d+))?(?![A-Za-z])")


def with_years(text: str, campaign_year: int | None) -> str:
    """ "集群总产值（Y-1）" → "集群总产值（2025年）" for the campaign of 2026; unchanged without a year."""
    if campaign_year is None:
        return text

    def year(match: re.Match[str]) -> str:
        sign, offset = match.group(1), int(match.group(2) or 0)
        return f"{campaign_year - offset if sign == '-' else campaign_year + offset}年"

    return _YEAR_TOKEN.sub(year, text)


def indicator_title(
    policy: Policy, aspect_id: str, indicator_id: str, campaign_year: int | None = None
) -> str:
    """The indicator's title in the policy, its years resolved: "集群总产值（2025年）"."""
    found = indicator(policy, aspect_id, indicator_id)
    return with_years(regulation_words(found.title), campaign_year) if found else ""
