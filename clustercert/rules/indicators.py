"""Indicators of Art. 5, computed exactly from a typed submission.

Every number becomes a `Fraction` (floats through `Decimal(str(x))`, which recovers what was typed), so a
value that equals a threshold is judged by the word of comparison, not by floating-point luck. A
geometric mean is kept as its exact ratio (`GeometricGrowth`) and ordered against a threshold by raising
the threshold to the power instead of taking the root: (11025/10000)^(1/2) − 1 is exactly 5 %.

A measure that cannot be computed (missing year, zero base) returns `Measured(None, reason)`: the
criterion fails with that reason; nothing raises.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any, Generic, TypeVar

import numpy as np
import pandas as pd

from clustercert.comparison import exact, holds
from clustercert.contract import ANNUAL_INDICATORS, YES
from clustercert.policy import measures
from clustercert.submission import ROW, ClusterData

Row = Mapping[str, Fraction | None]


@dataclass(frozen=True)
class GeometricGrowth:
    """Average annual growth (ratio^(1/periods) − 1) in percent, kept exact as ratio and periods."""

    ratio: Fraction
    periods: int

    def order(self, threshold_pct: Fraction) -> int:
        """−1, 0, 1 as the growth is below, equal to, above `threshold_pct` — exactly."""
        base = 1 + threshold_pct / 100
        if base <= 0:  # a growth is never below −100 %
            return 0 if base == 0 and self.ratio == 0 else 1
        target = base**self.periods
        return (self.ratio > target) - (self.ratio < target)

    def to_decimal(self) -> Decimal:
        with localcontext() as ctx:
            ctx.prec = 40
            ratio = Decimal(self.ratio.numerator) / Decimal(self.ratio.denominator)
            root = ratio.sqrt() if self.periods == 2 else ratio ** (Decimal(1) / Decimal(self.periods))
            return (root - 1) * 100


Value = Fraction | GeometricGrowth
# What a measure gives: a Fraction for a year, a value or a count; a growth may be a GeometricGrowth.
V = TypeVar("V", bound=Value, covariant=True)


@dataclass(frozen=True)
class Measured(Generic[V]):
    value: V | None
    reason: str = ""  # Chinese: why there is no value
    rows: tuple[int, ...] = ()  # the Excel rows the value was counted from (designations, plan targets)


def order(value: Value, threshold: Decimal | Fraction | int) -> int:
    """The exact ordering of a measured value against a threshold (−1, 0, 1)."""
    t = exact(threshold)
    if isinstance(value, GeometricGrowth):
        return value.order(t)
    return (value > t) - (value < t)


def satisfies(value: Value, word: str, threshold: Decimal | Fraction | int) -> bool:
    return holds(word, order(value, threshold))


def to_decimal(value: Value) -> Decimal:
    if isinstance(value, GeometricGrowth):
        return value.to_decimal()
    with localcontext() as ctx:
        ctx.prec = 40
        return Decimal(value.numerator) / Decimal(value.denominator)


def to_exact(raw: Any) -> Fraction | None:
    """A cell of a typed frame as an exact number; None for a blank cell."""
    if raw is None or isinstance(raw, str) and raw.strip() == "":
        return None
    if isinstance(raw, float) and math.isnan(raw) or raw is pd.NA:
        return None
    if isinstance(raw, Fraction | Decimal | int):
        return Fraction(raw)
    try:
        return Fraction(Decimal(str(raw)))
    except (ArithmeticError, ValueError):
        return None


def records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame's rows as dicts, fresh (the caller may change them)."""
    return [dict(row) for row in rows_of(frame)]


_ROWS: dict[int, tuple[weakref.ref[pd.DataFrame], list[dict[str, Any]]]] = {}


def _forget(cache: dict[int, Any], key: int) -> Callable[[weakref.ref[pd.DataFrame]], None]:
    """A weakref callback: drop the cache's entry for a frame once the frame is gone."""

    def forget(_gone: weakref.ref[pd.DataFrame]) -> None:
        cache.pop(key, None)

    return forget


def _once_per_frame(cache: dict[int, Any], frame: pd.DataFrame, make: Callable[[pd.DataFrame], Any]) -> Any:
    """`make(frame)`, made once per frame object and kept until the frame is gone."""
    key = id(frame)
    cached = cache.get(key)
    if cached is not None and cached[0]() is frame:
        return cached[1]
    found = make(frame)
    cache[key] = (weakref.ref(frame, _forget(cache, key)), found)
    return found


