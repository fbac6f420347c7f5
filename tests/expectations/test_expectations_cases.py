"""Layer 2: each expectation with a passing and a failing case (pandas engine; GX parity is separate)."""

from __future__ import annotations

import pytest
from validation.cc_factory import BROKEN, YEAR, broken_tables, good_tables, make_submission, uscc

from clustercert.issue import Severity
from clustercert.policy import load_policy
from expectations import check_quality, prepare
from expectations.suites import build_specs, qualitative_item_ids
from schemas import check_structure


def _quality(*tables_list, ids=None):
    subs = [make_submission(t, submission_id=f"{YEAR}-230183-{i:08d}") for i, t in enumerate(tables_list)]
    return check_quality([check_structure(s) for s in subs], engine="pandas", campaign_year=YEAR)


def _checks(tables) -> set[str]:
    return {i.check for i in _quality(tables).all_issues}


def test_good_submission_meets_every_expectation():
    report = _quality(good_tables())
    assert report.all_issues == []
    assert [o.expectation_id for o in report.outcomes] == [s.id for s in build_specs()]
    assert all(o.success and o.unexpected_count == 0 for o in report.outcomes)


def test_every_expectation_has_a_failing_case():
    covered = set().union(*(expected for expected, _ in BROKEN.values()))
    assert covered == {s.id for s in build_specs()}


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_broken_case_triggers_exactly_its_expectations(name):
    expected, _ = BROKEN[name]
    assert _checks(broken_tables(name)) == expected


@pytest.mark.parametrize(
    ("sheet", "row", "key", "value", "check"),
    [
        ("annual", 1, "sme_output", "170000", None),  # equal to the total: allowed
        ("annual", 1, "leading_output", "170000", None),
        ("annual", 1, "sme_rd", "30000", None),  # exactly 10× the year before (3000)
        ("enterprises", 0, "output", "262972", None),  # sum exactly 1.5 × last year's total
        ("evidence", 1, "met", "否", None),
        ("profile", 0, "declared_on", f"{YEAR}-01-01", None),
    ],
)
def test_boundaries_pass(sheet, row, key, value, check):
    tables = good_tables()
    tables[sheet][row][key] = value
    assert _checks(tables) == set()


def test_output_in_yuan_boundary():
    tables = good_tables()
    for row in tables["annual"]:
        row["total_output"] = "100000000"  # 1万亿元 exactly: still plausible
    assert _checks(tables) == set()


def test_output_in_yi_only_with_staff():
    tables = good_tables()
    for row in tables["annual"]:
        row.update(total_output="99", sme_output="50", leading_output="60", employees="100")
    for row in tables["enterprises"]:
        row["output"] = None
    assert _checks(tables) == set()  # 100 employees is not "more than 100"
    tables["annual"][0]["employees"] = "101"
    assert _checks(tables) == {"gx.annual.output_unit_yi"}


def test_review_with_certificate_passes():
    tables = good_tables()
    tables["profile"][0].update(application_type="复核", certificate_id="HLJ-2023-001")
    assert _checks(tables) == set()


def test_uscc_message_gives_the_right_check_character_and_location():
    (issue,) = _quality(broken_tables("uscc_check_char")).all_issues
    right = uscc(0)
    assert (issue.sheet, issue.row, issue.column) == ("企业名录", 2, "统一社会信用代码")
    assert issue.severity == Severity.ERROR and issue.reference.startswith("SPEC §3.1")
    assert issue.message.startswith(f"企业名录 第2行“统一社会信用代码”{right[:-1]}")
    assert f"应为“{right[-1]}”" in issue.message


def test_messages_are_located_and_formatted():
    found = {i.check: i for i in _quality(broken_tables("sme_above_total")).all_issues}
    issue = found["gx.annual.sme_le_total"]
    assert (issue.sheet, issue.row, issue.column) == ("经营指标", 3, "中小企业产值（万元）")
    assert issue.message == (
        "经营指标 第3行 2024年“中小企业产值（万元）”为170000.01，大于“集群总产值（万元）”170000；"
        "中小企业产值是集群总产值的一部分，请核对"
    )
    (missing,) = _quality(broken_tables("year_missing")).all_issues
    assert (missing.row, missing.column) == (None, "年度")
    assert "缺少2025年的数据" in missing.message and "2023、2024、2025" in missing.message
    (jump,) = _quality(broken_tables("rd_jump")).all_issues
    assert (jump.row, jump.column, jump.severity) == (3, "中小企业研发经费（万元）", Severity.WARNING)
    assert "为33001，上年为3000，相差11倍" in jump.message


def test_duplicates_report_every_copy():
    issues = _quality(broken_tables("uscc_twice")).all_issues
    assert [(i.check, i.row) for i in issues] == [
        ("gx.enterprises.uscc_unique", 6),
        ("gx.enterprises.uscc_unique", 10),
    ]


