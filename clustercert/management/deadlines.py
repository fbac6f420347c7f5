"""The last day of a deadline of dynamic management, and 民法典 第二百零三条.

Art. 12's one-month filing and Art. 13's 10 March report are first counted on the calendar as is
(calendar months, month ends clamped: 第二百零一条、第二百零二条; see `calendar_months`). 民法典
第二百零三条 then says: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日". With the
policy parameter `deadlines.holiday_extension` on (the default), a last day that is not a working day
on the official calendar (`clustercert.workdays.WorkCalendar`) moves to the next working day.

法定休假日 is read as every day that is not a working day on the official calendar: the statutory
holidays (法定节假日) *and* the weekly rest days (休息日, Saturday and Sunday), as Chinese practice counts
a period's end; a Saturday or Sunday that the State Council makes a working day (调休上班) is a working
day and moves nothing. A year the calendar does not cover raises `CalendarNotCovered`: the run stops
with that message rather than guess the year's holidays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from clustercert.policy import Policy
from clustercert.workdays import CalendarNotCovered, WorkCalendar

ARTICLE = "民法典第二百零三条"
HOLIDAY_EXTENSION = "deadlines.holiday_extension"  # policy id


@dataclass(frozen=True)
class Deadline:
    """A deadline's last day: as counted on the calendar (`nominal`) and as in force (`due`)."""

    nominal: date
    due: date
    day_off: str = ""  # why `nominal` is not a working day ("星期六，休息日", "春节假期"), when it moved

    @property
    def moved(self) -> bool:
        return self.due != self.nominal

    def note(self) -> str:
        """The Chinese sentence a report shows when the deadline moved ("" when it did not)."""
        if not self.moved:
            return ""
        return (
            f"期限末日{self.nominal.isoformat()}为法定休假日（{self.day_off}），"
            f"依{ARTICLE}顺延至{self.due.isoformat()}"
        )


@dataclass(frozen=True)
class DeadlineRule:
    """How a last day is fixed: on the calendar as is (`calendar` None) or moved past days off."""

    calendar: WorkCalendar | None = None

    @classmethod
    def from_policy(cls, policy: Policy) -> DeadlineRule:
        if not bool(policy.value(HOLIDAY_EXTENSION)):
            return cls(None)
        return cls(WorkCalendar.from_policy(policy))

    @property
    def extends(self) -> bool:
        return self.calendar is not None

    def last_day(self, nominal: date) -> Deadline:
        """The deadline whose calendar last day is `nominal`; raises `CalendarNotCovered`."""
        if self.calendar is None:
            return Deadline(nominal, nominal)
        due = self.calendar.workday_on_or_after(nominal)
        return Deadline(nominal, due, self.calendar.day_off(nominal) if due != nominal else "")

    def first_gap(self, nominal_days: Iterable[date]) -> CalendarNotCovered | None:
        """The calendar gap that fixing these last days would hit, or None: a check before a run."""
        for day in sorted(set(nominal_days)):
            try:
                self.last_day(day)
            except CalendarNotCovered as gap:
                return gap
        return None


AS_IS = DeadlineRule(None)  # the calendar as is: what the domain functions assume unless told
