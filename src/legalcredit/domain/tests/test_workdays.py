import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.workdays import WorkCalendar

# The State Council's 2026 National Day schedule: Oct 1-7 off, Sep 20 (Sun) and Oct 10 (Sat) worked.
NATIONAL_DAY_2026 = WorkCalendar(
    holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)),
    adjusted_workdays=frozenset({dt.date(2026, 9, 20), dt.date(2026, 10, 10)}),
    covered_years=frozenset({2026}))


def test_seven_working_days_across_the_national_day_holiday():
    assert NATIONAL_DAY_2026.add_working_days(dt.date(2026, 9, 30), 7) == dt.date(2026, 10, 15)


def test_adjusted_saturday_counts_and_holiday_weekday_does_not():
    cal = NATIONAL_DAY_2026
    assert cal.is_working_day(dt.date(2026, 10, 10))
    assert not cal.is_working_day(dt.date(2026, 10, 5))
    assert cal.working_days_between(dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4


def test_event_day_is_not_counted():
    cal = WorkCalendar()
    friday = dt.date(2026, 11, 20)
    assert cal.add_working_days(friday, 3) == dt.date(2026, 11, 25)
    assert cal.add_working_days(friday, 0) == friday


def test_a_day_cannot_be_both_holiday_and_workday():
    day = dt.date(2026, 1, 1)
    with pytest.raises(ValueError, match="同时"):
        WorkCalendar(frozenset({day}), frozenset({day}))


def test_negative_count_rejected():
    with pytest.raises(ValueError):
        WorkCalendar().add_working_days(dt.date(2026, 1, 1), -1)


dates = st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31))
calendars = st.builds(
    lambda hol, work: WorkCalendar(frozenset(hol - work), frozenset(d for d in work if d.weekday() >= 5)),
    st.sets(dates, max_size=40), st.sets(dates, max_size=10))


@given(calendars, dates, st.integers(0, 400))
def test_count_between_inverts_add(cal, start, n):
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    if n:
        assert cal.is_working_day(end)


@given(calendars, dates, dates)
def test_count_between_matches_day_by_day(cal, a, b):
    lo, hi = min(a, b), max(a, b)
    expected = sum(cal.is_working_day(lo + dt.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert cal.working_days_between(lo, hi) == expected
    assert cal.working_days_between(hi, lo) == -expected


@given(calendars, dates, st.integers(0, 100), st.integers(0, 100))
def test_add_is_monotonic_and_composes(cal, start, m, n):
    assert cal.add_working_days(start, m + n) == cal.add_working_days(cal.add_working_days(start, m), n)
    if m < n:
        assert cal.add_working_days(start, m) < cal.add_working_days(start, n)
