"""The stacked pass of the structure layer: one sheet of many submissions through its model at once.

`schemas.structure.check_structures` hands each sheet of every submission here as a `SheetInput`;
this module stacks them (their rows one under the other), runs the sheet's Pandera model once, and
gives each its outcome exactly as validating it alone would (see `_validate_stacked` for the one
way a stack could differ, and how it is kept from doing so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from clustercert.contract import Column, Sheet
from clustercert.submission import ROW
from schemas.builder import SheetSchema


@dataclass
class SheetInput:
    """One submission's sheet, ready for its model: `frame` as read, `raw` as the model reads it (its
    slice of the stack: cut only when needed, for the sheets that failed)."""

    index: int  # the submission's position
    frame: pd.DataFrame
    missing: list[Column]  # contract columns the file does not have
    field_rows: dict[str, int]
    stack: pd.DataFrame | None = None
    start: int = 0
    end: int = 0
    _raw: pd.DataFrame | None = None

    @property
    def raw(self) -> pd.DataFrame:
        if self._raw is None:
            assert self.stack is not None
            self._raw = _rows_of(self.stack, self.start, self.end)
        return self._raw


# What validating one sheet gives: its typed frame (it passed, with every column), or its failure cases
# (index: positions in the sheet's own frame); (None, None): it passed without some columns.
Outcome = tuple[pd.DataFrame | None, pd.DataFrame | None]


def validate_all(model: SheetSchema, items: Sequence[SheetInput]) -> list[Outcome]:
    """Each sheet's outcome; the sheets missing the same columns are validated together."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for position, item in enumerate(items):
        groups.setdefault(tuple(col.key for col in item.missing), []).append(position)
    outcomes: list[Outcome] = [(None, None)] * len(items)
    for missing, positions in groups.items():
        members = [items[p] for p in positions]
        stack = _stack([item.frame for item in members], [k for k in model.sheet.keys if k not in missing])
        starts = np.cumsum([0] + [len(item.frame) for item in members])
        for item, start, end in zip(members, starts[:-1], starts[1:], strict=True):
            item.stack, item.start, item.end = stack, int(start), int(end)
        found = _validate_stacked(model, list(missing), members, stack)
        for position, outcome in zip(positions, found, strict=True):
            outcomes[position] = outcome
    return outcomes


