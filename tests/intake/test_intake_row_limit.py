"""Sheets past the row limit (clustercert.intake.limits) are refused, located, without reading them whole.

Large sheets are written as sheet XML directly (inline strings), which takes a fraction of a second
where openpyxl would need a minute for 200,000 rows.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from spec_workbook import save, sheets

from clustercert.intake import csvjson, limits, read_submission, xlsx_openpyxl
from clustercert.intake import xlsx as xlsx_mod
from clustercert.validation import validate_submissions
from clustercert.workbook_writer import write_workbook

ENTERPRISES_XML = "xl/worksheets/sheet3.xml"  # the third sheet that spec_workbook.save writes
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("统一社会信用代码", "企业名称", "企业规模", "是否属于主导产业", "上年度产值（万元）")


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def enterprise_sheet_xml(rows: int, *, dimension: str | None, blank_row_at: int | None = None) -> bytes:
    """企业名录 with `rows` data rows below its header; `dimension` is the declared ref (None: absent)."""
    parts = [f'<worksheet xmlns="{NS}">']
    if dimension is not None:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    parts.append(
        '<row r="1">' + "".join(_cell(f"{c}1", h) for c, h in zip("ABCDE", HEADER, strict=True)) + "</row>"
    )
    for n in range(2, rows + 2):
        parts.append(
            f'<row r="{n}">{_cell(f"A{n}", f"91230183MA{n:07d}X")}{_cell(f"B{n}", f"企业{n}")}'
            f'{_cell(f"C{n}", "小型")}{_cell(f"D{n}", "是")}<c r="E{n}"><v>{n}</v></c></row>'
        )
    if blank_row_at is not None:
        parts.append(f'<row r="{blank_row_at}" ht="30" customHeight="1"/>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode("utf-8")


def with_enterprise_sheet(path: Path, xml: bytes) -> Path:
    save(path, sheets())
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items:
            dst.writestr(name, xml if name == ENTERPRISES_XML else data)
    return path


def _too_many(sub):
    return [(i.sheet, i.row) for i in sub.issues if i.check == "intake.too_many_rows"]


def test_the_limit_is_documented_data() -> None:
    assert limits.MAX_DATA_ROWS == 50_000 and limits.LAST_ROW == 50_001


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_a_declared_dimension_past_the_limit_is_refused_before_reading(tmp_path, monkeypatch, reader) -> None:
    xml = enterprise_sheet_xml(3, dimension="A1:E1048575")  # the dimension of a sheet filled to the end
    path = with_enterprise_sheet(tmp_path / "a.xlsx", xml)
    parsed: list[int] = []
    if reader == "calamine":  # each sheet calamine reads goes through sheet_rows
        real_rows = xlsx_mod.sheet_rows
        monkeypatch.setattr(xlsx_mod, "sheet_rows", lambda *args: (parsed.append(1), real_rows(*args))[1])
    else:  # the reference reader, as when calamine is not used for a workbook
        monkeypatch.setattr(xlsx_mod, "read_fast", lambda *args: None)
        real_parse = xlsx_openpyxl._SheetParser.parse
        monkeypatch.setattr(
            xlsx_openpyxl._SheetParser, "parse", lambda self: (parsed.append(1), *real_parse(self))[1:]
        )
    sub = read_submission(path)
    assert _too_many(sub) == [("企业名录", 50_002)]
    (issue,) = [i for i in sub.issues if i.check == "intake.too_many_rows"]
    assert issue.is_error and "50000" in issue.message and "1048575" in issue.message
    assert len(parsed) == 6  # every sheet but 企业名录 was parsed
    assert "enterprises" not in sub.tables and "annual" in sub.tables  # the other sheets are read
    assert "intake.missing_sheet" not in {i.check for i in sub.issues}  # present, refused: not "missing"


def test_a_dimension_at_the_limit_is_read(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_mod, "LAST_ROW", 20)  # 基本信息 takes rows 1-18
    path = with_enterprise_sheet(tmp_path / "a.xlsx", enterprise_sheet_xml(19, dimension="A1:E20"))
    sub = read_submission(path)
    assert _too_many(sub) == [] and len(sub.tables["enterprises"]) == 19


def test_without_a_dimension_reading_stops_at_the_first_row_past_the_limit(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_mod, "LAST_ROW", 20)  # 基本信息 takes rows 1-18
    path = with_enterprise_sheet(tmp_path / "a.xlsx", enterprise_sheet_xml(20, dimension=None))
    assert _too_many(read_submission(path)) == [("企业名录", 21)]


def test_a_dimension_that_lies_small_does_not_hide_rows(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_mod, "LAST_ROW", 20)  # 基本信息 takes rows 1-18
    path = with_enterprise_sheet(tmp_path / "a.xlsx", enterprise_sheet_xml(30, dimension="A1"))
    assert _too_many(read_submission(path)) == [("企业名录", 21)]


def test_a_formatted_empty_row_past_the_limit_is_refused_too(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_mod, "LAST_ROW", 20)  # 基本信息 takes rows 1-18
    path = with_enterprise_sheet(
        tmp_path / "a.xlsx", enterprise_sheet_xml(3, dimension=None, blank_row_at=25)
    )
    assert _too_many(read_submission(path)) == [("企业名录", 25)]


def test_200_000_rows_without_a_dimension_stop_at_the_limit_in_small_memory(tmp_path) -> None:
    """In a process of its own, so that its peak memory is the reader's (not this test session's)."""
    path = with_enterprise_sheet(tmp_path / "big.xlsx", enterprise_sheet_xml(200_000, dimension=None))
    code = (  # VmHWM: the peak of this process alone (ru_maxrss would carry the parent's over exec)
        "import re, sys\n"
        "from clustercert.intake import read_submission\n"
        "sub = read_submission(sys.argv[1])\n"
        "print([(i.sheet, i.row) for i in sub.issues if i.check == 'intake.too_many_rows'])\n"
        "print('enterprises' in sub.tables)\n"
        "status = open('/proc/self/status').read()\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1)) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    refused, read, peak_mib = out.stdout.split("\n")[:3]
    assert refused == "[('企业名录', 50002)]" and read == "False"
    assert int(peak_mib) < 250  # ~110 MiB measured: pandas and openpyxl ~75, the first 50,000 rows the rest


def test_refusing_a_sheet_leaves_the_other_checks_running(tmp_path) -> None:
    path = with_enterprise_sheet(tmp_path / "a.xlsx", enterprise_sheet_xml(3, dimension="A1:E60000"))
    (result,), _ = validate_submissions([read_submission(path)], engine="pandas", campaign_year=2026)
    assert not result.valid
    notes = {i.check: i for i in result.warnings}
    note = notes["gx.designations.in_enterprises.not_checked"]
    assert (note.sheet, note.column) == ("梯度培育", "统一社会信用代码")
    assert note.message.startswith("工作表“企业名录”缺失或未能读取，未能核对“梯度培育中的企业都在企业名录中”")


def test_a_csv_file_past_the_limit_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(csvjson, "LAST_ROW", 20)  # 基本信息 takes lines 1-18
    tables = sheets_as_tables(enterprises=20)
    folder = write_workbook(tmp_path / "s", tables, fmt="csv")
    sub = read_submission(folder)
    assert _too_many(sub) == [("企业名录", 21)]
    assert "enterprises" not in sub.tables and "annual" in sub.tables


def test_json_records_past_the_limit_are_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(csvjson, "MAX_DATA_ROWS", 2)
    path = write_workbook(tmp_path / "s.json", sheets_as_tables(), fmt="json")
    sub = read_submission(path)
    assert _too_many(sub) == [("企业名录", 4)]  # the third record sits on "row" 4
    assert "enterprises" not in sub.tables


def sheets_as_tables(enterprises: int = 3) -> dict:
    """`enterprises` enterprises and a line of 经营指标, for the CSV and JSON writers."""
    enterprise = {"uscc": "914403001922038216", "size": "小型", "in_leading_industry": "是"}
    return {
        "profile": {"campaign_year": 2026},
        "annual": [{"year": 2025}],
        "enterprises": [{**enterprise, "name": f"企业{i}"} for i in range(enterprises)],
    }


@pytest.mark.parametrize("rows", [300, 3000])
def test_sizes_of_county_workbooks_are_far_below_the_limit(tmp_path, rows) -> None:
    path = with_enterprise_sheet(tmp_path / "a.xlsx", enterprise_sheet_xml(rows, dimension=f"A1:E{rows + 1}"))
    sub = read_submission(path)
    assert _too_many(sub) == [] and len(sub.tables["enterprises"]) == rows
