"""民法典 第二百零三条 on the deadlines of Art. 12 and Art. 13 (cases in cases/deadlines.yaml)."""

from datetime import date

import pytest
from management_fixtures import HARBIN, case_ids, certificates, load_cases, monitoring_report, table

from clustercert import contract
from clustercert.management.changes import check_filings, filed_on_time
from clustercert.management.deadlines import AS_IS, DeadlineRule
from clustercert.management.monitoring import compile_monitoring
from clustercert.policy import load_policy
from clustercert.workdays import CalendarNotCovered, WorkCalendar

TABLE = load_cases("deadlines.yaml")
RULE = DeadlineRule.from_policy(load_policy("hlj-2023"))  # the default: on
CERTS = certificates({"certificate_id": "HLJ-2023-001"})


@pytest.mark.parametrize("case", TABLE["last_day"], ids=case_ids(TABLE["last_day"]))
def test_a_last_day_off_moves_to_the_next_working_day(case):
    deadline = RULE.last_day(case["nominal"])
    assert (deadline.nominal, deadline.due, deadline.day_off) == (
        case["nominal"],
        case["due"],
        case["day_off"],
    )
    assert deadline.moved is (case["due"] != case["nominal"])
    if deadline.moved:
        assert deadline.note() == (
            f"期限末日{case['nominal'].isoformat()}为法定休假日（{case['day_off']}），"
            f"依民法典第二百零三条顺延至{case['due'].isoformat()}"
        )
    else:
        assert deadline.note() == ""
    assert AS_IS.last_day(case["nominal"]).due == case["nominal"]  # the calendar as is never moves


def test_the_policy_default_is_on_and_may_be_turned_off():
    assert RULE.extends
    off = DeadlineRule.from_policy(load_policy("hlj-2023", overrides={"deadlines.holiday_extension": False}))
    assert not off.extends and off.last_day(date(2024, 3, 10)).due == date(2024, 3, 10)


@pytest.mark.parametrize("case", TABLE["filings"], ids=case_ids(TABLE["filings"]))
def test_the_filing_deadline_moves_past_days_off(case):
    filings = table(
        contract.CHANGE_FILINGS,
        [
            {
                "certificate_id": "HLJ-2023-001",
                "change_type": "空间范围",
                "changed_on": case["changed_on"],
                "filed_on": case["filed_on"],
                "new_value": "扩区",
            }
        ],
    )
    row = check_filings(filings, None, CERTS, filing_window_months=1, deadline_rule=RULE).rows.iloc[0]
    assert (row["due_on"], row["due_on_nominal"], row["on_time"]) == (
        case["due_on"],
        case["nominal"],
        case["on_time"],
    )
    assert filed_on_time(case["changed_on"], case["filed_on"], 1, RULE) is case["on_time"]
    if case["due_on"] != case["nominal"]:
        assert "民法典第二百零三条" in row["due_note"] and "民法典第二百零三条" in row["note"]
    else:
        assert row["due_note"] == ""


def test_without_the_rule_a_filing_on_the_moved_day_is_late():
    assert not filed_on_time(date(2025, 9, 1), date(2025, 10, 9), 1)  # due 1 Oct on the calendar as is


def test_an_unfiled_declared_change_is_overdue_only_after_the_moved_deadline():
    declared = [
        {
            "certificate_id": "HLJ-2023-001",
            "change_type": "主导产业",
            "changed_on": date(2025, 9, 1),  # due 1 Oct 2025, moved to 9 Oct
            "new_value": "x",
            "prefecture_code": HARBIN,
            "file": "m.xlsx",
            "sheet": "重大变动",
            "row": 2,
        }
    ]
    import pandas as pd

    on_9th = check_filings(None, pd.DataFrame(declared), CERTS, filing_window_months=1, as_of=date(2025, 10, 9), deadline_rule=RULE)  # fmt: skip
    on_10th = check_filings(None, pd.DataFrame(declared), CERTS, filing_window_months=1, as_of=date(2025, 10, 10), deadline_rule=RULE)  # fmt: skip
    assert on_9th.rows.iloc[0]["on_time"] is None  # still pending on the moved last day
    assert (
        bool(on_10th.rows.iloc[0]["on_time"]) is False and "顺延至2025-10-09" in on_10th.rows.iloc[0]["note"]
    )


def _report(submitted_on):
    return monitoring_report(HARBIN, 2023, submitted_on, cluster_status=[{"certificate_id": "HLJ-2023-001"}])


def test_the_10_march_report_deadline_moves_off_a_sunday():
    certs = certificates({"certificate_id": "HLJ-2023-001", "valid_until": date(2026, 7, 31)})
    # 10 March 2024 was a Sunday: the deadline of report year 2023 is Monday 11 March
    on_monday = compile_monitoring(2023, date(2024, 3, 20), certs, [_report(date(2024, 3, 11))], monitoring_deadline="03-10", deadline_rule=RULE)  # fmt: skip
    row = on_monday.rows.iloc[0]
    assert (row["report_status"], row["deadline"], row["deadline_nominal"]) == (
        "on_time",
        date(2024, 3, 11),
        date(2024, 3, 10),
    )
    assert "民法典第二百零三条顺延至2024-03-11" in row["deadline_note"]
    assert on_monday.deadline == date(2024, 3, 11) and on_monday.last_day.moved
    tuesday = compile_monitoring(2023, date(2024, 3, 20), certs, [_report(date(2024, 3, 12))], monitoring_deadline="03-10", deadline_rule=RULE)  # fmt: skip
    late = tuesday.rows.iloc[0]
    assert late["report_status"] == "late" and "晚于期限2024-03-11（期限末日2024-03-10" in late["note"]
    as_is = compile_monitoring(2023, date(2024, 3, 20), certs, [_report(date(2024, 3, 11))], monitoring_deadline="03-10")  # fmt: skip
    assert as_is.rows.iloc[0]["report_status"] == "late"  # without 第二百零三条 Monday is a day late


def test_a_report_is_pending_until_the_moved_deadline_has_passed():
    certs = certificates({"certificate_id": "HLJ-2023-001", "valid_until": date(2026, 7, 31)})
    monday = compile_monitoring(2023, date(2024, 3, 11), certs, [], monitoring_deadline="03-10", deadline_rule=RULE)  # fmt: skip
    tuesday = compile_monitoring(2023, date(2024, 3, 12), certs, [], monitoring_deadline="03-10", deadline_rule=RULE)  # fmt: skip
    assert monday.rows.iloc[0]["report_status"] == "pending"
    assert tuesday.rows.iloc[0]["report_status"] == "missing"


def test_a_year_the_calendar_does_not_cover_stops_with_a_clear_message():
    with pytest.raises(CalendarNotCovered, match="2031年法定节假日安排尚未收录"):
        RULE.last_day(date(2031, 3, 10))
    gap = RULE.first_gap([date(2026, 3, 10), date(2031, 3, 10), date(2032, 1, 1)])
    assert gap is not None and gap.year == 2031
    assert RULE.first_gap([date(2026, 3, 10)]) is None
    covered = DeadlineRule(WorkCalendar(extra_holidays=["2031-01-01"]))
    assert covered.last_day(date(2031, 3, 9)).due == date(2031, 3, 10)  # a Sunday: weekends still rest
