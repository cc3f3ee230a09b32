"""Working-day arithmetic on the Chinese statutory calendar.

Every statutory deadline in the platform (7 working days for 双公示, 3 for a
repair decision, ...) is computed here, so the convention is fixed once:

* ``add_working_days(start, n)`` is the n-th working day *after* ``start``;
  the day of the event itself is not counted (a decision on Friday with a
  3-working-day limit is due the following Wednesday).
* ``working_days_between(start, end)`` counts working days in (start, end],
  so ``working_days_between(d, add_working_days(d, n)) == n``.

A day is a working day when the State Council's schedule says it is: a
weekday that is not a public holiday, or a weekend day adjusted to work (调休).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    adjusted_workdays: frozenset[dt.date] = field(default_factory=frozenset)
    # Years whose schedule is known; outside them only weekends are rest days.
    covered_years: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self):
        both = self.holidays & self.adjusted_workdays
        if both:
            day = min(both)
            raise ValueError(f"{day.isoformat()} 同时被设为节假日和调休工作日")

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.adjusted_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def is_covered(self, day: dt.date) -> bool:
        return day.year in self.covered_years

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        if n < 0:
            raise ValueError("工作日数不能为负数")
        day = start
        remaining = n
        while remaining:
            day += ONE_DAY
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        # Whole weeks hold 5 ordinary working days; only the adjustments and
        # the remainder need a day-by-day look, which keeps long spans cheap.
        span = (end - start).days
        weeks, rest = divmod(span, 7)
        count = weeks * 5
        day = start + dt.timedelta(days=weeks * 7)
        for _ in range(rest):
            day += ONE_DAY
            if day.weekday() < 5:
                count += 1
        for d in self.adjusted_workdays:
            if start < d <= end and d.weekday() >= 5:
                count += 1
        for d in self.holidays:
            if start < d <= end and d.weekday() < 5 and d not in self.adjusted_workdays:
                count -= 1
        return count
