"""Completion of the three-year plan targets (Art. 5(八) targets, checked by Art. 11 and Art. 13).

A target is met when the actual value reaches it: actual ≥ target for every 经营指标 except those
where lower is better — energy_intensity (吨标准煤/万元, Art. 5(六) wants it to fall) — where
actual ≤ target. A target without an actual value counts as not met: nothing shows it was reached.
Completion is the share of targets met, in percent, one decimal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from clustercert.contract import ANNUAL_INDICATOR_KEYS
from clustercert.management.tables import is_blank, records, to_decimal
from clustercert.submission import ROW, ClusterData

# Indicators whose target is a ceiling, not a floor (Art. 5(六): 能源消费强度持续下降).
LOWER_IS_BETTER = frozenset({"energy_intensity"})

Actuals = Mapping[tuple[str, int], Any]  # (indicator, year) → value


@dataclass(frozen=True)
class TargetCheck:
    indicator: str
    target_year: int
    target_value: Decimal
    actual_value: Decimal | None
    met: bool
    lower_is_better: bool


@dataclass(frozen=True)
class PlanCompletion:
    details: tuple[TargetCheck, ...]

    @property
    def total(self) -> int:
        return len(self.details)

    @property
    def met(self) -> int:
        return sum(1 for d in self.details if d.met)

    @property
    def pct(self) -> float | None:
        """Share of targets met in percent; None when there is no target to judge."""
        if not self.details:
            return None
        share = Decimal(self.met) * 100 / Decimal(self.total)
        return float(share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))

    def unmet_text(self) -> str:
        """Chinese list of unmet targets for reports, e.g. "total_output 2026 目标 200000 实际 180000"."""
        parts = []
        for d in self.details:
            if not d.met:
                actual = "未报送" if d.actual_value is None else f"实际 {_plain(d.actual_value)}"
                parts.append(f"{d.indicator} {d.target_year}年 目标 {_plain(d.target_value)} {actual}")
        return "；".join(parts)


def _plain(value: Decimal) -> str:
    """170000.0 → "170000", 0.50 → "0.5": the number as a person would write it."""
    return format(value.normalize(), "f")


def target_met(indicator: str, target: Decimal, actual: Decimal | None) -> bool:
    if actual is None:
        return False
    return actual <= target if indicator in LOWER_IS_BETTER else actual >= target


def plan_completion(
    targets: pd.DataFrame | None, actuals: Actuals, *, years: Iterable[int] | None = None
) -> PlanCompletion:
    """Judge each target (indicator, target_year, target_value) against `actuals`.

    `years` restricts the targets to those years (monitoring looks at year R only; a review at all
    three plan years).
    """
    wanted = None if years is None else {int(y) for y in years}
    checks = []
    for target in records(targets):
        value = to_decimal(target.get("target_value"))  # None for a blank cell
        if value is None or is_blank(target.get("target_year")):
            continue
        year = int(target["target_year"])
        if wanted is not None and year not in wanted:
            continue
        indicator = str(target["indicator"])
        actual = to_decimal(actuals.get((indicator, year)))
        checks.append(
            TargetCheck(
                indicator,
                year,
                value,
                actual,
                target_met(indicator, value, actual),
                indicator in LOWER_IS_BETTER,
            )
        )
    checks.sort(key=lambda c: (c.target_year, c.indicator, c.target_value))
    return PlanCompletion(tuple(checks))


def actuals_from_annual(annual: pd.DataFrame | None) -> dict[tuple[str, int], Any]:
    """Actuals from a 经营指标 table (one row per year), e.g. a review application's fresh data."""
    actuals: dict[tuple[str, int], Any] = {}
    for row in records(annual):
        if is_blank(row.get("year")):
            continue
        for indicator in ANNUAL_INDICATOR_KEYS:
            if indicator in row and not is_blank(row[indicator]):
                actuals[(indicator, int(row["year"]))] = row[indicator]
    return actuals


def plan_targets_frame(data: Mapping[str, ClusterData]) -> pd.DataFrame:
    """The plan targets (发展规划) of each certificate's data, with its certificate id in front."""
    frames = []
    for cid, cluster in data.items():
        targets = cluster.plan_targets.drop(columns=[ROW], errors="ignore").copy()
        targets.insert(0, "certificate_id", cid)
        frames.append(targets)
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=["certificate_id", "indicator", "target_year", "target_value"])
    return pd.concat(frames, ignore_index=True)
