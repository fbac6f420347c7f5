"""The template as a county clerk sees and prints it: widths fit the content, every sheet prints well.

Widths are checked with our own count (a CJK character is two units wide, anything else one), not with
the estimate the template uses, so the two can disagree.
"""

from __future__ import annotations

import math
import unicodedata

import openpyxl
import pytest
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

from clustercert.contract import ENTERPRISES, EVIDENCE, INCIDENTS, SUBMISSION
from clustercert.template import write_template

YEAR = 2026
A4 = 9
LANDSCAPE_CAPACITY = 150  # width units that print on A4 landscape at about full size
MIN_LINE_POINTS = 12  # an 11 pt line needs at least this much row height


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_template(tmp_path_factory.mktemp("tpl") / "申报书.xlsx", YEAR))


def shown_width(text: object) -> int:
    return max(
        sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in line)
        for line in str(text).split("\n")
    )


def width(ws: Worksheet, column: str) -> float:
    return ws.column_dimensions[column].width or 8.43


def span_width(ws: Worksheet, cell) -> float:
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            columns = range(merged.min_col, merged.max_col + 1)
            return sum(width(ws, openpyxl.utils.get_column_letter(c)) for c in columns)
    return width(ws, cell.column_letter)


def test_every_cell_fits_its_column_or_wraps_in_a_tall_enough_row(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                room = span_width(ws, cell)
                if shown_width(cell.value) <= room - 1:
                    continue
                where = f"{ws.title}!{cell.coordinate}"
                assert cell.alignment.wrap_text, f"{where} is wider than its column and does not wrap"
                lines = math.ceil(shown_width(cell.value) / (room - 1))
                height = ws.row_dimensions[cell.row].height
                assert height is not None and height >= lines * MIN_LINE_POINTS, (where, lines, height)


def test_drop_down_choices_fit_their_column(book: openpyxl.Workbook) -> None:
    checked = 0
    for ws in book.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list" or not dv.formula1.startswith('"'):
                continue
            column = openpyxl.utils.get_column_letter(range_boundaries(str(dv.sqref).split()[0])[0])
            for choice in dv.formula1.strip('"').split(","):
                assert shown_width(choice) <= width(ws, column) - 1, (ws.title, column, choice)
                checked += 1
    assert checked > 30


def test_typed_columns_leave_room_for_what_counties_type(book: openpyxl.Workbook) -> None:
    """Empty columns are not 10 wide: a company name, a 18-character code, a sentence fit."""

    def column_of(sheet, key: str) -> str:
        header = [c.value for c in book[sheet.label][1]]
        return openpyxl.utils.get_column_letter(header.index(sheet.column(key).label) + 1)

    assert width(book[ENTERPRISES.label], column_of(ENTERPRISES, "name")) >= 32
    assert width(book[ENTERPRISES.label], column_of(ENTERPRISES, "uscc")) >= 20
    assert width(book[INCIDENTS.label], column_of(INCIDENTS, "description")) >= 40
    assert width(book[EVIDENCE.label], column_of(EVIDENCE, "evidence")) >= 40
    assert width(book["基本信息"], "B") >= 30  # 内容: the cluster's and the operator's names
    assert width(book["定性条件"], "B") >= 40  # 条件内容: an article and a title


def test_every_sheet_prints_one_page_wide_with_its_header_on_each_page(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == ["填表说明", *(s.label for s in SUBMISSION.sheets)]
    for ws in book.worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == A4, ws.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        total = sum(width(ws, openpyxl.utils.get_column_letter(c)) for c in range(1, ws.max_column + 1))
        assert setup.orientation == ("landscape" if total > 110 else "portrait"), (ws.title, total)
    assert book["经营指标"].page_setup.orientation == "landscape"  # ten columns
    assert book["基本信息"].page_setup.orientation == "portrait"


def test_the_guide_prints_readably(book: openpyxl.Workbook) -> None:
    guide = book["填表说明"]
    total = sum(width(guide, c) for c in "ABCD")
    assert guide.page_setup.orientation == "landscape" and total <= LANDSCAPE_CAPACITY  # ≈ full size
    assert all(width(guide, c) >= 12 for c in "ABCD")
    long_lines = [c for row in guide.iter_rows() for c in row if c.value and shown_width(c.value) > 60]
    assert long_lines and all(c.alignment.wrap_text for c in long_lines)
    assert not guide.print_options.gridLines  # a document, not a form
    assert guide.row_dimensions[1].height >= 20  # the 14 pt title
