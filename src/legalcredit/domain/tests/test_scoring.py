"""The scoring engine and scheme checks: worked examples, then properties over every shipped scheme."""
import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from legalcredit.domain import record_kinds, scoring, yamlpos

DATA = Path(__file__).resolve().parents[2] / "refdata" / "data"
SCHEMES = Path(__file__).resolve().parents[2] / "evaluation" / "schemes"
KINDS = record_kinds.parse_kinds(yaml.safe_load((DATA / "record_kinds.yaml").read_text()))
_types = yaml.safe_load((DATA / "subject_types.yaml").read_text())
TYPES = [t["code"] for t in _types["institution_types"] + _types["practitioner_types"]]
AS_OF = dt.date(2026, 6, 30)


def load(text: str) -> scoring.Scheme:
    doc, lines = yamlpos.load(text)
    return scoring.parse_scheme(doc, lines, KINDS, TYPES)


SHIPPED = {p.stem: load(p.read_text()) for p in sorted(SCHEMES.glob("*.yaml"))}
LAWYER = SHIPPED["lawyer"]

_ids = iter(range(1, 10**9))


def ev(kind, subtype="", severity="", decided=dt.date(2026, 3, 1), penalty_types=(), until=None,
       repaired_on=None, record_id=None):
    rid = record_id or next(_ids)
    return scoring.Evidence(rid, f"R{rid}", kind, subtype, severity, tuple(penalty_types), decided,
                            until, repaired_on)


# --- worked examples ---------------------------------------------------------

def test_a_clean_lawyer_keeps_the_base_score_and_its_grade():
    r = scoring.evaluate(LAWYER, [], AS_OF)
    assert (r.score, r.grade, r.lines, r.vetoes) == (Decimal(1000), "AA", (), ())


def test_every_point_names_the_record_that_caused_it():
    pen = ev("penalty", severity="serious", record_id=7)
    honour = ev("commendation", "省级", record_id=8)
    r = scoring.evaluate(LAWYER, [pen, honour], AS_OF)
    assert r.score == Decimal(1000 - 300 + 60)
    assert {(ln.record_id, ln.indicator, ln.points) for ln in r.lines} == {
        (7, "penalty_serious", Decimal(-300)), (8, "honour_provincial", Decimal(60))}
    assert r.base + sum(ln.points for ln in r.lines) == r.score


def test_caps_per_indicator_stop_further_deductions_and_say_so():
    complaints = [ev("complaint_upheld", severity="minor", decided=dt.date(2026, 1, d)) for d in range(1, 8)]
    r = scoring.evaluate(LAWYER, complaints, AS_OF)
    assert r.score == Decimal(900)  # 7 × 20 capped at 100
    assert [ln.points for ln in r.lines] == [Decimal(-20)] * 5 + [Decimal(0)] * 2
    assert r.lines[-1].note == "本项已达上限"


def test_records_outside_the_window_do_not_count():
    old = ev("penalty", severity="general", decided=dt.date(2023, 6, 30))   # 3 years ago to the day
    inside = ev("penalty", severity="general", decided=dt.date(2023, 7, 1))
    later = ev("penalty", severity="general", decided=dt.date(2026, 7, 1))  # after the as-of date
    r = scoring.evaluate(LAWYER, [old, inside, later], AS_OF)
    assert [ln.record_id for ln in r.lines] == [inside.record_id]


def test_evaluation_year_is_the_previous_calendar_year_for_forensic_grading():
    fs = SHIPPED["forensic_institution"]
    last_year = ev("penalty", severity="general", decided=dt.date(2025, 12, 31))
    this_year = ev("penalty", severity="general", decided=dt.date(2026, 1, 2))
    r = scoring.evaluate(fs, [last_year, this_year], AS_OF)
    assert [ln.record_id for ln in r.lines] == [last_year.record_id]
    assert r.score == Decimal(65) and r.grade == "C"


def test_a_repaired_record_stays_in_the_explanation_with_no_points():
    pen = ev("penalty", severity="general", repaired_on=dt.date(2026, 5, 1))
    r = scoring.evaluate(LAWYER, [pen], AS_OF)
    assert r.score == Decimal(1000)
    assert r.lines[0].points == 0 and "修复" in r.lines[0].note
    assert scoring.evaluate(LAWYER, [pen], dt.date(2026, 4, 30)).score == Decimal(850)


def test_a_veto_sets_the_lowest_grade_whatever_the_score():
    revoked = ev("penalty", severity="general", penalty_types=["吊销许可证件"], record_id=99)
    honours = [ev("commendation", "国家级") for _ in range(3)]
    r = scoring.evaluate(LAWYER, [revoked, *honours], AS_OF)
    assert r.score_grade == "AAA" and r.grade == "C"
    assert r.vetoes == (scoring.VetoHit("revoked", "被吊销执业证书", "C", 99, "R99"),)


