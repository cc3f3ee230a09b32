import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.deadlines import Pause, due_on, due_soon_bound, state
from legalcredit.domain.workdays import WorkCalendar

from .test_workdays import NATIONAL_DAY_2026

days = st.dates(dt.date(2026, 8, 1), dt.date(2026, 12, 31))
limits = st.integers(0, 30)


def test_three_working_days_after_acceptance_skip_the_national_day_holiday():
    # Accepted on Wednesday 30 Sep: 1–7 Oct are holidays; 8 and 9 Oct count, and so does Saturday
    # 10 Oct, an adjusted working day.
    assert due_on(NATIONAL_DAY_2026, dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_supplement_pauses_the_clock_and_resumes_with_the_days_left():
    cal = WorkCalendar()
    accepted = dt.date(2026, 11, 2)                       # Monday; 3 working days → Thursday 5 Nov
    assert due_on(cal, accepted, 3) == dt.date(2026, 11, 5)
    # One day used (Tue 3 Nov), 补正 asked on Tuesday, materials back on Monday 9 Nov: two days left.
    pauses = [Pause(dt.date(2026, 11, 3), dt.date(2026, 11, 9))]
    assert due_on(cal, accepted, 3, pauses) == dt.date(2026, 11, 11)
    assert due_on(cal, accepted, 3, [Pause(dt.date(2026, 11, 3))]) is None


def test_states_from_the_officers_view():
    cal = WorkCalendar()
    due = dt.date(2026, 11, 25)                            # Wednesday
    assert state(cal, due, dt.date(2026, 11, 20), remind_before=1) == "open"
    assert state(cal, due, dt.date(2026, 11, 24), remind_before=1) == "due_soon"
    assert state(cal, due, dt.date(2026, 11, 25), remind_before=1) == "due_soon"
    assert state(cal, due, dt.date(2026, 11, 26), remind_before=1) == "overdue"
    assert state(cal, None, dt.date(2026, 11, 26), remind_before=1) == "paused"


def test_overlapping_or_unfinished_earlier_pauses_are_refused():
    cal = WorkCalendar()
    with pytest.raises(ValueError, match="重叠"):
        due_on(cal, dt.date(2026, 11, 2), 3, [Pause(dt.date(2026, 11, 3), dt.date(2026, 11, 6)),
                                              Pause(dt.date(2026, 11, 5), dt.date(2026, 11, 9))])
    with pytest.raises(ValueError, match="最后一次"):
        due_on(cal, dt.date(2026, 11, 2), 3, [Pause(dt.date(2026, 11, 3)), Pause(dt.date(2026, 11, 5))])


@given(days, limits)
def test_without_pauses_the_clock_is_plain_working_day_arithmetic(start, n):
    assert due_on(NATIONAL_DAY_2026, start, n) == NATIONAL_DAY_2026.add_working_days(start, n)


@given(days, limits, st.integers(0, 40), st.integers(0, 40))
def test_a_pause_never_brings_the_deadline_forward_and_counts_only_what_it_covers(start, n, gap, length):
    cal = NATIONAL_DAY_2026
    p = Pause(start + dt.timedelta(days=gap), start + dt.timedelta(days=gap + length))
    plain, paused = due_on(cal, start, n), due_on(cal, start, n, [p])
    assert paused >= plain
    # The deadline moves by exactly the working days paused before it was reached.
    lost = sum(1 for i in range(1, (paused - start).days + 1)
               if p.covers(start + dt.timedelta(days=i)) and cal.is_working_day(start + dt.timedelta(days=i)))
    assert cal.working_days_between(start, paused) - lost == n


@given(days, days, st.integers(0, 5))
def test_the_query_bound_agrees_with_the_state(today, due, remind):
    cal = NATIONAL_DAY_2026
    flagged = state(cal, due, today, remind_before=remind) in ("due_soon", "overdue")
    assert flagged == (due < due_soon_bound(cal, today, remind))


def test_a_calendar_day_limit_ending_in_the_national_day_holiday_ends_after_it():
    # 60 日 from 2 Aug 2026 end on 1 Oct, a holiday: the limit runs to 8 Oct, the first working day
    # after the holiday (民法典 Art 203).
    assert due_on(NATIONAL_DAY_2026, dt.date(2026, 8, 2), 60, calendar=True) == dt.date(2026, 10, 8)
    # Ending on a working day, it is plain date arithmetic, weekends and holidays included.
    assert due_on(NATIONAL_DAY_2026, dt.date(2026, 9, 1), 60, calendar=True) == dt.date(2026, 10, 31) + dt.timedelta(
        days=2)   # 31 Oct is a Saturday: Monday 2 Nov


@given(days, st.integers(1, 90), st.integers(0, 40), st.integers(0, 40))
def test_calendar_day_limits_count_every_day_not_paused_and_end_on_a_working_day(start, n, gap, length):
    cal = NATIONAL_DAY_2026
    plain = due_on(cal, start, n, calendar=True)
    assert cal.is_working_day(plain)
    assert plain >= start + dt.timedelta(days=n)
    # Moved only past rest days: every day between the nominal end and the last day is one.
    assert all(not cal.is_working_day(start + dt.timedelta(days=d)) for d in range(n, (plain - start).days))
    p = Pause(start + dt.timedelta(days=gap), start + dt.timedelta(days=gap + length))
    paused = due_on(cal, start, n, [p], calendar=True)
    assert paused >= plain
    counted = sum(1 for i in range(1, (paused - start).days + 1) if not p.covers(start + dt.timedelta(days=i)))
    assert counted >= n
