"""Cell rules of the structure layer: a vectorised predicate plus the Chinese words a county reads.

A rule receives the column as Pandera left it: coerced when every cell converted, the raw strings
when some did not (Pandera keeps the column as is after a failed coercion in lazy mode). Rules
therefore convert on their own and pass cells they cannot read, which the coercion failure already
reports: that way one bad cell does not hide a negative number three rows below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from clustercert.contract import NO, YES, Column, Kind
from clustercert.uscc import ALPHABET


@dataclass(frozen=True)
class Rule:
    """One check on the cells of a column; `expected` completes "应为…", `hint` says what to enter."""

    name: str  # the last part of the Issue check id: schema.<sheet>.<column>.<name>
    ok: Callable[[pd.Series], pd.Series]
    expected: str
    hint: str

    def check(self) -> pa.Check:
        return pa.Check(self.ok, name=self.name, ignore_na=True)


def _numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64")
    return pd.to_numeric(values, errors="coerce").astype("float64")


def _texts(values: pd.Series) -> pd.Series:
    return values.astype("str")


def _unit(col: Column) -> str:
    return f"（单位{col.unit}）" if col.unit and col.unit not in ("人", "件") else ""


# -- what each kind of cell must hold (coercion and required messages use these) ----------------


def kind_expected(col: Column) -> str:
    """The phrase after "应为" for a column's kind."""
    match col.kind:
        case Kind.INTEGER:
            return "不小于0的整数"
        case Kind.AMOUNT:
            return f"不小于0的数字{_unit(col)}"
        case Kind.PERCENT:
            return "0到100之间的数字（百分数）"
        case Kind.DATE:
            return "日期（年-月-日）"
        case Kind.YES_NO:
            return f"“{YES}”或“{NO}”"
        case Kind.CHOICE if col.allowed:
            return "以下之一：" + "、".join(col.allowed)
        case _:
            return "文字"


def kind_hint(col: Column) -> str:
    match col.kind:
        case Kind.INTEGER:
            return "请填写整数，不要带小数、单位或文字"
        case Kind.AMOUNT:
            return "请填写数字，不要带单位或文字"
        case Kind.PERCENT:
            return "请填写数字，如 65 表示 65%，不要带%号"
        case Kind.DATE:
            return "请按 2026-06-30 的格式填写日期"
        case Kind.YES_NO:
            return f"请填写“{YES}”或“{NO}”"
        case Kind.CHOICE if col.allowed:
            return "请从上述选项中选择一项，文字须完全一致"
        case _:
            return "请按填表说明填写"


# -- rules every column of a kind gets --------------------------------------------------------


def non_negative(col: Column) -> Rule:
    def ok(values: pd.Series) -> pd.Series:
        num = _numbers(values)
        return num.isna() | (np.isfinite(num) & (num >= 0))

    return Rule("non_negative", ok, kind_expected(col), kind_hint(col))


def percent_range(col: Column) -> Rule:
    def ok(values: pd.Series) -> pd.Series:
        num = _numbers(values)
        return num.isna() | num.between(0, 100)

    return Rule("percent_range", ok, kind_expected(col), kind_hint(col))


def in_set(col: Column) -> Rule:
    allowed = frozenset(col.allowed)

    def ok(values: pd.Series) -> pd.Series:
        return values.isin(allowed)

    return Rule("in_set", ok, kind_expected(col), kind_hint(col))


def kind_rules(col: Column) -> list[Rule]:
    match col.kind:
        case Kind.INTEGER | Kind.AMOUNT:
            return [non_negative(col)]
        case Kind.PERCENT:
            return [percent_range(col)]
        case Kind.YES_NO | Kind.CHOICE if col.allowed:
            return [in_set(col)]
        case _:
            return []


# -- sheet-specific rules ----------------------------------------------------------------------


def four_digit_year() -> Rule:
    def ok(values: pd.Series) -> pd.Series:
        num = _numbers(values)
        return num.isna() | num.between(1000, 9999)

    return Rule("four_digit_year", ok, "四位年份", "请填写如 2025 的四位年份")


def pattern(name: str, regex: str, expected: str, hint: str) -> Rule:
    def ok(values: pd.Series) -> pd.Series:
        return _texts(values).str.fullmatch(regex).fillna(False).astype(bool)

    return Rule(name, ok, expected, hint)


def six_digit_code(name: str, example: str) -> Rule:
    return pattern(f"{name}_format", r"\d{6}", "六位数字的行政区划代码", f"请填写六位数字代码，如 {example}")


def uscc_format() -> Rule:
    """Shape only (18 characters of the GB 32100 alphabet); the check character is an expectation."""
    return pattern(
        "uscc_format",
        f"[{ALPHABET}]{{18}}",
        "18位统一社会信用代码（数字或大写字母，不含 I、O、Z、S、V）",
        "请按营业执照填写18位统一社会信用代码，不要带空格或其他字符",
    )


def industry_code() -> Rule:
    # GB/T 4754: a section letter A–T then the 2-digit division, 3-digit group or 4-digit class.
    return pattern(
        "industry_code_format",
        r"[A-T]\d{2,4}",
        "国民经济行业代码（一个大写字母加2至4位数字）",
        "请按 GB/T 4754 填写，如 C1469",
    )
