"""处罚报送 rules: which penalties a city files, and the last day to file one (3 working days from
its taking effect, 云司通〔2025〕23号 一（三）21), on the holiday calendar."""
import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.filings import LEVELS, FilingRuleError, parse

from .test_workdays import NATIONAL_DAY_2026

SHIPPED = yaml.safe_load((Path(__file__).parents[2] / "refdata" / "data" / "penalty_filings.yaml").read_text("utf-8"))
RULES = parse(SHIPPED)
days = st.dates(dt.date(2026, 8, 1), dt.date(2026, 12, 31))


def test_the_shipped_rules_file_city_and_county_penalties_within_three_working_days():
    assert RULES.deadline.working_days == 3 and not RULES.deadline.calendar
    assert RULES.refile.working_days == 3 and RULES.refile.key != RULES.deadline.key
    assert RULES.files("penalty", "city") and RULES.files("penalty", "county")
    assert not RULES.files("penalty", "province"), "the province is not told of its own decisions"
    assert RULES.files("penalty", ""), "an unknown level is filed rather than missed"
    assert not RULES.files("commendation", "city")
    assert RULES.is_settled("done") and RULES.is_settled("not_needed") and not RULES.is_settled("ongoing")
    assert RULES.without_note == {"not_needed"}, "无需整改 alone is stated without saying what was done"
    # A warning that took effect on Wednesday 30 Sep 2026: 1–7 Oct are holidays, 8 and 9 Oct
    # count, and Saturday 10 Oct is an adjusted working day.
    assert RULES.due(NATIONAL_DAY_2026, dt.date(2026, 9, 30)) == dt.date(2026, 10, 10)


@given(days, st.integers(0, 60))
def test_a_filing_is_late_exactly_when_it_comes_after_the_third_working_day(effective, after):
    filed = effective + dt.timedelta(days=after)
    due = RULES.due(NATIONAL_DAY_2026, effective)
    assert due > effective
    assert NATIONAL_DAY_2026.working_days_between(effective, due) == 3
    assert NATIONAL_DAY_2026.is_working_day(due)
    assert RULES.late(NATIONAL_DAY_2026, effective, filed) == (filed > due)
    # Filing the day the penalty took effect, or the next, is never late.
    assert not RULES.late(NATIONAL_DAY_2026, effective, effective + dt.timedelta(days=min(after, 1)))


@given(st.sampled_from(["penalty", "commendation", "discipline"]), st.sampled_from([*LEVELS, ""]),
       st.sets(st.sampled_from(LEVELS), min_size=1), st.booleans())
def test_a_kind_or_level_outside_the_rules_is_never_filed(kind, level, levels, unknown):
    rules = parse({**SHIPPED, "deciding_levels": sorted(levels), "file_unknown_level": unknown})
    assert rules.files(kind, level) == (kind == "penalty" and (level in levels if level else unknown))


@given(days, st.integers(1, 10))
def test_calendar_days_end_on_a_working_day(effective, n):
    rules = parse({**SHIPPED, "deadline": {**SHIPPED["deadline"], "days": n, "unit": "calendar"}})
    due = rules.due(NATIONAL_DAY_2026, effective)
    assert due >= effective + dt.timedelta(days=n) and NATIONAL_DAY_2026.is_working_day(due)


@pytest.mark.parametrize("change, message", [
    ({"record_kinds": []}, "record_kinds"),
    ({"deciding_levels": ["city", "township"]}, "deciding_levels"),
    ({"open_within_days": 0}, "open_within_days"),
    ({"deadline": {"name": "报送", "days": 3, "unit": "working"}}, "来源"),
    ({"receiver": ""}, "receiver"),
    ({"refile": {"name": "补报", "days": 0, "unit": "working", "source": "x"}}, "refile.days"),
    ({"settled": ["done", "ongoing", "not_started", "not_needed"]}, "settled"),
    ({"settled": ["finished"]}, "settled"),
    ({"file_unknown_level": "yes"}, "file_unknown_level"),
    ({"rectification": {"done": "已整改", "ongoing": "整改中"}}, "列表"),
    ({"rectification": [{"code": "done", "name": "已整改"}, {"code": "ongoing", "name": "整改中"},
                        {"code": "not_needed", "name": "无需", "note": "no"}]}, "note 须为"),
    ({"rectification": [{"code": "done", "name": "已整改"}, {"code": "done", "name": "整改中"}]}, "不能重复"),
])
def test_a_rule_file_that_cannot_be_applied_is_refused(change, message):
    with pytest.raises(FilingRuleError, match=message):
        parse({**SHIPPED, **change})
