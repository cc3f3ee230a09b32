"""Working-day clocks for every case the platform handles (repair, objections, commitments, listings).

Pure: no Django. A clock starts on an event day, runs for N working days on the holiday calendar,
and stops counting while it is paused (补正: the officer waits for the applicant's materials).
The conventions follow ``workdays``: the event day itself is not counted, and a pause from P to R
(materials asked for on P, received on R) removes the working days in (P, R] from the count, so
the clock resumes with the days it had left on P.

A few limits are set in calendar days (a complaint closed within 60 日). Those count every day, and
a last day that falls on a rest day or holiday moves to the next working day (民法典 Art 203: 期间的
最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from .workdays import ONE_DAY, WorkCalendar

STATES = {"paused": "暂停计时（补正中）", "open": "办理中", "due_soon": "即将到期", "overdue": "已逾期",
          "stopped": "已办结"}


@dataclass(frozen=True)
class Pause:
    start: dt.date
    end: dt.date | None = None     # None: still paused

    def covers(self, day: dt.date) -> bool:
        return self.start < day and (self.end is None or day <= self.end)


def check_pauses(started: dt.date, pauses: Sequence[Pause]) -> None:
    last = started
    for i, p in enumerate(pauses):
        if p.start < last:
            raise ValueError("补正暂停须在计时开始之后、且不得与前一次暂停重叠")
        if p.end is not None and p.end < p.start:
            raise ValueError("补正收到日不得早于发出补正通知日")
        if p.end is None and i != len(pauses) - 1:
            raise ValueError("只有最后一次补正可以尚未收到材料")
        last = p.end or p.start


def due_on(cal: WorkCalendar, started: dt.date, days: int, pauses: Sequence[Pause] = (), *,
           calendar: bool = False) -> dt.date | None:
    """The last day of the time limit (``days`` working days, or calendar days when ``calendar``),
    or None while the clock is paused."""
    if days < 0:
        raise ValueError("期限天数不能为负数")
    check_pauses(started, pauses)
    if pauses and pauses[-1].end is None:
        return None
    day, left = started, days
    while left:
        day += ONE_DAY
        if (calendar or cal.is_working_day(day)) and not any(p.covers(day) for p in pauses):
            left -= 1
    if calendar and days:
        while not cal.is_working_day(day):
            day += ONE_DAY
    return day


def span(days: int, calendar: bool = False) -> str:
    """A time limit as officers read it: 10个工作日, 60日."""
    return f"{days}日" if calendar else f"{days}个工作日"


def state(cal: WorkCalendar, due: dt.date | None, today: dt.date, *, remind_before: int,
          stopped: bool = False) -> str:
    """One of STATES. ``due_soon``: ``remind_before`` working days or fewer remain."""
    if stopped:
        return "stopped"
    if due is None:
        return "paused"
    if today > due:
        return "overdue"
    if cal.working_days_between(today, due) <= remind_before:
        return "due_soon"
    return "open"


def remind_from(cal: WorkCalendar, due: dt.date, remind_before: int) -> dt.date:
    """The first day a reminder is due: ``remind_before`` working days before the last day."""
    day, left = due, remind_before
    while left:
        day -= ONE_DAY
        if cal.is_working_day(day):
            left -= 1
    return day


def due_soon_bound(cal: WorkCalendar, today: dt.date, remind_before: int) -> dt.date:
    """Exclusive bound for a query: a clock is ``due_soon`` or overdue exactly when its last day is
    before this date (the (remind_before + 1)-th working day after today)."""
    return cal.add_working_days(today, remind_before + 1)
