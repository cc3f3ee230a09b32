from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import monitoring

LISTS = [{"list": "serious_dishonesty", "name": "严重失信主体名单", "decision_no": f"淮司信〔2026〕{i}号"} for i in range(3)]
MEASURES = [{"code": c, "name": n} for c, n in (("restrict_procurement", "限制参加政府采购"), ("key_supervision", "重点监管"),
                                                  ("green_channel", "绿色通道"))]
FLAGS = [{"flag": "under_objection", "case": "YY1", "label": "异议处理中"}]


def answers():
    return st.builds(
        lambda status, grade, lists, measures, flags, score: {
            "found": True, "subject": {"status": status, "status_name": {"practising": "正常执业",
                                                                          "suspended": "停止执业"}[status]},
            "grade": {"grade": grade, "score": score, "supervision": {"A": "optimized", "C": "key"}.get(grade)},
            "lists": lists, "measures": measures, "flags": flags, "data_version": {"records": score}},
        st.sampled_from(["practising", "suspended"]), st.sampled_from(["A", "B", "C", None]),
        st.lists(st.sampled_from(LISTS), unique_by=lambda x: x["decision_no"]),
        st.lists(st.sampled_from(MEASURES), unique_by=lambda x: x["code"]),
        st.lists(st.sampled_from(FLAGS), max_size=1), st.decimals(0, 1000, places=2).map(str))


@given(answers(), answers())
def test_a_change_is_told_exactly_when_the_standing_differs(a, b):
    told = monitoring.changes(a, b)
    assert (told == []) == (monitoring.digest(a) == monitoring.digest(b))
    assert monitoring.changes(a, a) == []
    for c in told:
        assert c["text"]


@given(answers())
def test_score_and_data_version_alone_are_not_news(a):
    b = {**a, "grade": {**a["grade"], "score": "1.00"}, "data_version": {"records": "later"}}
    assert monitoring.changes(a, b) == [] and monitoring.digest(a) == monitoring.digest(b)


@given(answers(), answers())
def test_what_is_added_and_removed_is_each_named_once(a, b):
    told = monitoring.changes(a, b)
    added = [n for c in told if c["what"] == "lists" for n in c.get("added", [])]
    assert len(added) == len({e["decision_no"] for e in b["lists"]} - {e["decision_no"] for e in a["lists"]})
