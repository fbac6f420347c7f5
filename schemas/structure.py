"""Layer 1 of validation: every sheet against its Pandera model, lazily, failures as Chinese issues.

Each sheet is validated on its own so that one broken sheet does not hide the problems of another.
A sheet that passes is typed (dtypes of `ClusterData`). A sheet that fails still hands what it can to
the expectations (`StructureResult.frames`): its cells that failed become missing, so the cross-row
and cross-sheet checks run on everything else and a county gets every error in one round, while a
failed cell is reported once, here, and never again by a check that depends on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from clustercert.contract import SUBMISSION, Column, Kind, Sheet, Workbook
from clustercert.issue import Issue, Severity
from clustercert.submission import ROW, Submission
from schemas.builder import SheetSchema
from schemas.rules import kind_expected, kind_hint
from schemas.submission import SUBMISSION_SCHEMAS

REFERENCE = "SPEC §3"
_MAX_SHOWN = 40  # characters of a wrong value quoted back in a message


@dataclass
class StructureResult:
    """The outcome of the structure layer for one workbook.

    `typed` holds every sheet that passed its model (sheet key → typed frame with `_row`); a sheet
    that failed is absent. It is None only when there was nothing to read. `profile` is the typed
    key/value sheet (基本信息, or 培育工作情况 of a monitoring workbook) as a dict, None when it failed.

    `frames` holds every sheet that could be read at all, typed the same way, with the cells that
    failed their model (and columns missing from the file) as missing values; `profile_values` is the
    key/value sheet read that way; `absent_columns` names, per sheet read, the contract columns the
    file did not have. The expectations use these three; `typed` and `profile` feed `ClusterData`.
    """

    submission_id: str
    file: str
    issues: list[Issue] = field(default_factory=list)
    typed: dict[str, pd.DataFrame] | None = None
    profile: dict[str, Any] | None = None
    profile_rows: dict[str, int] = field(default_factory=dict)  # field → Excel row of the key/value sheet
    workbook: str = SUBMISSION.key
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    profile_values: dict[str, Any] | None = None
    absent_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.typed is not None and not any(issue.is_error for issue in self.issues)


def schemas_for(workbook: Workbook) -> dict[str, SheetSchema]:
    if workbook.key == "monitoring":  # built on first use: `clustercert validate` never needs them
        from schemas.monitoring import MONITORING_SCHEMAS

        return MONITORING_SCHEMAS
    return {"submission": SUBMISSION_SCHEMAS}[workbook.key]


def check_structure(sub: Submission, workbook: Workbook = SUBMISSION) -> StructureResult:
    """Validate every sheet of `sub` against its model and report all problems at once."""
    return check_structures([sub], workbook)[0]


def check_structures(subs: Sequence[Submission], workbook: Workbook = SUBMISSION) -> list[StructureResult]:
    """`check_structure` for each submission, with each sheet's model run once over the campaign.

    Each sheet is stacked across the submissions (their rows one after the other), validated in one
    Pandera pass, and its failure cases are handed back to the submission they came from; what each
    submission is told is exactly what validating it alone tells it (see `_validate_stacked`).
    """
    results = [StructureResult(sub.submission_id, sub.file, workbook=workbook.key) for sub in subs]
    readable = [i for i, sub in enumerate(subs) if sub.readable]
    issues: dict[int, list[Issue]] = {i: [] for i in readable}
    typed: dict[int, dict[str, pd.DataFrame]] = {i: {} for i in readable}
    reported = {i: {(x.sheet, x.column) for x in subs[i].issues} for i in readable}  # intake told them
    # cells intake already reported (a formula without its result, an absent field): one message each
    cells = {i: {(x.sheet, x.row, x.column) for x in subs[i].issues if x.column} for i in readable}
    for key, model in schemas_for(workbook).items():
        sheet = model.sheet
        found: list[_SheetInput] = []
        for i in readable:
            sub = subs[i]
            frame = sub.tables.get(key)
            if frame is None:
                if (sheet.label, "") not in reported[i]:
                    issues[i].append(
                        _issue(sub, sheet, None, None, "sheet_missing", _sheet_missing(sheet, workbook))
                    )
                continue
            prepared, missing = _prepare(frame, sheet)
            for col in missing:
                if (sheet.label, col.label) not in reported[i]:
                    issues[i].append(
                        _issue(sub, sheet, None, col, "column_missing", _column_missing(sheet, col))
                    )
            found.append(_SheetInput(i, prepared, missing, sub.field_rows.get(key, {})))
        for item, (typed_frame, cases) in zip(found, _validate_all(model, found), strict=True):
            i, sub, result = item.index, subs[item.index], results[item.index]
            bad: dict[str, list[int] | None] = {}
            if cases is not None:
                failures = _issues_from_failures(sub, model, item.raw, cases, item.field_rows)
                issues[i].extend(x for x in failures if (x.sheet, x.row, x.column) not in cells[i])
                bad = _failed_cells(sheet, cases)
            if typed_frame is not None:
                typed[i][key] = result.frames[key] = typed_frame
            else:
                readable_frame = model.readable(item.raw, bad)
                if readable_frame is not None:
                    result.frames[key] = readable_frame
            result.absent_columns[key] = tuple(col.key for col in item.missing)
    kv_sheet = next((s for s in workbook.sheets if s.key_value), None)
    for i in readable:
        result = results[i]
        result.issues = issues[i]
        result.typed = typed[i]
        if kv_sheet is not None:
            result.profile_rows = dict(subs[i].field_rows.get(kv_sheet.key, {}))
            if kv_sheet.key in typed[i]:
                result.profile = _profile_dict(typed[i][kv_sheet.key], kv_sheet)
            if kv_sheet.key in result.frames:
                passed = result.profile is not None  # then both come from the same typed frame
                values = (
                    dict(result.profile) if passed else _profile_dict(result.frames[kv_sheet.key], kv_sheet)
                )
                result.profile_values = values
    return results


@dataclass
class _SheetInput:
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
_Outcome = tuple[pd.DataFrame | None, pd.DataFrame | None]


def _validate_all(model: SheetSchema, items: Sequence[_SheetInput]) -> list[_Outcome]:
    """Each sheet's outcome; the sheets missing the same columns are validated together."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for position, item in enumerate(items):
        groups.setdefault(tuple(col.key for col in item.missing), []).append(position)
    outcomes: list[_Outcome] = [(None, None)] * len(items)
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