def test_a_veto_may_cap_the_grade_instead_of_forcing_the_lowest():
    fs = SHIPPED["forensic_institution"]
    failed = ev("annual_assessment", "不合格", severity="general", decided=dt.date(2025, 12, 1))
    r = scoring.evaluate(fs, [failed], AS_OF)
    assert r.score == Decimal(60) and r.grade == "C"
    honours = [ev("commendation", "国家级", decided=dt.date(2025, 5, 1)) for _ in range(2)]
    assert scoring.evaluate(fs, [failed, *honours], AS_OF).grade == "C"   # 80 by score, B; capped at C


def test_a_listing_vetoes_only_while_in_effect():
    listing = ev("list:serious_dishonesty", decided=dt.date(2025, 1, 1), until=dt.date(2026, 6, 1))
    assert scoring.evaluate(LAWYER, [listing], dt.date(2026, 5, 31)).grade == "C"
    assert scoring.evaluate(LAWYER, [listing], AS_OF).grade == "AA"


def test_decay_reduces_points_linearly_over_the_stated_months():
    text = (SCHEMES / "lawyer.yaml").read_text().replace(
        "{code: penalty_general, name: 行政处罚（一般）, points: 150,",
        "{code: penalty_general, name: 行政处罚（一般）, points: 150, decay_months: 12,")
    scheme = load(text)
    half = ev("penalty", severity="general", decided=AS_OF - dt.timedelta(days=182))
    r = scoring.evaluate(scheme, [half], AS_OF)
    assert Decimal(-76) < r.lines[0].points < Decimal(-74) and r.lines[0].note == "按时间衰减"


def test_result_round_trips_through_json():
    r = scoring.evaluate(LAWYER, [ev("penalty", severity="serious"), ev("list:serious_dishonesty")], AS_OF)
    assert scoring.Result.from_json(r.to_json()) == r


def test_the_most_specific_region_wins_when_choosing_a_scheme():
    jiangsu = load((SCHEMES / "lawyer.yaml").read_text().replace('region: ""', 'region: "32"')
                   .replace("code: lawyer", "code: lawyer-js"))
    assert scoring.choose([LAWYER, jiangsu], "lawyer", "320812").code == "lawyer-js"
    assert scoring.choose([LAWYER, jiangsu], "lawyer", "110101").code == "lawyer"
    assert scoring.choose([LAWYER, jiangsu], "notary", "320812") is None


# --- scheme documents with mistakes --------------------------------------------

BAD = """\
code: x
version: "1"
name: 测试
source: 测试
subject_types: [lawyer]
base: 100
bounds: {min: 0, max: 100}
categories:
  - code: basic
    name: 扣分
    direction: deduction
    cap: -5
    indicators:
      - {code: a, name: A, points: 10, match: {kind: no_such_kind}}
  - code: plus
    name: 加分
    direction: bonus
    indicators:
      - {code: b, name: B, points: 5, match: {kind: penalty}}
grades:
  - {code: G1, min: 50, max: 100}
  - {code: G2, min: 0, max: 60}
"""


def test_a_bad_scheme_is_refused_with_every_line_and_reason():
    with pytest.raises(scoring.SchemeError) as err:
        load(BAD)
    problems = [str(p) for p in err.value.problems]
    assert "第12行：categories[0].cap：不能小于0（收到-5）" in problems
    assert any(p.startswith("第14行：") and "未知的信息类别“no_such_kind”" in p for p in problems)
    assert any(p.startswith("第19行：") and "加分指标不能以失信信息“行政处罚”为依据" in p for p in problems)
    assert any(p.startswith("第22行：") and "重叠" in p for p in problems)


@pytest.mark.parametrize("change, message", [
    (("min: 0, max: 50}", "min: 0, max: 40}"), "之间有空档"),
    (("{code: G1, min: 50, max: 100}\n  - {code: G2, min: 0, max: 50}",
      "{code: G2, min: 0, max: 50}\n  - {code: G1, min: 50, max: 100}"), "等级须从高到低排列"),
    (("subject_types: [lawyer]", "subject_types: [astronaut]"), "未知的主体类型“astronaut”"),
    (("base: 100", "base: 150"), "基础分150不在分值范围0至100之内"),
    (("points: 10", "points: 0"), "分值须大于0"),
])
def test_other_mistakes_are_named(change, message):
    fixed = BAD.replace("cap: -5", "cap: 5").replace("no_such_kind", "penalty").replace(
        "match: {kind: penalty}}\ngrades", "match: {kind: commendation}}\ngrades").replace("max: 60}", "max: 50}")
    load(fixed)  # the repaired document is valid
    with pytest.raises(scoring.SchemeError, match=message):
        load(fixed.replace(*change))


