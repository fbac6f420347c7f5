"""Spreadsheet exports: formula neutralisation, typed numbers, and no personal data in public lists."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reports_samples import CAMPAIGN, decision_ok

from clustercert.contract import PRIVATE_FIELDS
from clustercert.reports import PrivacyError, render_public_notice, write_rows_csv, write_rows_xlsx
from clustercert.reports.campaign import looks_like_phone

HOSTILE = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")', "#N/A"]
COLUMNS = [("text", "文本"), ("amount", "金额（万元）"), ("count", "数量")]


def _xlsx_rows(path: Path) -> list[list]:
    ws = load_workbook(path).active
    return [[c for c in row] for row in ws.iter_rows()]


def test_xlsx_never_holds_a_formula(tmp_path: Path) -> None:
    rows = [{"text": t, "amount": -5, "count": "12"} for t in HOSTILE]
    path = write_rows_xlsx(tmp_path / "x.xlsx", rows, COLUMNS, numeric=("count",))
    cells = _xlsx_rows(path)
    assert [c.value for c in cells[0]] == ["文本", "金额（万元）", "数量"]
    assert cells[0][0].font.b is True
    for hostile, row in zip(HOSTILE, cells[1:], strict=True):
        text, amount, count = row
        # stored as text, shown as text (XML reads a carriage return back as a line feed)
        assert text.data_type == "s" and text.value == hostile.replace("\r", "\n")
        if hostile[0] in "=+-@\t\r":
            assert text.quotePrefix is True
        assert amount.data_type == "n" and amount.value == -5  # numbers stay numbers, even negative
        assert count.data_type == "n" and count.value == 12
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["B"].width >= 12


def test_xlsx_title_row_keeps_header_frozen_and_strips_control_characters(tmp_path: Path) -> None:
    path = write_rows_xlsx(
        tmp_path / "t.xlsx",
        [{"text": "a\x07b", "amount": Decimal("1.5")}],
        COLUMNS,
        title="名单",
        sheet_title="a/b",
    )
    ws = load_workbook(path).active
    assert ws.title == "a_b" and ws["A1"].value == "名单" and ws["A2"].value == "文本"
    assert ws.freeze_panes == "A3"
    assert ws["A3"].value == "a\ufffdb" and ws["B3"].value == 1.5


def test_csv_neutralises_and_has_bom(tmp_path: Path) -> None:
    rows = [{"text": t, "amount": -5, "count": 3} for t in HOSTILE]
    path = write_rows_csv(tmp_path / "x.csv", rows, COLUMNS)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        got = list(csv.reader(fh))
    assert got[0] == ["文本", "金额（万元）", "数量"]
    assert got[1] == ["'=1+1", "-5", "3"]
    assert [r[0] for r in got[1:]] == ["'" + t if t[0] in "=+-@\t\r" else t for t in HOSTILE]
    raw = write_rows_csv(tmp_path / "raw.csv", rows[:1], COLUMNS, neutralise_formulas=False, header="key")
    assert raw.read_text("utf-8-sig").splitlines() == ["text,amount,count", "=1+1,-5,3"]


def test_public_notice_has_only_public_columns(rendered: tuple[Path, dict]) -> None:
    out, paths = rendered
    html, xlsx = paths["public_notice"]
    text = html.read_text("utf-8")
    for private in ("张三", "13912345678", "139", "contact", "联系人"):
        assert private not in text, private
    assert "2026-07-24" in text and "2026-07-30" in text and "5个工作日" in text and "书面形式" in text
    ws = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[1] == ["序号", "集群名称", "所在市（地）", "所在县（市、区）", "主导产业", "运营管理机构"]
    assert values[2][:5] == ["1", '<script>alert("x")</script>尚志食品集群', "哈尔滨市", "尚志市", "食品加工"]
    assert ws["F3"].data_type == "s" and ws["F3"].value.startswith("=HYPERLINK")  # text, not a formula
    flat = " ".join(str(v) for row in values for v in row if v is not None)
    assert "13912345678" not in flat and "张三" not in flat


def test_public_notice_refuses_phone_numbers_in_public_columns(tmp_path: Path) -> None:
    notice = {"start": "2026-07-24", "end": "2026-07-30", "working_days": 5, "objection_channel": "书面反映"}
    row = decision_ok() | {"operator_name": "管委会 联系电话0451-8262 0000"}
    with pytest.raises(PrivacyError):
        render_public_notice(tmp_path, rows=[row], campaign=CAMPAIGN, notice=notice)
    row = decision_ok() | {"cluster_name": "集群13912345678"}
    with pytest.raises(PrivacyError):
        render_public_notice(tmp_path, rows=[row], campaign=CAMPAIGN, notice=notice)
    assert not (tmp_path / "public_notice.html").exists()


def test_phone_detector() -> None:
    assert all(
        looks_like_phone(t)
        for t in ("13912345678", "139 1234 5678", "+86 139-1234-5678", "0451-82620000", "1234567")
    )
    assert not any(looks_like_phone(t) for t in ("2026年度", "尚志市食品产业集群", "C1469", "230183"))
    assert set(PRIVATE_FIELDS) == {"contact_name", "contact_phone"}


def test_prefecture_list_xlsx(rendered: tuple[Path, dict]) -> None:
    out, paths = rendered
    html, xlsx = paths["prefecture"]
    assert html.name == "230100.html" and xlsx.name == "230100.xlsx"
    ws = load_workbook(xlsx).active
    header = [c.value for c in ws[2]]
    assert header[:3] == ["序号", "申报编号", "集群名称"] and "联系电话" not in header
    row = {h: c for h, c in zip(header, ws[3], strict=True)}
    assert row["得分"].data_type == "n" and row["得分"].value == pytest.approx(82.456)
    assert row["说明"].value == "-1+1" and row["说明"].data_type == "s" and row["说明"].quotePrefix
    assert row["实地抽查"].value == "通过" and row["推荐结论"].value == "市（地）推荐"
    assert row["理由"].value.startswith("符合第五条认定标准") and row["依据"].value == "第九条"
    assert "像是按“元”填写" in row["数据提示"].value  # the plausibility warning travels to the province
    text = html.read_text("utf-8")
    assert "哈尔滨市中小企业特色产业集群推荐名单" in text and "13912345678" not in text
    assert 'href="../clusters/2026-230183-1a2b3c4d.html"' in text  # the name opens the cluster's page
