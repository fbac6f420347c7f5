"""The official Chinese working-day calendar: statutory holidays and make-up working days (调休).

Periods the regulation's process counts in working days (the Art. 10 public notice, SPEC §5) are
counted on this calendar, never on Mon–Fri alone: a notice that spans 国庆 skips the holiday and
counts a make-up Saturday or Sunday.

The State Council publishes next year's schedule each November. The maintained `chinese_calendar`
package carries the published years; for a year it does not carry yet, the policy file may list that
year's days (`calendar.extra_holidays` / `calendar.extra_workdays`). A date in a year known to
neither raises `CalendarNotCovered`: the run stops with that message rather than guess a schedule.

Extra days also override the package for a year it does cover (a correction or a regional day off).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from chinese_calendar import constants as _official

PACKAGE_FIRST_YEAR: int = min(_official.holidays).year
PACKAGE_LAST_YEAR: int = max(_official.holidays).year

# A search for the next working day never needs more than a Spring Festival's worth of days off;
# a longer run of non-working days means the extra_holidays list is wrong.
_MAX_CONSECUTIVE_DAYS_OFF = 31

_HOLIDAY_NAMES = {h.value: h.chinese for h in _official.Holiday}  # "Spring Festival" → 春节
_WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class CalendarNotCovered(Exception):
    """A date falls in a year whose official holiday schedule nobody has given us (SPEC §5)."""

    def __init__(self, year: int) -> None:
        self.year = year
        super().__init__(
            f"{year}年法定节假日安排尚未收录：请在政策文件 calendar.extra_holidays / extra_workdays 中补充当年安排"
            f" (the official holiday schedule for {year} is not known: the calendar package covers "
            f"{PACKAGE_FIRST_YEAR}–{PACKAGE_LAST_YEAR}; list {year}'s holidays and make-up working days "
            "in the policy file under calendar.extra_holidays / calendar.extra_workdays)"
        )


class _PolicyLike(Protocol):
    def value(self, key: str) -> Any: ...


def _as_date(value: date | str) -> date:
    """Policy files give ISO strings or, through YAML, date objects."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip())


@dataclass(frozen=True, init=False)
class WorkCalendar:
    """Working days on the official calendar, plus the policy's extra days for uncovered years."""

    extra_holidays: frozenset[date]
    extra_workdays: frozenset[date]

    def __init__(self, extra_holidays: Iterable[date | str] = (), extra_workdays: Iterable[date | str] = ()):
        holidays = frozenset(_as_date(d) for d in extra_holidays or ())
        workdays = frozenset(_as_date(d) for d in extra_workdays or ())
        both = sorted(holidays & workdays)
        if both:
            # A configuration bug in the policy file, not a data problem: fail loudly.
            raise ValueError(
                "calendar.extra_holidays 与 calendar.extra_workdays 含有相同日期："
                + "、".join(d.isoformat() for d in both)
            )
        object.__setattr__(self, "extra_holidays", holidays)
        object.__setattr__(self, "extra_workdays", workdays)

    @classmethod
    def from_policy(cls, policy: _PolicyLike) -> WorkCalendar:
        """The thin adapter: a `Policy` (or anything with `.value(key)`) → calendar."""
        return cls(
            extra_holidays=policy.value("calendar.extra_holidays") or (),
            extra_workdays=policy.value("calendar.extra_workdays") or (),
        )

    # -- coverage ------------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        """True when the package carries the year, or the policy lists at least one day of it."""
        if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
            return True
        return any(d.year == year for d in self.extra_holidays | self.extra_workdays)

    def _check(self, day: date) -> None:
        if not self.covers(day.year):
            raise CalendarNotCovered(day.year)

    # -- single days ---------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        """Official working day: a make-up day works, a statutory holiday rests, else Mon–Fri work."""
        day = _as_date(day)
        self._check(day)
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        if day in _official.workdays:
            return True
        if day in _official.holidays:
            return False
        return day.weekday() < 5

    def day_off(self, day: date) -> str:
        """Why `day` is not a working day, in Chinese ("春节假期", "星期六，休息日"); "" for a working day.

        A statutory holiday (法定节假日) and a weekend rest day (休息日) are both 法定休假日; a make-up
        Saturday (调休上班) is a working day and so neither.
        """
        day = _as_date(day)
        if self.is_workday(day):
            return ""
        if day in self.extra_holidays:
            return "法定节假日"
        name = _official.holidays.get(day)
        if name is not None:
            return f"{_HOLIDAY_NAMES.get(name, name)}假期"
        return f"{_WEEKDAYS[day.weekday()]}，休息日"

    def workday_on_or_after(self, day: date) -> date:
        """`day` itself when it is a working day, else the next one."""
        current = _as_date(day)
        for _ in range(_MAX_CONSECUTIVE_DAYS_OFF + 1):
            if self.is_workday(current):
                return current
            current += timedelta(days=1)
        raise ValueError(
            f"{_as_date(day).isoformat()} 之后连续 {_MAX_CONSECUTIVE_DAYS_OFF} 天均非工作日：请检查日历设置"
        )

    def next_workday(self, day: date) -> date:
        """The first working day strictly after `day` (e.g. the day after a notice period ends)."""
        return self.workday_on_or_after(_as_date(day) + timedelta(days=1))

    # -- periods -------------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (`start` itself is not counted; n = 0 gives `start`)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        current = _as_date(start)
        for _ in range(n):
            current = self.next_workday(current)
        return current

    def notice_period(self, start: date, n: int) -> tuple[date, date]:
        """A period of n working days that opens on the first working day on or after `start`.

        Returns (first_day, last_day), both working days; the period holds exactly n working days.
        """
        if n < 1:
            raise ValueError(f"a notice period needs at least one working day, got {n}")
        first = self.workday_on_or_after(start)
        return first, self.add_working_days(first, n - 1)

    def working_days_between(self, first: date, last: date) -> int:
        """How many working days lie in [first, last], both included (0 when last < first)."""
        first, last = _as_date(first), _as_date(last)
        count, current = 0, first
        while current <= last:
            count += self.is_workday(current)
            current += timedelta(days=1)
        return count
