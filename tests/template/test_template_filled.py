"""A template filled the way a county clerk fills it comes back valid: 指标 picked by its Chinese label,
the read-only 条件内容 column left as shipped (no warning about it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl import Workbook

from clustercert.contract import EVIDENCE, PLAN_TARGETS, PROFILE, SUBMISSION
from clustercert.intake import read_submission
from clustercert.template import write_template
from clustercert.uscc import check_character
from clustercert.validation import validate_submissions

YEAR = 2026
PROFILE_VALUES = {  # SPEC §3.1 基本信息, by label
    "申报类型": "新申报",
    "集群名称": "尚志市食品加工产业集群",
    "所在县（市、区）代码": "230183",
    "所在县（市、区）名称": "尚志市",
    "主导产业": "食品加工",
    "主导产业行业代码": "C1469",
    "是否高耗能行业": "否",
    "是否高用水行业": "否",
    "占地面积（平方公里）": 35.5,
    "运营管理机构": "尚志经济开发区管理委员会",
    "申报单位": "尚志市工业和信息化局",
    "联系人": "王明",
    "联系电话": "0451-53321234",
    "申报日期": dt.date(YEAR, 6, 30),
}
ANNUAL_VALUES = [  # 年度 is prefilled; then the nine indicators in the template's column order
    [160000, 120000, 110000, 3000, 200, 30000, 12, 40, 0.5],
    [170000, 128000, 117000, 3300, 220, 30100, 13, 42, 0.48],
    [180000, 136000, 124000, 3600, 242, 30200, 14, 44, 0.46],
]
# 指标 as picked from the drop-down, as typed with half-width brackets, and as the English key.
PLAN = [
    ("集群总产值（万元）", 180000, YEAR, 190000),
    ("集群总产值（万元）", 180000, YEAR + 1, 200000),
    ("集群总产值(万元)", 180000, YEAR + 2, 210000),
    ("有效发明专利（件）", 242, YEAR + 2, 300),
    ("sme_rd", 3600, YEAR + 1, 4000),
]


def uscc(n: int) -> str:
    body = f"91230183MA{n:07d}"
    return body + check_character(body)


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "申报书模板.xlsx", YEAR)


def fill(blank: Path, path: Path, plan=PLAN) -> Path:
    book = openpyxl.load_workbook(blank)
    ws = book[PROFILE.label]
    for row in ws.iter_rows(min_row=2):
        if row[0].value in PROFILE_VALUES:
            row[1].value = PROFILE_VALUES[row[0].value]
    annual = book["经营指标"]
    for row, values in zip(annual.iter_rows(min_row=2, max_row=4), ANNUAL_VALUES, strict=True):
        for cell, value in zip(row[1:], values, strict=True):
            cell.value = value
    firms = book["企业名录"]
    for n in range(1, 8):
        firms.append([uscc(n), f"尚志市第{n}食品有限公司", "小型", "是", 1000 + n])
    book["梯度培育"].append([uscc(1), "专精特新“小巨人”", "国家级", dt.date(YEAR + 2, 12, 31)])
    evidence = book["定性条件"]
    for row in evidence.iter_rows(min_row=2):
        conditional = row[0].value in ("A5.6.energy_benchmark", "A5.6.water_benchmark")
        row[2].value = "否" if conditional else "是"
        row[3].value = None if conditional else f"{row[0].value} 佐证材料.pdf"
    targets = book["发展规划"]
    for values in plan:
        targets.append(list(values))
    book.save(path)
    return path


def test_filled_template_with_chinese_indicator_labels_is_valid(blank: Path, tmp_path: Path) -> None:
    sub = read_submission(fill(blank, tmp_path / "filled.xlsx"))
    assert sub.issues == []  # no warning for the 条件内容 column
    (result,), _ = validate_submissions([sub], engine="pandas")
    assert [i.message for i in result.errors] == []
    assert result.valid
    assert result.data.plan_targets["indicator"].tolist() == [
        "total_output",
        "total_output",
        "total_output",
        "invention_patents",
        "sme_rd",
    ]
    assert len(result.data.evidence) == 27


def test_an_indicator_that_is_neither_label_nor_key_is_located(blank: Path, tmp_path: Path) -> None:
    plan = [*PLAN[:3], ("产值", 180000, YEAR + 2, 220000)]
    sub = read_submission(fill(blank, tmp_path / "bad.xlsx", plan))
    (result,), _ = validate_submissions([sub], engine="pandas")
    assert not result.valid
    (issue,) = result.errors
    assert (issue.sheet, issue.row, issue.column) == ("发展规划", 5, "指标")
    assert "产值" in issue.message


def _hand_built(path: Path, evidence_header: list[str], evidence_rows: list[list[object]]) -> Path:
    """Every sheet of SPEC §3.1 with its headers; only 定性条件 carries rows."""
    book = Workbook()
    book.remove(book.active)
    for sheet in SUBMISSION.sheets:
        ws = book.create_sheet(sheet.label)
        if sheet.key_value:
            ws.append(["字段", "内容"])
            for col in sheet.columns:
                ws.append([col.label, None])
        elif sheet is EVIDENCE:
            ws.append(evidence_header)
            for row in evidence_rows:
                ws.append(row)
        else:
            ws.append([c.label for c in sheet.columns])
    book.save(path)
    return path


def test_the_reference_column_is_skipped_quietly_anywhere(tmp_path: Path) -> None:
    header = ["条件编号", "是否具备", "佐证材料", "条件内容", "备注"]
    rows = [
        ["A5.1.pillar", "是", "县政府文件.pdf", "第五条（一） 主导产业为县域支柱或特色产业", None],
        [None, None, None, "第五条（一） 集群品牌知名度", None],  # id cleared, the text left: a blank row
    ]
    sub = read_submission(_hand_built(tmp_path / "hand.xlsx", header, rows))
    assert [(i.sheet, i.column, i.check) for i in sub.issues] == [
        ("定性条件", "备注", "intake.unknown_column")
    ]
    assert sub.tables["evidence"].to_dict("records") == [
        {"item": "A5.1.pillar", "met": "是", "evidence": "县政府文件.pdf", "_row": 2}
    ]


def test_the_indicator_column_offers_labels_and_keeps_keys() -> None:
    column = PLAN_TARGETS.column("indicator")
    assert column.allowed[0] == "total_output" and column.choices[0] == "集群总产值（万元）"
    assert len(column.allowed) == len(column.choices) == 9
