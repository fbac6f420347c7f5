"""Spreadsheet exports (.xlsx and Excel-friendly CSV) that cannot be turned into formulas.

Cluster names, operator names and notes come from county workbooks, so an exported cell may start
with `=`, `+`, `-` or `@` (CWE-1236, "CSV injection"). In .xlsx every text value is stored with the
string type and the quote-prefix style, so Excel shows the text and never evaluates it — even when a
user re-edits the cell. In CSV there are no types, so neutralised text gets a leading apostrophe.
Numbers stay numbers in both.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from clustercert.reports.render import fmt, is_blank, to_number
from clustercert.xlsx_layout import save_reproducible

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_WIDTH = 60

Columns = Sequence[tuple[str, str]]  # (key, header label)
CREATOR = "clustercert"
DEFAULT_STAMP = date(2023, 7, 7)  # the regulation's date: for a file that belongs to no campaign date


def _stamp(value: date | datetime | str | None) -> datetime:
    if value is None or value == "":
        value = DEFAULT_STAMP
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return value.replace(tzinfo=None, microsecond=0)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """CSV form of a text value that a spreadsheet might evaluate."""
    return "'" + text if is_formula_like(text) else text


def _value(row: Mapping[str, Any], key: str, numeric: Collection[str]) -> Any:
    """The typed value of one cell: numbers for numbers, text for everything else."""
    value = row.get(key)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float | Decimal):
        return value if to_number(value) is not None else fmt(value)
    if key in numeric:
        number = to_number(value)
        if number is not None:
            return int(number) if number.is_integer() else number
    if isinstance(value, datetime | date):
        return fmt(value)
    text = str(value)
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)[:32767]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_rows_xlsx(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    columns: Columns,
    *,
    sheet_title: str = "Sheet1",
    numeric: Collection[str] = (),
    title: str = "",
    stamp: date | datetime | str | None = None,
) -> Path:
    """Write rows as one sheet: bold frozen header (Chinese), typed cells, widths fitted to content.

    `numeric` names the keys whose text values ("150000") should become numbers; `title`, when
    given, goes in a merged first row above the header (the header is then row 2); `stamp` is the
    date written as the document's date (the same inputs give the same bytes).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(sheet_title)
    widths = [_display_width(header) for _, header in columns]
    header_row = 1
    if title:
        ws.cell(row=1, column=1, value=_text(title)).font = Font(bold=True, size=14)
        ws.cell(row=1, column=1).data_type = "s"
        if len(columns) > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
        header_row = 2
    fill = PatternFill("solid", fgColor="E4EBF2")
    for col, (_, header) in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=col, value=_text(header))
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=header_row + 1):
        for col, (key, _) in enumerate(columns, start=1):
            value = _value(row, key, numeric)
            if value is None:
                continue
            cell = ws.cell(row=r, column=col)
            cell.value = value
            if isinstance(value, str):
                # openpyxl would store "=…" as a formula and "#N/A" as an error: force plain text.
                cell.data_type = "s"
                if is_formula_like(value):
                    cell.quotePrefix = True
            widths[col - 1] = max(widths[col - 1], _display_width(fmt(value)))
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, width + 2)
    # the same rows give the same bytes: a re-run's outputs compare equal with `cmp`
    return save_reproducible(wb, path, _stamp(stamp), creator=CREATOR)


def write_rows_csv(
    path: Path,
    rows: Iterable[Mapping[str, Any]],
    columns: Columns | Sequence[str],
    *,
    neutralise_formulas: bool = True,
    header: str = "label",
) -> Path:
    """UTF-8 CSV with a BOM (so Excel reads the Chinese); `header` is "label" or "key". A column given
    as a key alone (a machine-read extract's column) is its own label.

    With English keys (a machine-read extract such as decisions.csv) booleans are true/false;
    with Chinese labels they read 是/否.

    Neutralisation is on by default; turn it off only for machine-read extracts whose readers must
    get the bytes unchanged.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = [(c, c) if isinstance(c, str) else c for c in columns]
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([(key if header == "key" else label) for key, label in columns])
        for row in rows:
            out = []
            for key, _ in columns:
                value = row.get(key)
                if isinstance(value, bool) and header == "key":  # machine extract: plain true/false
                    out.append("true" if value else "false")
                elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
                    text = fmt(value)
                    out.append(neutralise(text) if neutralise_formulas else text)
                else:
                    out.append(fmt(value, digits=10))
            writer.writerow(out)
    return path


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'") or "Sheet1"
    return cleaned[:31]