def _validate_alone(model: SheetSchema, missing: list[str], item: _SheetInput) -> _Outcome:
    """One sheet against its model (minus the columns it lacks), as the structure layer always did."""
    try:
        validated = model.without(missing).validate(item.raw, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return None, errors.failure_cases
    return (model.finish(validated) if not missing else None), None


def _validate_stacked(
    model: SheetSchema, missing: list[str], items: list[_SheetInput], stacked: pd.DataFrame | None = None
) -> list[_Outcome]:
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
    model: SheetSchema, missing: list[str], items: list[_SheetInput], cases: pd.DataFrame, starts: np.ndarray
) -> list[_Outcome]:
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
    outcomes: list[_Outcome | None] = [None] * len(items)
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


def _prepare(frame: pd.DataFrame, sheet: Sheet) -> tuple[pd.DataFrame, list[Column]]:
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


def _failed_cells(sheet: Sheet, cases: pd.DataFrame) -> dict[str, list[int] | None]:
    """Column → frame positions of the cells that failed (None when a failure is not of one cell)."""
    coerce_failed = set(cases.loc[cases["check"].astype(str).str.startswith("coerce_dtype("), "column"])
    bad: dict[str, list[int] | None] = {}
    for case in cases.itertuples(index=False):
        key, check = str(case.column), str(case.check)
        if key not in sheet.keys:
            continue
        located = case.index is not None and not pd.isna(case.index)
        if located:
            if bad.setdefault(key, []) is not None:
                bad[key].append(int(case.index))
        elif not (key in coerce_failed or check.startswith("dtype(")):
            bad[key] = None  # e.g. a column-wide check: nothing of the column is trusted
    return bad


def _rule_of(check: str) -> str:
    if check.startswith("coerce_dtype("):
        return "type"
    if check == "not_nullable":
        return "required"
    return check


