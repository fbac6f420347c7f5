"""Calendar arithmetic of dynamic management: calendar months, years and Asia/Shanghai dates.

Art. 12 counts "1个月内" and Art. 11 "三年" in calendar units, not in days. A month added to a day that
the target month does not have lands on that month's last day (31 Jan + 1 month = 28 Feb, or 29 Feb in
a leap year; 31 Mar + 1 month = 30 Apr), which is also how 民法典 第二百零二条 counts a period that has
no corresponding day ("没有对应日的，月末日为期间的最后一日"). Years are twelve months, so 29 Feb + 3
years = 28 Feb by the same rule. (A last day that falls on a 法定休假日 then moves to the next working
day, 民法典 第二百零三条: that is `deadlines`, which needs the official calendar.)

All dates here are calendar dates in Asia/Shanghai (SPEC §2): a timestamp with a time zone is first
converted there, so 2027-03-10 23:30 Beijing time is 10 March even though it is 15:30 UTC.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

SHANGHAI = ZoneInfo("Asia/Shanghai")


def add_calendar_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """`day` plus `years` years; 29 Feb lands on 28 Feb in a common year (leap-day safe)."""
    return add_calendar_months(day, 12 * years)


def shanghai_date(value: object) -> date | None:
    """The Asia/Shanghai calendar date of a cell value; None for an empty cell.

    Accepts a `date`, a `datetime`/`pd.Timestamp` (naive ones are taken as Shanghai local time, which
    is what a typed DATE column holds) or an ISO string.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        value = pd.Timestamp(value.strip())
    if isinstance(value, datetime):  # pd.Timestamp is a datetime
        if value.tzinfo is not None:
            value = value.astimezone(SHANGHAI)
        return date(value.year, value.month, value.day)
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")


def shanghai_day(value: object, what: str) -> date:
    """`shanghai_date` of a cell that always holds a date (a certificate's valid_until)."""
    day = shanghai_date(value)
    if day is None:
        raise ValueError(f"{what} is empty")
    return day


def month_day_deadline(year: int, month_day: str) -> date:
    """The date `MM-DD` of `year`, e.g. ("03-10", 2027) → 2027-03-10 (the Art. 13 policy value)."""
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)
