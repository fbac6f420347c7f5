"""How a workbook we hand to people looks and prints, and how it keeps the same bytes.

Widths are in Excel's unit (about one Latin digit of the default font); a CJK character takes about
two. Excel and LibreOffice do not size rows for wrapped text in merged cells, and differ elsewhere, so
rows that wrap get an explicit height from the same estimate.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

PADDING = 2.0  # room left and right of the text in a cell
LINE_HEIGHT = 16.0  # points per line of 11 pt text (CJK glyphs need a little more than Latin)
PORTRAIT_WIDTH = 110.0  # column width units that print on A4 portrait at 90 % of full size or more
TOP_WRAP = Alignment(wrap_text=True, vertical="top")


def char_width(ch: str) -> float:
    """Width of one character: wide and ambiguous East Asian forms (汉字, “”, （）, ，) count double."""
    return 2.1 if unicodedata.east_asian_width(ch) in "WFA" else 1.1


def text_width(text: object) -> float:
    """Width of the widest line of `text`."""
    return max((sum(char_width(ch) for ch in line) for line in str(text).split("\n")), default=0.0)


def _merged_spans(ws: Worksheet) -> dict[tuple[int, int], tuple[int, int]]:
    """(row, first column) of each merged range → (first column, last column)."""
    return {(r.min_row, r.min_col): (r.min_col, r.max_col) for r in ws.merged_cells.ranges}


def _in_merge(ws: Worksheet, cell: Cell) -> bool:
    return any(cell.coordinate in r for r in ws.merged_cells.ranges)


def fit_columns(
    ws: Worksheet,
    *,
    room: Mapping[int, float] | None = None,
    caps: Mapping[int, float] | None = None,
    cap: float = 50.0,
    floor: float = 6.0,
) -> None:
    """Set each column as wide as its widest cell (merged cells aside), or as `room[column]` (what people
    will type there), within `floor` and the column's cap; a cell wider than its column wraps."""
    room, caps = room or {}, caps or {}
    widest: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and not _in_merge(ws, cell):
                widest[cell.column] = max(widest.get(cell.column, 0.0), text_width(cell.value) + PADDING)
    for index in sorted(set(widest) | set(room)):
        limit = max(caps.get(index, cap), room.get(index, 0.0))
        width = min(max(widest.get(index, 0.0), room.get(index, 0.0), floor), limit)
        ws.column_dimensions[get_column_letter(index)].width = round(width, 1)
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and not _in_merge(ws, cell):
                if text_width(cell.value) + PADDING > column_width(ws, cell.column):
                    cell.alignment = Alignment(
                        wrap_text=True, vertical="top", horizontal=cell.alignment.horizontal
                    )


def column_width(ws: Worksheet, index: int) -> float:
    return float(ws.column_dimensions[get_column_letter(index)].width or 8.43)


def lines_needed(text: object, width: float) -> int:
    """Lines `text` takes in a wrapping cell `width` wide (each explicit line break starts a line)."""
    usable = max(width - PADDING, 1.0)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


def fit_rows(ws: Worksheet) -> None:
    """Give every row with wrapped text the height of its tallest cell."""
    spans = _merged_spans(ws)
    for row in ws.iter_rows():
        lines = 1
        for cell in row:
            if cell.value is None or not cell.alignment.wrap_text:
                continue
            first, last = spans.get((cell.row, cell.column), (cell.column, cell.column))
            width = sum(column_width(ws, i) for i in range(first, last + 1))
            lines = max(lines, lines_needed(cell.value, width))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = lines * LINE_HEIGHT + 2


def print_setup(ws: Worksheet, *, title_rows: str = "1:1", gridlines: bool = True) -> None:
    """A4, as wide as one page (landscape when the columns need it), header rows on every page,
    the sheet name and page number in the footer."""
    widths = [column_width(ws, i) for i in range(1, ws.max_column + 1)]
    landscape = sum(widths) > PORTRAIT_WIDTH
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_options.gridLines = gridlines
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A　第 &P 页，共 &N 页"


# -- the same bytes for the same content ----------------------------------------------------------
def pin_timestamps(data: bytes, when: datetime) -> bytes:
    """An .xlsx with the two wall-clock stamps openpyxl writes — zip entry times and docProps
    created/modified — set to `when`."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, content in entries:
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp, content)
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            zout.writestr(fixed, content)
    return buffer.getvalue()


def save_reproducible(book: Workbook, path: Path, when: datetime, *, creator: str) -> Path:
    """Save `book` so that the same content always gives the same bytes (dated `when`, by `creator`)."""
    book.properties.creator = creator
    book.properties.lastModifiedBy = creator
    book.properties.created = when
    buffer = io.BytesIO()
    book.save(buffer)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pin_timestamps(buffer.getvalue(), when))
    return path
