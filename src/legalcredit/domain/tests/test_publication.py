import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import publication as pub
from legalcredit.domain.periods import add_months

from ._data import rule_doc

POLICY = pub.parse_policy(rule_doc("publication_policies.yaml"))
dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def test_month_end_clamps_as_the_civil_code_counts():
    assert add_months(dt.date(2024, 11, 30), 3) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 15), 3) == dt.date(2024, 4, 15)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


@pytest.mark.parametrize("severity,min_until,until,repair_from", [
    ("minor", None, dt.date(2025, 4, 15), dt.date(2025, 1, 15)),
    ("general", dt.date(2025, 4, 15), dt.date(2026, 1, 15), dt.date(2025, 4, 16)),
    ("serious", dt.date(2026, 1, 15), dt.date(2028, 1, 15), dt.date(2026, 1, 16)),
])
def test_2025_plan_periods(severity, min_until, until, repair_from):
    w = pub.window(dt.date(2025, 1, 15), severity, POLICY)
    assert (w.min_until, w.until, w.repair_from) == (min_until, until, repair_from)
    assert w.published and w.regime == "gbf-2025-22"
    assert str(until) in w.explanation


def test_several_penalty_types_take_the_longest_period():
    w = pub.window(dt.date(2025, 1, 15), "general", POLICY, penalty_types=["罚款", "吊销许可证件"])
    assert w.severity == "serious" and w.until == dt.date(2028, 1, 15)
    assert "吊销许可证件" in w.explanation


def test_2019_regime_leaves_minor_unpublished_and_serious_min_is_six_months():
    assert not pub.window(dt.date(2020, 3, 1), "minor", POLICY, regime="ndrc-2019-527").published
    w = pub.window(dt.date(2020, 3, 1), "serious", POLICY, regime="ndrc-2019-527")
    assert w.min_until == dt.date(2020, 9, 1)


def test_unknown_regime_is_refused():
    with pytest.raises(pub.PolicyError, match="未知的公示期限规则"):
        pub.window(dt.date(2020, 3, 1), "serious", POLICY, regime="nope")


def test_policy_with_max_below_min_is_refused():
    doc = rule_doc("publication_policies.yaml")
    doc["regimes"]["gbf-2025-22"]["periods"]["general"] = {"min_months": 12, "max_months": 3}
    with pytest.raises(pub.PolicyError, match="最长公示期短于最短公示期"):
        pub.parse_policy(doc)


@given(dates, st.sampled_from(pub.SEVERITIES), st.sampled_from(sorted(POLICY.regimes)),
       st.lists(st.sampled_from(sorted(POLICY.penalty_type_severity)), max_size=3))
def test_periods_never_end_before_they_start(day, severity, regime, types):
    w = pub.window(day, severity, POLICY, regime=regime, penalty_types=types)
    assert w.repair_from >= day
    if w.published:
        assert day <= w.until
        assert w.min_until is None or day <= w.min_until <= w.until
        assert w.is_public_on(day) and w.is_public_on(w.until)
        assert not w.is_public_on(w.until + dt.timedelta(days=1))


@given(dates, st.sampled_from(pub.SEVERITIES), st.sampled_from(pub.SEVERITIES))
def test_heavier_severity_never_publishes_for_less_time(day, a, b):
    lo, hi = sorted((a, b), key=pub.SEVERITIES.index)
    assert pub.window(day, lo, POLICY).until <= pub.window(day, hi, POLICY).until


@given(dates, st.integers(0, 600))
def test_add_months_lands_in_the_right_month(day, n):
    end = add_months(day, n)
    assert (end.year * 12 + end.month) - (day.year * 12 + day.month) == n
    assert end.day <= day.day