def test_yaml_syntax_errors_give_the_line():
    with pytest.raises(yamlpos.YamlError, match="第3行"):
        yamlpos.load("code: x\nversion: 1\n- item\nname: y\n")


# --- properties over every shipped scheme --------------------------------------

def _kind_choices():
    out = []
    for code, kind in KINDS.items():
        subtypes = sorted(set(kind.subtypes) | {o for v in kind.outcomes.values() for o in v}) or [""]
        for sub in subtypes:
            adverse = kind.polarity == "adverse" or sub in kind.adverse_subtypes
            out.append((code, sub, adverse))
    return out + [("list:serious_dishonesty", "", True), ("list:honor", "", False)]


CHOICES = _kind_choices()
ADVERSE = [c for c in CHOICES if c[2]]
PENALTY_TYPES = ["警告", "罚款", "暂扣许可证件", "吊销许可证件", "责令停产停业"]


@st.composite
def evidence(draw, pool=CHOICES):
    kind, sub, adverse = draw(st.sampled_from(pool))
    decided = AS_OF - dt.timedelta(days=draw(st.integers(0, 6 * 365)))
    until = draw(st.one_of(st.none(), st.dates(decided, dt.date(2030, 12, 31))))
    severity = draw(st.sampled_from(record_kinds.SEVERITIES)) if adverse else ""
    types = draw(st.lists(st.sampled_from(PENALTY_TYPES), max_size=2)) if kind == "penalty" else []
    return ev(kind, sub, severity, decided, types, until, record_id=draw(st.integers(1, 10**6)))


schemes = st.sampled_from(sorted(SHIPPED.values(), key=lambda s: s.code))
histories = st.lists(evidence(), max_size=25)


@settings(max_examples=150, deadline=None)
@given(schemes, histories, evidence(ADVERSE))
def test_adding_an_adverse_record_never_raises_the_score_or_the_grade(scheme, history, extra):
    before = scoring.evaluate(scheme, history, AS_OF)
    after = scoring.evaluate(scheme, history + [extra], AS_OF)
    assert after.score <= before.score
    assert scheme.rank(after.grade) >= scheme.rank(before.grade)


@settings(max_examples=150, deadline=None)
@given(schemes, histories, evidence(ADVERSE), st.booleans())
def test_ending_or_repairing_an_adverse_record_never_lowers_the_score(scheme, history, record, repair):
    before = scoring.evaluate(scheme, history + [record], AS_OF)
    ended = record._replace(repaired_on=AS_OF) if repair else record._replace(until=AS_OF - dt.timedelta(days=1))
    after = scoring.evaluate(scheme, history + [ended], AS_OF)
    assert after.score >= before.score
    assert scheme.rank(after.grade) <= scheme.rank(before.grade)


@settings(max_examples=150, deadline=None)
@given(schemes, histories)
def test_a_veto_always_wins_and_scores_stay_in_bounds(scheme, history):
    r = scoring.evaluate(scheme, history, AS_OF)
    assert scheme.min <= r.score <= scheme.max
    for hit in r.vetoes:
        assert scheme.rank(r.grade) >= scheme.rank(hit.grade)
    assert scheme.rank(r.grade) >= scheme.rank(r.score_grade)
    if not r.vetoes:
        assert r.grade == r.score_grade


@settings(max_examples=100, deadline=None)
@given(schemes, histories, st.randoms(use_true_random=False))
def test_the_result_is_deterministic_and_adds_up(scheme, history, rnd):
    history = [e._replace(record_id=i) for i, e in enumerate(history, 1)]  # ids are unique in the store
    r = scoring.evaluate(scheme, history, AS_OF)
    shuffled = list(history)
    rnd.shuffle(shuffled)
    assert scoring.evaluate(scheme, shuffled, AS_OF) == r
    unclamped = r.base + sum(ln.points for ln in r.lines)
    assert r.score == min(scheme.max, max(scheme.min, unclamped))


def test_every_shipped_scheme_states_its_source_and_assumptions():
    for s in SHIPPED.values():
        assert s.source and s.assumptions
        assert all(b.supervision is not None for b in s.bands), s.code


def test_random_lawyer_histories_reach_every_grade():
    rng = random.Random(4)
    seen = set()
    for _ in range(400):
        history = [ev(*rng.choice(CHOICES)[:2], severity=rng.choice(record_kinds.SEVERITIES),
                      decided=AS_OF - dt.timedelta(days=rng.randint(0, 900))) for _ in range(rng.randint(0, 8))]
        seen.add(scoring.evaluate(LAWYER, history, AS_OF).grade)
    assert seen == {b.code for b in LAWYER.bands}
