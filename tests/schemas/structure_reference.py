"""The structure layer as it was before it ran once per campaign: one Pandera pass per sheet of each
submission. Kept verbatim (its result class aside) as the reference the stacked check is held to.

Layer 1 of validation: every sheet against its Pandera model, lazily, failures as Chinese issues.

Each sheet is validated on its own so that one broken sheet does not hide the problems of another.
A sheet that passes is typed (dtypes of `ClusterData`). A sheet that fails still hands what it can to
the expectations (`StructureResult.frames`): its cells that failed become missing, so the cross-row
and cross-sheet checks run on everything else and a county gets every error in one round, while a
failed cell is reported once, here, and never again by a check that depends on it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from clustercert.contract import SUBMISSION, Column, Kind, Sheet, Workbook
from clustercert.issue import Issue, Severity
from clustercert.submission import ROW, Submission
from schemas.builder import SheetSchema
from schemas.monitoring import MONITORING_SCHEMAS
from schemas.rules import kind_expected, kind_hint
from schemas.structure import StructureResult
from schemas.submission import SUBMISSION_SCHEMAS

REFERENCE = "SPEC §3"
_SCHEMAS = {"submission": SUBMISSION_SCHEMAS, "monitoring": MONITORING_SCHEMAS}
_MAX_SHOWN = 40  # characters of a wrong value quoted back in a message


def schemas_for(workbook: Workbook) -> dict[str, SheetSchema]:
    return _SCHEMAS[workbook.key]


def check_structure(sub: Submission, workbook: Workbook = SUBMISSION) -> StructureResult:
    """Validate every sheet of `sub` against its model and report all problems at once."""
    result = StructureResult(sub.submission_id, sub.file, workbook=workbook.key)
    if not sub.readable:
        return result
    reported = {(i.sheet, i.column) for i in sub.issues}  # intake already told the county
    # cells intake already reported (a formula without its result, an absent field): one message each
    cells = {(i.sheet, i.row, i.column) for i in sub.issues if i.column}
    issues: list[Issue] = []
    typed: dict[str, pd.DataFrame] = {}
    for key, model in schemas_for(workbook).items():
        sheet = model.sheet
        frame = sub.tables.get(key)
        if frame is None:
            if (sheet.label, "") not in reported:
                issues.append(
                    _issue(sub, sheet, None, None, "sheet_missing", _sheet_missing(sheet, workbook))
                )
            continue
        field_rows = sub.field_rows.get(key, {})
        raw, missing = _normalise(frame, sheet)
        for col in missing:
            if (sheet.label, col.label) not in reported:
                issues.append(_issue(sub, sheet, None, col, "column_missing", _column_missing(sheet, col)))
        validated, found, bad = _validate(sub, model, raw, missing, field_rows)
        issues.extend(i for i in found if (i.sheet, i.row, i.column) not in cells)
        if validated is not None and not missing:
            typed[key] = model.finish(validated)
            result.frames[key] = typed[key]
        else:
            readable = model.readable(raw, bad)
            if readable is not None:
                result.frames[key] = readable
        result.absent_columns[key] = tuple(col.key for col in missing)
    result.issues = issues
    result.typed = typed
    kv_sheet = next((s for s in workbook.sheets if s.key_value), None)
    if kv_sheet is not None:
        result.profile_rows = dict(sub.field_rows.get(kv_sheet.key, {}))
        if kv_sheet.key in typed:
            result.profile = _profile_dict(typed[kv_sheet.key], kv_sheet)
        if kv_sheet.key in result.frames:
            result.profile_values = _profile_dict(result.frames[kv_sheet.key], kv_sheet)
    return result


def _normalise(frame: pd.DataFrame, sheet: Sheet) -> tuple[pd.DataFrame, list[Column]]:
    """Blank cells become missing; a key/value sheet is one row with every field (absent = blank)."""
    raw = frame.reset_index(drop=True).copy()
    if sheet.key_value:
        if raw.empty:
            raw = pd.DataFrame({ROW: [0]})
        raw = raw.iloc[:1]
        for col in sheet.columns:
            if col.key not in raw.columns:
                raw[col.key] = pd.NA
    if ROW not in raw.columns:
        raw[ROW] = range(2, len(raw) + 2)
    raw[ROW] = raw[ROW].astype("int64")
    missing = [c for c in sheet.columns if c.key not in raw.columns]
    for col in sheet.columns:
        if col.key in raw.columns:
            raw[col.key] = pd.array([_blank_to_none(v) for v in raw[col.key].tolist()], dtype="str")
    return raw, missing


def _blank_to_none(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _validate(
    sub: Submission, model: SheetSchema, raw: pd.DataFrame, missing: list[Column], field_rows: dict[str, int]
) -> tuple[pd.DataFrame | None, list[Issue], dict[str, list[int] | None]]:
    """The validated frame (None if it failed), its issues, and the failed cells by column."""
    schema = model.without([c.key for c in missing])
    try:
        return schema.validate(raw, lazy=True), [], {}
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        issues = _issues_from_failures(sub, model, raw, cases, field_rows)
        return None, issues, _failed_cells(model.sheet, cases)


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
