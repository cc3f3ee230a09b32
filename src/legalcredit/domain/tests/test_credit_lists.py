"""The measures catalogue: which measures a matter gets, and the documents it refuses."""
import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import credit_lists, periods

DOC = yaml.safe_load((Path(__file__).resolve().parents[2] / "refdata" / "data" / "credit_lists.yaml").read_text())
CAT = credit_lists.parse(DOC)


def codes(found):
    return [m.code for m, _ in found]


def test_a_listed_subject_is_kept_out_of_procurement_and_says_why():
    found = CAT.triggered("procurement", ["serious_dishonesty"], "routine")
    assert codes(found) == ["restrict_procurement"]
    measure, why = found[0]
    assert why == "严重失信主体名单" and "政府采购法" in measure.legal_basis and measure.list_item


def test_an_honor_listed_subject_gets_incentives_and_a_grade_alone_can_trigger_supervision():
    assert codes(CAT.triggered("approval", ["honor"], "optimized")) == ["green_channel", "tolerate_missing"]
    assert codes(CAT.triggered("inspection", [], "key")) == ["key_supervision"]
    assert codes(CAT.triggered("inspection", [], "optimized")) == ["fewer_inspections"]
    assert CAT.triggered("procurement", [], "routine") == []


@given(st.sampled_from(sorted(CAT.matter_types)), st.sets(st.sampled_from(sorted(CAT.lists))),
       st.sampled_from(sorted(CAT.lists)), st.sampled_from([None, *credit_lists.SUPERVISION]))
def test_measures_come_only_from_the_subjects_lists_and_a_further_listing_removes_none(matter, lists, extra, sup):
    found = CAT.triggered(matter, lists, sup)
    for m, _ in found:
        assert matter in m.matters and (m.lists & lists or sup in m.supervision)
    assert set(codes(found)) <= set(codes(CAT.triggered(matter, lists | {extra}, sup)))


LICENSED = dt.date(2020, 3, 1)


def test_three_years_without_an_adverse_record_opens_the_fast_lane_for_an_approval():
    clean = credit_lists.Clean.of(LICENSED, None)
    found = CAT.triggered("approval", [], "routine", clean, dt.date(2026, 12, 7))
    assert codes(found) == ["green_channel", "tolerate_missing"]
    assert found[0][1] == "连续36个月无不良信用记录（自2020-03-01取得执业许可起）"
    # Not for a matter the measure does not apply to, nor for a subject licensed under three years ago.
    assert CAT.triggered("procurement", [], "routine", clean, dt.date(2026, 12, 7)) == []
    assert CAT.triggered("approval", [], "routine", credit_lists.Clean.of(dt.date(2024, 1, 2), None),
                         dt.date(2026, 12, 7)) == []


def test_the_three_years_run_from_the_latest_adverse_record_and_end_on_the_same_day_three_years_on():
    clean = credit_lists.Clean.of(LICENSED, dt.date(2023, 12, 7))
    assert clean == credit_lists.Clean(dt.date(2023, 12, 7), True)
    assert CAT.triggered("approval", [], None, clean, dt.date(2026, 12, 6)) == []
    [(m, why), _] = CAT.triggered("approval", [], None, clean, dt.date(2026, 12, 7))
    assert why == "连续36个月无不良信用记录（最近一条不良信用记录决定于2023-12-07）"
    # A record from before the licence (a practitioner licensed again) does not move the start back.
    assert credit_lists.Clean.of(LICENSED, dt.date(2019, 1, 1)) == credit_lists.Clean(LICENSED, False)
    assert credit_lists.Clean.of(None, None) is None


def test_a_clean_record_earns_nothing_while_an_adverse_list_is_in_force():
    clean = credit_lists.Clean.of(LICENSED, None)
    assert codes(CAT.triggered("approval", ["watch"], None, clean, dt.date(2026, 12, 7))) == ["prudent_approval"]
    assert codes(CAT.triggered("approval", ["honor"], None, clean, dt.date(2026, 12, 7))) == [
        "green_channel", "tolerate_missing"]


@given(st.sampled_from(sorted(CAT.matter_types)), st.sets(st.sampled_from(sorted(CAT.lists))),
       st.sampled_from([None, *credit_lists.SUPERVISION]), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)),
       st.none() | st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))
def test_a_clean_record_adds_only_its_incentives_and_only_once_its_months_have_run(matter, lists, sup, licensed,
                                                                                 adverse, on):
    clean = credit_lists.Clean.of(licensed, adverse)
    without = codes(CAT.triggered(matter, lists, sup))
    found = CAT.triggered(matter, lists, sup, clean, on)
    added = [(m, why) for m, why in found if m.code not in without]
    assert set(without) <= set(codes(found))
    on_adverse = any(CAT.lists[c].polarity == "adverse" for c in lists)
    for m, why in added:
        assert m.kind == "incentive" and m.clean_months and not on_adverse
        since = max(licensed, adverse) if adverse else licensed
        # Whole months counted from the day after ``since`` (民法典 Art 201) have all run by ``on``.
        assert periods.add_months(since, m.clean_months) <= on and since < on
        assert why.startswith(f"连续{m.clean_months}个月无不良信用记录")
    # One day earlier than the months allow, none of them.
    if added:
        early = periods.add_months(clean.since, min(m.clean_months for m, _ in added)) - dt.timedelta(days=1)
        assert not [m for m, _ in CAT.triggered(matter, lists, sup, clean, early) if m.code not in without]


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["measures"][0].update(legal_basis=""), "须写明法律依据"),
    (lambda d: d["measures"][0].update(list_item=""), "须对应失信惩戒措施基础清单条目"),
    (lambda d: d["measures"][0].update(lists=["honor"]), "惩戒措施不能由名单“守信激励对象名单”触发"),
    (lambda d: d["measures"][0].update(matters=["lottery"]), "未知的事项类型“lottery”"),
    (lambda d: d["lists"][0].update(due_process=False), "必须经过告知、陈述申辩程序"),
    (lambda d: d["lists"][0].update(validity_months=0), "validity_months：应为不小于1的整数"),
    (lambda d: d["lists"][0].update(removal=["repair"]), "须包含期满移出"),
    (lambda d: d["measures"][0].update(clean_months=36), "clean_months）只能触发激励措施"),
    (lambda d: d["measures"][-1].update(clean_months=0), "clean_months：应为不小于1的整数"),
])
def test_a_catalogue_with_a_mistake_is_refused(edit, message):
    doc = yaml.safe_load(yaml.safe_dump(DOC, allow_unicode=True))
    edit(doc)
    with pytest.raises(ValueError, match=message):
        credit_lists.parse(doc)
