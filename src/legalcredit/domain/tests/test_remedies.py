import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import remedies
from legalcredit.domain.remedies import RepairItem, check_commitment_code, commitment_code, eligibility

DOC = yaml.safe_load((Path(remedies.__file__).parents[1] / "refdata" / "data" / "remedies.yaml").read_text("utf-8"))
POLICY = remedies.parse(DOC)
TODAY = dt.date(2026, 11, 22)


def item(**kw):
    base = dict(kind="penalty", adverse=True, severity="general", in_effect=True, repair_from=dt.date(2026, 9, 1))
    return RepairItem(**{**base, **kw})


def test_shipped_rules_state_a_source_for_every_time_limit():
    assert POLICY.limit("repair_decide").working_days == 3
    assert "国办发〔2025〕22号" in POLICY.limit("repair_decide").source
    assert POLICY.limit("objection_decide_verified").working_days == 7
    assert all(t.source for t in POLICY.limits.values())


def test_a_subject_makes_only_the_commitments_it_promises_on_its_own():
    assert {c for c, t in POLICY.commitment_types.items() if t.by_subject} == {"voluntary", "self_discipline"}


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["repair"].update(fee=50), "不得收取任何费用"),
    (lambda d: d["time_limits"]["repair_decide"].update(working_days=0), "repair_decide.working_days"),
    (lambda d: d["time_limits"]["repair_decide"].update(source=""), "须注明来源"),
    (lambda d: d["commitment_types"].pop("repair"), "缺少承诺类型 repair"),
    (lambda d: d["commitment_types"]["repair"].update(breach="fine"), "未知的违诺后果"),
    (lambda d: d["time_limits"].pop("objection_verify"), "objection_verify"),
    (lambda d: d["commitment_types"]["voluntary"].update(by_subject="yes"), "voluntary.by_subject"),
])
def test_a_bad_rule_file_is_refused_with_the_place(mutate, message):
    doc = copy.deepcopy(DOC)
    mutate(doc)
    with pytest.raises(remedies.RemedyRuleError, match=message):
        remedies.parse(doc)


def test_commitment_code_is_region_date_serial():
    code = commitment_code("320812", dt.date(2026, 11, 22), 17)
    assert code == "32081220261122000017" and len(code) == 20
    assert check_commitment_code(code) is None
    assert "有效日期" in check_commitment_code("32081220261322000017")
    assert "20位数字" in check_commitment_code("3208122026112200001")
    assert "000000" in check_commitment_code("32081220261122000000")


@given(st.from_regex(r"\d{6}", fullmatch=True), st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
       st.integers(1, 999_999))
def test_every_generated_commitment_code_validates(region, day, serial):
    assert check_commitment_code(commitment_code(region, day, serial)) is None


def test_repair_waits_for_the_minimum_period_and_says_from_when():
    v = eligibility(item(repair_from=dt.date(2027, 3, 1)), TODAY, POLICY)
    assert not v.eligible and v.reasons[0][0] == "minimum_period" and v.earliest == dt.date(2027, 3, 1)
    assert "2027-03-01" in v.text()
    assert eligibility(item(), TODAY, POLICY).eligible


def test_minor_records_can_be_repaired_at_once():
    assert eligibility(item(severity="minor", repair_from=TODAY), TODAY, POLICY).eligible


def test_bars_that_no_waiting_lifts():
    assert eligibility(item(kind="court_judgment"), TODAY, POLICY).reasons[0][0] == "unrepairable"
    assert eligibility(item(adverse=False), TODAY, POLICY).reasons[0][0] == "not_adverse"
    assert eligibility(item(repaired_on=dt.date(2026, 10, 1)), TODAY, POLICY).reasons[0][0] == "repaired"
    v = eligibility(item(breached_repair_commitment="32081220250101000001"), TODAY, POLICY)
    assert v.reasons[-1][0] == "breached_commitment" and v.earliest is None


def test_list_entries_use_the_list_minimum():
    listed = dt.date(2026, 3, 1)
    v = eligibility(item(kind="list:serious_dishonesty", severity="", repair_from=None, listed_from=listed),
                    TODAY, POLICY)
    assert v.earliest == dt.date(2027, 3, 1)
    assert eligibility(item(kind="list:watch", repair_from=None, listed_from=listed), TODAY, POLICY).eligible


@given(st.sampled_from(["minor", "general", "serious"]), st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)),
       st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)))
def test_eligibility_never_goes_back_once_reached(severity, repair_from, today):
    """Waiting never makes an eligible item ineligible, and the earliest day given is the day it becomes so."""
    it = item(severity=severity, repair_from=repair_from)
    v = eligibility(it, today, POLICY)
    if v.eligible:
        assert eligibility(it, today + dt.timedelta(days=30), POLICY).eligible
    else:
        assert v.earliest > today and eligibility(it, v.earliest, POLICY).eligible


@given(decided=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), wait=st.integers(0, 1200),
       length=st.integers(1, 1200), published=st.booleans())
def test_a_repair_notice_states_the_records_own_dates_and_the_rule_sets_limits(decided, wait, length, published):
    """信用修复告知书: the dates are the record's, the time limits the rule set's, and it is free."""
    repair_from = decided + dt.timedelta(days=wait)
    facts = remedies.NoticeFacts(subject="淮安德恒律师事务所", record="行政处罚 淮司罚决〔2026〕1号", decided=decided,
                                 severity="一般", published_from=decided if published else None,
                                 publication_end=decided + dt.timedelta(days=length), repair_from=repair_from)
    text = remedies.repair_notice(facts, POLICY)
    assert facts.record in text and decided.isoformat() in text and "不收取任何费用" in text
    assert (f"公示至{facts.publication_end.isoformat()}" in text) == published
    assert ("不予公示" in text) != published
    if wait:
        assert f"自{repair_from.isoformat()}起可以申请信用修复" in text
    else:
        assert "履行法定义务后，即可申请信用修复" in text
    for limit in ("repair_accept", "repair_decide", "repair_sync"):
        assert f"{POLICY.limit(limit).working_days}个工作日" in text


def test_a_record_that_cannot_be_repaired_says_so_and_offers_no_repair():
    facts = remedies.NoticeFacts(subject="李明", record="行政处罚 淮司罚决〔2026〕1号", decided=dt.date(2026, 3, 2),
                                 severity="严重", published_from=dt.date(2026, 3, 2), publication_end=None,
                                 repair_from=None, unrepairable="属于法律法规规定不可修复的情形")
    text = remedies.repair_notice(facts, POLICY)
    assert "不适用信用修复" in text and "可以申请信用修复" not in text and "提出异议" in text
