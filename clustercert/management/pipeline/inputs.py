"""The single-table inputs of dynamic management (SPEC §3.2: change_filings, findings,
revocation_decisions): found in an inbox, read by intake, and typed here row by row.

Intake gives normalised strings; a row whose required cell is empty, whose date does not parse or
whose value is not one of the contract's allowed words becomes a located issue and is left out —
the other rows still count (SPEC §6: bad input never stops the rest).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from clustercert.contract import Kind, Sheet
from clustercert.intake import read_table
from clustercert.intake.normalise import header_form
from clustercert.issue import Issue, Severity
from clustercert.management.tables import records, text
from clustercert.submission import ROW

SUFFIXES = (".csv", ".xlsx", ".json")
REFERENCE = "SPEC §3.2"


def table_files(inbox: Path | None, sheet: Sheet) -> list[Path]:
    """Files in `inbox` named after the table (key or Chinese label, optionally with a suffix such
    as `change_filings-230100.csv`), sorted by name."""
    if inbox is None or not Path(inbox).is_dir():
        return []
    names = (header_form(sheet.key), header_form(sheet.label))
    found = []
    for path in sorted(Path(inbox).iterdir(), key=lambda p: p.name):
        stem = header_form(path.stem)
        if path.is_file() and path.suffix.lower() in SUFFIXES and stem.startswith(names):
            found.append(path)
    return found


def _parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.replace("/", "-")[:10])
    except ValueError:
        return None


def _issue(file: str, sheet: Sheet, row: int | None, column: str, check: str, message: str) -> Issue:
    label = sheet.column(column).label if column else ""
    return Issue(file, file, sheet.label, row, label, check, Severity.ERROR, message, REFERENCE)


def type_table(frame: pd.DataFrame, sheet: Sheet, file: str) -> tuple[pd.DataFrame, list[Issue]]:
    """Dates as `date`, every required cell present, choices among the allowed words; bad rows out."""
    issues: list[Issue] = []
    kept = []
    for rec in records(frame):
        row = rec.get(ROW)
        row = None if row is None or pd.isna(row) else int(row)
        typed = {ROW: row}
        bad = False
        for column in sheet.columns:
            value = text(rec.get(column.key))
            if not value:
                if column.required:
                    issues.append(
                        _issue(
                            file,
                            sheet,
                            row,
                            column.key,
                            f"{sheet.key}.{column.key}.required",
                            f"“{column.label}”未填写，该行未处理。",
                        )
                    )
                    bad = True
                typed[column.key] = None
                continue
            if column.kind is Kind.DATE:
                day = _parse_date(value)
                if day is None:
                    issues.append(
                        _issue(
                            file,
                            sheet,
                            row,
                            column.key,
                            f"{sheet.key}.{column.key}.date",
                            f"“{column.label}”应为日期（如 2026-03-10），实际为“{value[:40]}”。",
                        )
                    )
                    bad = True
                typed[column.key] = day
            elif column.allowed and value not in column.allowed:
                allowed = "、".join(column.allowed)
                issues.append(
                    _issue(
                        file,
                        sheet,
                        row,
                        column.key,
                        f"{sheet.key}.{column.key}.allowed",
                        f"“{column.label}”只能填写：{allowed}；实际为“{value[:40]}”。",
                    )
                )
                bad = True
            else:
                typed[column.key] = value
        if not bad:
            kept.append(typed)
    columns = [*sheet.keys, ROW]
    return pd.DataFrame(kept, columns=columns), issues


def read_typed_table(path: Path, sheet: Sheet) -> tuple[pd.DataFrame, list[Issue]]:
    """One §3.2 table file, typed; its `file` column says where each row came from."""
    frame, issues = read_table(Path(path), sheet)
    typed, found = type_table(frame, sheet, Path(path).name)
    typed.insert(0, "file", Path(path).name)
    return typed, [*issues, *found]