def rows_of(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame's rows as dicts, read-only: made once per frame (an evaluation reads the same sheet for
    many criteria) with column-wise `tolist`, much faster than `to_dict("records")`."""
    if frame is None or frame.empty:
        return []
    return _once_per_frame(_ROWS, frame, _rows)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    columns = {name: frame[name].tolist() for name in frame.columns}
    return [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]


# ---------------------------------------------------------------------------------------------
# yearly measures: one row of 经营指标 (or of the monitoring report's 集群发展情况) → value

_LABELS = {c.key: re.sub(r"（.*?）$", "", c.label) for c in ANNUAL_INDICATORS}
_UNITS = {c.key: c.unit for c in ANNUAL_INDICATORS}
COLUMN_LABELS = _LABELS  # 经营指标 column → its label without the unit (集群总产值)
COLUMN_UNITS = _UNITS


@dataclass(frozen=True)
class YearlyMeasure:
    name: str
    label: str
    unit: str
    places: int | None  # decimals shown in explanations; None: as entered
    func: Callable[[Row], Measured[Fraction]]
    inputs: tuple[str, ...] = ()  # the 经营指标 columns it reads (the source a report names)
    # a ratio (numerator / denominator × scale) names its parts; a raw measure is its own column
    numerator: str | None = None
    denominator: str | None = None
    scale: int = 1

    @property
    def column(self) -> str:
        """The 经营指标 column a change of this measure changes: itself, or a ratio's numerator."""
        return self.numerator or self.name


YEARLY: dict[str, YearlyMeasure] = {}


def _raw(key: str) -> None:
    def measure(row: Row) -> Measured[Fraction]:
        value = row.get(key)
        return Measured(value, "" if value is not None else f"{_LABELS[key]}未填报")

    YEARLY[key] = YearlyMeasure(key, _LABELS[key], _UNITS[key], None, measure, (key,))


def _ratio(name: str, label: str, unit: str, num: str, den: str, scale: int) -> None:
    def measure(row: Row) -> Measured[Fraction]:
        top, bottom = row.get(num), row.get(den)
        if top is None or bottom is None:
            missing = _LABELS[num] if top is None else _LABELS[den]
            return Measured(None, f"{missing}未填报，无法计算{label}")
        if bottom == 0:
            return Measured(None, f"{_LABELS[den]}为0，无法计算{label}")
        return Measured(top / bottom * scale)

    YEARLY[name] = YearlyMeasure(name, label, unit, 2, measure, (num, den), num, den, scale)


for _key in _LABELS:
    _raw(_key)
_ratio("sme_share", "中小企业产值占比", "%", "sme_output", "total_output", 100)
_ratio("leading_share", "主导产业产值占比", "%", "leading_output", "total_output", 100)
_ratio("patent_density", "每万人有效发明专利拥有量", "件/万人", "invention_patents", "employees", 10_000)


def annual_rows(data: ClusterData) -> dict[int, dict[str, Fraction | None]]:
    """经营指标 by year, every value exact; the first row of a year wins (validation rejects duplicates)."""
    rows: dict[int, dict[str, Fraction | None]] = {}
    frame = data.annual
    if frame is None or frame.empty or "year" not in frame.columns:
        return rows
    for record in rows_of(frame):
        year = to_exact(record.get("year"))
        if year is None or int(year) in rows:
            continue
        rows[int(year)] = {key: to_exact(record.get(key)) for key in _LABELS}
    return rows


def annual_source_rows(data: ClusterData | None) -> dict[int, int]:
    """经营指标 year → its Excel row (the row `annual_rows` took the year's values from)."""
    found: dict[int, int] = {}
    frame = None if data is None else data.annual
    if frame is None or frame.empty or "year" not in frame.columns or ROW not in frame.columns:
        return found
    for record in rows_of(frame):
        year, row = to_exact(record.get("year")), to_exact(record.get(ROW))
        if year is not None and row is not None and int(year) not in found:
            found[int(year)] = int(row)
    return found


def exact_row(values: Mapping[str, Any]) -> dict[str, Fraction | None]:
    """A row given as a dict (monitoring reports): Decimals, floats or ints → exact values."""
    return {key: to_exact(values.get(key)) for key in _LABELS}


def yearly(name: str, rows: Mapping[int, Row], year: int) -> Measured[Fraction]:
    measure = YEARLY[name]
    row = rows.get(year)
    if row is None:
        return Measured(None, f"{year}年经营指标未填报")
    result = measure.func(row)
    if result.value is None:
        return Measured(None, f"{year}年{result.reason}")
    return result


# ---------------------------------------------------------------------------------------------
# growth and decline over a window of years


