"""The blank 申报书: structure, drop-downs, guide, and that it reads back cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from clustercert.contract import ANNUAL, DESIGNATIONS, ENTERPRISES, PROFILE, SUBMISSION, YES
from clustercert.intake import read_submission
from clustercert.template import SPEC_QUALITATIVE_ITEMS, qualitative_items, write_template

YEAR = 2026


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "申报书模板.xlsx", YEAR)


def test_sheets_and_headers(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["填表说明", *(s.label for s in SUBMISSION.sheets)]
    assert book.active.title == PROFILE.label
    for sheet in SUBMISSION.sheets:
        ws = book[sheet.label]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        if sheet.key_value:
            assert header[:2] == ["字段", "内容"]
        else:
            assert header == [c.label for c in sheet.columns]
        assert all(ws.column_dimensions[chr(65 + i)].width >= 10 for i in range(len(header)))


def test_prefilled_values(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    ws = book[PROFILE.label]
    assert [ws.cell(row=r, column=1).value for r in range(2, 2 + len(PROFILE.columns))] == [
        c.label for c in PROFILE.columns
    ]
    assert ws["B2"].value == YEAR
    assert [r[0].value for r in book[ANNUAL.label].iter_rows(min_row=2)] == [2023, 2024, 2025]
    assert [r[0].value for r in book["定性条件"].iter_rows(min_row=2)] == [i.id for i in qualitative_items()]


def test_drop_downs(template: Path) -> None:
    book = openpyxl.load_workbook(template)

    def formulas(sheet_label: str) -> dict[str, str]:
        ws = book[sheet_label]
        return {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}

    ent = formulas(ENTERPRISES.label)
    assert ent["C2:C1048576"] == '"大型,中型,小型,微型"'
    assert ent["D2:D1048576"] == f'"{YES},否"'
    assert formulas("梯度培育")["B2:B1048576"] == '"' + ",".join(DESIGNATIONS) + '"'
    assert set(formulas("安全合规")) == {"C2:C1048576", "D2:D1048576"}
    ev = formulas("定性条件")
    assert ev["A2:A1048576"].startswith("'填表说明'!$A$")
    assert "B2:B1048576" in ev
    assert formulas("发展规划")["A2:A1048576"].startswith('"total_output,')
    prof = formulas(PROFILE.label)
    assert prof["B3"] == '"新申报,复核"' and "B11" in prof and "B12" in prof
    # the range the 条件编号 drop-down points at holds exactly the item ids
    first, last = (int(p.split("$")[-1]) for p in ev["A2:A1048576"].split("!")[1].split(":"))
    guide = book["填表说明"]
    assert [guide.cell(row=r, column=1).value for r in range(first, last + 1)] == [
        i.id for i in qualitative_items()
    ]


def test_guide_explains_units_codes_dates_and_items(template: Path) -> None:
    guide = openpyxl.load_workbook(template)["填表说明"]
    text = "\n".join(str(c.value) for row in guide.iter_rows() for c in row if c.value is not None)
    for needle in (
        "万元",
        "65 表示 65%",
        "GB 32100-2015",
        "18 位",
        "2026-06-30",
        "第一位可以是字母",
        "2023、2024、2025",
    ):
        assert needle in text, needle
    for item in qualitative_items():
        assert item.id in text and item.title in text
    assert "第五条（六）" in text and "是否高耗能行业" in text  # the conditional item says when it applies


def test_code_columns_are_text(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book[ENTERPRISES.label].column_dimensions["A"].number_format == "@"
    assert book[PROFILE.label]["B6"].number_format == "@"  # 所在县（市、区）代码
    assert book["梯度培育"].column_dimensions["D"].number_format == "yyyy-mm-dd"


def test_template_reads_back_without_intake_issues(template: Path) -> None:
    sub = read_submission(template)
    assert sub.issues == []
    assert sub.profile_value("campaign_year") == str(YEAR)
    assert sub.tables["annual"]["year"].tolist() == ["2023", "2024", "2025"]
    assert sub.tables["enterprises"].empty
    assert len(sub.tables["evidence"]) == len(qualitative_items())


def test_template_only_lacks_required_values(template: Path) -> None:
    structure = pytest.importorskip("schemas.structure")
    result = structure.check_structure(read_submission(template))
    assert result.issues and all(i.check.endswith(".required") for i in result.issues)


def test_filled_template_reads_back(template: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template)
    ws = book[PROFILE.label]
    ws["B5"], ws["B6"], ws["B18"] = "尚志市食品加工产业集群", "230183", dt.date(YEAR, 6, 30)
    ent = book[ENTERPRISES.label]
    ent.append(["91230183MA1234567X", "甲公司", "小型", "是", 1200.5])
    path = tmp_path / "filled.xlsx"
    book.save(path)
    sub = read_submission(path)
    assert sub.issues == []
    assert sub.submission_id.startswith(f"{YEAR}-230183-")
    assert sub.profile_value("declared_on") == f"{YEAR}-06-30"
    assert sub.tables["enterprises"].iloc[0].to_dict() == {
        "uscc": "91230183MA1234567X",
        "name": "甲公司",
        "size": "小型",
        "in_leading_industry": "是",
        "output": "1200.5",
        "_row": 2,
    }


def test_fallback_items_match_spec() -> None:
    assert len(SPEC_QUALITATIVE_ITEMS) == 19
    assert {i.id for i in SPEC_QUALITATIVE_ITEMS if i.when} == {
        "A5.6.energy_benchmark",
        "A5.6.water_benchmark",
    }
    assert qualitative_items()  # the policy's items, or the fallback: never empty
