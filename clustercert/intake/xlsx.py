"""Open an `.xlsx` file defensively and return its sheets as raw rows.

Everything a county might send by mistake (an empty file, a renamed text file, an old `.xls`, a
password-protected workbook) and everything hostile (zip bombs, XML entity bombs, absurd sheet
dimensions, sheets of a million rows) becomes a `Problem`, never an exception. The checks run on the
bytes and the zip directory *before* any parser sees the file.

Cell values are read by calamine (Rust: ~25× faster than openpyxl on a county workbook); what
calamine does not tell — the Excel row of each row, a formula saved without its result, an error
cell, a row past the limit — comes from one scan of the package (`xlsx_package`). A workbook that
calamine might read differently from the reference reader (openpyxl, `xlsx_openpyxl`: a DOCTYPE, an
ISO-date cell, a date style the two readers classify differently, a 17-digit integer…) is read by the
reference reader, so a county's feedback never depends on which reader read its file.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from clustercert.intake.limits import LAST_ROW, too_many_rows
from clustercert.intake.raw import ACCEPTED, Problem, RawSheet, Uncomputed
from clustercert.intake.xlsx_formats import NUMBER, calamine_classes, reference_classes
from clustercert.intake.xlsx_package import (
    _ESCAPE,
    MAX_COLUMNS,
    STYLES_PART,
    SheetScan,
    plain_xml,
    read_package,
    scan_sheet,
    special_cells,
    style_marks,
)

__all__ = ["MAX_COLUMNS", "check_zip", "read_fast", "read_xlsx", "sniff"]

CFB_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # OLE2 compound file: .xls, or an encrypted .xlsx
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")  # directory entry of an encrypted OOXML file

MAX_UNCOMPRESSED = 512 * 1024 * 1024  # all parts of the zip together, as declared in its directory
MAX_RATIO = 200  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 8 * 1024 * 1024
MAX_ENTRIES = 10_000


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


def read_xlsx(path: Path) -> tuple[list[RawSheet], list[Problem]]:
    """All worksheets of the workbook at `path` as raw rows (Excel row numbers kept).

    A sheet beyond the row limit is reported and marked failed (present but not read); the other
    sheets are read as usual.
    """
    problem = sniff(path) or check_zip(path)
    if problem:
        return [], [problem]
    found = read_fast(path, LAST_ROW)
    if found is not None:
        return found
    from clustercert.intake.xlsx_openpyxl import read_with_openpyxl

    return read_with_openpyxl(path, LAST_ROW)


def read_fast(path: Path, last_row: int) -> tuple[list[RawSheet], list[Problem]] | None:
    """The workbook read with calamine, or None where only the reference reader can tell how it reads.

    The caller has checked the bytes and the zip directory (`sniff`, `check_zip`).
    """
    try:
        return _read_fast(Path(path).read_bytes(), last_row)
    except Exception:  # noqa: BLE001 - whatever calamine or the scan refuses, the reference reader words
        return None


Plan = tuple[SheetScan, dict[tuple[int, int], Any]] | Problem  # how to read a sheet, or its refusal


def _read_fast(data: bytes, last_row: int) -> tuple[list[RawSheet], list[Problem]] | None:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        package = read_package(archive) if plain_xml(archive, names) else None
        if package is None or package.date1904 or not package.consistent:
            return None
        strings = package.shared_strings
        if strings is not None and (strings not in names or _ESCAPE.search(archive.read(strings))):
            return None
        styles = archive.read(STYLES_PART) if STYLES_PART in names else None
        ours = reference_classes(styles)
        theirs = calamine_classes(styles, len(ours)) if styles is not None and ours else ()
        dates = style_marks(i for i, c in enumerate(ours) if c != NUMBER)
        unsure = style_marks(i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b)
        plans: list[Plan] = []
        for title, part in package.sheets:
            scan = scan_sheet(archive, part, last_row, dates, unsure)
            if not scan.supported:
                return None
            if scan.declared is not None:
                plans.append(too_many_rows(title, last_row + 1, declared=scan.declared))
                continue
            if scan.refused_at is not None:
                plans.append(too_many_rows(title, scan.refused_at))
                continue
            special = special_cells(archive, part) if scan.special else {}
            if special is None:
                return None
            plans.append((scan, special))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    listed = [(i, s) for i, s in enumerate(book.sheets_metadata) if s.typ != SheetTypeEnum.ChartSheet]
    if [s.name for _, s in listed] != [title for title, _ in package.sheets] or any(
        s.typ != SheetTypeEnum.WorkSheet for _, s in listed
    ):
        return None
    sheets: list[RawSheet] = []
    problems: list[Problem] = []
    for (index, meta), plan in zip(listed, plans, strict=True):
        if isinstance(plan, Problem):
            sheets.append(RawSheet(meta.name, failed=True))
            problems.append(plan)
            continue
        rows = sheet_rows(book.get_sheet_by_index(index).to_python(skip_empty_area=False), *plan)
        if rows is None:
            return None
        sheets.append(RawSheet(meta.name, rows))
    return sheets, problems


_FIRST_DATE = dt.date(1900, 3, 1)  # before it, the two readers place Excel's 1900 leap day differently
_FIRST_DATETIME = dt.datetime(1900, 3, 1)
_LAST_SERIAL = 2958465.0  # 9999-12-31: past it openpyxl reads a date cell as "#VALUE!", calamine as a number
_DIGITS = 1e15  # Excel keeps 15 significant digits; an integer beyond reads exactly only as text
_PLAIN = frozenset({str, float, bool, int, Uncomputed})  # types read alike when the numbers are plain
_is_float = float.__instancecheck__


def sheet_rows(
    values: list[list[Any]], scan: SheetScan, special: dict[tuple[int, int], Any]
) -> list[tuple[int, Sequence[Any]]] | None:
    """calamine's grid (from A1) → the reference reader's non-empty rows: each at its Excel row,
    formula and error cells as the reference reader reads them, the header row with as many cells
    as its XML has (the one row whose length tells: a header cell may be empty).

    None if a value could read differently there: a time or duration, a date before 1900-03-01, a
    date cell past 9999, an integer of more than 15 digits, or a value of any other type.
    """
    for (row, column), value in special.items():
        while len(values) < row:
            values.append([])
        cells = values[row - 1]
        if len(cells) < column:
            cells.extend([""] * (column - len(cells)))
        cells[column - 1] = value
    if not _plain_values(values, scan.uses_dates):
        return None
    rows: list[tuple[int, Sequence[Any]]] = []
    for index, cells in enumerate(values):
        if any(cells):  # not blank unless every truthy cell is white space
            for value in cells:
                if value and (type(value) is not str or value.strip()):
                    rows.append((index + 1, cells))
                    break
        elif cells.count("") != len(cells):  # 0, 0.0, False
            rows.append((index + 1, cells))
    if rows:
        number, header = rows[0]
        width = scan.widths.get(number)
        if width is None:
            return None  # the header lies past the rows the scan counted
        rows[0] = (number, [*header[:width], *[""] * (width - len(header))])
    return rows


def _plain_values(values: list[list[Any]], dates: bool) -> bool:
    """Every value reads as the reference reader reads it (see `sheet_rows`)."""
    cells = chain.from_iterable
    types = set(map(type, cells(values)))
    if not types <= _PLAIN:
        return all(_plain(v, dates) for v in cells(values))
    if float in types:
        total = sum(map(abs, filter(_is_float, cells(values))))
        peak = max(map(abs, filter(_is_float, cells(values))))
        limit = min(_DIGITS, _LAST_SERIAL) if dates else _DIGITS
        if not math.isfinite(total) or peak >= limit:
            return all(_plain(v, dates) for v in cells(values))
    return True


def _plain(value: Any, dates: bool) -> bool:
    kind = type(value)
    if kind is float:
        if not -_DIGITS < value < _DIGITS and (not math.isfinite(value) or value.is_integer()):
            return False
        return not (dates and value >= _LAST_SERIAL)
    if kind is dt.date:
        return value >= _FIRST_DATE
    if kind is dt.datetime:
        return value >= _FIRST_DATETIME
    return kind in _PLAIN
