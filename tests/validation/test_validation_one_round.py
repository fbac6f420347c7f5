"""Feedback complete in one round: every sheet that can be read is checked, whatever fails elsewhere."""

from __future__ import annotations

from collections import Counter

from intake.spec_workbook import HEADERS, USCC, save, sheets

from clustercert.intake import read_submission
from clustercert.validation import validate_submissions


def _validate(path):
    (result,), _ = validate_submissions([read_submission(path)], engine="pandas", campaign_year=2026)
    return result


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def broken_everywhere() -> dict:
    data = sheets(2026)
    data["基本信息"].update({"所在县（市、区）名称": "五常市", "是否高耗能行业": "有"})
    annual = data["经营指标"]
    annual[0][2] = 200000  # 2023: 中小企业产值 above 集群总产值 (row 2)
    annual[2][6] = "很多"  # 2025: 从业人员 not a number (row 3 once 2024 is gone)
    del annual[1]  # no 2024 row
    ents = data["企业名录"]
    ents[1][2] = "特大"  # row 3: 企业规模
    ents[2][0] = _wrong_check(ents[2][0])  # row 4: check character
    ents.append(list(ents[5]))  # row 9 repeats row 7's code
    data["梯度培育"] = [
        ["91230183MA00000001", "专精特新“小巨人”", "国家级", None],  # row 2: not in 企业名录 (and bad check)
        [USCC[1], "高新技术企业", "市级", None],  # row 3: 级别
    ]
    data["安全合规"] = [["2026-07-01", USCC[3], "安全事故", "一般", "轻微"]]  # after 申报日期 2026-06-30
    data["定性条件"] = [["A5.9.unknown", "是", "x.pdf"], ["A5.1.brand", "Y", None]]
    data["发展规划"][0][2] = 26  # 目标年度 not a four-digit year (row 2)
    return data


def test_a_workbook_broken_in_every_sheet_gets_every_error_in_one_call(tmp_path):
    result = _validate(save(tmp_path / "broken.xlsx", broken_everywhere()))
    assert not result.valid
    found = {(i.sheet, i.row, i.column, i.check) for i in result.errors}
    assert found == {
        ("基本信息", 7, "所在县（市、区）名称", "gx.profile.county_name_matches"),
        ("基本信息", 11, "是否高耗能行业", "schema.profile.high_energy_industry.in_set"),
        ("经营指标", 2, "中小企业产值（万元）", "gx.annual.sme_le_total"),
        ("经营指标", 3, "从业人员（人）", "schema.annual.employees.type"),
        ("经营指标", None, "年度", "gx.annual.year_present"),
        ("企业名录", 3, "企业规模", "schema.enterprises.size.in_set"),
        ("企业名录", 4, "统一社会信用代码", "gx.enterprises.uscc_check"),
        ("企业名录", 7, "统一社会信用代码", "gx.enterprises.uscc_unique"),
        ("企业名录", 9, "统一社会信用代码", "gx.enterprises.uscc_unique"),
        ("梯度培育", 2, "统一社会信用代码", "gx.designations.in_enterprises"),
        ("梯度培育", 3, "级别", "schema.designations.level.in_set"),
        ("安全合规", 2, "发生日期", "gx.incidents.not_after_declared"),
        ("定性条件", 2, "条件编号", "gx.evidence.item_known"),
        ("定性条件", 3, "是否具备", "schema.evidence.met.in_set"),
        ("发展规划", 2, "目标年度", "schema.plan_targets.target_year.four_digit_year"),
    }


def test_one_message_per_cell(tmp_path):
    result = _validate(save(tmp_path / "broken.xlsx", broken_everywhere()))
    cells = Counter((i.sheet, i.row, i.column) for i in result.issues if i.row is not None)
    assert [cell for cell, n in cells.items() if n > 1] == []


def test_a_missing_column_says_which_cross_sheet_check_could_not_be_made(tmp_path):
    data = sheets(2026)
    data["企业名录"] = [row[1:] for row in data["企业名录"]]
    path = save(tmp_path / "a.xlsx", data, headers={"企业名录": HEADERS["企业名录"][1:]})
    result = _validate(path)
    assert [(i.sheet, i.column) for i in result.errors] == [("企业名录", "统一社会信用代码")]
    notes = {i.check: i for i in result.warnings}
    assert set(notes) == {
        "gx.designations.in_enterprises.not_checked",
        "gx.incidents.in_enterprises.not_checked",
    }
    note = notes["gx.designations.in_enterprises.not_checked"]
    assert (note.sheet, note.row, note.column) == ("梯度培育", None, "统一社会信用代码")
    assert note.message.startswith(
        "企业名录缺少列“统一社会信用代码”，未能核对“梯度培育中的企业都在企业名录中”"
    )


def test_a_missing_sheet_says_what_could_not_be_checked_and_the_rest_is_checked(tmp_path):
    data = sheets(2026)
    data["安全合规"][0][0] = "2026-07-01"  # still found with 企业名录 missing
    result = _validate(save(tmp_path / "a.xlsx", data, drop=("企业名录",)))
    assert {i.check for i in result.errors} == {"intake.missing_sheet", "gx.incidents.not_after_declared"}
    notes = {i.check for i in result.warnings}
    assert notes == {"gx.designations.in_enterprises.not_checked", "gx.incidents.in_enterprises.not_checked"}


def test_without_the_profile_the_campaign_year_still_checks_the_annual_rows(tmp_path):
    data = sheets(2026)
    del data["经营指标"][0]  # no 2023
    result = _validate(save(tmp_path / "a.xlsx", data, drop=("基本信息",)))
    checks = {i.check for i in result.errors}
    assert {"intake.missing_sheet", "gx.annual.year_present"} <= checks
    notes = {i.check for i in result.warnings}
    assert "gx.incidents.not_after_declared.not_checked" in notes


def test_two_unreadable_codes_are_not_called_duplicates_of_each_other(tmp_path):
    data = sheets(2026)
    data["企业名录"][0][0] = "abc"
    data["企业名录"][1][0] = "abc"
    result = _validate(save(tmp_path / "a.xlsx", data))
    assert sorted((i.check, i.row) for i in result.issues) == [
        ("gx.designations.in_enterprises", 2),  # its enterprise's code (row 3) is the unreadable one
        ("schema.enterprises.uscc.uscc_format", 2),
        ("schema.enterprises.uscc.uscc_format", 3),
    ]
