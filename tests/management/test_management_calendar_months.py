"""Calendar months, years and Asia/Shanghai dates (cases in cases/calendar_months.yaml)."""

import pytest
from management_fixtures import case_ids, load_cases

from clustercert.management.calendar_months import (
    add_calendar_months,
    add_years,
    month_day_deadline,
    shanghai_date,
)

TABLE = load_cases("calendar_months.yaml")


@pytest.mark.parametrize("case", TABLE["add_calendar_months"], ids=case_ids(TABLE["add_calendar_months"]))
def test_add_calendar_months(case):
    assert add_calendar_months(case["day"], case["months"]) == case["expected"]


@pytest.mark.parametrize("case", TABLE["add_years"], ids=case_ids(TABLE["add_years"]))
def test_add_years(case):
    assert add_years(case["day"], case["years"]) == case["expected"]


@pytest.mark.parametrize("case", TABLE["shanghai_date"], ids=case_ids(TABLE["shanghai_date"]))
def test_shanghai_date(case):
    assert shanghai_date(case["value"]) == case["expected"]


def test_monitoring_deadline_is_read_from_month_day():
    assert month_day_deadline(2027, "03-10").isoformat() == "2027-03-10"
