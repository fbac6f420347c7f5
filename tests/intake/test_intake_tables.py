"""read_table: the single-table inputs of SPEC §3.2."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from clustercert.contract import CHANGE_FILINGS, SPOT_CHECKS, TABLES
from clustercert.intake import read_table
from clustercert.workbook_writer import write_table

ROWS = [
    {"submission_id": "2026-230183-abcdef12", "level": "省", "result": "通过", "note": " ok "},
    {"submission_id": "2026-230184-abcdef13", "level": "市地", "result": "不通过"},
]


@pytest.mark.parametrize(
    ("fmt", "headers"), [("xlsx", "label"), ("csv", "label"), ("xlsx", "key"), ("csv", "key")]
)
def test_read_table_formats(tmp_path: Path, fmt: str, headers: str) -> None:
    path = write_table(tmp_path / f"spot.{fmt}", ROWS, SPOT_CHECKS, fmt=fmt, headers=headers)
    frame, issues = read_table(path, SPOT_CHECKS)
    assert issues == []
    assert frame["level"].tolist() == ["省", "市地"]
    assert frame["note"].tolist() == ["ok", ""]
    assert frame["_row"].tolist() == [2, 3]
    assert list(frame.columns) == [*SPOT_CHECKS.keys, "_row"]


def test_read_table_picks_named_sheet(tmp_path: Path) -> None:
    path = write_table(tmp_path / "t.xlsx", ROWS, SPOT_CHECKS)
    book = openpyxl.load_workbook(path)
    book.create_sheet("说明", 0)["A1"] = "cover"
    book.save(path)
    frame, issues = read_table(path, SPOT_CHECKS)
    assert issues == [] and len(frame) == 2


def test_read_table_dates_and_missing_column(tmp_path: Path) -> None:
    import datetime as dt

    rows = [
        {
            "certificate_id": "C1",
            "change_type": "主导产业",
            "changed_on": dt.date(2026, 1, 5),
            "filed_on": "2026-02-01",
        }
    ]
    path = write_table(tmp_path / "c.xlsx", rows, CHANGE_FILINGS, omit=["change_filings.new_value"])
    frame, issues = read_table(path, CHANGE_FILINGS)
    assert frame["changed_on"].tolist() == ["2026-01-05"]
    (issue,) = issues
    assert (issue.check, issue.sheet, issue.column, issue.file) == (
        "intake.missing_column",
        "变更备案",
        "变动后内容",
        "c.xlsx",
    )


def test_read_table_bad_files(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes("申报编号\n".encode("gbk"))
    frame, issues = read_table(tmp_path / "a.csv", SPOT_CHECKS)
    assert [i.check for i in issues] == ["intake.bad_encoding"] and frame.empty
    assert list(frame.columns) == [*SPOT_CHECKS.keys, "_row"]
    (tmp_path / "a.xlsx").write_bytes(b"")
    assert [i.check for i in read_table(tmp_path / "a.xlsx", SPOT_CHECKS)[1]] == ["intake.empty_file"]
    (tmp_path / "a.doc").write_bytes(b"x")
    assert [i.check for i in read_table(tmp_path / "a.doc", SPOT_CHECKS)[1]] == ["intake.unsupported_type"]


def test_every_table_round_trips(tmp_path: Path) -> None:
    for key, sheet in TABLES.items():
        row = {
            c.key: (c.allowed[0] if c.allowed else "2026-01-01" if c.kind == "date" else "x")
            for c in sheet.columns
        }
        frame, issues = read_table(write_table(tmp_path / f"{key}.csv", [row], sheet, fmt="csv"), sheet)
        assert issues == [] and frame.drop(columns="_row").iloc[0].to_dict() == row
