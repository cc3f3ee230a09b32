import copy
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import legal_aid

from ._data import rule_doc

DOC = rule_doc("legal_aid_quality.yaml")
RULES = legal_aid.parse(DOC)
HALVES = st.integers(0, 200).map(lambda n: Decimal(n) / 2)


def sheets(code):
    items = RULES.checklists[code].items
    return st.fixed_dictionaries({i.code: HALVES.filter(lambda v, cap=i.points: v <= cap) for i in items})


@given(st.sampled_from(sorted(RULES.checklists)).flatmap(lambda c: st.tuples(st.just(c), sheets(c))),
       st.sets(st.sampled_from(sorted(RULES.vetoes))))
def test_the_total_is_the_sum_and_a_veto_only_ever_lowers_the_band(case, vetoes):
    code, marks = case
    plain = RULES.score(code, marks)
    assert plain.total == sum(marks.values()) and 0 <= plain.total <= 100
    assert plain.band == RULES.band_of(plain.total)
    vetoed = RULES.score(code, marks, vetoes)
    names = RULES.band_names
    assert names.index(vetoed.band) >= names.index(plain.band)
    for v in vetoes:
        assert names.index(vetoed.band) >= names.index(RULES.vetoes[v].band)


@given(HALVES, HALVES)
def test_a_higher_score_never_falls_in_a_lower_band(a, b):
    low, high = sorted((a, b))
    names = RULES.band_names
    assert names.index(RULES.band_of(high)) <= names.index(RULES.band_of(low))


def test_a_mark_past_its_item_or_not_in_halves_is_refused_naming_the_item():
    marks = {i.code: i.points for i in RULES.checklists["criminal"].items}
    with pytest.raises(legal_aid.ScoreError) as err:
        RULES.score("criminal", {**marks, "court": Decimal("15.5")})
    assert err.value.field == "court"
    with pytest.raises(legal_aid.ScoreError, match="0.5"):
        RULES.score("criminal", {**marks, "court": "14.3"})
    with pytest.raises(legal_aid.ScoreError, match="不是分数"):
        RULES.score("criminal", {**marks, "court": "好"})


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["checklists"]["criminal"]["items"][0].update(points=25), "合计应为100分"),
    (lambda d: d["checklists"]["criminal"].update(source=""), "checklists.criminal"),
    (lambda d: d["bands"].reverse(), "从高到低"),
    (lambda d: d["vetoes"][0].update(band="极差"), "vetoes.charged_recipient.band"),
    (lambda d: d["rereview"].update(bands=["很差"]), "rereview.bands"),
    (lambda d: d["rereview"].update(working_days=0), "rereview"),
])
def test_a_rule_file_with_a_mistake_is_refused_naming_the_place(mutate, message):
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(legal_aid.QualityRuleError, match=message):
        legal_aid.parse(doc)
