"""The monthly access review: which reads of non-public data stand out, under access_review.yaml."""
import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import access_review as review

from ._data import rule_doc

DOC = rule_doc("access_review.yaml")
RULES = review.parse(DOC)
# 2026-10-01..07 is the National Day holiday, 2026-10-10 (a Saturday) no adjusted workday here.
HOLIDAYS = {dt.date(2026, 10, d) for d in range(1, 8)}


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in HOLIDAYS


def read(i, at, actor=1, subjects=1, full=False):
    return review.Read(i, actor, f"officer{actor}", at, subjects, full)


def at(day, hour, minute=0):
    return dt.datetime(2026, 10, day, hour, minute)


def test_the_shipped_rules_say_what_they_assess_and_leave_the_departments_systems_out():
    assert RULES.volume_subjects == 300 and RULES.full_id_per_day == 20 and RULES.due_working_days == 10
    assert (RULES.work_from, RULES.work_to) == (dt.time(7, 30), dt.time(20, 0))
    assert "department" in RULES.exclude_roles and "第24项" in RULES.source


def test_a_day_of_ordinary_reads_in_office_hours_raises_nothing():
    reads = [read(i, at(12, 9, i)) for i in range(50)] + [read(99, at(12, 19, 59), subjects=200)]
    assert review.findings(reads, RULES, is_working_day) == []


def test_reading_more_subjects_than_the_rule_allows_in_one_day_is_a_finding():
    reads = [read(1, at(12, 9), subjects=200), read(2, at(12, 10), subjects=101), read(3, at(13, 10), subjects=300)]
    [f] = review.findings(reads, RULES, is_working_day)
    assert (f.rule, f.day, f.count, f.entry_ids) == ("volume", dt.date(2026, 10, 12), 301, (1, 2))
    assert f.detail == "当日查阅301个主体（2次），超过300个"


def test_reads_at_night_or_on_a_holiday_are_findings_with_their_times():
    reads = [read(1, at(12, 7, 29)), read(2, at(12, 7, 30)), read(3, at(12, 20, 0)), read(4, at(3, 10))]
    holiday, night = review.findings(reads, RULES, is_working_day)   # in day order
    assert (holiday.day, holiday.count, holiday.detail) == (dt.date(2026, 10, 3), 1, "非工作日查阅1次（首次10:00，末次10:00）")
    assert (night.day, night.count, night.entry_ids) == (dt.date(2026, 10, 12), 2, (1, 3))
    assert night.detail == "07:30至20:00以外查阅2次（首次07:29，末次20:00）"


def test_many_full_id_numbers_in_a_day_is_a_finding_and_each_account_is_assessed_alone():
    mine = [read(i, at(12, 10), full=True) for i in range(21)]
    theirs = [read(100 + i, at(12, 10), actor=2, full=True) for i in range(20)]
    [f] = review.findings(mine + theirs, RULES, is_working_day)
    assert (f.rule, f.actor_id, f.count, len(f.entry_ids)) == ("full_id_number", 1, 21, review.SAMPLE)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(due_working_days=0), "due_working_days"),
    (lambda d: d["rules"]["volume"].update(subjects_per_day="many"), "volume.subjects_per_day：应为正整数"),
    (lambda d: d["rules"]["off_hours"].update(work_from="25:00"), "off_hours.work_from"),
    (lambda d: d["rules"]["off_hours"].update(work_from="21:00"), "work_from 须早于 work_to"),
    (lambda d: d["rules"]["off_hours"].pop("work_to"), "须规定 work_from 与 work_to"),
    (lambda d: d["rules"].update(weekends={}), "未知的审查规则“weekends”"),
])
def test_rules_with_a_mistake_are_refused(edit, message):
    doc = copy.deepcopy(DOC)
    edit(doc)
    with pytest.raises(ValueError, match=message):
        review.parse(doc)


reads_strategy = st.lists(
    st.builds(lambda i, actor, day, minute, subjects, full: read(i, dt.datetime(2026, 10, day) + dt.timedelta(minutes=minute),
                                                                 actor, subjects, full),
              st.integers(1, 10**6), st.integers(1, 3), st.integers(1, 14), st.integers(0, 24 * 60 - 1),
              st.integers(1, 200), st.booleans()),
    max_size=80, unique_by=lambda r: r.entry_id)


@given(reads_strategy)
def test_each_finding_is_exactly_what_its_rule_counts(reads):
    found = review.findings(reads, RULES, is_working_day)
    assert len({(f.actor_id, f.rule, f.day) for f in found}) == len(found)
    for actor in {r.actor_id for r in reads}:
        for day in {r.at.date() for r in reads if r.actor_id == actor}:
            rs = [r for r in reads if r.actor_id == actor and r.at.date() == day]
            expected = {}
            if sum(r.subjects for r in rs) > RULES.volume_subjects:
                expected["volume"] = sum(r.subjects for r in rs)
            late = [r for r in rs if not is_working_day(day) or not RULES.work_from <= r.at.time() < RULES.work_to]
            if late:
                expected["off_hours"] = len(late)
            if sum(r.full_id_number for r in rs) > RULES.full_id_per_day:
                expected["full_id_number"] = sum(r.full_id_number for r in rs)
            got = {f.rule: f.count for f in found if f.actor_id == actor and f.day == day}
            assert got == expected
            # Each finding names the earliest of the reads it counts, for the reviewer to open.
            counted = {"volume": rs, "off_hours": late, "full_id_number": [r for r in rs if r.full_id_number]}
            for f in found:
                if f.actor_id == actor and f.day == day:
                    earliest = sorted(counted[f.rule], key=lambda r: (r.at, r.entry_id))[:review.SAMPLE]
                    assert f.entry_ids == tuple(r.entry_id for r in earliest)


@given(reads_strategy, reads_strategy)
def test_more_reads_never_take_a_finding_away(reads, more):
    more = [r for r in more if r.entry_id not in {x.entry_id for x in reads}]
    before = {(f.actor_id, f.rule, f.day) for f in review.findings(reads, RULES, is_working_day)}
    after = {(f.actor_id, f.rule, f.day) for f in review.findings(reads + more, RULES, is_working_day)}
    assert before <= after
