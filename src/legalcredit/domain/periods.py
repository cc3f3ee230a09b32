"""Calendar periods counted the way Chinese law counts them.

民法典 Arts 201–202: a period counted in months or years starts the day
after the event, and its last day is the corresponding day of the final
month; where that month has no such day, its last day. So a 3-month period
from 2024-11-30 ends on 2025-02-28, and one from 2024-01-15 on 2024-04-15.
"""
from __future__ import annotations

import calendar
import datetime as dt


def add_months(start: dt.date, months: int) -> dt.date:
    """The last day of a ``months``-long period beginning after ``start``."""
    if months < 0:
        raise ValueError("月数不能为负数")
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(start.day, last))


def months_before(end: dt.date, months: int) -> dt.date:
    """The day ``months`` months before ``end`` (month-end clamped): the start of a look-back window."""
    if months < 0:
        raise ValueError("月数不能为负数")
    index = end.year * 12 + (end.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(end.day, calendar.monthrange(year, month)[1]))
