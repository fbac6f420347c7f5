"""The reference `.xlsx` reader: openpyxl's own streaming sheet parser, one sheet at a time.

`clustercert.intake.xlsx` reads workbooks with calamine, and hands a workbook to this reader whenever
calamine might read it differently (see `clustercert.intake.xlsx_package`): what this reader returns
is, by definition, how intake reads a workbook. It is imported only then, so that reading an ordinary
workbook does not pay for importing openpyxl. openpyxl parses XML through defusedxml.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from clustercert.intake.limits import too_many_rows
from clustercert.intake.raw import UNCOMPUTED, Problem, RawSheet, is_blank
from clustercert.intake.xlsx_package import MAX_COLUMNS, declared_last_row

if not openpyxl.DEFUSEDXML:  # pragma: no cover - a configuration bug, not bad input
    raise RuntimeError("openpyxl must parse XML with defusedxml (unset OPENPYXL_DEFUSEDXML=False)")


class _SheetParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, with two changes for intake.

    * A formula cell whose result was never calculated (`<f>` with an empty or absent `<v>`, written
      e.g. by a program that does not compute formulas) reads as `UNCOMPUTED` instead of None, so
      that it is reported instead of passing for an empty cell. Excel writes an empty text result
      as `t="str"` with an empty `<v>`: that one is a computed empty cell and stays None.
    * Row attributes (height, style) are not kept: they are of no use here and would grow with
      every row of a hostile sheet.
    """

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell = super().parse_cell(element)
        if cell["value"] is None and cell["data_type"] != "str" and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCOMPUTED
        return cell

    def parse_row(self, row: Any) -> tuple[int, list[dict[str, Any]]]:
        number, cells = super().parse_row(row)
        self.row_dimensions.pop(str(number), None)
        return number, cells


class _WorkbookReader(ExcelReader):
    """openpyxl's workbook reader (manifest, shared strings, styles, sheet list), minus the sheets.

    In read-only mode openpyxl opens every worksheet at once to learn its declared dimension, and
    for a sheet that declares none it parses the whole sheet to find that out; here the sheets are
    only listed (name, zip part), and `declared_last_row` reads just the head of each part.
    """

    sheet_parts: list[tuple[str, str]]

    def read_worksheets(self) -> None:
        self.sheet_parts = [
            (str(sheet.name), rel.target)
            for sheet, rel in self.parser.find_sheets()
            if rel.target in self.valid_files and "chartsheet" not in rel.Type
        ]


def _sheet_rows(
    reader: _WorkbookReader, title: str, part: str, last_row: int
) -> tuple[list[tuple[int, Sequence[Any]]], Problem | None]:
    """The non-empty rows of a sheet (Excel row numbers kept, at most MAX_COLUMNS cells each).

    A sheet whose declared dimension runs past `last_row` is refused before any of it is read; one
    that does not declare it (or declares too little) is refused as soon as a row beyond appears.
    """
    declared = declared_last_row(reader.archive, part)
    if declared is not None and declared > last_row:
        return [], too_many_rows(title, last_row + 1, declared=declared)
    book = reader.wb
    rows: list[tuple[int, Sequence[Any]]] = []
    with reader.archive.open(part) as source:
        parser = _SheetParser(
            source,
            reader.shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number > last_row:
                return [], too_many_rows(title, number)
            values: list[Any] = []
            for cell in cells:
                column = cell["column"]
                if column > MAX_COLUMNS:
                    continue
                if column > len(values):  # cells are in column order; a gap is empty cells
                    values.extend([None] * (column - len(values)))
                values[column - 1] = cell["value"]
            if not all(is_blank(v) for v in values):
                rows.append((number, values))
    return rows, None


def read_with_openpyxl(path: Path, last_row: int) -> tuple[list[RawSheet], list[Problem]]:
    """All worksheets of the workbook at `path` as raw rows (Excel row numbers kept).

    The caller has checked the bytes and the zip directory (`xlsx.sniff`, `xlsx.check_zip`). A sheet
    beyond the row limit is reported and marked failed (present but not read); the other sheets are
    read as usual.
    """
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "data validation extension not supported" and the like
            reader = _WorkbookReader(path, read_only=True, data_only=True)
            try:
                reader.read()
                for title, part in reader.sheet_parts:
                    rows, refused = _sheet_rows(reader, title, part, last_row)
                    sheets.append(RawSheet(title, rows, failed=refused is not None))
                    problems.extend([refused] if refused else [])
            finally:
                reader.archive.close()
    except Exception as exc:  # noqa: BLE001 - hostile or broken input must become a located error
        return [], [_unreadable(exc)]
    return sheets, problems


def _unreadable(exc: BaseException) -> Problem:
    kind = type(exc).__name__
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and len(chain) < 10:  # openpyxl wraps defusedxml's refusal in a ValueError
        chain.append(link)
        link = link.__cause__ or link.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return Problem(
            "intake.unreadable", "工作簿含有不安全的 XML 内容（实体或外部引用），已拒绝读取；请重新导出后报送"
        )
    return Problem(
        "intake.unreadable",
        f"工作簿无法读取（{kind}），文件可能已损坏，请在 Excel 中另存为新的 .xlsx 后重新报送",
    )
