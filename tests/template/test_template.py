"""The blank 申报书: structure, drop-downs, guide, and that it reads back cleanly."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from clustercert.contract import ANNUAL, DESIGNATIONS, ENTERPRISES, EVIDENCE, PROFILE, SUBMISSION, YES
from clustercert.intake import read_submission
from clustercert.policy import load_policy
from clustercert.template import qualitative_items, write_template
from schemas.structure import check_structure

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
        elif sheet is EVIDENCE:  # the read-only 条件内容 stands beside the id it explains
            assert header == ["条件编号", "条件内容", "是否具备", "佐证材料"]
        else:
            assert header == [c.label for c in sheet.columns]


def test_prefilled_values(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    ws = book[PROFILE.label]
    assert [ws.cell(row=r, column=1).value for r in range(2, 2 + len(PROFILE.columns))] == [
        c.label for c in PROFILE.columns
    ]
    assert ws["B2"].value == YEAR
    assert [r[0].value for r in book[ANNUAL.label].iter_rows(min_row=2)] == [2023, 2024, 2025]
    evidence = [(r[0].value, r[1].value) for r in book["定性条件"].iter_rows(min_row=2)]
    assert [item for item, _ in evidence] == [i.id for i in qualitative_items()]


def test_each_item_id_has_its_article_and_title_beside_it(template: Path) -> None:
    ws = openpyxl.load_workbook(template)["定性条件"]
    items = {i.id: i for i in load_policy().qualitative_items}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(items)
    for item_id, beside, met, evidence in rows:
        item = items[item_id]
        assert beside.startswith(f"{item.article} {item.title}"), item_id
        assert (met, evidence) == (None, None)  # what the county fills stays empty
    by_id = {row[0]: row[1] for row in rows}
    assert by_id["A5.3.layout"] == "第五条（三） 产业链布局合理"
    assert by_id["A5.8.measures"] == "第五条（八） 工作措施完整、针对性强、切实可行"
    assert "是否高耗能行业" in by_id["A5.6.energy_benchmark"]  # a conditional item says when it applies
    assert ws["B2"].fill.start_color.rgb.endswith("F2F2F2")  # grey: read-only, see 填表说明


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
    assert ev["C2:C1048576"] == f'"{YES},否"'  # 是否具备, right of the 条件内容 column
    assert ev["B2:B1048576"] is None  # 条件内容: a note only, no list
    # 发展规划 指标: the Chinese labels of the 经营指标 columns, no English key
    labels = [c.label for c in ANNUAL.columns if c.key != "year"]
    assert formulas("发展规划")["A2:A1048576"] == '"' + ",".join(labels) + '"'
    assert labels[0] == "集群总产值（万元）" and "total_output" not in formulas("发展规划")["A2:A1048576"]
    plan = book["发展规划"].data_validations.dataValidation[0]
    assert "集群总产值（万元）" in plan.prompt and "英文键" not in plan.prompt.split("；")[0]
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
    result = check_structure(read_submission(template))
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


def test_items_are_the_policys_in_the_regulations_order() -> None:
    policy = load_policy()
    assert qualitative_items() == policy.qualitative_items
    assert len(qualitative_items()) == 27
    assert [i.id for i in qualitative_items() if i.when] == ["A5.6.energy_benchmark", "A5.6.water_benchmark"]
