"""The rules intake restates from openpyxl (so as not to import it on the fast path) say what openpyxl says."""

from __future__ import annotations

import pytest
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import get_column_letter, range_boundaries

from clustercert.intake.sheets import _letter
from clustercert.intake.xlsx_formats import DATE, NUMBER, TIMEDELTA, _builtin_class, format_class
from clustercert.intake.xlsx_package import range_last_row

FORMATS = [
    *BUILTIN_FORMATS.values(),
    'yyyy"年"m"月"d"日"',
    "[$-804]yyyy/m/d;@",
    '[DBNum1][$-804]yyyy"年"m"月"d"日"',
    "0.00_ ",
    "#,##0.00_);[Red]\\(#,##0.00\\)",
    '"¥"#,##0.00;"¥"\\-#,##0.00',
    "[h]:mm",
    "[mm]:ss.0",
    "[ss]",
    "h:mm AM/PM",
    "General;[Red]-General",
    '"day"0',
    "\\d0",
    "_d0",
    "[Blue]0",
    "@",
    "",
]


def openpyxl_class(code: str | None) -> str:
    if not is_date_format(code):
        return NUMBER
    return TIMEDELTA if is_timedelta_format(code) else DATE


@pytest.mark.parametrize("code", FORMATS)
def test_format_classes_are_openpyxls(code: str) -> None:
    assert format_class(code) == openpyxl_class(code)


def test_builtin_classes_are_openpyxls() -> None:
    for format_id in range(0, 200):
        assert _builtin_class(format_id) == openpyxl_class(BUILTIN_FORMATS.get(format_id)), format_id


@pytest.mark.parametrize(
    "ref", ["A1:E300", "A1", "B2:XFD1048576", "$A$1:$E$9", "3:7", "A:E", "", "A1:", "1:C"]
)
def test_last_rows_of_ranges_are_openpyxls(ref: str) -> None:
    try:
        expected = range_boundaries(ref)[3]
    except ValueError:
        with pytest.raises(ValueError):
            range_last_row(ref)
    else:
        assert range_last_row(ref) == expected


def test_column_letters_are_openpyxls() -> None:
    for index in (0, 1, 25, 26, 51, 52, 701, 702, 703, 18277):
        assert _letter(index) == get_column_letter(index + 1)
    with pytest.raises(ValueError):
        _letter(18278)
