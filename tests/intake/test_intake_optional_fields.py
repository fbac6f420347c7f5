"""Key/value sheets: a field that is optional, or not applicable, may leave out its row (SPEC §3.1, §3.3)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from spec_workbook import workbook

from clustercert.contract import MONITORING
from clustercert.intake import read_submission
from clustercert.validation import validate_submissions


def _validate(path: Path):
    (result,), _ = validate_submissions([read_submission(path)], engine="pandas", campaign_year=2026)
    return result


def test_a_new_application_without_the_certificate_row_is_valid(tmp_path: Path) -> None:
    path = workbook(tmp_path / "new.xlsx", 原认定编号=None)
    sub = read_submission(path)
    assert sub.issues == []
    assert "certificate_id" not in sub.field_rows["profile"]
    result = _validate(path)
    assert result.valid and result.issues == []
    assert result.data.profile["certificate_id"] is None


def test_location_detail_may_be_left_out(tmp_path: Path) -> None:
    result = _validate(workbook(tmp_path / "a.xlsx", 原认定编号=None, 具体位置=None))
    assert result.valid and result.issues == []


def test_a_review_without_the_certificate_row_gets_a_located_error(tmp_path: Path) -> None:
    result = _validate(workbook(tmp_path / "review.xlsx", 申报类型="复核", 原认定编号=None))
    assert not result.valid
    (issue,) = result.issues
    assert (issue.check, issue.sheet, issue.column) == (
        "gx.profile.review_certificate",
        "基本信息",
        "原认定编号",
    )
    assert issue.row is None  # the row is not there: the message says to add it
    assert "原认定编号" in issue.message and "添加" in issue.message


def test_a_review_with_an_empty_certificate_row_is_located_on_that_row(tmp_path: Path) -> None:
    result = _validate(workbook(tmp_path / "review.xlsx", 申报类型="复核", 原认定编号=""))
    (issue,) = result.errors
    assert (issue.check, issue.row, issue.column) == ("gx.profile.review_certificate", 4, "原认定编号")


def test_a_review_with_its_certificate_is_valid(tmp_path: Path) -> None:
    result = _validate(workbook(tmp_path / "review.xlsx", 申报类型="复核", 原认定编号="HLJ-2023-001"))
    assert result.valid and result.issues == []


def test_a_required_field_left_out_is_one_error_not_two(tmp_path: Path) -> None:
    path = workbook(tmp_path / "a.xlsx", 集群名称=None)
    sub = read_submission(path)
    assert [(i.check, i.column) for i in sub.issues] == [("intake.missing_field", "集群名称")]
    result = _validate(path)
    assert [(i.sheet, i.column) for i in result.errors] == [("基本信息", "集群名称")]
    assert not result.valid


def _monitoring(path: Path, fields: dict[str, object]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "培育工作情况"
    ws.append(["字段", "内容"])
    for field, value in fields.items():
        ws.append([field, value])
    for name, header in {
        "集群发展情况": ["认定编号", "集群总产值（万元）"],
        "规划进展": ["认定编号", "指标", "目标年度", "实际值"],
        "重大变动": ["认定编号", "变动类型", "变动日期", "变动后内容"],
        "安全合规": ["认定编号", "发生日期", "统一社会信用代码", "类型", "等级", "说明"],
    }.items():
        book.create_sheet(name).append(header)
    book.save(path)
    return path


def test_the_monitoring_summary_may_be_left_out_but_not_the_report_year(tmp_path: Path) -> None:
    fields = {"市（地）代码": "230100", "报告年度": 2025, "报送日期": "2026-03-05"}
    sub = read_submission(_monitoring(tmp_path / "m.xlsx", fields), workbook=MONITORING)
    assert not [i for i in sub.issues if i.check == "intake.missing_field"]
    del fields["报告年度"]
    sub = read_submission(_monitoring(tmp_path / "m2.xlsx", fields), workbook=MONITORING)
    assert [(i.check, i.column) for i in sub.issues if i.check == "intake.missing_field"] == [
        ("intake.missing_field", "报告年度")
    ]
