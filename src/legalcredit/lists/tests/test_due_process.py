"""A subject taken through the due process onto the serious dishonesty list and off it again."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.evaluation import selectors as grades
from legalcredit.evaluation import services as evaluation
from legalcredit.lists import selectors, services
from legalcredit.lists.models import ListEntry
from legalcredit.refdata.selectors import work_calendar

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 2)


def propose(subject, maker, code="serious_dishonesty"):
    return services.propose(subject, code, by=maker, reasons="拒不履行生效行政处罚决定，情节严重",
                            authority="淮安市司法局")


def test_onto_the_serious_dishonesty_list_and_off_again(lawyer, maker, checker,
                                                          django_capture_on_commit_callbacks):
    evaluation.evaluate_subjects([lawyer.pk])
    entry = propose(lawyer, maker)
    with pytest.raises(ValidationError, match="须先送达告知书"):
        services.decide(entry.pk, by=checker, listed=True, reason="情节严重", decision_no="淮司信〔2026〕1号")
    entry = services.serve_notice(entry.pk, by=maker, served_on=TODAY)
    assert entry.statement_due == work_calendar().add_working_days(TODAY, 5)
    assert entry.hearing_request_due == TODAY + dt.timedelta(days=5)
    for part in ("严重失信主体名单", "拒不履行生效行政处罚决定", "限制参加政府采购活动", "《政府采购法》第二十二条",
                 "有效期届满", "陈述和申辩", "听证", "行政复议"):
        assert part in entry.notice_text, part
    with pytest.raises(ValidationError, match="陈述申辩期尚未届满"):
        services.decide(entry.pk, by=checker, listed=True, reason="情节严重", decision_no="淮司信〔2026〕1号",
                        on=entry.statement_due)
    with pytest.raises(PermissionDenied, match="不同人员"):
        maker.user_permissions.add(*checker.groups.first().permissions.filter(codename="decide_listentry"))
        services.decide(entry.pk, by=type(maker).objects.get(pk=maker.pk), listed=True, reason="x",
                        decision_no="淮司信〔2026〕1号", on=TODAY + dt.timedelta(days=20))
    day = entry.statement_due + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="决定书文号：不能超过 100 个字（收到 101 个）"):
        services.decide(entry.pk, by=checker, listed=True, reason="x", decision_no="号" * 101, on=day)
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.decide(entry.pk, by=checker, listed=True, reason="陈述申辩期满未提出意见",
                                decision_no="淮司信〔2026〕1号", on=day)
    assert (entry.stage, entry.listed_from, entry.listed_until) == ("decided", day, dt.date(2029, 11, day.day))
    assert "信用修复告知" in entry.decision_text and "不收取任何费用" in entry.decision_text
    # The listing is evidence: the lawyer scheme's veto now holds the grade at C.
    g = grades.grade_of(lawyer.pk)
    assert g.grade == "C" and g.evaluation.explanation["vetoes"][0][0] == "serious_dishonesty"
    assert list(selectors.in_force_on([lawyer.pk], timezone.localdate())) == [entry]

    services.publish(entry.pk, by=checker)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove(entry.pk, by=checker, method="repair", note="已履行处罚决定并提交信用修复承诺书")
    entry.refresh_from_db()
    assert (entry.stage, entry.removal) == ("removed", "repair")
    assert grades.grade_of(lawyer.pk).grade == "AA"
    assert [s.action for s in entry.steps.all()] == ["提出拟列入", "送达告知书", "作出列入决定", "公示", "移出（信用修复）"]
    # History is kept; the entry was in force on the day after the decision.
    assert list(selectors.in_force_on([lawyer.pk], day)) == [entry]


def test_a_hearing_must_be_asked_in_time_noticed_seven_days_ahead_and_held(law_firm, maker, checker):
    entry = services.serve_notice(propose(law_firm, maker).pk, by=maker, served_on=TODAY)
    with pytest.raises(ValidationError, match="已超过申请听证期限"):
        services.request_hearing(entry.pk, by=maker, on=TODAY + dt.timedelta(days=6))
    services.request_hearing(entry.pk, by=maker, on=TODAY + dt.timedelta(days=5))
    with pytest.raises(ValidationError, match="7日前通知"):
        services.schedule_hearing(entry.pk, by=maker, hearing_on=TODAY + dt.timedelta(days=12),
                                  notice_on=TODAY + dt.timedelta(days=6))
    services.schedule_hearing(entry.pk, by=maker, hearing_on=TODAY + dt.timedelta(days=13),
                              notice_on=TODAY + dt.timedelta(days=6))
    with pytest.raises(ValidationError, match="须举行听证"):
        services.decide(entry.pk, by=checker, listed=True, reason="x", decision_no="淮司信〔2026〕2号",
                        on=TODAY + dt.timedelta(days=14))
    with pytest.raises(ValidationError, match="听证尚未举行"):
        services.record_hearing(entry.pk, by=maker, record="笔录", on=TODAY + dt.timedelta(days=12))
    services.record_hearing(entry.pk, by=maker, record="当事人到场陈述，主持人为非调查人员", on=TODAY + dt.timedelta(days=13))
    entry = services.decide(entry.pk, by=checker, listed=False, reason="听证中提交了已履行的证据",
                            on=TODAY + dt.timedelta(days=14))
    assert entry.stage == "dropped" and entry.listed_from is None


def test_an_entry_leaves_the_list_when_its_period_ends(law_firm, maker, checker):
    entry = services.serve_notice(propose(law_firm, maker, code="watch").pk, by=maker, served_on=dt.date(2024, 3, 1))
    services.record_statement(entry.pk, by=maker, text="无异议", on=dt.date(2024, 3, 4))
    entry = services.decide(entry.pk, by=checker, listed=True, reason="陈述无异议", decision_no="淮司信〔2024〕3号",
                            on=dt.date(2024, 3, 5))
    assert entry.listed_until == dt.date(2026, 3, 5)
    assert services.expire(dt.date(2026, 3, 5)) == 0
    assert services.expire(dt.date(2026, 3, 6)) == 1
    entry.refresh_from_db()
    assert (entry.stage, entry.removal, entry.removed_on) == ("removed", "expiry", dt.date(2026, 3, 6))
    assert list(selectors.in_force_on([law_firm.pk], dt.date(2026, 3, 5))) == [entry]
    assert not selectors.in_force_on([law_firm.pk], dt.date(2026, 3, 6)).exists()


def test_bad_input_is_named(law_firm, maker, checker):
    with pytest.raises(ValidationError, match="未知的名单"):
        services.propose(law_firm, "blacklist", by=maker, reasons="x", authority="淮安市司法局")
    with pytest.raises(ValidationError, match="列入事由：必须填写"):
        services.propose(law_firm, "watch", by=maker, reasons=" ", authority="淮安市司法局")
    entry = propose(law_firm, maker)
    with pytest.raises(ValidationError, match="已有未办结"):
        propose(law_firm, maker)
    with pytest.raises(PermissionDenied):
        services.propose(law_firm, "watch", by=checker, reasons="x", authority="淮安市司法局")
    services.serve_notice(entry.pk, by=maker, served_on=TODAY)
    with pytest.raises(ValidationError, match="决定书文号"):
        services.decide(entry.pk, by=checker, listed=True, reason="x", on=TODAY + dt.timedelta(days=30))
    assert ListEntry.objects.get(pk=entry.pk).stage == "noticed"


def test_listing_an_institution_proposes_its_responsible_persons_as_they_stood_at_the_conduct(
        law_firm, lawyer, maker, checker, codes):
    from legalcredit.registry import services as registry

    registry.add_affiliation(actor=maker, reason="任命", person=lawyer, institution=law_firm, role="head",
                             valid_from=dt.date(2020, 1, 1))
    late, _ = registry.register_practitioner(actor=maker, reason="执业", name="王强", subject_type="lawyer",
                                             region="320812", id_number_raw=codes.id_number(),
                                             license_issued_on=dt.date(2015, 5, 1), institution=law_firm)
    registry.add_affiliation(actor=maker, reason="任命", person=late, institution=law_firm, role="legal_representative",
                             valid_from=dt.date(2026, 9, 1))
    clerk, _ = registry.register_practitioner(actor=maker, reason="执业", name="赵敏", subject_type="lawyer",
                                              region="320812", id_number_raw=codes.id_number("female"),
                                              license_issued_on=dt.date(2016, 5, 1), institution=law_firm)
    entry = services.propose(law_firm, "serious_dishonesty", by=maker, reasons="出具虚假法律意见书",
                             authority="淮安市司法局", conduct_on=dt.date(2026, 5, 1), responsible=[clerk])
    services.serve_notice(entry.pk, by=maker, served_on=TODAY)
    entry = services.decide(entry.pk, by=checker, listed=True, reason="事实清楚", decision_no="淮司信〔2026〕5号",
                            on=TODAY + dt.timedelta(days=10))
    children = {(c.subject.name, c.role, c.stage) for c in entry.propagated.select_related("subject")}
    assert children == {("李明", "head", "proposed"), ("赵敏", "directly_responsible", "proposed")}
    child = entry.propagated.get(role="head")
    assert "2026-05-01" in child.reasons and "主要负责人" in child.reasons
    assert not selectors.in_force_on([lawyer.pk], TODAY + dt.timedelta(days=11)).exists()   # no effect without its own decision
    with pytest.raises(PermissionDenied, match="不同人员"):   # the decider proposed it, so cannot decide it
        services.decide(child.pk, by=checker, listed=True, reason="x", decision_no="淮司信〔2026〕6号")
    assert services.serve_notice(child.pk, by=maker, served_on=TODAY + dt.timedelta(days=11)).stage == "noticed"


def test_without_a_conduct_date_the_responsible_persons_are_those_of_the_local_day_of_the_proposal(
        law_firm, lawyer, maker, checker, codes):
    """A proposal made at 01:00 Beijing time is dated that day, not the UTC day before, when the
    affiliations it reaches are read."""
    from legalcredit.registry import services as registry

    old = registry.add_affiliation(actor=maker, reason="任命", person=lawyer, institution=law_firm, role="head",
                                   valid_from=dt.date(2020, 1, 1))
    registry.end_affiliation(old, actor=maker, reason="卸任", valid_to=dt.date(2026, 9, 1))
    new, _ = registry.register_practitioner(actor=maker, reason="执业", name="王强", subject_type="lawyer",
                                            region="320812", id_number_raw=codes.id_number(),
                                            license_issued_on=dt.date(2015, 5, 1), institution=law_firm)
    registry.add_affiliation(actor=maker, reason="任命", person=new, institution=law_firm, role="head",
                             valid_from=dt.date(2026, 9, 2))
    entry = propose(law_firm, maker)
    ListEntry.objects.filter(pk=entry.pk).update(   # 2026-09-02 01:00 in Beijing
        proposed_at=dt.datetime(2026, 9, 1, 17, 0, tzinfo=dt.timezone.utc))
    services.serve_notice(entry.pk, by=maker, served_on=TODAY)
    entry = services.decide(entry.pk, by=checker, listed=True, reason="事实清楚", decision_no="淮司信〔2026〕7号",
                            on=TODAY + dt.timedelta(days=10))
    assert [c.subject.name for c in entry.propagated.select_related("subject")] == ["王强"]


def test_the_back_office_takes_a_case_step_by_step(client, law_firm, maker, checker):
    from django.urls import reverse

    entry = propose(law_firm, maker, code="watch")
    client.force_login(maker)
    url = reverse("admin:lists_listentry_act", args=[entry.pk])
    assert client.post(url, {"action": "serve_notice"}).status_code == 302
    resp = client.post(url, {"action": "statement", "text": ""})
    assert "陈述申辩意见：必须填写" in resp.content.decode()
    client.post(url, {"action": "statement", "text": "对事实无异议，请求从轻"})
    resp = client.post(url, {"action": "list", "text": "事实清楚", "decision_no": "淮司信〔2026〕8号"})
    assert "您没有作出名单决定的权限" in resp.content.decode()
    client.force_login(checker)
    assert client.post(url, {"action": "list", "text": "事实清楚", "decision_no": "淮司信〔2026〕8号"}).status_code == 302
    entry.refresh_from_db()
    assert entry.stage == "decided"
    page = client.get(reverse("admin:lists_listentry_change", args=[entry.pk])).content.decode()
    assert "送达告知书" in page and "对事实无异议" in page and "作出列入决定" in page


def test_an_adverse_record_ends_an_honor_listing(lawyer, maker, checker, penalty,
                                                 django_capture_on_commit_callbacks):
    from legalcredit.records import services as records

    entry = services.propose(lawyer, "honor", by=maker, reasons="年度考核优秀，连续三年无投诉", authority="淮安市司法局")
    entry = services.decide(entry.pk, by=checker, listed=True, reason="符合条件", decision_no="淮司信〔2026〕10号")
    assert entry.stage == "decided"   # no adverse due process for an honor list
    rec = records.submit(lawyer, penalty(), actor=maker, reason="录入")
    with django_capture_on_commit_callbacks(execute=True):
        records.approve(rec.pk, checker=checker)
    entry.refresh_from_db()
    assert (entry.stage, entry.removal) == ("removed", "disqualified") and rec.decision_no in entry.removal_note


def test_a_revocation_proposes_a_listing_by_rule_which_still_needs_due_process(lawyer, maker, checker, penalty,
                                                                               django_capture_on_commit_callbacks):
    from legalcredit.records import services as records

    draft = penalty(level="province", authority="江苏省司法厅", sanctions=[{"type": "吊销执业证书"}],
                    penalty_types=["吊销许可证件"], severity="serious", certificate="律师执业证 13208201210000001",
                    legal_basis="《中华人民共和国律师法》第四十九条", effective_until=None)
    rec = records.submit(lawyer, draft, actor=maker, reason="录入")
    with django_capture_on_commit_callbacks(execute=True):
        records.approve(rec.pk, checker=checker)
    entry = ListEntry.objects.get(subject=lawyer, list_code="serious_dishonesty")
    assert (entry.stage, entry.proposed_by, entry.basis_record_id) == ("proposed", None, rec.pk)
    assert entry.reasons.startswith("被吊销执业许可：江苏省司法厅") and entry.conduct_on == rec.decision_date
    assert not selectors.in_force_on([lawyer.pk], timezone.localdate()).exists()
    with pytest.raises(ValidationError, match="须先送达告知书"):
        services.decide(entry.pk, by=checker, listed=True, reason="x", decision_no="苏司信〔2026〕1号")