def _issues_from_failures(
    sub: Submission, model: SheetSchema, raw: pd.DataFrame, cases: pd.DataFrame, field_rows: dict[str, int]
) -> list[Issue]:
    sheet = model.sheet
    coerce_failed = set(cases.loc[cases["check"].astype(str).str.startswith("coerce_dtype("), "column"])
    seen: set[tuple[str, int | None]] = set()
    issues: list[Issue] = []
    for case in cases.itertuples(index=False):
        check, key = str(case.check), str(case.column)
        if key not in sheet.keys:
            continue
        located = case.index is not None and not pd.isna(case.index)
        if key in coerce_failed and (check.startswith("dtype(") or not located):
            continue  # the coercion failure already names these cells
        index = int(case.index) if located else None
        if (key, index) in seen:
            continue  # one message per cell: the first (required, then type, then rules)
        seen.add((key, index))
        col = sheet.column(key)
        row = _row_of(sheet, raw, index, key, field_rows)
        value = None if index is None else raw.at[index, key]
        rule = _rule_of(check)
        issues.append(_issue(sub, sheet, row, col, rule, _cell_message(model, sheet, col, row, rule, value)))
    order = {k: i for i, k in enumerate(sheet.keys)}
    return sorted(issues, key=lambda i: (i.row or 0, order.get(_key_of(sheet, i.column), 0)))


def _key_of(sheet: Sheet, label: str) -> str:
    return next((c.key for c in sheet.columns if c.label == label), "")


def _row_of(
    sheet: Sheet, raw: pd.DataFrame, index: int | None, key: str, field_rows: dict[str, int]
) -> int | None:
    if sheet.key_value:
        return field_rows.get(key)
    return None if index is None else int(raw.at[index, ROW])


def _where(sheet: Sheet, row: int | None) -> str:
    return f"{sheet.label} 第{row}行" if row else sheet.label


def _shown(value: Any) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _cell_message(
    model: SheetSchema, sheet: Sheet, col: Column, row: int | None, rule: str, value: Any
) -> str:
    where = _where(sheet, row)
    if rule == "required":
        if sheet.key_value and row is None:
            return f"{sheet.label} 缺少字段“{col.label}”；请在“字段”列添加“{col.label}”并在“内容”列填写"
        what = model.expected.get(col.key, "")
        return f"{where}“{col.label}”未填写；请填写{what or '该项内容'}"
    found = model.rule(col.key, rule)
    expected, hint = (found.expected, found.hint) if found else (kind_expected(col), kind_hint(col))
    return f"{where}“{col.label}”应为{expected}，实际为“{_shown(value)}”；{hint}"


def _sheet_missing(sheet: Sheet, workbook: Workbook) -> str:
    return f"缺少工作表“{sheet.label}”；请使用{workbook.label}模板，保留全部工作表（没有内容时保留表头）"


def _column_missing(sheet: Sheet, col: Column) -> str:
    return f"{sheet.label} 缺少列“{col.label}”；请使用模板的表头，第一行须包含“{col.label}”"


def _issue(
    sub: Submission, sheet: Sheet, row: int | None, col: Column | None, rule: str, message: str
) -> Issue:
    check = ".".join(p for p in ("schema", sheet.key, col.key if col else "", rule) if p)
    return Issue(
        submission_id=sub.submission_id,
        file=sub.file,
        sheet=sheet.label,
        row=row,
        column=col.label if col else "",
        check=check,
        severity=Severity.ERROR,
        message=message,
        reference=REFERENCE,
    )


def _python(value: Any, kind: Kind) -> Any:
    if value is None or (not isinstance(value, bool) and pd.isna(value)):
        return None
    match kind:
        case Kind.INTEGER:
            return int(value)
        case Kind.AMOUNT | Kind.PERCENT:
            return float(value)
        case Kind.DATE:
            return pd.Timestamp(value).date()
        case Kind.YES_NO:
            return bool(value)
        case _:
            return str(value)


def _profile_dict(frame: pd.DataFrame, sheet: Sheet) -> dict[str, Any]:
    first = frame.iloc[0]
    return {col.key: _python(first[col.key], col.kind) for col in sheet.columns}
