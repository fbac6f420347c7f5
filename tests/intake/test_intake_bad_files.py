"""Files that cannot be read, or must not be: each becomes one located error, never an exception."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from intake_samples import sample_tables

from clustercert.intake import Archive, read_submission, xlsx_openpyxl
from clustercert.intake import xlsx as xlsx_mod
from clustercert.workbook_writer import write_workbook


def only_issue(sub):
    assert not sub.readable, sub.tables
    assert len(sub.issues) == 1, sub.issues
    issue = sub.issues[0]
    assert issue.is_error and issue.file and issue.submission_id
    return issue


def test_defusedxml_is_in_use() -> None:
    import openpyxl.xml.functions as functions

    assert openpyxl.DEFUSEDXML
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"")
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.empty_file" and "0 字节" in issue.message


def test_renamed_text_file(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_text("集群名称,尚志\n", encoding="utf-8")
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.unreadable" and "扩展名" in issue.message


def test_corrupt_zip(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "good.xlsx", sample_tables()).read_bytes()
    (tmp_path / "a.xlsx").write_bytes(good[: len(good) // 2])
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.unreadable" and "损坏" in issue.message


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "a.xlsx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w/>")
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.unreadable" and "Word" in issue.message


def test_damaged_workbook_part(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "good.xlsx", sample_tables())
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tmp_path / "a.xlsx", "w") as dst:
        for info in src.infolist():
            data = src.read(info) if info.filename != "xl/workbook.xml" else b"<not xml"
            dst.writestr(info, data)
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.unreadable"


def test_encrypted_workbook(tmp_path: Path) -> None:
    # An encrypted .xlsx is an OLE2 compound file holding an "EncryptionInfo" stream.
    body = xlsx_mod.CFB_MAGIC + b"\0" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100
    (tmp_path / "a.xlsx").write_bytes(body)
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.encrypted" and "取消密码" in issue.message


def test_xls_renamed_to_xlsx(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(xlsx_mod.CFB_MAGIC + b"\0" * 600)
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.unsupported_type" and ".xls" in issue.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.xls", "另存为"),
        ("a.docx", "不支持的文件类型“.docx”"),
        ("a.csv", "同一文件夹"),
        ("README", "无扩展名"),
    ],
)
def test_unsupported_types(tmp_path: Path, name: str, expected: str) -> None:
    (tmp_path / name).write_bytes(b"whatever")
    issue = only_issue(read_submission(tmp_path / name))
    assert issue.check == "intake.unsupported_type" and expected in issue.message


def test_zip_bomb_is_refused_before_decompressing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = write_workbook(tmp_path / "good.xlsx", sample_tables())
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tmp_path / "a.xlsx", "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("xl/media/bomb.bin", b"\0" * (20 * 1024 * 1024))  # compresses ~1000:1
    called = []  # neither reader (calamine, nor openpyxl behind it) may see the file
    monkeypatch.setattr(xlsx_mod, "read_fast", lambda *args: called.append(1))
    monkeypatch.setattr(xlsx_openpyxl._WorkbookReader, "read", lambda self: called.append(1))
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.too_large" and not called


def test_total_uncompressed_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx_mod, "MAX_UNCOMPRESSED", 1000)
    path = write_workbook(tmp_path / "a.xlsx", sample_tables())
    assert only_issue(read_submission(path)).check == "intake.too_large"


def test_xml_entity_bomb(tmp_path: Path) -> None:
    good = write_workbook(tmp_path / "good.xlsx", sample_tables())
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tmp_path / "a.xlsx", "w") as dst:
        for info in src.infolist():
            dst.writestr(info, bomb if info.filename == "xl/worksheets/sheet1.xml" else src.read(info))
    issue = only_issue(read_submission(tmp_path / "a.xlsx"))
    assert issue.check == "intake.unreadable" and "不安全" in issue.message


def test_oversized_file_is_logged_not_copied(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", sample_tables())
    archive = Archive(tmp_path / "archive", max_bytes=1000)
    sub = read_submission(path, archive=archive)
    issue = only_issue(sub)
    assert issue.check == "intake.too_large" and "上限" in issue.message
    assert archive.seen(sub.sha256) and sub.sources[0].archived_path == ""
    assert not list((tmp_path / "archive").glob("*/*.xlsx"))


def test_csv_bad_encoding_is_located(tmp_path: Path) -> None:
    folder = write_workbook(tmp_path / "s", sample_tables(), fmt="csv")
    (folder / "企业名录.csv").write_bytes("统一社会信用代码,企业名称\n".encode() + "甲,乙\n".encode("gbk"))
    sub = read_submission(folder)
    assert sub.readable
    (issue,) = sub.issues
    assert (issue.check, issue.sheet, issue.row) == ("intake.bad_encoding", "企业名录", 2)
    assert "UTF-8" in issue.message and "enterprises" not in sub.tables


def test_csv_gbk_everywhere(tmp_path: Path) -> None:
    folder = write_workbook(tmp_path / "s", sample_tables(), fmt="csv", encoding="gbk")
    sub = read_submission(folder)
    assert {i.check for i in sub.issues} == {"intake.bad_encoding"}
    assert len(sub.issues) == 7  # every sheet: the headers are Chinese too
    assert "missing_sheet" not in {i.check for i in sub.issues}


def test_csv_with_bom(tmp_path: Path) -> None:
    folder = write_workbook(tmp_path / "s", sample_tables(), fmt="csv", encoding="utf-8-sig")
    sub = read_submission(folder)
    assert sub.issues == [] and sub.tables["enterprises"].shape[0] == 3


def test_folder_without_csv(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "notes.txt").write_text("x")
    sub = read_submission(folder)
    assert not sub.readable
    assert {i.check for i in sub.issues} == {"intake.unsupported_type"}


def test_invalid_json_has_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{\n "基本信息": {\n  "申报年度": 2026,,\n }\n}', encoding="utf-8")
    issue = only_issue(read_submission(tmp_path / "a.json"))
    assert issue.check == "intake.unreadable" and issue.row == 3 and "第 3 行" in issue.message


@pytest.mark.parametrize("body", ["[1, 2]", '{"经营指标": 5}', ""])
def test_json_wrong_shapes(tmp_path: Path, body: str) -> None:
    (tmp_path / "a.json").write_text(body, encoding="utf-8")
    sub = read_submission(tmp_path / "a.json")
    assert any(i.is_error for i in sub.issues)


def test_vanished_file(tmp_path: Path) -> None:
    issue = only_issue(read_submission(tmp_path / "gone.xlsx"))
    assert issue.check == "intake.unreadable"


def test_hostile_name_never_becomes_a_path(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "..%2f..%2fetc.xlsx", sample_tables())
    archive = Archive(tmp_path / "archive")
    src = archive.store(path, name="../../../etc/passwd.xlsx")
    assert Path(src.archived_path).parent.parent == tmp_path / "archive"
    assert Path(src.archived_path).name == f"{src.sha256}.xlsx"
