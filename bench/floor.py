"""The floor under a campaign's collect and validate: the reading and the checking, with nothing else.

Every sheet of every submission in the inbox is read with the fastest reader there is for its format
(calamine for .xlsx; for a CSV folder the standard library's C parser, which reads a county's file
of a few hundred lines in a third of the time pandas' C engine takes to start), its cells turned
into text the cheapest way,
and each sheet's Pandera model (`schemas`) run once over that sheet stacked across the inbox. No
archive, no hashing, no intake rules, no located issues, no expectations, no registry, no reports:
the baseline's collect + validate is held against this. It imports nothing of the campaign code but
the contract and the models, so it measures the same thing whatever the stages become.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pandas as pd

from clustercert.contract import SUBMISSION, Sheet
from clustercert.submission import ROW

_SHEETS = {sheet.label: sheet for sheet in SUBMISSION.sheets} | {
    sheet.key: sheet for sheet in SUBMISSION.sheets
}


def _text(value: Any) -> str | None:
    """A cell as text: 2026.0 → "2026", a date → "2026-06-30", blank → None."""
    if type(value) is str:
        return value or None
    if type(value) is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    return None if value is None else str(value)


def _frame(sheet: Sheet, header: list[Any], rows: list[list[Any]]) -> pd.DataFrame:
    names = {c.label: c.key for c in sheet.columns} | {c.key: c.key for c in sheet.columns}
    if sheet.key_value:
        values = {names[str(r[0])]: _text(r[1]) for r in rows if str(r[0]) in names}
        return pd.DataFrame([values], dtype=str).assign(**{ROW: 1})
    keys = [names.get(str(h)) for h in header]
    frame = pd.DataFrame([[_text(v) for v in r] for r in rows], columns=keys, dtype=str)
    frame = frame.loc[:, [k is not None for k in keys]]
    frame[ROW] = range(2, len(frame) + 2)
    return frame


def read_xlsx(path: Path) -> dict[str, pd.DataFrame]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    frames = {}
    for name in book.sheet_names:
        sheet = _SHEETS.get(name)
        if sheet is not None:
            rows = book.get_sheet_by_name(name).to_python()
            frames[sheet.key] = _frame(sheet, rows[0], rows[1:])
    return frames


def read_csv_folder(folder: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for path in sorted(folder.glob("*.csv")):
        sheet = _SHEETS.get(path.stem)
        if sheet is not None:
            with path.open(encoding="utf-8-sig", newline="") as source:
                rows = [row for row in csv.reader(source) if row]
            frames[sheet.key] = _frame(sheet, rows[0], rows[1:])
    return frames


def run_floor(inbox: Path) -> dict[str, float]:
    """Seconds to read the inbox ("collect") and to run each model once over it ("validate")."""
    from schemas.submission import SUBMISSION_SCHEMAS

    started = time.perf_counter()
    stacks: dict[str, list[pd.DataFrame]] = {}
    for entry in sorted(Path(inbox).iterdir()):
        frames = read_csv_folder(entry) if entry.is_dir() else read_xlsx(entry)
        for key, frame in frames.items():
            stacks.setdefault(key, []).append(frame)
    stacked = {key: pd.concat(frames, ignore_index=True) for key, frames in stacks.items()}
    read = time.perf_counter()
    for key, model in SUBMISSION_SCHEMAS.items():
        model.schema.validate(stacked[key], lazy=True)
    checked = time.perf_counter()
    return {
        "collect": read - started,
        "validate": checked - read,
        "rows": sum(len(f) for f in stacked.values()),
    }
