"""Layer 1 of validation: every sheet against its Pandera model, lazily, failures as Chinese issues.

Each sheet is validated on its own so that one broken sheet does not hide the problems of another.
A sheet that passes is typed (dtypes of `ClusterData`). A sheet that fails still hands what it can to
the expectations (`StructureResult.frames`): its cells that failed become missing, so the cross-row
and cross-sheet checks run on everything else and a county gets every error in one round, while a
failed cell is reported once, here, and never again by a check that depends on it.

A campaign is checked at once (`check_structures`): each sheet's model runs once over that sheet of
every submission (`schemas.stacking`), which is what makes Pandera's fixed cost per column and pass
count once per campaign instead of once per file; each submission is told exactly what checking it
alone would tell it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from clustercert.contract import SUBMISSION, Column, Kind, Sheet, Workbook
from clustercert.issue import Issue, Severity
from clustercert.submission import ROW, Submission
from schemas.builder import SheetSchema
from schemas.rules import kind_expected, kind_hint
from schemas.stacking import SheetInput, prepare, validate_all
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
        found: list[SheetInput] = []
        for i in readable:
            sub = subs[i]
            frame = sub.tables.get(key)
            if frame is None:
                if (sheet.label, "") not in reported[i]:
                    issues[i].append(
                        _issue(sub, sheet, None, None, "sheet_missing", _sheet_missing(sheet, workbook))
                    )
                continue
            prepared, missing = prepare(frame, sheet)
            for col in missing:
                if (sheet.label, col.label) not in reported[i]:
                    issues[i].append(
                        _issue(sub, sheet, None, col, "column_missing", _column_missing(sheet, col))
                    )
            found.append(SheetInput(i, prepared, missing, sub.field_rows.get(key, {})))
        for item, (typed_frame, cases) in zip(found, validate_all(model, found), strict=True):
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
                profile = result.profile  # when it passed, both come from the same typed frame
                result.profile_values = (
                    dict(profile)
                    if profile is not None
                    else _profile_dict(result.frames[kv_sheet.key], kv_sheet)
                )
    return results


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
            positions = bad.setdefault(key, [])
            if positions is not None:
                positions.append(int(case.index))
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
