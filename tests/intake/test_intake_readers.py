"""read_submission on well-formed input: formats, header spellings, normalisation, row numbers."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from intake_samples import sample_tables

from clustercert.contract import MONITORING, SUBMISSION
from clustercert.intake import Archive, discover_submissions, read_submission
from clustercert.workbook_writer import write_workbook

FORMATS = {"xlsx": "s.xlsx", "csv": "s_csv", "json": "s.json"}


def checks(sub) -> list[str]:
    return sorted(i.check for i in sub.issues)


def write(tmp_path: Path, tables, fmt="xlsx", **kw) -> Path:
    return write_workbook(tmp_path / FORMATS[fmt], tables, fmt=fmt, **kw)


@pytest.mark.parametrize("headers", ["label", "key"])
def test_three_formats_give_identical_tables(tmp_path: Path, headers: str) -> None:
    tables = sample_tables()
    subs = {fmt: read_submission(write(tmp_path / fmt, tables, fmt, headers=headers)) for fmt in FORMATS}
    for fmt, sub in subs.items():
        assert sub.issues == [], (fmt, sub.issues)
        assert set(sub.tables) == {s.key for s in SUBMISSION.sheets}
    base = subs["xlsx"]
    for fmt in ("csv", "json"):
        for key, frame in base.tables.items():
            pd.testing.assert_frame_equal(frame, subs[fmt].tables[key], obj=f"{fmt}:{key}")
        assert subs[fmt].field_rows == base.field_rows
    annual = base.tables["annual"]
    assert annual["year"].tolist() == ["2023", "2024", "2025"]
    assert annual["total_output"].tolist() == ["150000", "160000", "170000"]
    assert annual["sme_rd"].tolist() == ["3000.5"] * 3
    assert annual["energy_intensity"].tolist() == ["0.5", "0.49", "0.48"]  # no float noise
    assert base.tables["designations"]["valid_until"].tolist() == ["2027-12-31"]
    assert base.profile_value("declared_on") == "2026-06-30"
    assert base.profile_value("area_km2") == "35.5"
    assert list(annual.columns) == [*SUBMISSION.sheet("annual").keys, "_row"]


def test_submission_id_and_sha(tmp_path: Path) -> None:
    path = write(tmp_path, sample_tables())
    sub = read_submission(path)
    assert sub.submission_id.startswith("2026-230183-")
    assert sub.submission_id == read_submission(path).submission_id
    assert read_submission(path, campaign_year=2027).submission_id.startswith("2027-230183-")
    assert sub.file == "s.xlsx" and len(sub.sha256) == 64


def test_csv_folder_sha_is_manifest_hash(tmp_path: Path) -> None:
    folder = write(tmp_path, sample_tables(), "csv")
    sub = read_submission(folder)
    assert len(sub.sources) == 7
    assert all(s.name.startswith("s_csv/") for s in sub.sources)
    import hashlib

    lines = sorted(f"{s.name.split('/')[1]}\t{s.sha256}\n" for s in sub.sources)
    assert sub.sha256 == hashlib.sha256("".join(lines).encode()).hexdigest()


def test_row_numbers_are_excel_rows_and_blank_rows_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, sample_tables())
    book = openpyxl.load_workbook(path)
    ws = book["企业名录"]
    ws.insert_rows(3, 2)  # two empty rows between the first and second enterprise
    ws.cell(row=3, column=2, value="   ")  # whitespace only counts as empty
    book.save(path)
    sub = read_submission(path)
    frame = sub.tables["enterprises"]
    assert frame["_row"].tolist() == [2, 5, 6]
    assert frame["name"].tolist() == ["尚志企业0", "尚志企业1", "尚志企业2"]
    assert sub.field_rows["profile"]["campaign_year"] == 2
    assert sub.field_rows["profile"]["declared_on"] == 18
    assert sub.tables["profile"]["_row"].tolist() == [1]


def test_json_row_numbers(tmp_path: Path) -> None:
    sub = read_submission(write(tmp_path, sample_tables(), "json"))
    assert sub.tables["enterprises"]["_row"].tolist() == [2, 3, 4]


def test_english_and_mixed_headers(tmp_path: Path) -> None:
    path = write(tmp_path, sample_tables(), headers="key")
    book = openpyxl.load_workbook(path)
    book["annual"].title = "经营指标"  # sheet by label, headers by key
    ws = book["enterprises"]
    ws["A1"], ws["C1"] = "统一社会信用代码", " 企业规模 "  # mixed within one sheet, with spaces
    ws = book["profile"]
    ws["A3"] = "申报类型"  # a field given by label in a key/value sheet with key/value headers
    book.save(path)
    sub = read_submission(path)
    assert sub.issues == []
    assert sub.tables["enterprises"]["size"].tolist() == ["小型"] * 3
    assert sub.profile_value("application_type") == "新申报"
    assert sub.tables["annual"]["year"].tolist() == ["2023", "2024", "2025"]


def test_normalisation_of_typed_mistakes(tmp_path: Path) -> None:
    tables = sample_tables()
    tables["annual"][0].update(
        total_output="１５０，０００",
        sme_output="1,234.5",
        leading_output=" 95000 ",
        sme_rd="\u300012\u3000",
        ii_adoption_pct="65%",
        software_adoption_pct="十",
        employees="1,2,3",
        energy_intensity="abc",
    )
    tables["enterprises"][0].update(
        uscc=" ９１２３０１８３ＭＡ００００００００Ｘ ", name="\xa0尚志企业０\xa0"
    )
    tables["profile"]["cluster_name"] = "  第１集群  "
    for fmt in FORMATS:
        sub = read_submission(write(tmp_path / fmt, tables, fmt))
        row = sub.tables["annual"].iloc[0]
        assert row["total_output"] == "150000", fmt
        assert row["sme_output"] == "1234.5"
        assert row["leading_output"] == "95000"
        assert row["sme_rd"] == "12"
        assert row["ii_adoption_pct"] == "65%"  # reported by validation, not guessed
        assert row["software_adoption_pct"] == "十"
        assert row["employees"] == "1,2,3"  # not a thousands pattern: kept
        assert row["energy_intensity"] == "abc"
        ent = sub.tables["enterprises"].iloc[0]
        assert ent["uscc"] == "91230183MA00000000X"
        assert ent["name"] == "尚志企业０"  # a name keeps its full-width digit
        assert sub.profile_value("cluster_name") == "第１集群"


def test_excel_cell_types(tmp_path: Path) -> None:
    path = write(tmp_path, sample_tables())
    book = openpyxl.load_workbook(path)
    ws = book["经营指标"]
    ws["B2"], ws["C2"], ws["D2"] = 1234.0, 0.1 + 0.2, True
    ws["E2"] = 1e20
    book.save(path)
    row = read_submission(path).tables["annual"].iloc[0]
    assert (row["total_output"], row["sme_output"], row["leading_output"]) == ("1234", "0.3", "True")
    assert row["sme_rd"] == "100000000000000000000"


def test_missing_sheet_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, sample_tables(), omit=["incidents", "annual.sme_rd", "profile.cluster_name"])
    sub = read_submission(path)
    assert checks(sub) == ["intake.missing_column", "intake.missing_field", "intake.missing_sheet"]
    by = {i.check: i for i in sub.issues}
    assert by["intake.missing_sheet"].sheet == "安全合规"
    assert "缺少工作表“安全合规”" in by["intake.missing_sheet"].message
    assert (by["intake.missing_column"].sheet, by["intake.missing_column"].column) == (
        "经营指标",
        "中小企业研发经费（万元）",
    )
    assert by["intake.missing_column"].row == 1
    assert all(i.is_error for i in sub.issues)
    assert "incidents" not in sub.tables and "sme_rd" not in sub.tables["annual"]
    assert all(i.submission_id == sub.submission_id and i.file == "s.xlsx" for i in sub.issues)


def test_unknown_and_duplicate_columns_sheets_fields(tmp_path: Path) -> None:
    tables = sample_tables()
    tables["enterprises"][0]["备注"] = "x"
    tables["profile"]["邮箱"] = "a@b.c"
    tables["杂项"] = [{"a": 1}]
    path = write(tmp_path, tables)
    book = openpyxl.load_workbook(path)
    ws = book["经营指标"]
    ws.cell(row=1, column=12, value="年度")  # duplicate header
    book.save(path)
    sub = read_submission(path)
    found = {(i.check, i.severity.value, i.sheet, i.column) for i in sub.issues}
    assert found == {
        ("intake.unknown_column", "warning", "企业名录", "备注"),
        ("intake.unknown_field", "warning", "基本信息", "邮箱"),
        ("intake.unknown_sheet", "warning", "杂项", ""),
        ("intake.duplicate_column", "error", "经营指标", "年度"),
    }
    assert "备注" not in sub.tables["enterprises"].columns


def test_empty_sheet_keeps_columns(tmp_path: Path) -> None:
    sub = read_submission(write(tmp_path, sample_tables()))
    incidents = sub.tables["incidents"]
    assert incidents.empty and list(incidents.columns) == [*SUBMISSION.sheet("incidents").keys, "_row"]


def test_monitoring_workbook(tmp_path: Path) -> None:
    tables = {
        "work_summary": {"prefecture_code": "230100", "report_year": 2026, "submitted_on": "2027-03-01"},
        "cluster_status": [{"certificate_id": "HLJ-2026-001", "total_output": "160,000"}],
    }
    path = write_workbook(tmp_path / "m.json", tables, MONITORING, fmt="json", headers="key")
    sub = read_submission(path, workbook=MONITORING)
    assert sub.issues == []
    assert sub.submission_id.startswith("2026-230100-")
    assert sub.tables["cluster_status"]["total_output"].tolist() == ["160000"]
    assert sub.profile_value("submitted_on") is None  # profile_value reads the submission's profile only
    assert sub.tables["work_summary"]["submitted_on"].tolist() == ["2027-03-01"]


def test_json_key_value_as_records_and_mixed_names(tmp_path: Path) -> None:
    path = write(tmp_path, sample_tables(), "json", headers="key")
    doc = json.loads(path.read_text("utf-8"))
    doc["基本信息"] = [{"key": k, "value": v} for k, v in doc.pop("profile").items()]
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    sub = read_submission(path)
    assert sub.issues == []
    assert sub.profile_value("county_code") == "230183"
    assert sub.field_rows["profile"]["county_code"] == 6


def test_discover_submissions(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write_workbook(inbox / "b.xlsx", sample_tables())
    write_workbook(inbox / "a_csv", sample_tables(), fmt="csv")
    write_workbook(inbox / "c.json", sample_tables(), fmt="json")
    (inbox / "~$b.xlsx").write_bytes(b"lock")
    (inbox / ".DS_Store").write_bytes(b"x")
    (inbox / "old.xls").write_bytes(b"x")
    (inbox / "empty_dir").mkdir()
    found = [p.name for p in discover_submissions(inbox)]
    assert found == ["a_csv", "b.xlsx", "c.json", "old.xls"]
    assert discover_submissions(tmp_path / "nope") == []


def test_reads_archived_copy_and_records_sources(tmp_path: Path) -> None:
    path = write(tmp_path, sample_tables())
    archive = Archive(tmp_path / "archive")
    sub = read_submission(path, archive=archive)
    assert archive.seen(sub.sha256)
    (src,) = sub.sources
    assert Path(src.archived_path).read_bytes() == path.read_bytes()
    assert src.archived_path.endswith(f"{sub.sha256}.xlsx")


def test_tables_are_string_frames(tmp_path: Path) -> None:
    sub = read_submission(write(tmp_path, copy.deepcopy(sample_tables())))
    for frame in sub.tables.values():
        for col in frame.columns:
            if col != "_row":
                assert pd.api.types.is_string_dtype(frame[col]), col
        assert frame["_row"].dtype == "int64"