def growth(name: str, rows: Mapping[int, Row], years: Iterable[int], method: str) -> Measured[Value]:
    """Average annual growth of a yearly measure over `years`, in percent.

    geometric: (V_last / V_first)^(1/(last − first)) − 1; arithmetic_mean_of_ratios: the mean of the
    year-over-year ratios minus 1. A missing year or a zero base gives a reason instead of a value.
    """
    years = sorted(years)
    label = YEARLY[name].label
    needed = [years[0], years[-1]] if method == "geometric" else years
    values: dict[int, Fraction] = {}
    for year in needed:
        measured = yearly(name, rows, year)
        if measured.value is None:
            return measured
        values[year] = measured.value
    if method == "geometric":
        first, last = years[0], years[-1]
        if values[first] <= 0:
            return Measured(None, f"{first}年{label}为{_plain(values[first])}（基期为零），无法计算年均增长")
        return Measured(GeometricGrowth(values[last] / values[first], last - first))
    ratios = []
    for previous, year in zip(years, years[1:], strict=False):
        if values[previous] <= 0:
            return Measured(
                None, f"{previous}年{label}为{_plain(values[previous])}（基期为零），无法计算年均增长"
            )
        ratios.append(values[year] / values[previous])
    return Measured((sum(ratios, Fraction(0)) / len(ratios) - 1) * 100)


def decline(name: str, rows: Mapping[int, Row], years: Iterable[int]) -> Measured[Fraction]:
    """Relative fall from the first to the last year, in percent (a larger fall is better)."""
    years = sorted(years)
    first, last = yearly(name, rows, years[0]), yearly(name, rows, years[-1])
    if first.value is None:
        return first
    if last.value is None:
        return last
    if first.value == 0:
        return Measured(None, f"{years[0]}年{YEARLY[name].label}为0，无法计算降幅")
    return Measured((first.value - last.value) / first.value * 100)


def _plain(value: Fraction) -> str:
    return format(to_decimal(value).normalize(), "f")


# ---------------------------------------------------------------------------------------------
# value measures: one value of the submission, at the evaluation date


def area_km2(data: ClusterData, as_of: date, options: Mapping[str, Any]) -> Measured[Fraction]:
    value = to_exact(data.profile.get("area_km2"))
    return Measured(value, "" if value is not None else "占地面积未填报")


def as_day(raw: Any) -> date | None:
    """A date cell as typed (Timestamp, datetime64, date) or ISO text; blank or unreadable → None."""
    if raw is None or isinstance(raw, str) and not raw.strip():
        return None
    if not isinstance(raw, str) and pd.isna(raw):
        return None
    if isinstance(raw, np.datetime64):
        raw = pd.Timestamp(raw)
    if isinstance(raw, datetime | pd.Timestamp):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        return None


def designated_enterprises(data: ClusterData, as_of: date, options: Mapping[str, Any]) -> Measured[Fraction]:
    """Distinct enterprises holding a designation of `options.designations` still valid on `as_of`.

    With `leading_industry_only`, only enterprises marked in the leading industry count (第五条（二）
    “主导产业的”). `required_level` maps a designation to the only level (级别) at which it counts: the
    national standard's “国家级高新技术企业” is {高新技术企业: 国家级}, so a 省级 one does not count there;
    a designation not in the mapping counts at any level (Heilongjiang's 第五条（二）). An enterprise
    counts once whatever number of designations it holds.
    """
    wanted = set(options.get("designations") or ())
    leading_only = bool(options.get("leading_industry_only"))
    required_level: Mapping[str, str] = options.get("required_level") or {}
    in_leading = _in_leading_industry(data.enterprises) if leading_only else {}
    holders: set[str] = set()
    rows: list[int] = []
    frame = data.designations
    for record in [] if frame is None or frame.empty else rows_of(frame):
        uscc = str(record.get("uscc"))
        designation = record.get("designation")
        if designation is None or designation not in wanted:
            continue
        if (
            designation in required_level
            and str(record.get("level") or "").strip() != required_level[designation]
        ):
            continue
        valid_until = as_day(record.get("valid_until"))
        if valid_until is not None and valid_until < as_of:
            continue
        if leading_only and not in_leading.get(uscc, False):
            continue
        holders.add(uscc)
        rows.extend(_row_of(record))
    return Measured(Fraction(len(holders)), rows=tuple(sorted(rows)))


_LEADING: dict[int, tuple[weakref.ref[pd.DataFrame], dict[str, bool]]] = {}


def _in_leading_industry(frame: pd.DataFrame | None) -> dict[str, bool]:
    """USCC → whether the 企业名录 marks the enterprise in the leading industry (the last row of a
    USCC listed twice wins), made once per frame: several criteria count designations."""
    if frame is None or frame.empty:
        return {}
    return _once_per_frame(_LEADING, frame, _leading_marks)


