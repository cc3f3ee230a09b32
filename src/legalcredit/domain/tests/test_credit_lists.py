"""The measures catalogue: which measures a matter gets, and the documents it refuses."""
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import credit_lists

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


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["measures"][0].update(legal_basis=""), "须写明法律依据"),
    (lambda d: d["measures"][0].update(list_item=""), "须对应失信惩戒措施基础清单条目"),
    (lambda d: d["measures"][0].update(lists=["honor"]), "惩戒措施不能由名单“守信激励对象名单”触发"),
    (lambda d: d["measures"][0].update(matters=["lottery"]), "未知的事项类型“lottery”"),
    (lambda d: d["lists"][0].update(due_process=False), "必须经过告知、陈述申辩程序"),
    (lambda d: d["lists"][0].update(validity_months=0), "validity_months：应为不小于1的整数"),
    (lambda d: d["lists"][0].update(removal=["repair"]), "须包含期满移出"),
])
def test_a_catalogue_with_a_mistake_is_refused(edit, message):
    doc = yaml.safe_load(yaml.safe_dump(DOC, allow_unicode=True))
    edit(doc)
    with pytest.raises(ValueError, match=message):
        credit_lists.parse(doc)
