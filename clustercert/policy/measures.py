"""The measures a policy file may name, by family: the vocabulary of `measure:` in criteria and scoring.

The policy loader refuses a criterion whose measure the rule engine does not compute; the rule engine
(`clustercert.rules.indicators`) implements exactly these, and checks so when it is imported, so the
two cannot drift apart while the policy layer stays below the rules.
"""

from __future__ import annotations

from clustercert.contract import ANNUAL_INDICATOR_KEYS

# a yearly indicator of 经营指标 (or a ratio of two): one value per year
YEARLY = frozenset({*ANNUAL_INDICATOR_KEYS, "sme_share", "leading_share", "patent_density"})
# one value of the submission at the evaluation date
VALUE = frozenset({"area_km2", "designated_enterprises"})
# counted per target year of the three-year plan
PLAN = frozenset({"plan_target_count"})


def measure_kind(name: str | None) -> str | None:
    """Which family a measure name belongs to (None: unknown)."""
    if name in YEARLY:
        return "yearly"
    if name in VALUE:
        return "value"
    if name in PLAN:
        return "plan"
    return None
