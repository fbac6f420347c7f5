"""Builds the Pandera schema of a sheet from the contract, so that no label, kind or list is retyped.

A `SheetSchema` is one sheet's model: the `pa.DataFrameSchema` that coerces the normalised strings
to the dtypes of `ClusterData`, and the rules behind its checks (to word a failure in Chinese).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine

from clustercert.contract import NO, YES, Column, Kind, Sheet
from clustercert.submission import ROW
from schemas.rules import Rule, kind_expected, kind_rules


def _load_checks_without_hypothesis() -> None:
    """Load pandera's built-in checks the way an install without hypothesis does.

    pandera imports hypothesis, for data synthesis (`schema.example()`, which nothing here uses),
    when its built-in checks load on the first validation: about 0.1 s of `clustercert validate`'s
    cold start. Marking hypothesis absent meanwhile takes pandera's path for an install without it.
    A process that has already imported hypothesis (the test suite) is left as it is, and hypothesis
    stays importable afterwards.
    """
    if "hypothesis" in sys.modules:
        return
    sys.modules["hypothesis"] = None  # type: ignore[assignment]
    try:
        import pandera.backends.pandas.builtin_checks  # noqa: F401
    finally:
        del sys.modules["hypothesis"]


_load_checks_without_hypothesis()

# Dates are entered (or normalised by intake) as YYYY-MM-DD; nothing else is guessed.
# (pandera declares DateTime's fields with its own dataclass decorator, which mypy cannot read)
DATE_DTYPE = pandas_engine.DateTime(unit="ns", to_datetime_kwargs={"format": "%Y-%m-%d"})  # type: ignore[call-arg]


def pandera_dtype(kind: Kind) -> str | pandas_engine.DateTime | None:
    """The dtype Pandera coerces a column of this kind to (YES_NO becomes bool after validation).

    None for text: the cells already are strings (normalised before validation), and a dtype
    check per text column would only add Pandera's per-column overhead.
    """
    match kind:
        case Kind.INTEGER:
            return "Int64"
        case Kind.AMOUNT | Kind.PERCENT:
            return "float64"
        case Kind.DATE:
            return DATE_DTYPE
        case _:
            return None


def typed_dtype(kind: Kind) -> str:
    """The dtype of a column in a typed frame (`ClusterData`)."""
    match kind:
        case Kind.INTEGER:
            return "Int64"
        case Kind.AMOUNT | Kind.PERCENT:
            return "float64"
        case Kind.DATE:
            return "datetime64[ns]"
        case Kind.YES_NO:
            return "bool"
        case _:
            return "str"


def empty_typed(sheet: Sheet) -> pd.DataFrame:
    """A typed frame with no rows: what a sheet with only its header becomes."""
    columns = {col.key: pd.Series(dtype=typed_dtype(col.kind)) for col in sheet.columns}
    return pd.DataFrame({**columns, ROW: pd.Series(dtype="int64")})


@dataclass(frozen=True)
class SheetSchema:
    sheet: Sheet
    schema: pa.DataFrameSchema
    lenient: pa.DataFrameSchema  # the same dtypes, no checks, blanks allowed (`readable`)
    rules: Mapping[tuple[str, str], Rule] = field(default_factory=dict)  # (column key, rule name)
    expected: Mapping[str, str] = field(default_factory=dict)  # column key → what it must hold

    def rule(self, column: str, name: str) -> Rule | None:
        return self.rules.get((column, name))

    def without(self, columns: Sequence[str]) -> pa.DataFrameSchema:
        """The schema minus columns that are missing from the input (reported once, not per row)."""
        return self.schema.remove_columns(list(columns)) if columns else self.schema

    def finish(self, validated: pd.DataFrame) -> pd.DataFrame:
        """The typed frame of ClusterData: contract columns in contract order, YES_NO as bool, `_row` kept."""
        typed = validated[[*self.sheet.keys, ROW]].copy()
        for col in self.sheet.columns:
            if col.kind == Kind.YES_NO:
                typed[col.key] = typed[col.key].eq(YES).astype(bool)
            elif col.kind == Kind.DATE:
                typed[col.key] = typed[col.key].astype("datetime64[ns]")
        return typed

    def readable(self, raw: pd.DataFrame, bad: Mapping[str, Sequence[int] | None]) -> pd.DataFrame | None:
        """What can still be used of a sheet that failed its model, typed like `finish`.

        `bad` maps a column to the frame positions of its failed cells (None: the whole column).
        Those cells become missing, so that every other cell still takes part in the cross-row and
        cross-sheet expectations; a YES_NO column is then object (True / False / None). Contract
        columns absent from `raw` come back all missing. None if even that cannot be typed.
        """
        frame = raw.copy()
        for key in self.sheet.keys:
            if key not in frame.columns:
                frame[key] = pd.Series(pd.NA, index=frame.index, dtype="str")
        for key, positions in bad.items():
            if positions is None:
                frame[key] = pd.Series(pd.NA, index=frame.index, dtype="str")
            elif positions:
                frame.loc[list(positions), key] = pd.NA
        try:
            validated = self.lenient.validate(frame, lazy=True)
        except (pa.errors.SchemaErrors, pa.errors.SchemaError):
            return None
        typed = validated[[*self.sheet.keys, ROW]].copy()
        for col in self.sheet.columns:
            if col.kind == Kind.YES_NO:
                answers = typed[col.key].map({YES: True, NO: False})
                typed[col.key] = answers.astype(object).where(answers.notna(), None)
            elif col.kind == Kind.DATE:
                typed[col.key] = typed[col.key].astype("datetime64[ns]")
        return typed


def _column(col: Column, rules: list[Rule]) -> pa.Column:
    dtype = pandera_dtype(col.kind)
    return pa.Column(
        dtype,
        checks=[rule.check() for rule in rules],
        nullable=not col.required,
        coerce=dtype is not None,
        required=True,
        name=col.key,
    )


def build_sheet_schema(sheet: Sheet, extra: Mapping[str, Sequence[Rule]] | None = None) -> SheetSchema:
    """One sheet's model: the contract's kinds and required flags, plus sheet-specific `extra` rules."""
    extra = dict(extra or {})
    unknown = set(extra) - set(sheet.keys)
    if unknown:
        raise KeyError(f"{sheet.key} has no columns {sorted(unknown)}")
    columns: dict[str, pa.Column] = {}
    rules: dict[tuple[str, str], Rule] = {}
    expected: dict[str, str] = {}
    for col in sheet.columns:
        col_rules = [*kind_rules(col), *extra.get(col.key, ())]
        columns[col.key] = _column(col, col_rules)
        rules.update({(col.key, r.name): r for r in col_rules})
        # the most specific words: a sheet rule ("四位年份") over the kind ("不小于0的整数")
        if col_rules:
            expected[col.key] = col_rules[-1].expected
        elif col.kind == Kind.DATE:
            expected[col.key] = kind_expected(col)
    schema = pa.DataFrameSchema(columns, strict=False, name=f"{sheet.key}")
    lenient = pa.DataFrameSchema(
        {
            col.key: pa.Column(
                pandera_dtype(col.kind),
                nullable=True,
                coerce=pandera_dtype(col.kind) is not None,
                name=col.key,
            )
            for col in sheet.columns
        },
        strict=False,
        name=f"{sheet.key}.readable",
    )
    return SheetSchema(sheet=sheet, schema=schema, rules=rules, expected=expected, lenient=lenient)
