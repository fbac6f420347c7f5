"""Which cell styles of a workbook make a number a date: as openpyxl decides, and as calamine does.

A number in a cell is a date only through its style's number format, and the two readers decide
that by different rules. `reference_classes` is openpyxl's rule, restated (its stylesheet reading is
half of what importing openpyxl costs); `calamine_classes` asks calamine itself, by reading a one-sheet
probe workbook built on the same styles. A style on which they disagree sends the workbooks that use
it to the reference reader (`clustercert.intake.xlsx_package.scan_sheet`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from functools import lru_cache

from defusedxml import ElementTree

from clustercert.intake.xlsx_package import MAIN_NS

NUMBER, DATE, TIMEDELTA, UNKNOWN = "number", "date", "timedelta", "unknown"

# openpyxl.styles.numbers: the built-in formats (ids 0-49) that are dates, and the one that is a
# duration; any other built-in id has no format code there, so its numbers stay numbers.
_BUILTIN_DATES = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
_BUILTIN_TIMEDELTAS = frozenset({46})
# openpyxl.styles.numbers.STRIP_RE, TIMEDELTA_RE and is_date_format's search, as they are there.
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')
_TIMEDELTA = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def format_class(code: str | None) -> str:
    """What openpyxl makes of a number in this format: NUMBER, DATE or TIMEDELTA."""
    if code is None:
        return NUMBER
    first = code.split(";")[0]
    if _DATE_LETTER.search(_STRIP.sub("", first)) is None:
        return NUMBER
    return TIMEDELTA if _TIMEDELTA.search(first) else DATE


def _builtin_class(format_id: int) -> str:
    if format_id in _BUILTIN_TIMEDELTAS:
        return TIMEDELTA
    return DATE if format_id in _BUILTIN_DATES else NUMBER


@lru_cache(maxsize=64)
def reference_classes(styles: bytes | None) -> tuple[str, ...]:
    """Per cell style (cellXfs index): how openpyxl reads a number in it. Empty: no styles at all."""
    if styles is None:
        return ()
    tree = ElementTree.fromstring(styles)
    formats = tree.find(f"{{{MAIN_NS}}}numFmts")  # not the numFmt of a conditional format (dxfs)
    custom = {
        int(f.get("numFmtId")): f.get("formatCode")
        for f in (formats.iter(f"{{{MAIN_NS}}}numFmt") if formats is not None else ())
        if f.get("numFmtId") is not None
    }
    cell_xfs = tree.find(f"{{{MAIN_NS}}}cellXfs")
    classes = []
    for xf in cell_xfs.iter(f"{{{MAIN_NS}}}xf") if cell_xfs is not None else ():
        format_id = int(xf.get("numFmtId", 0))
        classes.append(format_class(custom[format_id]) if format_id in custom else _builtin_class(format_id))
    return tuple(classes)


_PROBE_SERIAL = 45000.25  # 2023-03-15 06:00: a date and a time of day, in any date or time format
_PROBE_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{MAIN_NS}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="probe" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet"/>'
        '<Relationship Id="rId2" Target="styles.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/styles"/></Relationships>'
    ),
}


def _probe_class(value: object) -> str:
    if isinstance(value, dt.timedelta):
        return TIMEDELTA
    if isinstance(value, dt.date | dt.time):
        return DATE
    return NUMBER if isinstance(value, float) else UNKNOWN


@lru_cache(maxsize=64)
def calamine_classes(styles: bytes, count: int) -> tuple[str, ...]:
    """Per cell style: how calamine reads a number in it (a probe workbook with one cell per style).

    Cached by the styles part: the workbooks of one template or one program share it.
    """
    from python_calamine import CalamineWorkbook

    cells = "".join(
        f'<row r="{i + 1}"><c r="A{i + 1}" s="{i}"><v>{_PROBE_SERIAL}</v></c></row>' for i in range(count)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as probe:
        for name, text in _PROBE_PARTS.items():
            probe.writestr(name, text)
        probe.writestr("xl/styles.xml", styles)
        probe.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN_NS}"><sheetData>{cells}</sheetData></worksheet>',
        )
    buffer.seek(0)
    book = CalamineWorkbook.from_filelike(buffer)
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    found = tuple(_probe_class(row[0]) if row else UNKNOWN for row in rows)
    return found + (UNKNOWN,) * (count - len(found))
