"""Satisfaction ratings: the 满意率, the band a round's record takes, the rounds, the rule file."""
import copy
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import record_kinds, satisfaction

from ._data import rule_doc

DOC = rule_doc("satisfaction.yaml")
RULES = satisfaction.parse(DOC)
LEVELS = sorted(RULES.levels)
ratings = st.lists(st.tuples(st.sampled_from(LEVELS), st.sampled_from(["", "rectified", "explained", "unfounded"])),
                   max_size=60)


def test_five_levels_of_which_two_are_bad_reviews_and_every_band_is_a_record_subtype():
    assert [RULES.levels[v].name for v in (5, 4, 3, 2, 1)] == ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
    assert {v for v, level in RULES.levels.items() if level.bad} == {1, 2}
    kind = record_kinds.parse_kinds(rule_doc("record_kinds.yaml"))[RULES.record_kind]
    assert {b.subtype for b in RULES.bands} <= set(kind.subtypes)
    assert RULES.follow_up.working_days == 5 and "假定" in RULES.follow_up.source


def test_the_rate_counts_satisfied_levels_and_leaves_out_unfounded_bad_reviews():
    t = RULES.tally([(5, "")] * 17 + [(3, "")] * 2 + [(1, "")])
    assert (t.ratings, t.satisfied, t.bad, t.rate, t.subtype) == (20, 19, 1, Decimal("0.95"), "满意")
    t = RULES.tally([(5, "")] * 17 + [(3, "")] * 2 + [(1, ""), (2, "rectified")])
    assert t.rate == Decimal("0.9048") and t.subtype == "基本满意"
    assert RULES.tally([(5, "")] * 19 + [(1, "unfounded")]).rate == 1
    assert RULES.tally([(5, "")] * 9).subtype is None                          # fewer than 10
    assert RULES.tally([]).rate is None and RULES.tally([(1, "unfounded")]).ratings == 0


@given(ratings)
def test_the_rate_is_a_share_and_the_band_follows_it(items):
    t = RULES.tally(items)
    counted = [v for v, outcome in items if outcome != "unfounded"]
    assert t.ratings == len(counted) and t.satisfied + t.bad <= t.ratings
    if counted:
        assert 0 <= t.rate <= 1
        assert abs(t.rate - Decimal(t.satisfied) / len(counted)) <= Decimal("0.00005")
    if t.subtype is not None:
        band = next(b for b in RULES.bands if b.subtype == t.subtype)
        assert t.rate >= band.min_rate and not any(b.min_rate <= t.rate for b in RULES.bands if b.min_rate > band.min_rate)


@given(ratings, st.sampled_from(LEVELS))
def test_one_more_satisfied_rating_never_lowers_the_band(items, _):
    order = [b.subtype for b in RULES.bands]
    before, after = RULES.tally(items), RULES.tally(items + [(5, "")])
    if before.subtype is not None:
        assert order.index(after.subtype) <= order.index(before.subtype)


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)), st.sampled_from([1, 3, 6, 12]))
def test_rounds_cover_every_day_and_follow_one_another(day, months):
    r = satisfaction.parse({**DOC, "round": {**DOC["round"], "months": months}})
    start, end = r.round_of(day)
    assert start <= day <= end and start.day == 1
    assert r.round_of(end + dt.timedelta(days=1))[0] == end + dt.timedelta(days=1)
    assert r.round_of(start) == r.round_of(end) == (start, end)


def test_round_names():
    assert RULES.round_name(dt.date(2026, 7, 1)) == "2026年第3季度"
    half = satisfaction.parse({**DOC, "round": {**DOC["round"], "months": 6}})
    assert half.round_name(dt.date(2026, 7, 1)) == "2026年下半年"


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["levels"].append({"value": 5, "name": "重复"}), "不重复"),
    (lambda d: [lv.pop("bad", None) for lv in d["levels"]], "差评等级"),
    (lambda d: d["levels"][0].update(bad=True), "不能同时计入满意"),
    (lambda d: d["follow_up"].update(days=0), "follow_up.days"),
    (lambda d: d["follow_up"].update(source=""), "来源"),
    (lambda d: d.update(unfounded_outcome="nope"), "unfounded_outcome"),
    (lambda d: d["round"].update(months=4), "round.months"),
    (lambda d: d["round"]["bands"].pop(), "最低一档"),
    (lambda d: d["round"]["bands"][0].update(min_rate=1.5), "0到1之间"),
    (lambda d: d.pop("legal_basis"), "legal_basis"),
])
def test_a_broken_rule_file_is_refused_naming_the_place(mutate, message):
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(satisfaction.SatisfactionRuleError, match=message):
        satisfaction.parse(doc)
