"""The official working-day calendar: holidays, make-up days (调休), uncovered years (SPEC §5)."""

from datetime import date

import pytest

from clustercert.workdays import PACKAGE_LAST_YEAR, CalendarNotCovered, WorkCalendar

CAL = WorkCalendar()


def test_the_2023_public_notice_ran_24_to_28_july():
    assert CAL.notice_period(date(2023, 7, 24), 5) == (date(2023, 7, 24), date(2023, 7, 28))


def test_a_notice_formed_on_a_weekend_opens_on_monday():
    assert CAL.notice_period(date(2023, 7, 22), 5) == (date(2023, 7, 24), date(2023, 7, 28))


def test_national_day_2025_is_skipped_and_its_make_up_days_count():
    # 1–8 Oct 2025 off; Sun 28 Sep and Sat 11 Oct 2025 are make-up working days.
    assert CAL.is_workday(date(2025, 9, 28)) and date(2025, 9, 28).weekday() == 6
    assert CAL.is_workday(date(2025, 10, 11)) and date(2025, 10, 11).weekday() == 5
    assert not any(CAL.is_workday(date(2025, 10, d)) for d in range(1, 9))
    # opened on the make-up Sunday: 28, 29, 30 Sep, 9, 10 Oct
    assert CAL.notice_period(date(2025, 9, 28), 5) == (date(2025, 9, 28), date(2025, 10, 10))
    assert CAL.working_days_between(date(2025, 9, 28), date(2025, 10, 10)) == 5
    # opened on Friday 26 Sep: 26, 28, 29, 30 Sep, 9 Oct
    assert CAL.notice_period(date(2025, 9, 26), 5) == (date(2025, 9, 26), date(2025, 10, 9))


def test_a_make_up_saturday_counts_as_the_next_working_day():
    assert CAL.next_workday(date(2025, 10, 10)) == date(2025, 10, 11)
    assert CAL.add_working_days(date(2025, 10, 10), 2) == date(2025, 10, 13)


def test_next_workday_is_strictly_after_and_on_or_after_may_be_the_day():
    assert CAL.next_workday(date(2023, 7, 24)) == date(2023, 7, 25)
    assert CAL.workday_on_or_after(date(2023, 7, 24)) == date(2023, 7, 24)
    assert CAL.next_workday(date(2023, 7, 28)) == date(2023, 7, 31)
    assert CAL.add_working_days(date(2023, 7, 24), 0) == date(2023, 7, 24)


def test_bad_counts_are_bugs():
    with pytest.raises(ValueError):
        CAL.notice_period(date(2023, 7, 24), 0)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2023, 7, 24), -1)


def test_a_year_nobody_published_stops_the_run_with_a_chinese_and_english_message():
    year = PACKAGE_LAST_YEAR + 2
    with pytest.raises(CalendarNotCovered) as caught:
        CAL.is_workday(date(year, 3, 2))
    message = str(caught.value)
    assert f"{year}年法定节假日安排尚未收录" in message
    assert "calendar.extra_holidays / extra_workdays" in message
    assert "not known" in message
    assert caught.value.year == year


def test_a_notice_running_into_an_uncovered_year_raises():
    last = PACKAGE_LAST_YEAR
    with pytest.raises(CalendarNotCovered):
        CAL.notice_period(date(last, 12, 29), 5)


def test_policy_days_make_a_year_covered():
    assert PACKAGE_LAST_YEAR < 2028  # chinese_calendar 1.11.0 stops at 2026
    cal = WorkCalendar(
        extra_holidays=[f"2028-10-0{d}" for d in range(2, 7)],  # Mon–Fri off
        extra_workdays=[date(2028, 9, 30), "2028-10-08"],  # Sat and Sun make-up days
    )
    assert cal.covers(2028) and not CAL.covers(2028)
    assert not cal.is_workday(date(2028, 10, 2))
    assert cal.is_workday(date(2028, 9, 30)) and cal.is_workday(date(2028, 10, 8))
    assert not cal.is_workday(date(2028, 10, 1))  # an ordinary Sunday
    assert cal.notice_period(date(2028, 9, 29), 3) == (date(2028, 9, 29), date(2028, 10, 8))
    assert cal.next_workday(date(2028, 10, 8)) == date(2028, 10, 9)


def test_policy_days_override_the_package():
    cal = WorkCalendar(extra_holidays=["2023-07-25"])
    assert not cal.is_workday(date(2023, 7, 25))
    assert cal.notice_period(date(2023, 7, 24), 5) == (date(2023, 7, 24), date(2023, 7, 31))


def test_a_day_both_off_and_worked_is_a_policy_error():
    with pytest.raises(ValueError, match="2023-07-25"):
        WorkCalendar(extra_holidays=["2023-07-25"], extra_workdays=[date(2023, 7, 25)])


def test_from_policy_reads_the_calendar_keys():
    class FakePolicy:
        def value(self, key):
            return {"calendar.extra_holidays": ["2030-01-01"], "calendar.extra_workdays": None}[key]

    cal = WorkCalendar.from_policy(FakePolicy())
    assert cal.covers(2030) and not cal.is_workday(date(2030, 1, 1))


def test_day_off_says_why_a_day_is_not_a_working_day():
    assert CAL.day_off(date(2025, 10, 3)) == "国庆节假期"
    assert CAL.day_off(date(2025, 10, 4)) == "国庆节假期"  # a Saturday inside the holiday
    assert CAL.day_off(date(2026, 2, 17)) == "春节假期"
    assert CAL.day_off(date(2026, 3, 7)) == "星期六，休息日"
    assert CAL.day_off(date(2024, 3, 10)) == "星期日，休息日"
    assert CAL.day_off(date(2025, 10, 11)) == ""  # a make-up Saturday (调休上班) works
    assert CAL.day_off(date(2026, 3, 9)) == ""
    assert WorkCalendar(extra_holidays=["2031-01-01"]).day_off(date(2031, 1, 1)) == "法定节假日"
    with pytest.raises(CalendarNotCovered):
        CAL.day_off(date(PACKAGE_LAST_YEAR + 5, 3, 10))
