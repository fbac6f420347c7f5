"""Write input workbooks in code: the same tables as `.xlsx`, a folder of CSV files, or one JSON document.

Tests and benchmarks use this to build submissions (and the §3.2 single tables) without binary
fixtures. Values are written exactly as given — str, int, float, date — so a test can inject the
mistakes people make ("１２３", "1,234", " 65 ", "abc") and check that intake or validation reports them.

Formats (all accepted by `clustercert.intake.read_submission`):

* ``xlsx``: one file; one sheet per contract sheet, named by its Chinese label (or key).
* ``csv``:  ``path`` is a folder; one UTF-8 file per sheet, named ``<label>.csv`` (or ``<key>.csv``).
* ``json``: one file ``{"profile": {...}, "annual": [...], ...}``. JSON follows ``headers`` like the
  other formats: with ``headers="label"`` (default) sheet names, column names and profile field names
  are the Chinese labels; with ``headers="key"`` the English keys. The reader accepts both, and even
  a mix. Dates become ISO strings; numbers stay JSON numbers.

Key/value sheets (``profile``, ``work_summary``) are given as a dict field-key → value and written as
rows under the two headers 字段/内容 (key/value); every contract field gets a row (empty value when
not given) so a test only passes what it cares about. Keys not in the contract are written as-is
(extra columns, unknown fields) so that tests can exercise those warnings.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook as XlWorkbook

from clustercert.contract import KEY_VALUE_HEADERS, SUBMISSION, Column, Sheet, Workbook

Rows = list[dict[str, Any]]
TableData = Rows | dict[str, Any]


def _name(sheet_or_col: Sheet | Column, headers: str) -> str:
    if headers == "label":
        return sheet_or_col.label
    if headers == "key":
        return sheet_or_col.key
    raise ValueError(f"headers must be 'label' or 'key', not {headers!r}")


def _kv_headers(headers: str) -> list[str]:
    index = 0 if headers == "label" else 1
    return [KEY_VALUE_HEADERS[0][index], KEY_VALUE_HEADERS[1][index]]


def _omitted(omit: Iterable[str], sheet_key: str) -> set[str]:
    """Column/field keys of `sheet_key` that `omit` drops ("annual.sme_rd" → {"sme_rd"})."""
    prefix = sheet_key + "."
    return {o[len(prefix) :] for o in omit if o.startswith(prefix)}


def _grid(sheet: Sheet, data: TableData | None, headers: str, omit: Iterable[str] = ()) -> list[list[Any]]:
    """The sheet as a list of rows, header row first, values as given."""
    dropped = _omitted(omit, sheet.key)
    if sheet.key_value:
        values: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
        labels = {c.key: _name(c, headers) for c in sheet.columns}
        grid: list[list[Any]] = [_kv_headers(headers)]
        for key in [*sheet.keys, *(k for k in values if k not in labels)]:
            if key not in dropped:
                grid.append([labels.get(key, key), values.get(key, "")])
        return grid
    if isinstance(data, Mapping) and data:
        raise TypeError(f"sheet {sheet.key!r} is a table: give it a list of rows, not a mapping")
    rows: Rows = [] if data is None or isinstance(data, Mapping) else list(data)
    keys = [k for k in sheet.keys if k not in dropped]
    extra: list[str] = []
    for row in rows:
        extra.extend(k for k in row if k not in sheet.keys and k not in extra and k not in dropped)
    labels = {c.key: _name(c, headers) for c in sheet.columns}
    grid = [[labels.get(k, k) for k in (*keys, *extra)]]
    grid.extend([row.get(k) for k in (*keys, *extra)] for row in rows)
    return grid


def _text(value: Any) -> str:
    """A CSV cell: what a person exporting the value would have typed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return _text(value)
    return value


def _write_xlsx(path: Path, sheets: list[tuple[str, list[list[Any]]]]) -> None:
    # Not write_only: that mode omits <dimension>, which makes every reader scan each sheet twice.
    book = XlWorkbook()
    book.remove(book.active)
    for title, grid in sheets:
        ws = book.create_sheet(title)
        for row in grid:
            ws.append(row)
    book.save(path)


def _write_csv(path: Path, grid: list[list[Any]], encoding: str) -> None:
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        for row in grid:
            writer.writerow([_text(v) for v in row])


def write_workbook(
    path: Path,
    tables: Mapping[str, TableData],
    workbook: Workbook = SUBMISSION,
    fmt: str = "xlsx",
    headers: str = "label",
    *,
    omit: Iterable[str] = (),
    encoding: str = "utf-8",
) -> Path:
    """Write `tables` (sheet key → rows, or a dict for key/value sheets) in one of the three formats.

    `omit` drops whole sheets ("annual") or single columns/fields ("annual.sme_rd",
    "profile.county_code") so tests can produce incomplete workbooks; `encoding` (CSV only) lets a test
    write e.g. GBK. Sheets of `tables` unknown to the workbook are written too, under their given name.
    Returns `path` (a folder for ``fmt="csv"``).
    """
    path = Path(path)
    omit = tuple(omit)
    known = {s.key for s in workbook.sheets}
    sheets: list[tuple[str, list[list[Any]], Sheet | None]] = []
    for sheet in workbook.sheets:
        if sheet.key not in omit:
            sheets.append((_name(sheet, headers), _grid(sheet, tables.get(sheet.key), headers, omit), sheet))
    for key, data in tables.items():  # unknown sheets: written verbatim
        if key not in known and isinstance(data, list):
            cols = list(dict.fromkeys(k for row in data for k in row))
            sheets.append((key, [cols, *([row.get(c) for c in cols] for row in data)], None))

    if fmt == "xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_xlsx(path, [(title, grid) for title, grid, _ in sheets])
    elif fmt == "csv":
        path.mkdir(parents=True, exist_ok=True)
        for title, grid, _ in sheets:
            _write_csv(path / f"{title}.csv", grid, encoding)
    elif fmt == "json":
        path.parent.mkdir(parents=True, exist_ok=True)
        doc: dict[str, Any] = {}
        for title, grid, source in sheets:
            if source is not None and source.key_value:
                doc[title] = {str(f): _json_value(v) for f, v in grid[1:]}
            else:
                head = grid[0]
                doc[title] = [{h: _json_value(v) for h, v in zip(head, row, strict=True)} for row in grid[1:]]
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        raise ValueError(f"fmt must be 'xlsx', 'csv' or 'json', not {fmt!r}")
    return path


def write_table(
    path: Path,
    rows: Rows,
    sheet: Sheet,
    fmt: str = "xlsx",
    headers: str = "label",
    *,
    omit: Iterable[str] = (),
    encoding: str = "utf-8",
) -> Path:
    """Write one §3.2 table (e.g. `contract.SPOT_CHECKS`) as an `.xlsx` file or a UTF-8 CSV file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    grid = _grid(sheet, rows, headers, omit)
    if fmt == "xlsx":
        _write_xlsx(path, [(_name(sheet, headers), grid)])
    elif fmt == "csv":
        _write_csv(path, grid, encoding)
    else:
        raise ValueError(f"fmt must be 'xlsx' or 'csv', not {fmt!r}")
    return path
