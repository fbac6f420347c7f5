"""A submission belongs to one campaign: its 申报年度 is the campaign's Y and its 经营指标 cover Y-3..Y-1."""

from __future__ import annotations

import datetime as dt

from intake.spec_workbook import save, sheets, workbook

from clustercert.intake import read_submission
from clustercert.submission import UNKNOWN_YEAR, make_submission_id
from clustercert.validation import validate_submissions


def _validate(path, campaign_year):
    sub = read_submission(path, campaign_year=campaign_year)
    (result,), _ = validate_submissions([sub], engine="pandas", campaign_year=campaign_year)
    return result


def test_last_years_workbook_is_invalid_in_this_years_campaign(tmp_path):
    result = _validate(workbook(tmp_path / "2025.xlsx", year=2025), 2026)
    assert not result.valid
    errors = {(i.check, i.sheet, i.row, i.column) for i in result.errors}
    assert errors == {
        ("gx.profile.campaign_year_matches", "基本信息", 2, "申报年度"),
        ("gx.annual.year_in_window", "经营指标", 2, "年度"),  # the 2022 row
        ("gx.annual.year_present", "经营指标", None, "年度"),  # no 2025 row
    }
    mismatch = next(i for i in result.errors if i.check == "gx.profile.campaign_year_matches")
    assert "2025" in mismatch.message and "2026" in mismatch.message
    assert "2023、2024、2025" in mismatch.message
    assert result.submission_id.startswith("2026-230183-")


def test_this_years_workbook_is_valid_in_this_years_campaign(tmp_path):
    result = _validate(workbook(tmp_path / "2026.xlsx", year=2026), 2026)
    assert result.valid and result.issues == []


def test_the_right_year_with_last_years_figures_is_invalid(tmp_path):
    data = sheets(2026)
    data["经营指标"] = sheets(2025)["经营指标"]  # 2022-2024: one year behind
    result = _validate(save(tmp_path / "a.xlsx", data), 2026)
    assert {(i.check, i.row) for i in result.errors} == {
        ("gx.annual.year_in_window", 2),
        ("gx.annual.year_present", None),
    }


def test_without_a_campaign_year_a_workbook_is_held_to_the_year_it_declares(tmp_path):
    result = _validate(workbook(tmp_path / "2025.xlsx", year=2025), None)
    assert result.valid and result.issues == []


def test_a_blank_year_takes_the_campaigns_in_the_id_and_the_checks(tmp_path):
    path = workbook(tmp_path / "blank.xlsx", year=2026, 申报年度="")
    result = _validate(path, 2026)
    assert result.submission_id.startswith("2026-230183-")
    # only the blank field itself: the 经营指标 years are still checked against 2026, and pass
    assert [(i.check, i.row) for i in result.errors] == [("schema.profile.campaign_year.required", 2)]


def test_a_blank_year_without_a_campaign_year_gets_a_readable_id(tmp_path):
    path = workbook(tmp_path / "blank.xlsx", year=2026, 申报年度="")
    sub = read_submission(path)
    assert sub.submission_id.startswith(f"{UNKNOWN_YEAR}-230183-")
    assert not sub.submission_id.startswith("0000")
    (result,), _ = validate_submissions([sub], engine="pandas")
    notes = [i for i in result.warnings if i.check.endswith(".not_checked")]
    assert {i.check for i in notes} >= {"gx.annual.year_in_window.not_checked"}
    assert all("申报年度" in i.message for i in notes)


def test_submission_id_year_part():
    sha = "ab" * 32
    assert make_submission_id(2026, "230183", sha) == "2026-230183-abababab"
    assert make_submission_id("2026", "230183", sha).startswith("2026-")
    for odd in (None, "", "  ", "二〇二六", "26", "2026年", 0):
        assert make_submission_id(odd, "230183", sha) == f"{UNKNOWN_YEAR}-230183-abababab", odd


def test_a_declaration_date_after_the_year_end_is_still_only_a_warning(tmp_path):
    path = workbook(tmp_path / "a.xlsx", year=2026, 申报日期=dt.date(2027, 1, 5))
    result = _validate(path, 2026)
    assert result.valid and [i.check for i in result.warnings] == ["gx.profile.declared_in_campaign_year"]
