"""Layer 1: each cell rule at its boundary, Chinese located messages, lazy reporting, typing."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from validation.cc_factory import good_tables, make_monitoring, make_submission, monitoring_tables

from clustercert.contract import ANNUAL, MONITORING, PROFILE
from clustercert.issue import Severity
from schemas import check_structure


def _issues(tables):
    return check_structure(make_submission(tables)).issues


def _with(sheet: str, row: int, key: str, value):
    tables = good_tables()
    tables[sheet][row][key] = value
    return tables


def _checks(tables) -> list[str]:
    return [i.check for i in _issues(tables)]


def test_good_submission_passes_and_is_typed():
    result = check_structure(make_submission())
    assert result.issues == [] and result.ok
    annual = result.typed["annual"]
    assert str(annual["year"].dtype) == "Int64"
    assert annual["total_output"].dtype == "float64"
    assert annual["_row"].tolist() == [2, 3, 4]
    assert result.typed["enterprises"]["in_leading_industry"].dtype == bool
    assert str(result.typed["designations"]["valid_until"].dtype) == "datetime64[ns]"
    assert result.typed["designations"]["valid_until"].isna().tolist() == [False, True]
    assert result.profile["campaign_year"] == 2026
    assert result.profile["declared_on"] == dt.date(2026, 6, 30)
    assert result.profile["high_energy_industry"] is False
    assert result.profile["area_km2"] == 35.5
    assert result.profile["certificate_id"] is None


@pytest.mark.parametrize(
    ("sheet", "key", "value", "check"),
    [
        ("annual", "ii_adoption_pct", "100", None),
        ("annual", "ii_adoption_pct", "0", None),
        ("annual", "ii_adoption_pct", "100.01", "schema.annual.ii_adoption_pct.percent_range"),
        ("annual", "ii_adoption_pct", "-0.01", "schema.annual.ii_adoption_pct.percent_range"),
        ("annual", "total_output", "0", None),
        ("annual", "total_output", "-0.01", "schema.annual.total_output.non_negative"),
        ("annual", "total_output", "abc", "schema.annual.total_output.type"),
        ("annual", "total_output", "inf", "schema.annual.total_output.non_negative"),
        ("annual", "employees", "0", None),
        ("annual", "employees", "12.5", "schema.annual.employees.type"),
        ("annual", "employees", "-1", "schema.annual.employees.non_negative"),
        ("annual", "year", "2025", None),
        ("annual", "year", "999", "schema.annual.year.four_digit_year"),
        ("annual", "year", "20255", "schema.annual.year.four_digit_year"),
        ("enterprises", "in_leading_industry", "否", None),
        ("enterprises", "in_leading_industry", "Y", "schema.enterprises.in_leading_industry.in_set"),
        ("enterprises", "size", "特大型", "schema.enterprises.size.in_set"),
        ("enterprises", "output", None, None),
        ("enterprises", "name", None, "schema.enterprises.name.required"),
        ("enterprises", "name", "  ", "schema.enterprises.name.required"),
        ("enterprises", "uscc", "91230183000000000I", "schema.enterprises.uscc.uscc_format"),
        ("enterprises", "uscc", "9123018300000000", "schema.enterprises.uscc.uscc_format"),
        ("designations", "valid_until", "2027-02-28", None),
        ("designations", "valid_until", "2027-02-30", "schema.designations.valid_until.type"),
        ("designations", "valid_until", "2027/02/28", "schema.designations.valid_until.type"),
        ("designations", "designation", "专精特新“小巨人”", None),
        ("designations", "designation", "小巨人", "schema.designations.designation.in_set"),
        ("incidents", "severity", None, None),
        ("evidence", "item", "anything", None),  # item ids are an expectation, not a type
        ("plan_targets", "target_year", "26", "schema.plan_targets.target_year.four_digit_year"),
    ],
)
def test_cell_rule_boundaries(sheet, key, value, check):
    assert _checks(_with(sheet, 0, key, value)) == ([check] if check else [])


@pytest.mark.parametrize(
    ("key", "value", "check"),
    [
        ("county_code", "230183", None),
        ("county_code", "23018", "schema.profile.county_code.county_code_format"),
        ("county_code", "23018a", "schema.profile.county_code.county_code_format"),
        ("industry_code", "C14", None),
        ("industry_code", "C1469x", "schema.profile.industry_code.industry_code_format"),
        ("campaign_year", "26", "schema.profile.campaign_year.four_digit_year"),
        ("high_water_industry", "是", None),
        ("high_water_industry", "有", "schema.profile.high_water_industry.in_set"),
        ("application_type", "续期", "schema.profile.application_type.in_set"),
        ("declared_on", "2026-6-30x", "schema.profile.declared_on.type"),
        ("certificate_id", None, None),
        ("cluster_name", None, "schema.profile.cluster_name.required"),
    ],
)
def test_profile_rules(key, value, check):
    assert _checks(_with("profile", 0, key, value)) == ([check] if check else [])


def test_message_locates_row_column_and_sheet_in_chinese():
    (issue,) = _issues(_with("annual", 1, "sme_output", "abc"))
    assert (issue.sheet, issue.row, issue.column) == ("经营指标", 3, "中小企业产值（万元）")
    assert issue.severity == Severity.ERROR
    assert issue.message == (
        "经营指标 第3行“中小企业产值（万元）”应为不小于0的数字（单位万元），实际为“abc”；请填写数字，不要带单位或文字"
    )


def test_profile_field_is_located_on_its_own_row():
    sub = make_submission(_with("profile", 0, "county_code", "2301"))
    sub.field_rows["profile"]["county_code"] = 9
    (issue,) = check_structure(sub).issues
    assert (issue.sheet, issue.row, issue.column) == ("基本信息", 9, "所在县（市、区）代码")
    assert "实际为“2301”" in issue.message and "230183" in issue.message


def test_required_and_absent_profile_fields():
    tables = good_tables()
    del tables["profile"][0]["contact_phone"]  # the field row is not in the sheet at all
    tables["profile"][0]["campaign_year"] = ""
    found = {i.check: i for i in _issues(tables)}
    assert set(found) == {"schema.profile.contact_phone.required", "schema.profile.campaign_year.required"}
    assert found["schema.profile.contact_phone.required"].row is None
    assert "缺少字段“联系电话”" in found["schema.profile.contact_phone.required"].message
    assert (
        found["schema.profile.campaign_year.required"].message
        == "基本信息 第2行“申报年度”未填写；请填写四位年份"
    )


def test_one_bad_cell_does_not_hide_the_next_problem_in_the_column():
    tables = good_tables()
    tables["annual"][0]["total_output"] = "12万"
    tables["annual"][2]["total_output"] = "-5"
    issues = _issues(tables)
    assert [(i.row, i.check) for i in issues] == [
        (2, "schema.annual.total_output.type"),
        (4, "schema.annual.total_output.non_negative"),
    ]


def test_lazy_reporting_five_problems_in_three_sheets():
    tables = good_tables()
    tables["profile"][0]["county_code"] = "HLJ"
    tables["annual"][0]["ii_adoption_pct"] = "120"
    tables["annual"][1]["employees"] = "三万"
    tables["enterprises"][3]["size"] = "巨型"
    tables["enterprises"][5]["in_leading_industry"] = "yes"
    result = check_structure(make_submission(tables))
    assert len(result.issues) == 5
    assert {i.sheet for i in result.issues} == {"基本信息", "经营指标", "企业名录"}
    assert sorted((i.sheet, i.row) for i in result.issues) == [
        ("企业名录", 5),
        ("企业名录", 7),
        ("基本信息", 6),
        ("经营指标", 2),
        ("经营指标", 3),
    ]
    # the failed sheets are left out of the typed data, the others stay for the expectations
    assert set(result.typed) == {"designations", "incidents", "evidence", "plan_targets"}
    assert result.profile is None and not result.ok


def test_missing_sheet_and_column_are_reported_once():
    sub = make_submission(drop_sheets=["incidents"])
    sub.tables["annual"] = sub.tables["annual"].drop(columns=["sme_rd"])
    sub.tables["annual"].loc[0, "total_output"] = "x"
    checks = sorted(i.check for i in check_structure(sub).issues)
    assert checks == [
        "schema.annual.sme_rd.column_missing",
        "schema.annual.total_output.type",  # the rest of the sheet is still checked
        "schema.incidents.sheet_missing",
    ]
    # what intake already reported is not repeated
    from clustercert.issue import Issue

    sub.issues = [
        Issue(sub.submission_id, sub.file, "安全合规", None, "", "intake.missing_sheet", Severity.ERROR, "…")
    ]
    assert "schema.incidents.sheet_missing" not in [i.check for i in check_structure(sub).issues]


def test_empty_sheet_is_valid_and_typed():
    tables = good_tables()
    tables["incidents"] = []
    result = check_structure(make_submission(tables))
    assert result.issues == []
    assert result.typed["incidents"].empty
    assert list(result.typed["incidents"].columns) == [
        "occurred_on",
        "uscc",
        "category",
        "severity",
        "description",
        "_row",
    ]


def test_unreadable_submission_gives_nothing_to_type():
    sub = make_submission()
    sub.tables = {}
    result = check_structure(sub)
    assert result.typed is None and result.profile is None and result.issues == []


def test_labels_come_from_the_contract():
    (issue,) = _issues(_with("annual", 0, "software_adoption_pct", "x"))
    assert issue.column == ANNUAL.column("software_adoption_pct").label
    (issue,) = _issues(_with("profile", 0, "area_km2", "-1"))
    assert issue.sheet == PROFILE.label and issue.column == PROFILE.column("area_km2").label
    assert "（单位平方公里）" in issue.message


def test_monitoring_workbook_has_a_model_per_sheet():
    result = check_structure(make_monitoring(), workbook=MONITORING)
    assert result.issues == [] and set(result.typed) == {s.key for s in MONITORING.sheets}
    assert result.profile["report_year"] == 2025
    tables = monitoring_tables()
    tables["work_summary"][0]["prefecture_code"] = "2301"
    tables["cluster_status"][0]["ii_adoption_pct"] = "101"
    tables["changes"] = [
        {
            "certificate_id": "HLJ-2023-001",
            "change_type": "搬迁",
            "changed_on": "2025-05-01",
            "new_value": "x",
        }
    ]
    found = check_structure(make_monitoring(tables), workbook=MONITORING).issues
    assert sorted((i.sheet, i.check) for i in found) == [
        ("培育工作情况", "schema.work_summary.prefecture_code.prefecture_code_format"),
        ("重大变动", "schema.changes.change_type.in_set"),
        ("集群发展情况", "schema.cluster_status.ii_adoption_pct.percent_range"),
    ]


def test_typed_values_keep_the_entered_decimal():
    result = check_structure(make_submission(_with("annual", 0, "energy_intensity", "0.1")))
    assert result.typed["annual"]["energy_intensity"].iloc[0] == 0.1
    assert isinstance(result.typed["annual"], pd.DataFrame)