def test_checks_run_within_a_submission_not_across():
    # the same enterprises in two submissions are not duplicates; each submission's list is its own
    a, b = good_tables(), good_tables()
    b["designations"][0]["uscc"] = uscc(50)
    a["enterprises"].append({**a["enterprises"][0], "uscc": uscc(50)})
    report = _quality(a, b)
    assert [(i.submission_id, i.check) for i in report.all_issues] == [
        (f"{YEAR}-230183-00000001", "gx.designations.in_enterprises")
    ]
    outcome = next(o for o in report.outcomes if o.expectation_id == "gx.designations.in_enterprises")
    assert outcome.unexpected_by_submission == {f"{YEAR}-230183-00000001": 1}
    assert (outcome.element_count, outcome.unexpected_count, outcome.success) == (4, 1, False)


def test_a_sheet_that_failed_its_schema_still_takes_part_in_the_checks():
    # 企业名录 fails Pandera in one cell (size), yet membership and check characters are judged
    tables = broken_tables("designation_unknown_enterprise")
    tables["enterprises"][0]["size"] = "巨型"
    tables["enterprises"][4]["uscc"] = tables["enterprises"][4]["uscc"][:-1] + "0"  # wrong check char
    structure = check_structure(make_submission(tables))
    assert "enterprises" not in structure.typed and "enterprises" in structure.frames
    assert [i.check for i in structure.issues] == ["schema.enterprises.size.in_set"]
    report = check_quality([structure], engine="pandas")
    assert sorted((i.check, i.row) for i in report.all_issues) == [
        ("gx.designations.in_enterprises", 2),
        ("gx.enterprises.uscc_check", 6),
    ]


def test_a_failed_cell_is_not_reported_again_by_the_checks_that_read_it():
    tables = good_tables()
    tables["designations"][0]["uscc"] = "不是代码"  # a format error: membership is not judged for it
    tables["annual"][2]["year"] = "2025年"  # the 2025 row's 年度 is unreadable: not also "2025 is missing"
    structure = check_structure(make_submission(tables))
    assert sorted(i.check for i in structure.issues) == [
        "schema.annual.year.type",
        "schema.designations.uscc.uscc_format",
    ]
    assert _quality(tables).all_issues == []
    assert prepare([structure])["designations"]["in_enterprises"].tolist() == [None, True]


def test_prepared_tables_stack_submissions_with_ids_and_rows():
    subs = [make_submission(submission_id=f"s{i}") for i in range(3)]
    frames = prepare([check_structure(s) for s in subs])
    assert len(frames["enterprises"]) == 24 and frames["enterprises"]["submission_id"].nunique() == 3
    assert frames["enterprises"]["_row"].tolist()[:3] == [2, 3, 4]
    assert frames["annual_years"]["year"].tolist()[:3] == [2023.0, 2024.0, 2025.0]
    assert frames["profile"]["_row_county_code"].tolist() == [6, 6, 6]
    assert list(frames["enterprises"].index) == list(range(24))


def test_item_ids_come_from_the_policy():
    ids = qualitative_item_ids()
    assert ids == load_policy("hlj-2023").item_ids
    assert "A5.1.pillar" in ids and "A5.6.water_benchmark" in ids and len(ids) == 27
    (spec,) = [s for s in build_specs() if s.id == "gx.evidence.item_known"]
    assert spec.kwargs["value_set"] == list(ids)
    custom = check_quality([check_structure(make_submission())], engine="pandas", item_ids=["A5.1.brand"])
    assert [i.row for i in custom.all_issues if i.check == "gx.evidence.item_known"] == [2]


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        check_quality([], engine="spark")


def test_an_incident_on_the_declaration_day_is_in_the_window():
    tables = good_tables()
    tables["incidents"][0]["occurred_on"] = f"{YEAR}-06-30"  # 申报日期 itself: "not after" includes it
    assert _checks(tables) == set()


def test_an_incident_after_the_declaration_day_is_a_located_error_naming_both_dates():
    (issue,) = _quality(broken_tables("incident_after_declared")).all_issues
    assert (issue.check, issue.sheet, issue.row, issue.column) == (
        "gx.incidents.not_after_declared",
        "安全合规",
        2,
        "发生日期",
    )
    assert issue.severity == Severity.ERROR
    assert f"{YEAR}-07-01" in issue.message and f"{YEAR}-06-30" in issue.message
    assert "申报日期" in issue.message


def test_the_campaign_year_decides_the_window_when_it_is_given():
    tables = broken_tables("last_years_workbook")
    found = {(i.check, i.row) for i in _quality(tables).all_issues}
    assert found == {
        ("gx.profile.campaign_year_matches", 2),  # 基本信息 row of 申报年度
        ("gx.annual.year_in_window", 2),  # the 2022 row
        ("gx.annual.year_present", None),  # 2025 is missing
    }
    # without a campaign year the same workbook is judged by the year it declares: consistent
    subs = [make_submission(tables)]
    assert check_quality([check_structure(s) for s in subs], engine="pandas").all_issues == []
