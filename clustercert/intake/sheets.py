"""Raw sheets → the contract's tables: match sheets and headers by label or key, normalise cells.

A missing sheet or column is an error and is left out of the tables (the `Issue` is the report; no
column is invented). A key/value sheet may leave out the rows of optional fields (原认定编号 of a new
application, 具体位置, 工作总结): a field that must be filled only in some cases is checked where that
case is known (the expectations). Unknown sheets, columns and fields are warnings and are not read.
A formula cell saved without its result is reported in every column: an error where a value is
required, a warning where it is optional; either way it is read as blank.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from operator import itemgetter
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from clustercert.contract import KEY_VALUE_HEADERS, Column, Sheet, Workbook
from clustercert.intake.normalise import header_form, normalise_cell
from clustercert.intake.raw import UNCOMPUTED, WARNING, Problem, RawSheet, is_blank
from clustercert.submission import ROW, TEXT_DTYPE

# Sheets that a workbook may carry besides the contract's, without a warning (the template's guide).
INSTRUCTIONS_SHEET = "填表说明"
IGNORED_SHEETS = (INSTRUCTIONS_SHEET,)
_FIELD_FORMS = {header_form(n) for n in KEY_VALUE_HEADERS[0]}
_VALUE_FORMS = {header_form(n) for n in KEY_VALUE_HEADERS[1]}


_Named = TypeVar("_Named", Sheet, Column)


def _lookup(items: Iterable[_Named]) -> dict[str, _Named]:
    """Each item by the header form of its label and of its key (the label wins a clash)."""
    found: dict[str, _Named] = {}
    for item in items:
        found.setdefault(header_form(item.label), item)
        found.setdefault(header_form(item.key), item)
    return found


def empty_frame(sheet: Sheet, keys: Iterable[str] | None = None) -> pd.DataFrame:
    keys = sheet.keys if keys is None else list(keys)
    frame = pd.DataFrame({k: pd.Series([], dtype=str) for k in keys})
    frame[ROW] = pd.Series([], dtype="int64")
    return frame


_TEXT_ARRAY = TEXT_DTYPE.construct_array_type()


def _frame(data: dict[str, list[str]], rows: list[int]) -> pd.DataFrame:
    """The sheet's frame, built at once from its columns (str) and source rows (int64): each column's
    array made from its cells, the frame from the arrays (adding the row column to a built frame, or
    converting a frame to str, costs more than the whole build)."""
    columns: dict[str, Any] = {
        key: _TEXT_ARRAY._from_sequence(cells, dtype=TEXT_DTYPE) for key, cells in data.items()
    }
    columns[ROW] = np.array(rows, dtype=np.int64)
    return pd.DataFrame(columns, copy=False)


def _letter(index: int) -> str:
    """The column letter of a 0-based index (0 → A, 26 → AA), up to XFD's 3 letters as Excel has."""
    number = index + 1
    if not 1 <= number <= 18278:
        raise ValueError(f"Invalid column index {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _uncomputed(sheet: Sheet, col: Column, row: int) -> Problem:
    """A formula whose result the file does not hold: an error if the value is required."""
    message = (
        f"{sheet.label} 第{row}行“{col.label}”是公式，但文件中没有公式的计算结果（保存文件的程序未计算公式），无法读取；"
        "请在 Excel 中打开该文件并保存（使公式算出结果）后重新报送，或直接填写数值"
    )
    if not col.required:
        return Problem(
            "intake.formula_without_value",
            message + "；该项暂按未填写处理",
            WARNING,
            sheet.label,
            row,
            col.label,
        )
    return Problem("intake.formula_without_value", message, sheet=sheet.label, row=row, column=col.label)


def _cell(sheet: Sheet, col: Column, row: int, value: Any, problems: list[Problem]) -> str:
    """One cell's normalised text; a formula without its result is reported and read as blank."""
    if value is UNCOMPUTED:
        problems.append(_uncomputed(sheet, col, row))
        return ""
    return normalise_cell(value, col)


def table_frame(sheet: Sheet, raw: RawSheet) -> tuple[pd.DataFrame, list[Problem]]:
    """A list sheet: header row = first non-empty row; one frame row per non-empty data row."""
    label = sheet.label
    if not raw.rows and raw.implicit_header:  # e.g. an empty JSON array: no records, no columns to check
        return empty_frame(sheet), []
    if not raw.rows:
        msg = f"工作表“{label}”没有表头行，请按模板保留第一行表头（即使没有数据）"
        return empty_frame(sheet, ()), [Problem("intake.missing_header", msg, sheet=label)]
    header_row, header = raw.rows[0]
    body = raw.rows[1:]
    lookup = _lookup(sheet.columns)
    for_reading = _lookup(sheet.reference_columns)  # the template's read-only columns: skipped quietly
    reference_at: set[int] = set()
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        form = header_form(cell)
        col = lookup.get(form)
        where = f"第 {_letter(index)} 列"
        if not form:
            if any(index < len(cells) and not is_blank(cells[index]) for _, cells in body):
                msg = f"{where}没有表头但填有内容，该列未读取；请删除该列或补充模板中的表头"
                problems.append(Problem("intake.unknown_column", msg, WARNING, label, header_row, where))
        elif col is None and form in for_reading:
            reference_at.add(index)
        elif col is None:
            msg = f"列“{cell}”（{where}）不属于模板，其内容未读取；请检查表头是否与模板一致"
            problems.append(
                Problem("intake.unknown_column", msg, WARNING, label, header_row, str(cell).strip())
            )
        elif col.key in positions:
            first = _letter(positions[col.key])
            msg = f"列“{col.label}”出现了两次（第 {first} 列和{where}），只读取了第一列；请删除重复的列"
            problems.append(
                Problem("intake.duplicate_column", msg, sheet=label, row=header_row, column=col.label)
            )
        else:
            positions[col.key] = index
    for col in sheet.columns:
        if col.key not in positions:
            msg = f"工作表“{label}”缺少列“{col.label}”，请按模板补充该列（即使不填内容也须保留表头）"
            problems.append(
                Problem("intake.missing_column", msg, sheet=label, row=header_row, column=col.label)
            )

    present = [(c, positions[c.key]) for c in sheet.columns if c.key in positions]
    kept = [
        (number, cells)
        for number, cells in body
        if any(not is_blank(v) for i, v in enumerate(cells) if i not in reference_at)
    ]  # without blank rows, and rows whose only text is the template's reference text
    records = [cells for _, cells in kept]
    rows = [number for number, _ in kept]
    data: dict[str, list[str]] = {}
    uncomputed = False
    for col, i in present:
        values = _column(records, i)
        uncomputed = uncomputed or UNCOMPUTED in values
        data[col.key] = list(map(_normaliser(col), values))
    if uncomputed:  # reported row by row, in the order of the row's columns
        for number, cells in kept:
            problems.extend(
                _uncomputed(sheet, col, number)
                for col, i in present
                if i < len(cells) and cells[i] is UNCOMPUTED
            )
    return _frame(data, rows), problems


def _column(records: list[Any], index: int) -> list[Any]:
    """One column's raw cells ("" where a row is shorter)."""
    if records and min(map(len, records)) > index:
        return list(map(itemgetter(index), records))
    return [cells[index] if index < len(cells) else "" for cells in records]


def _normaliser(col: Column) -> Callable[[Any], str]:
    """`normalise_cell` for one column, remembering each distinct cell (by type: 1, 1.0 and True are
    three cells); a formula without its result reads as blank (it is reported)."""

    @lru_cache(maxsize=None, typed=True)
    def normalised(value: Any) -> str:
        return "" if value is UNCOMPUTED else normalise_cell(value, col)

    return normalised


def key_value_frame(sheet: Sheet, raw: RawSheet) -> tuple[pd.DataFrame, dict[str, int], list[Problem]]:
    """A 字段/内容 sheet → a one-row frame of the fields found, and each field's source row."""
    label = sheet.label
    headers = "“字段”和“内容”"
    if not raw.rows:
        msg = f"工作表“{label}”为空，应有两列表头{headers}并逐行填写各字段，请按模板填写"
        return empty_frame(sheet, ()), {}, [Problem("intake.missing_header", msg, sheet=label)]
    header_row, header = raw.rows[0]
    forms = [header_form(c) for c in header]
    field_at = next((i for i, f in enumerate(forms) if f in _FIELD_FORMS), None)
    value_at = next((i for i, f in enumerate(forms) if f in _VALUE_FORMS), None)
    if field_at is None or value_at is None:
        missing = KEY_VALUE_HEADERS[0][0] if field_at is None else KEY_VALUE_HEADERS[1][0]
        msg = f"工作表“{label}”第一行应为两列表头{headers}，请按模板填写（第一列字段名，第二列内容）"
        problem = Problem("intake.missing_column", msg, sheet=label, row=header_row, column=missing)
        return empty_frame(sheet, ()), {}, [problem]

    lookup = _lookup(sheet.columns)
    values: dict[str, str] = {}
    field_rows: dict[str, int] = {}
    problems: list[Problem] = []
    for number, cells in raw.rows[1:]:
        width = len(cells)
        name = cells[field_at] if field_at < width else None
        value = cells[value_at] if value_at < width else None
        col = lookup.get(header_form(name))
        if is_blank(name):
            if not is_blank(value):
                msg = f"第 {number} 行填有内容但没有字段名，已忽略；请在第一列填写模板中的字段名"
                problems.append(Problem("intake.unknown_field", msg, WARNING, label, number))
        elif col is None:
            msg = f"字段“{str(name).strip()}”不属于模板，已忽略；请检查字段名是否与模板一致"
            problems.append(Problem("intake.unknown_field", msg, WARNING, label, number, str(name).strip()))
        elif col.key in field_rows:
            msg = f"字段“{col.label}”填写了两次（第 {field_rows[col.key]} 行和第 {number} 行），只读取了第一次；请删除重复的行"
            problems.append(Problem("intake.duplicate_field", msg, sheet=label, row=number, column=col.label))
        else:
            values[col.key] = _cell(sheet, col, number, value, problems)
            field_rows[col.key] = number
    for col in sheet.columns:
        if col.key not in field_rows and col.required:
            msg = f"工作表“{label}”缺少字段“{col.label}”，请按模板补充该行（不适用时内容可留空）"
            problems.append(Problem("intake.missing_field", msg, sheet=label, column=col.label))
    data = {c.key: [values[c.key]] for c in sheet.columns if c.key in values}
    return _frame(data, [header_row]), field_rows, problems


def assemble(
    raws: list[RawSheet], workbook: Workbook
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, int]], list[Problem]]:
    """Match the raw sheets to `workbook`'s sheets and build every table; report what does not fit."""
    lookup = _lookup(workbook.sheets)
    ignored = {header_form(n) for n in IGNORED_SHEETS}
    found: dict[str, RawSheet] = {}
    problems: list[Problem] = []
    for raw in raws:
        sheet = lookup.get(header_form(raw.name))
        if sheet is None:
            if raw.rows and not raw.failed and header_form(raw.name) not in ignored:
                msg = f"工作表“{raw.name}”不属于{workbook.label}模板，其内容未读取；请将数据移到模板中对应的工作表"
                problems.append(Problem("intake.unknown_sheet", msg, WARNING, raw.name))
        elif sheet.key in found:
            msg = f"工作表“{sheet.label}”出现了两次（“{found[sheet.key].name}”和“{raw.name}”），只读取了第一个；请删除多余的工作表"
            problems.append(Problem("intake.duplicate_sheet", msg, sheet=sheet.label))
        else:
            found[sheet.key] = raw
    tables: dict[str, pd.DataFrame] = {}
    field_rows: dict[str, dict[str, int]] = {}
    for sheet in workbook.sheets:
        found_raw = found.get(sheet.key)
        if found_raw is not None and found_raw.failed:
            continue
        if found_raw is None:
            msg = f"缺少工作表“{sheet.label}”，请按模板补充该工作表（即使没有数据也须保留表头）"
            problems.append(Problem("intake.missing_sheet", msg, sheet=sheet.label))
        elif sheet.key_value:
            tables[sheet.key], field_rows[sheet.key], found_problems = key_value_frame(sheet, found_raw)
            problems.extend(found_problems)
        else:
            tables[sheet.key], found_problems = table_frame(sheet, found_raw)
            problems.extend(found_problems)
    return tables, field_rows, problems