def _validate_alone(model: SheetSchema, missing: list[str], item: SheetInput) -> Outcome:
    """One sheet against its model (minus the columns it lacks), as the structure layer always did."""
    try:
        validated = model.without(missing).validate(item.raw, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return None, errors.failure_cases
    return (model.finish(validated) if not missing else None), None


def _validate_stacked(
    model: SheetSchema, missing: list[str], items: list[SheetInput], stacked: pd.DataFrame | None = None
) -> list[Outcome]:
    """The sheets of several submissions (lacking the same columns) in one Pandera pass.

    One thing makes a stacked pass differ from validating each sheet alone: Pandera keeps a column
    as text when any of its cells fails coercion, so a clean submission's column would reach the
    cell rules as text, not as numbers or dates. So a failure case goes back to its submission only
    when that submission's own cells failed coercion in exactly the columns where the stack's did;
    the other sheets (and the clean ones, which need their coerced frame) are validated again, stacked
    by the columns whose coercion they fail. A failure not located in a cell, other than the dtype
    check of a column that failed coercion, sends the sheets to be validated one by one.
    """
    if len(items) == 1:
        return [_validate_alone(model, missing, items[0])]
    if stacked is None:  # a part of the stack, validated again
        stacked = pd.concat([item.raw for item in items], ignore_index=True)
    starts = np.cumsum([0] + [item.end - item.start for item in items])
    try:
        validated = model.without(missing).validate(stacked, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return _split_failures(model, missing, items, errors.failure_cases, starts)
    if missing:
        return [(None, None)] * len(items)
    typed = model.finish(validated)
    return [(_rows_of(typed, start, end), None) for start, end in zip(starts[:-1], starts[1:], strict=True)]


def _rows_of(frame: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Rows start…end of a stacked frame, numbered from 0 as the sheet's own frame is."""
    rows = frame.iloc[start:end]
    rows.index = pd.RangeIndex(end - start)
    return rows


def _split_failures(
    model: SheetSchema, missing: list[str], items: list[SheetInput], cases: pd.DataFrame, starts: np.ndarray
) -> list[Outcome]:
    coercion = cases["check"].astype(str).str.startswith("coerce_dtype(").to_numpy()
    located = cases["index"].notna().to_numpy()
    stacked_failed = frozenset(cases.loc[coercion, "column"].astype(str))
    unlocated = cases.loc[~located]
    if not all(
        str(case.check).startswith("dtype(") and str(case.column) in stacked_failed
        for case in unlocated.itertuples(index=False)
    ):
        return [_validate_alone(model, missing, item) for item in items]
    positions = cases.loc[located, "index"].astype("int64").to_numpy()
    owners = np.full(len(cases), -1)
    owners[located] = np.searchsorted(starts, positions, side="right") - 1
    local = cases["index"].astype(object).to_numpy(copy=True)
    local[located] = positions - starts[owners[located]]
    failed = [frozenset(cases.loc[coercion & (owners == k), "column"].astype(str)) for k in range(len(items))]
    outcomes: list[Outcome | None] = [None] * len(items)
    again: dict[tuple[frozenset[str], bool], list[int]] = {}
    for k in range(len(items)):
        mine = (owners == k) | (~located & cases["column"].astype(str).isin(failed[k]).to_numpy())
        if mine[located].any() and failed[k] == stacked_failed:
            own = cases.loc[mine].copy()
            own["index"] = local[mine]
            outcomes[k] = (None, own.reset_index(drop=True))
        else:
            again.setdefault((failed[k], bool(mine[located].any())), []).append(k)
    for group in again.values():
        if len(group) == len(items):  # nothing to tell them apart by: one by one
            found = [_validate_alone(model, missing, items[k]) for k in group]
        else:
            found = _validate_stacked(model, missing, [items[k] for k in group])
        for k, outcome in zip(group, found, strict=True):
            outcomes[k] = outcome
    return outcomes  # type: ignore[return-value]


def prepare(frame: pd.DataFrame, sheet: Sheet) -> tuple[pd.DataFrame, list[Column]]:
    """A sheet's frame as its model reads it, but for blank cells (`_blanks_to_missing`, on the stack):
    a key/value sheet is one row with every field (absent = blank); `_row` is an int64 column."""
    index = frame.index
    plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    raw = frame if plain else frame.reset_index(drop=True)
    if sheet.key_value:
        if raw.empty:
            raw = pd.DataFrame({ROW: [0]})
        raw = raw.iloc[:1].copy()
        for col in sheet.columns:
            if col.key not in raw.columns:
                raw[col.key] = pd.NA
    if ROW not in raw.columns:
        raw = raw.assign(**{ROW: range(2, len(raw) + 2)})
    missing = [c for c in sheet.columns if c.key not in raw.columns]
    return raw, missing


def _stack(frames: Sequence[pd.DataFrame], keys: Sequence[str]) -> pd.DataFrame:
    """The sheets one under the other, as their model reads them: blank cells missing, the others
    their stripped text (str), `_row` as int64. Built column by column (no frame-by-frame concat)."""
    cells: dict[str, list[str | None]] = {key: [] for key in keys}
    rows = []
    for frame in frames:
        for name, values in frame.items():  # (items() is much cheaper than a lookup per column)
            if name in cells:
                cells[name].extend(_blanks_to_missing(values))
            elif name == ROW:
                rows.append(values.to_numpy(dtype=np.int64))
    columns: dict[str, Any] = {key: pd.array(values, dtype="str") for key, values in cells.items()}
    columns[ROW] = np.concatenate(rows) if rows else np.array([], dtype=np.int64)
    return pd.DataFrame(columns)


def _blanks_to_missing(values: pd.Series) -> list[str | None]:
    """Blank cells (empty or white space) become missing (None), the others their stripped text."""
    if isinstance(values.dtype, pd.StringDtype):  # text or missing: no other kind of cell to convert
        return [(v.strip() or None) if type(v) is str else None for v in values.tolist()]
    return [_blank_to_none(v) for v in values.tolist()]


def _blank_to_none(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None