def _leading_marks(frame: pd.DataFrame) -> dict[str, bool]:
    usccs = frame["uscc"].tolist() if "uscc" in frame.columns else [None] * len(frame)
    marks = (
        frame["in_leading_industry"].tolist()
        if "in_leading_industry" in frame.columns
        else [None] * len(frame)
    )
    return {str(uscc): is_yes(mark) for uscc, mark in zip(usccs, marks, strict=True)}


VALUE: dict[str, Callable[[ClusterData, date, Mapping[str, Any]], Measured[Fraction]]] = {
    "area_km2": area_km2,
    "designated_enterprises": designated_enterprises,
}
VALUE_LABELS = {"area_km2": "占地面积", "designated_enterprises": "企业数"}


# ---------------------------------------------------------------------------------------------
# plan targets and qualitative evidence


def plan_target_count(data: ClusterData, year: int) -> Measured[Fraction]:
    """Numeric targets of the three-year plan for `year` (第五条（八） “清晰、可考核”)."""
    frame = data.plan_targets
    if frame is None or frame.empty:
        return Measured(Fraction(0))
    count, rows = 0, list[int]()
    for record in rows_of(frame):
        target_year = to_exact(record.get("target_year"))
        if (
            target_year is not None
            and int(target_year) == year
            and to_exact(record.get("target_value")) is not None
        ):
            count += 1
            rows.extend(_row_of(record))
    return Measured(Fraction(count), rows=tuple(rows))


PLAN: dict[str, Callable[[ClusterData, int], Measured[Fraction]]] = {"plan_target_count": plan_target_count}


def counted(measured: Measured[Fraction]) -> Fraction:
    """The value of a plan measure: a count, never missing (none found is 0)."""
    if measured.value is None:
        raise ValueError(f"a count has a value: {measured.reason}")
    return measured.value


_EVIDENCE: dict[int, tuple[weakref.ref[pd.DataFrame], dict[str, tuple[bool, str, tuple[int, ...]]]]] = {}


def _evidence(data: ClusterData) -> dict[str, tuple[bool, str, tuple[int, ...]]]:
    """定性条件 by item id, made once per sheet (every qualitative item asks)."""
    frame = data.evidence
    if frame is None:
        return _read_evidence(frame)
    key = id(frame)
    cached = _EVIDENCE.get(key)
    if cached is not None and cached[0]() is frame:
        return cached[1]
    found = _read_evidence(frame)
    _EVIDENCE[key] = (weakref.ref(frame, _forget(_EVIDENCE, key)), found)
    return found


def _read_evidence(frame: pd.DataFrame | None) -> dict[str, tuple[bool, str, tuple[int, ...]]]:
    result: dict[str, tuple[bool, str, tuple[int, ...]]] = {}
    for record in [] if frame is None or frame.empty else rows_of(frame):
        item = str(record.get("item") or "").strip()
        met = is_yes(record.get("met"))
        raw = record.get("evidence")
        text = "" if raw is None or isinstance(raw, float) and math.isnan(raw) else str(raw).strip()
        if item and (item not in result or (met and text and not all(result[item][:2]))):
            result[item] = (met, text, _row_of(record))
    return result


def evidence_by_item(data: ClusterData) -> dict[str, tuple[bool, str]]:
    """定性条件 by item id → (met, evidence); a row met with evidence wins over a duplicate that is not."""
    return {item: (met, text) for item, (met, text, _) in _evidence(data).items()}


def evidence_rows(data: ClusterData | None) -> dict[str, tuple[int, ...]]:
    """定性条件 item id → the Excel row `evidence_by_item` took it from."""
    return {} if data is None else {item: rows for item, (_, _, rows) in _evidence(data).items()}


def _row_of(record: Mapping[str, Any]) -> tuple[int, ...]:
    row = to_exact(record.get(ROW))
    return () if row is None else (int(row),)


def is_yes(value: Any) -> bool:
    """A 是/否 cell as typed (bool, numpy bool) or as text; blank (None, NA, NaN) is 否."""
    if isinstance(value, str):
        return value.strip() == YES
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return False


def profile_flag(data: ClusterData, key: str) -> bool:
    return is_yes(data.profile.get(key))


# The policy's vocabulary of measures is exactly what this module computes (a bug otherwise).
for _name, _computed, _known in (
    ("yearly", YEARLY, measures.YEARLY),
    ("value", VALUE, measures.VALUE),
    ("plan", PLAN, measures.PLAN),
):
    if set(_computed) != _known:
        raise RuntimeError(
            f"{_name} measures differ from the policy vocabulary: {sorted(set(_computed) ^ _known)}"
        )
measure_kind = measures.measure_kind
