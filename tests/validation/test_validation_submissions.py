"""clustercert.validation: both layers together, from Submission objects and from files on disk."""

from __future__ import annotations

import pandas as pd
import pytest
from validation.cc_factory import YEAR, broken_tables, good_tables, make_submission

from clustercert.intake import read_submission
from clustercert.issue import Issue, Severity
from clustercert.validation import check_quality, check_structure, finalise, validate_submissions
from clustercert.workbook_writer import write_workbook


def test_clean_submission_is_valid_with_typed_data():
    (result,), quality = validate_submissions([make_submission()], engine="pandas")
    assert result.valid and result.issues == []
    data = result.data
    assert data.campaign_year == YEAR and data.county_code == "230183"
    assert list(data.annual["year"]) == [YEAR - 3, YEAR - 2, YEAR - 1]
    assert data.enterprises["in_leading_industry"].dtype == bool
    assert "_row" in data.enterprises.columns
    assert quality.engine == "pandas" and all(o.success for o in quality.outcomes)


def test_warnings_keep_a_submission_valid_and_errors_do_not():
    warned = make_submission(broken_tables("met_without_evidence"), submission_id="w")
    failed = make_submission(broken_tables("sme_above_total"), submission_id="e")
    (w, e), _ = validate_submissions([warned, failed], engine="pandas")
    assert w.valid and [i.severity for i in w.issues] == [Severity.WARNING] and w.data is not None
    assert not e.valid and e.data is None and [i.check for i in e.errors] == ["gx.annual.sme_le_total"]


def test_schema_errors_and_expectation_errors_are_reported_together():
    tables = broken_tables("designation_unknown_enterprise")
    tables["annual"][0]["employees"] = "很多"
    (result,), _ = validate_submissions([make_submission(tables)], engine="pandas")
    assert [i.check for i in result.issues] == [
        "gx.designations.in_enterprises",
        "schema.annual.employees.type",
    ]
    assert not result.valid


def test_intake_issues_count_and_an_unreadable_file_is_invalid():
    sub = make_submission()
    sub.issues = [
        Issue(sub.submission_id, sub.file, "", None, "", "intake.extra_sheet", Severity.WARNING, "多余")
    ]
    blank = make_submission(submission_id="blank")
    blank.tables = {}
    blank.issues = [Issue("blank", blank.file, "", None, "", "intake.unreadable", Severity.ERROR, "无法读取")]
    structured = [check_structure(s) for s in (sub, blank)]
    quality = check_quality(structured, engine="pandas")
    ok, bad = (finalise(s, st, quality) for s, st in zip((sub, blank), structured, strict=True))
    assert ok.valid and [i.check for i in ok.issues] == ["intake.extra_sheet"]
    assert not bad.valid and bad.data is None and [i.check for i in bad.issues] == ["intake.unreadable"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
def test_file_to_issues_end_to_end(tmp_path, fmt):
    tables = good_tables()
    tables["profile"] = tables["profile"][0]
    tables["annual"][1]["sme_output"] = "abc"  # a type error in row 3
    tables["enterprises"][4]["uscc"] = tables["enterprises"][4]["uscc"][:-1] + "0"  # wrong check char, row 6
    tables["profile"]["county_name"] = "五常市"
    path = write_workbook(tmp_path / f"尚志.{fmt}" if fmt != "csv" else tmp_path / "尚志", tables, fmt=fmt)
    sub = read_submission(path)
    (result,), _ = validate_submissions([sub], engine="pandas")
    found = sorted((i.sheet, i.row, i.column, i.check) for i in result.issues)
    assert found == [
        ("企业名录", 6, "统一社会信用代码", "gx.enterprises.uscc_check"),
        ("基本信息", 7, "所在县（市、区）名称", "gx.profile.county_name_matches"),
        ("经营指标", 3, "中小企业产值（万元）", "schema.annual.sme_output.type"),
    ]
    assert not result.valid and result.sha256 == sub.sha256 and result.file == sub.file


def test_clean_file_end_to_end_is_valid(tmp_path):
    tables = good_tables()
    tables["profile"] = tables["profile"][0]
    sub = read_submission(write_workbook(tmp_path / "ok.xlsx", tables))
    (result,), _ = validate_submissions([sub], engine="pandas")
    assert [i.message for i in result.issues if i.is_error] == []
    assert result.valid
    assert isinstance(result.data.annual, pd.DataFrame) and result.data.profile["county_name"] == "尚志市"


def test_the_instant_path_does_not_import_great_expectations():
    """`clustercert validate FILE` must answer in well under 3 s: GX alone takes about 4 s to import."""
    import subprocess
    import sys

    code = (
        "import sys; from clustercert.validation import validate_submissions; "
        "print('great_expectations' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
