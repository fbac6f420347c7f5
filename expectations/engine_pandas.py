"""The instant engine: the handful of GX built-ins the specs use, evaluated with plain pandas.

It exists for `clustercert validate FILE`, which must answer before Great Expectations would have
finished importing. It follows GX 1.x semantics for exactly these built-ins (which rows are
considered, `mostly`, `ignore_row_if`, the vacuous success of an empty table); the parity test in
tests/expectations runs both engines on the same corpus and must find identical results.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from expectations.spec import (
    A_GREATER_THAN_B,
    BETWEEN,
    COMPOUND_UNIQUE,
    IN_SET,
    NOT_NULL,
    PAIR_EQUAL,
    Evaluation,
    ExpectationSpec,
)

ENGINE = "pandas"
Rows = tuple[pd.Series, pd.Series]  # (considered, unexpected): the rows a built-in looks at / fails


def evaluate(frames: Mapping[str, pd.DataFrame], specs: Sequence[ExpectationSpec]) -> dict[str, Evaluation]:
    return {spec.id: evaluate_one(frames[spec.table], spec.expectation, spec.kwargs) for spec in specs}


def evaluate_one(frame: pd.DataFrame, expectation: str, kwargs: Mapping[str, Any]) -> Evaluation:
    if expectation not in _BUILT_INS:
        raise ValueError(f"the pandas engine does not evaluate {expectation}")
    considered, unexpected = _BUILT_INS[expectation](frame, kwargs)
    return _result(frame, considered, unexpected, expectation, kwargs.get("mostly"))


def _not_null(frame: pd.DataFrame, kwargs: Mapping[str, Any]) -> Rows:
    return pd.Series(True, index=frame.index), frame[kwargs["column"]].isna()


def _in_set(frame: pd.DataFrame, kwargs: Mapping[str, Any]) -> Rows:
    column = frame[kwargs["column"]]
    considered = column.notna()
    value_set = kwargs.get("value_set")
    if value_set is None:  # vacuously true, as in GX
        return considered, pd.Series(False, index=frame.index)
    return considered, considered & ~column.isin(value_set)


def _between_rows(frame: pd.DataFrame, kwargs: Mapping[str, Any]) -> Rows:
    column = frame[kwargs["column"]]
    considered = column.notna()
    return considered, considered & ~_between(column, kwargs)


def _pair(frame: pd.DataFrame, kwargs: Mapping[str, Any], compare: Any) -> Rows:
    a, b = frame[kwargs["column_A"]], frame[kwargs["column_B"]]
    considered = _pair_considered(a, b, kwargs.get("ignore_row_if", "both_values_are_missing"))
    ok = compare(a, b)
    return considered, considered & ~ok.fillna(False).astype(bool)


def _a_greater_than_b(frame: pd.DataFrame, kwargs: Mapping[str, Any]) -> Rows:
    if kwargs.get("or_equal"):
        return _pair(frame, kwargs, lambda a, b: a >= b)
    return _pair(frame, kwargs, lambda a, b: a > b)


def _pair_equal(frame: pd.DataFrame, kwargs: Mapping[str, Any]) -> Rows:
    return _pair(frame, kwargs, lambda a, b: a == b)


def _compound_unique(frame: pd.DataFrame, kwargs: Mapping[str, Any]) -> Rows:
    columns = list(kwargs["column_list"])
    considered = _multi_considered(frame[columns], kwargs.get("ignore_row_if", "all_values_are_missing"))
    duplicated = frame.loc[considered, columns].duplicated(keep=False)
    unexpected = pd.Series(False, index=frame.index)
    unexpected.loc[duplicated.index] = duplicated
    return considered, unexpected


_BUILT_INS = {
    NOT_NULL: _not_null,
    IN_SET: _in_set,
    BETWEEN: _between_rows,
    A_GREATER_THAN_B: _a_greater_than_b,
    PAIR_EQUAL: _pair_equal,
    COMPOUND_UNIQUE: _compound_unique,
}


def _between(column: pd.Series, kwargs: Mapping[str, Any]) -> pd.Series:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is None and high is None:
        raise ValueError("min_value and max_value cannot both be None")
    ok = pd.Series(True, index=column.index)
    if low is not None:
        ok &= (column > low) if kwargs.get("strict_min") else (column >= low)
    if high is not None:
        ok &= (column < high) if kwargs.get("strict_max") else (column <= high)
    return ok.fillna(False).astype(bool)


def _pair_considered(a: pd.Series, b: pd.Series, ignore_row_if: str) -> pd.Series:
    match ignore_row_if:
        case "both_values_are_missing":
            return ~(a.isna() & b.isna())
        case "either_value_is_missing":
            return ~(a.isna() | b.isna())
        case "neither":
            return pd.Series(True, index=a.index)
    raise ValueError(f"unknown ignore_row_if {ignore_row_if!r}")


def _multi_considered(frame: pd.DataFrame, ignore_row_if: str) -> pd.Series:
    match ignore_row_if:
        case "all_values_are_missing":
            return ~frame.isna().all(axis=1)
        case "any_value_is_missing":
            return ~frame.isna().any(axis=1)
        case "never":
            return pd.Series(True, index=frame.index)
    raise ValueError(f"unknown ignore_row_if {ignore_row_if!r}")


def _result(
    frame: pd.DataFrame, considered: pd.Series, unexpected: pd.Series, expectation: str, mostly: float | None
) -> Evaluation:
    total = len(frame)
    # NOT_NULL counts every row; the others count the rows they consider (GX: nonnull/filtered count)
    counted = total if expectation == NOT_NULL else int(considered.sum())
    index = tuple(int(i) for i in frame.index[unexpected.to_numpy(dtype=bool)])
    bad = len(index)
    if total == 0 or counted == 0:
        success = True  # vacuously, as in GX
    else:
        success = (counted - bad) / counted >= (1.0 if mostly is None else float(mostly))
    return Evaluation(
        success=bool(success), element_count=total, unexpected_count=bad, unexpected_index=index
    )
