"""Complaint alerts: which gatherings of complaints raise one, under the rules of complaints.yaml."""
import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import complaint_alerts as alerts
from legalcredit.domain import complaints

from ._data import rule_doc

DOC = rule_doc("complaints.yaml")
RULES = complaints.parse(DOC).alerts
TODAY = dt.date(2026, 12, 7)


def rule(measure="complaints", threshold=3, days=90):
    return alerts.AlertRule("r", "测试", measure, threshold, days, False, "约谈", "假定")


def c(i, days_ago, who=None, upheld_days_ago=None):
    return alerts.Complaint(i, TODAY - dt.timedelta(days=days_ago), who or f"投诉人{i}",
                            None if upheld_days_ago is None else TODAY - dt.timedelta(days=upheld_days_ago))


def test_every_rule_states_its_source_and_what_it_counts():
    assert set(RULES) == {"concentrated", "group", "repeated_upheld", "institution"}
    assert all(r.source.strip() and r.advice.strip() for r in RULES.values())
    assert RULES["institution"].include_members and not RULES["concentrated"].include_members
    assert RULES["concentrated"].describe() == "同一主体90日内不同投诉人数达到3"


def test_three_complaints_within_the_window_raise_an_alert_and_two_do_not():
    r = rule()
    assert alerts.fullest_window(r, [c(1, 80), c(2, 30)], today=TODAY) is None
    w = alerts.fullest_window(r, [c(1, 80), c(2, 30), c(3, 0)], today=TODAY)
    assert w.count == 3 and w.complaint_ids == (1, 2, 3)
    assert (w.start, w.end) == (TODAY - dt.timedelta(days=80), TODAY)


def test_the_window_counts_both_ends_and_no_more():
    r = rule(days=90)
    # 89 days apart: both in one 90-day window; 90 days apart: not.
    assert alerts.fullest_window(r, [c(1, 89), c(2, 50), c(3, 0)], today=TODAY).count == 3
    assert alerts.fullest_window(r, [c(1, 90), c(2, 50), c(3, 0)], today=TODAY) is None


def test_a_burst_long_past_raises_nothing_today():
    r = rule(days=30)
    old = [c(1, 400), c(2, 399), c(3, 398)]
    assert alerts.fullest_window(r, old, today=TODAY) is None
    assert alerts.fullest_window(r, old, today=TODAY - dt.timedelta(days=380)).count == 3


def test_one_complainant_writing_again_is_not_several_complainants():
    r = rule(measure="complainants")
    same = [c(1, 10, "张 三"), c(2, 5, "张三"), c(3, 1, "张\u3000三 ")]
    assert alerts.fullest_window(rule(), same, today=TODAY).count == 3
    assert alerts.fullest_window(r, same + [c(4, 0, "李四")], today=TODAY) is None
    assert alerts.fullest_window(r, same + [c(4, 0, "李四"), c(5, 0, "王五")], today=TODAY).count == 3
    assert alerts.complainant_key("ＬＩ　Ｓｉ") == alerts.complainant_key("li si")


def test_upheld_complaints_count_on_the_day_they_were_found_true():
    r = rule(measure="upheld", threshold=2, days=365)
    found = [c(1, 500, upheld_days_ago=300), c(2, 200, upheld_days_ago=100), c(3, 10)]
    w = alerts.fullest_window(r, found, today=TODAY)
    assert w.complaint_ids == (1, 2) and w.count == 2


def test_after_an_alert_is_handled_only_later_complaints_count():
    r = rule()
    pool = [c(1, 20), c(2, 15), c(3, 10)]
    assert alerts.fullest_window(r, pool, today=TODAY, after=TODAY - dt.timedelta(days=15)) is None
    later = pool + [c(4, 5), c(5, 1)]
    assert alerts.fullest_window(r, later, today=TODAY, after=TODAY - dt.timedelta(days=15)).complaint_ids == (3, 4, 5)


days_ago = st.integers(min_value=0, max_value=400)
pools = st.lists(st.tuples(days_ago, st.sampled_from("甲乙丙丁戊")), max_size=25).map(
    lambda xs: [c(i, d, who) for i, (d, who) in enumerate(xs)])
rules = st.builds(rule, measure=st.sampled_from(["complaints", "complainants"]),
                  threshold=st.integers(2, 6), days=st.integers(1, 120))


@given(rules, pools)
def test_an_alert_window_is_current_full_enough_and_no_longer_than_the_rule(r, pool):
    w = alerts.fullest_window(r, pool, today=TODAY)
    if w is None:
        return
    dates = {p.id: p.received_on for p in pool}
    inside = [dates[i] for i in w.complaint_ids]
    assert w.count >= r.threshold and (w.start, w.end) == (min(inside), max(inside))
    assert (w.end - w.start).days < r.days and w.end >= TODAY - dt.timedelta(days=r.days - 1)
    # Every complaint of the pool dated within the window is in it.
    assert set(w.complaint_ids) == {p.id for p in pool if w.start <= p.received_on <= w.end}


@given(rules, pools, days_ago)
def test_another_complaint_never_takes_an_alert_away(r, pool, extra):
    before = alerts.fullest_window(r, pool, today=TODAY)
    after = alerts.fullest_window(r, pool + [c(999, extra)], today=TODAY)
    if before is not None:
        assert after is not None and after.count >= before.count


@given(rules, pools)
def test_the_alert_is_raised_exactly_when_some_current_window_reaches_the_threshold(r, pool):
    """Against a brute force over the window ending on each day of the last ``days`` days, counted
    when it holds a complaint of those days."""
    def count(items):
        return len({alerts.complainant_key(p.complainant) for p in items}) if r.measure == "complainants" \
            else len(items)

    recent = TODAY - dt.timedelta(days=r.days - 1)
    windows = ([p for p in pool if end - dt.timedelta(days=r.days - 1) <= p.received_on <= end]
               for end in (TODAY - dt.timedelta(days=k) for k in range(r.days)))
    reached = any(count(w) >= r.threshold for w in windows if any(p.received_on >= recent for p in w))
    assert (alerts.fullest_window(r, pool, today=TODAY) is not None) == reached


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["alerts"]["group"].update(measure="people"), "alerts.group.measure"),
    (lambda d: d["alerts"]["group"].update(threshold=1), "至少为2"),
    (lambda d: d["alerts"]["group"].update(days=0), "alerts.group.days"),
    (lambda d: d["alerts"]["group"].update(days="七"), "alerts.group.days"),
    (lambda d: d["alerts"]["concentrated"].pop("source"), "alerts.concentrated.source"),
    (lambda d: d.pop("alert_responses"), "alert_responses"),
])
def test_a_broken_alert_rule_is_refused_naming_the_place(mutate, message):
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(complaints.ComplaintRuleError, match=message):
        complaints.parse(doc)


def test_a_province_may_turn_alerts_off():
    doc = copy.deepcopy(DOC)
    doc.pop("alerts")
    doc.pop("alert_responses")
    assert complaints.parse(doc).alerts == {}
