from __future__ import annotations

import threading
import time

from legalcredit.domain.workdays import WorkCalendar

from .models import CalendarDay

_CACHE_SECONDS = 300
_lock = threading.Lock()
_cached: tuple[float, WorkCalendar] | None = None


def work_calendar() -> WorkCalendar:
    """The working-day calendar every deadline uses.

    Cached per process for a few minutes: the schedule changes once a year,
    and a change made in the back office clears this process's copy at once
    (other processes pick it up when their copy expires).
    """
    global _cached
    with _lock:
        if _cached and time.monotonic() - _cached[0] < _CACHE_SECONDS:
            return _cached[1]
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    covered = frozenset(d.year for d in holidays)
    cal = WorkCalendar(frozenset(holidays), frozenset(workdays), covered)
    with _lock:
        _cached = (time.monotonic(), cal)
    return cal


def clear_calendar_cache() -> None:
    global _cached
    with _lock:
        _cached = None
