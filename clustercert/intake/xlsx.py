"""Open an `.xlsx` file defensively and return its sheets as raw rows.

Everything a county might send by mistake (an empty file, a renamed text file, an old `.xls`, a
password-protected workbook) and everything hostile (zip bombs, XML entity bombs, absurd sheet
dimensions, sheets of a million rows) becomes a `Problem`, never an exception. The checks run on the
bytes and the zip directory *before* openpyxl sees the file; openpyxl itself parses XML through
defusedxml. Sheets are streamed with openpyxl's own row parser, one at a time, never materialised.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from clustercert.intake.limits import LAST_ROW, too_many_rows
from clustercert.intake.raw import ACCEPTED, UNCOMPUTED, Problem, RawSheet, is_blank

if not openpyxl.DEFUSEDXML:  # pragma: no cover - a configuration bug, not bad input
    raise RuntimeError("openpyxl must parse XML with defusedxml (unset OPENPYXL_DEFUSEDXML=False)")

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")  # directory entry of an encrypted OOXML file

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all parts of the zip together, as declared in its directory
MAX_RATIO = 200  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 8 * 1024 * 1024
MAX_ENTRIES = 10_000
MAX_COLUMNS = 64  # cells right of this are not read: no sheet of the contract is wider than 12


def sniff(path: Path, data_head: bytes | None = None) -> Problem | None:
    """Problems visible from the bytes alone (empty, encrypted, old format, not a zip)."""
    if data_head is None:
        with path.open("rb") as fh:
            data_head = fh.read(8)
    head = data_head
    if not head:
        return Problem("intake.empty_file", "文件为空（0 字节），请重新导出并报送完整的工作簿")
    if head.startswith(CFB_MAGIC):
        if ENCRYPTION_STREAM in path.read_bytes():
            return Problem("intake.encrypted", "文件已加密（设置了打开密码），无法读取，请取消密码后重新报送")
        return Problem(
            "intake.unsupported_type",
            "文件实际为旧版 Excel 97-2003（.xls）格式，请在 Excel 中“另存为” .xlsx 格式后重新报送",
        )
    if not head.startswith(ZIP_MAGIC):
        return Problem(
            "intake.unreadable",
            f"文件不是有效的 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件；{ACCEPTED}",
        )
    return None


def check_zip(path: Path) -> Problem | None:
    """Refuse corrupt zips, non-workbook zips and zip bombs before decompressing anything."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return Problem("intake.unreadable", "文件已损坏，无法作为 .xlsx 工作簿打开，请重新导出后报送")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        return Problem(
            "intake.unreadable",
            f"文件不是 Excel 工作簿（可能是改了扩展名的 Word 文档或其他压缩包）；{ACCEPTED}",
        )
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if len(infos) > MAX_ENTRIES or total > MAX_UNCOMPRESSED or bomb:
        return Problem(
            "intake.too_large",
            f"工作簿解压后过大（{total // (1024 * 1024)} MiB）或压缩比异常，已拒绝读取；"
            "请删除多余内容、另存为新的 .xlsx 后重新报送",
        )
    return None


class _SheetParser(WorkSheetParser):
    """openpyxl's streaming sheet parser, with two changes for intake.

    * A formula cell whose result was never calculated (`<f>` with an empty or absent `<v>`, written
      e.g. by a program that does not compute formulas) reads as `UNCOMPUTED` instead of None, so
      that it is reported instead of passing for an empty cell. Excel writes an empty text result
      as `t="str"` with an empty `<v>`: that one is a computed empty cell and stays None.
    * Row attributes (height, style) are not kept: they are of no use here and would grow with
      every row of a hostile sheet.
    """

    def parse_cell(self, element):  # noqa: ANN001, ANN201 - openpyxl's signature
        cell = super().parse_cell(element)
        if cell["value"] is None and cell["data_type"] != "str" and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCOMPUTED
        return cell

    def parse_row(self, row):  # noqa: ANN001, ANN201 - openpyxl's signature
        number, cells = super().parse_row(row)
        self.row_dimensions.pop(str(number), None)
        return number, cells


class _WorkbookReader(ExcelReader):
    """openpyxl's workbook reader (manifest, shared strings, styles, sheet list), minus the sheets.

    In read-only mode openpyxl opens every worksheet at once to learn its declared dimension, and
    for a sheet that declares none it parses the whole sheet to find that out; here the sheets are
    only listed (name, zip part), and `_declared_last_row` reads just the head of each part.
    """

    sheet_parts: list[tuple[str, str]]

    def read_worksheets(self) -> None:
        self.sheet_parts = [
            (str(sheet.name), rel.target)
            for sheet, rel in self.parser.find_sheets()
            if rel.target in self.valid_files and "chartsheet" not in rel.Type
        ]


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=[\"']([^\"']*)[\"']")
_SHEET_DATA = re.compile(rb"<(?:\w+:)?sheetData\b")
_HEAD_LIMIT = 1024 * 1024  # the dimension comes before the data, after a few small elements


def _declared_last_row(archive: zipfile.ZipFile, part: str) -> int | None:
    """The last row of the sheet's declared dimension (`<dimension ref="A1:E300">` → 300), if any."""
    head = b""
    with archive.open(part) as source:
        while len(head) < _HEAD_LIMIT and (chunk := source.read(64 * 1024)):
            head += chunk
            if found := _DIMENSION.search(head):
                try:
                    return range_boundaries(found.group(1).decode("ascii"))[3]
                except (ValueError, TypeError, UnicodeDecodeError):
                    return None  # not a range: as if absent (reading stops at the limit anyway)
            if _SHEET_DATA.search(head):
                return None
    return None


def _sheet_rows(
    reader: _WorkbookReader, title: str, part: str
) -> tuple[list[tuple[int, list[Any]]], Problem | None]:
    """The non-empty rows of a sheet (Excel row numbers kept, at most MAX_COLUMNS cells each).

    A sheet whose declared dimension runs past `LAST_ROW` is refused before any of it is read; one
    that does not declare it (or declares too little) is refused as soon as a row beyond appears.
    """
    declared = _declared_last_row(reader.archive, part)
    if declared is not None and declared > LAST_ROW:
        return [], too_many_rows(title, LAST_ROW + 1, declared=declared)
    book = reader.wb
    rows: list[tuple[int, list[Any]]] = []
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
            if number > LAST_ROW:
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


def read_xlsx(path: Path) -> tuple[list[RawSheet], list[Problem]]:
    """All worksheets of the workbook at `path` as raw rows (Excel row numbers kept).

    A sheet beyond the row limit is reported and marked failed (present but not read); the other
    sheets are read as usual.
    """
    problem = sniff(path) or check_zip(path)
    if problem:
        return [], [problem]
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "data validation extension not supported" and the like
            reader = _WorkbookReader(path, read_only=True, data_only=True)
            try:
                reader.read()
                for title, part in reader.sheet_parts:
                    rows, refused = _sheet_rows(reader, title, part)
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
    while exc is not None and len(chain) < 10:  # openpyxl wraps defusedxml's refusal in a ValueError
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    if any(isinstance(e, DefusedXmlException) for e in chain):
        return Problem(
            "intake.unreadable", "工作簿含有不安全的 XML 内容（实体或外部引用），已拒绝读取；请重新导出后报送"
        )
    return Problem(
        "intake.unreadable",
        f"工作簿无法读取（{kind}），文件可能已损坏，请在 Excel 中另存为新的 .xlsx 后重新报送",
    )
