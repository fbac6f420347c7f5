"""A change of a submission's data, as a gap to pass states it, and the changed submission it gives.

`clustercert.rules.gaps` says what would make a failed criterion pass as a set of `Change`s; `apply`
builds the submission with those changes made, so that a test (or an analyst) re-evaluates it and sees
the criterion pass, and `step_back` undoes one unit of each change to see that less is not enough.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from typing import Any

import pandas as pd

from clustercert.contract import ANNUAL, DESIGNATIONS_SHEET, ENTERPRISES, PLAN_TARGETS, Kind, Sheet
from clustercert.rules import indicators as ind
from clustercert.submission import ROW, ClusterData


class ChangeKind(StrEnum):
    ANNUAL = "annual"  # 经营指标: `key` of `year` becomes `value`
    PROFILE = "profile"  # 基本信息: `key` becomes `value`
    DESIGNATIONS = "designations"  # `value` more enterprises holding a designation of `options`
    PLAN = "plan"  # `value` more numeric targets for `year` in 发展规划


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    key: str
    value: Fraction  # the new value (annual, profile) or how many more (designations, plan)
    step: Fraction  # one unit of the data's precision
    direction: int = 1  # +1: the value rises to `value`; −1: it falls to it
    year: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)  # designations: which kind counts

    @property
    def in_year(self) -> int:
        """The year an annual or plan change is made in (every gap that makes one names it)."""
        if self.year is None:
            raise ValueError(f"a {self.kind} change of {self.key} names its year")
        return self.year

    def step_back(self) -> Change:
        """One unit less of this change (the value one step short of what the gap states)."""
        return replace(self, value=self.value - self.direction * self.step)


Option = tuple[Change, ...]  # changes that together make the criterion pass


def step_back(option: Option, index: int) -> Option:
    """`option` with its `index`-th change one unit short."""
    return tuple(c.step_back() if i == index else c for i, c in enumerate(option))


def apply_rows(rows: Mapping[int, ind.Row], option: Option) -> dict[int, dict[str, Fraction | None]]:
    """The 经营指标 rows (as the rules read them) with the option's annual changes made."""
    changed = {year: dict(row) for year, row in rows.items()}
    for change in option:
        if change.kind == ChangeKind.ANNUAL:
            changed.setdefault(change.in_year, {})[change.key] = change.value
    return changed


def apply(data: ClusterData, option: Option) -> ClusterData:
    """The submission with every change of `option` made (typed as validation types it)."""
    annual = [c for c in option if c.kind == ChangeKind.ANNUAL]
    profile = {c.key: _cell(c.value, Kind.AMOUNT) for c in option if c.kind == ChangeKind.PROFILE}
    result = replace(data, profile={**data.profile, **profile})
    if annual:
        result = replace(result, annual=_changed_annual(data.annual, annual))
    new_firms: list[dict[str, Any]] = []
    new_designations: list[dict[str, Any]] = []
    new_targets: list[dict[str, Any]] = []
    for change in option:
        if change.kind == ChangeKind.DESIGNATIONS:
            firms, held = _designated(change, len(new_firms))
            new_firms += firms
            new_designations += held
        elif change.kind == ChangeKind.PLAN:
            new_targets += [
                {
                    "indicator": "total_output",
                    "baseline": 1.0,
                    "target_year": change.year,
                    "target_value": 1.0,
                }
            ] * int(change.value)
    if new_firms:
        result = replace(
            result,
            enterprises=_appended(data.enterprises, ENTERPRISES, new_firms),
            designations=_appended(data.designations, DESIGNATIONS_SHEET, new_designations),
        )
    if new_targets:
        result = replace(result, plan_targets=_appended(data.plan_targets, PLAN_TARGETS, new_targets))
    return result


def _cell(value: Fraction, kind: Kind) -> Any:
    # A float of a value with at most a few decimals round-trips through Decimal(str(x)) exactly.
    return int(value) if kind == Kind.INTEGER else float(value)


def _changed_annual(frame: pd.DataFrame | None, changes: Sequence[Change]) -> pd.DataFrame:
    kinds = {c.key: c.kind for c in ANNUAL.columns}
    records = ind.records(frame)
    for change in changes:
        row = next((r for r in records if ind.to_exact(r.get("year")) == change.year), None)
        if row is None:
            row = {"year": change.year}
            records.append(row)
        row[change.key] = _cell(change.value, kinds[change.key])
    return _typed(records, ANNUAL, frame)


def _designated(change: Change, offset: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """New enterprises, each holding one designation the change's branch counts."""
    designations = list(change.options.get("designations") or [])
    leading = bool(change.options.get("leading_industry_only"))
    firms: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    for n in range(int(change.value)):
        uscc = f"GAP{offset + n + 1:015d}"
        firms.append(
            {
                "uscc": uscc,
                "name": f"新增企业{offset + n + 1}",
                "size": "中型",
                "in_leading_industry": leading,
            }
        )
        held.append({"uscc": uscc, "designation": designations[-1], "level": "国家级", "valid_until": None})
    return firms, held


def _appended(frame: pd.DataFrame | None, sheet: Sheet, new: list[dict[str, Any]]) -> pd.DataFrame:
    return _typed(ind.records(frame) + new, sheet, frame)


def _typed(records: list[dict[str, Any]], sheet: Sheet, like: pd.DataFrame | None) -> pd.DataFrame:
    columns: dict[str, Any] = {}
    for column in sheet.columns:
        values: list[Any] = [r.get(column.key) for r in records]  # cells, blank ones None or NaN
        if column.kind == Kind.INTEGER:
            columns[column.key] = pd.array([None if _blank(v) else int(v) for v in values], dtype="Int64")
        elif column.kind in (Kind.AMOUNT, Kind.PERCENT):
            columns[column.key] = pd.array([float("nan") if _blank(v) else float(v) for v in values])
        elif column.kind == Kind.DATE:
            columns[column.key] = pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
        elif column.kind == Kind.YES_NO:
            columns[column.key] = pd.array([ind.is_yes(v) for v in values], dtype="bool")
        else:
            columns[column.key] = pd.array(["" if _blank(v) else str(v) for v in values], dtype="str")
    frame = pd.DataFrame(columns, index=range(len(records)))
    if like is not None and ROW in like.columns:
        frame[ROW] = pd.array(range(2, len(records) + 2), dtype="Int64")
    return frame


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or isinstance(value, float) and value != value
