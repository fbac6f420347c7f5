"""The single-table inputs of SPEC §3.2, found by name and typed row by row: a bad row is a located issue
and is left out, the other rows still count."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd

from clustercert import contract
from clustercert.intake import read_typed_table, table_files
from clustercert.intake.tables import type_table

SHEET = contract.CHANGE_FILINGS


def _csv(path: Path, rows: list[list[str]]) -> Path:
    """A CSV as a prefecture types it: the contract's Chinese labels as headers (SPEC §3.2)."""
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.label for c in SHEET.columns])
        writer.writerows(rows)
    return path


def test_files_are_found_by_the_tables_key_or_label_with_any_suffix(tmp_path: Path) -> None:
    for name in (
        "change_filings.csv",
        "变更备案-230100.xlsx",
        "Change_Filings_2.json",
        "findings.csv",
        "notes.txt",
    ):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "change_filings.d").mkdir()  # a folder is not a table file
    assert [p.name for p in table_files(tmp_path, SHEET)] == [
        "Change_Filings_2.json",
        "change_filings.csv",
        "变更备案-230100.xlsx",
    ]
    assert table_files(tmp_path / "absent", SHEET) == [] and table_files(None, SHEET) == []


def test_each_bad_cell_is_located_and_its_row_left_out() -> None:
    frame = pd.DataFrame(
        [
            ["HLJTS-2026-001", "主导产业", "2027-03-31", "2027/04/30", "绿色食品", 2],
            ["", "主导产业", "2027-03-31", "2027-04-30", "绿色食品", 3],  # no certificate
            ["HLJTS-2026-002", "法定代表人", "2027-03-31", "2027-04-30", "x", 4],  # not a change type
            ["HLJTS-2026-003", "空间范围", "2027-02-30", "2027-04-30", "扩区", 5],  # no such day
        ],
        columns=[*SHEET.keys, "_row"],
    )
    typed, issues = type_table(frame, SHEET, "change_filings.csv")
    assert typed.to_dict("records") == [
        {
            "certificate_id": "HLJTS-2026-001",
            "change_type": "主导产业",
            "changed_on": date(2027, 3, 31),
            "filed_on": date(2027, 4, 30),  # 2027/04/30 is read as a date too
            "new_value": "绿色食品",
            "_row": 2,
        }
    ]
    located = [(i.file, i.sheet, i.row, i.column, i.check) for i in issues]
    assert located == [
        ("change_filings.csv", "变更备案", 3, "认定编号", "change_filings.certificate_id.required"),
        ("change_filings.csv", "变更备案", 4, "变动类型", "change_filings.change_type.allowed"),
        ("change_filings.csv", "变更备案", 5, "变动日期", "change_filings.changed_on.date"),
    ]
    assert all(i.is_error for i in issues)
    assert "只能填写：主导产业、空间范围、运营管理机构" in issues[1].message
    assert "应为日期（如 2026-03-10），实际为“2027-02-30”" in issues[2].message


def test_an_optional_cell_may_stay_empty() -> None:
    sheet = contract.REVOCATION_DECISIONS_SHEET
    frame = pd.DataFrame([["HLJTS-2026-001", "撤销", "", 2]], columns=[*sheet.keys, "_row"])
    typed, issues = type_table(frame, sheet, "revocation_decisions.csv")
    assert issues == [] and typed.iloc[0]["reason"] is None


def test_a_file_read_and_typed_names_itself_on_every_row(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "change_filings.csv",
        [
            ["HLJTS-2026-001", "运营管理机构", "2027-04-08", "2027-05-08", "新运营公司"],
            ["HLJTS-2026-002", "空间范围", "2027-05-20", "", "扩区"],  # 备案日期 is required
        ],
    )
    table = read_typed_table(path, SHEET)
    assert table.file == "change_filings.csv" and list(table.frame["file"]) == ["change_filings.csv"]
    assert list(table.frame["changed_on"]) == [date(2027, 4, 8)]
    ((row, column),) = [(i.row, i.column) for i in table.issues]
    assert (row, column) == (3, "备案日期")
