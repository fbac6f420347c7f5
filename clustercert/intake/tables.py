"""The single-table inputs of SPEC §3.2 (change_filings, findings, revocation_decisions …): found in an
inbox by name, read by `read_table`, and typed here row by row.

`read_table` gives normalised strings; a row whose required cell is empty, whose date does not parse
or whose value is not one of the contract's allowed words becomes a located issue and is left out —
the other rows still count (SPEC §6: bad input never stops the rest).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert.contract import Column, Kind, Sheet
from clustercert.intake.normalise import header_form
from clustercert.intake.readers import read_table
from clustercert.issue import Issue, Severity
from clustercert.submission import ROW

SUFFIXES = (".csv", ".xlsx", ".json")
REFERENCE = "SPEC §3.2"


def table_files(inbox: Path | str | None, sheet: Sheet) -> list[Path]:
    """Files in `inbox` named after the table (key or Chinese label, optionally with a suffix such
    as `change_filings-230100.csv`), sorted by name."""
    if inbox is None or not Path(inbox).is_dir():
        return []
    names = (header_form(sheet.key), header_form(sheet.label))
    return [
        path
        for path in sorted(Path(inbox).iterdir(), key=lambda p: p.name)
        if path.is_file() and path.suffix.lower() in SUFFIXES and header_form(path.stem).startswith(names)
    ]


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.replace("/", "-")[:10])
    except ValueError:
        return None


def _typed_cell(sheet: Sheet, column: Column, value: str) -> tuple[Any, str, str]:
    """(typed value, check, message): a check and a message when the cell cannot be used."""
    key = column.key
    if not value:
        if column.required:
            return None, f"{sheet.key}.{key}.required", f"“{column.label}”未填写，该行未处理。"
        return None, "", ""
    if column.kind is Kind.DATE:
        day = _parse_date(value)
        if day is None:
            message = f"“{column.label}”应为日期（如 2026-03-10），实际为“{value[:40]}”。"
            return None, f"{sheet.key}.{key}.date", message
        return day, "", ""
    if column.allowed and value not in column.allowed:
        message = f"“{column.label}”只能填写：{'、'.join(column.allowed)}；实际为“{value[:40]}”。"
        return value, f"{sheet.key}.{key}.allowed", message
    return value, "", ""


def type_table(frame: pd.DataFrame, sheet: Sheet, file: str) -> tuple[pd.DataFrame, list[Issue]]:
    """Dates as `date`, every required cell present, choices among the allowed words; bad rows out."""
    issues: list[Issue] = []
    kept = []
    for rec in frame.to_dict(orient="records"):
        row = rec.get(ROW)
        row = None if row is None or pd.isna(row) else int(row)
        typed: dict[str, Any] = {ROW: row}
        bad = False
        for column in sheet.columns:
            typed[column.key], check, message = _typed_cell(sheet, column, _text(rec.get(column.key)))
            if check:
                issues.append(
                    Issue(
                        file, file, sheet.label, row, column.label, check, Severity.ERROR, message, REFERENCE
                    )
                )
                bad = True
        if not bad:
            kept.append(typed)
    return pd.DataFrame(kept, columns=[*sheet.keys, ROW]), issues


@dataclass
class TypedTable:
    """One §3.2 table file as read and typed: its usable rows (with `file` and `_row`) and its issues."""

    file: str
    frame: pd.DataFrame
    issues: list[Issue] = field(default_factory=list)


def read_typed_table(path: Path | str, sheet: Sheet) -> TypedTable:
    """One §3.2 table file, typed; its `file` column says where each row came from."""
    frame, issues = read_table(Path(path), sheet)
    typed, found = type_table(frame, sheet, Path(path).name)
    typed.insert(0, "file", Path(path).name)
    return TypedTable(Path(path).name, typed, [*issues, *found])
