"""Complaints from intake to the notice of the result: acceptance review, 补正, the time bar,
investigation, review by one officer and decision by another, the 投诉查实 record, the extension."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.accounts.services import assign
from legalcredit.deadlines.models import Clock
from legalcredit.domain import deadlines
from legalcredit.records.models import CreditRecord
from legalcredit.refdata.models import Region
from legalcredit.refdata.selectors import work_calendar
from legalcredit.remedies.models import CaseStep

from .. import selectors, services
from ..models import Complaint, Stage

pytestmark = pytest.mark.django_db


def file(subject, by, **kw):
    values = dict(channel="hotline_12348", complainant_name="王芳", complainant_contact="13912345678",
                  interest="委托人", facts="收取代理费后未按约定出庭，也未退费", requests="退还代理费并处理")
    values.update(kw)
    return services.file(subject, by=by, **values)


def running(c):
    return {k.step: k for k in Clock.objects.filter(case_type="complaint", case_id=c.pk, stopped_on__isnull=True)}


def test_a_complaint_found_true_is_decided_by_a_second_officer_and_becomes_a_record(lawyer, maker, checker, bureau):
    cal, today = work_calendar(), timezone.localdate()
    c, code = file(lawyer, maker)
    assert c.number.startswith("TS") and c.sector == "lawyer" and len(code) == services.CODE_LENGTH
    # 律师: 10 working days to decide whether to accept (四川 2022).
    assert running(c)["complaint_accept"].due_on == cal.add_working_days(today, 10)
    # The complainant follows it with the number and the code; a wrong code tells nothing.
    assert selectors.for_complainant(c.number, code).pk == c.pk
    assert selectors.for_complainant(c.number, code.lower()).pk == c.pk
    assert selectors.for_complainant(c.number, "WRONGCODE2") is None

    with pytest.raises(ValidationError, match="处理机关统一社会信用代码"):
        services.accept(c.pk, by=maker, authority="淮安市司法局", authority_uscc="123")
    services.accept(c.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    clocks = running(c)
    assert set(clocks) == {"complaint_decide"}
    # 60 日, calendar days, ending on a working day.
    due = clocks["complaint_decide"].due_on
    assert due == deadlines.due_on(cal, today, 60, calendar=True) and cal.is_working_day(due)

    with pytest.raises(ValidationError, match="调查情况"):
        services.review(c.pk, by=maker, finding="substantiated", handling="correction", opinion="属实")
    services.record_investigation(c.pk, by=maker, findings="调取委托合同和庭审笔录，律师两次未出庭",
                                  statement="因身体原因未能出庭，已安排他人")
    with pytest.raises(ValidationError, match="处理方式"):
        services.review(c.pk, by=maker, finding="unsubstantiated", handling="correction", opinion="不属实")
    services.review(c.pk, by=maker, finding="substantiated", handling="correction", opinion="投诉属实，责令改正")
    with pytest.raises(PermissionDenied, match="权限"):
        services.decide(c.pk, by=maker, reason="属实")
    with pytest.raises(ValidationError, match="处理决定理由"):
        services.decide(c.pk, by=checker, reason=" ")
    c = services.decide(c.pk, by=checker, reason="未尽勤勉尽责义务")
    assert c.stage == Stage.DECIDED and c.finding == "substantiated"

    # The 投诉查实 record: entered by the reviewer, approved by the deciding checker.
    rec = c.record
    assert rec.kind == "complaint_upheld" and rec.entered_by == maker and rec.checked_by == checker
    assert rec.decision_no == f"投诉处理〔{today.year}〕{c.number}号" and "律师法" in rec.legal_basis
    assert CreditRecord.objects.get(key=rec.key, is_current=True).review == "approved"

    # Both sides are told within 7 working days of the decision.
    assert running(c)["complaint_notify"].due_on == cal.add_working_days(today, 7)
    assert "王芳" in c.notice_complainant and "投诉事项查实" in c.notice_complainant
    assert c.notice_respondent.startswith("李明：") and "行政复议" in c.notice_respondent
    c = services.notify_parties(c.pk, by=maker)
    assert c.stage == Stage.CLOSED and not running(c)
    # The complainant now sees the result with the code.
    shown = dict(selectors.progress(selectors.for_complainant(c.number, code)))
    assert shown["处理结果"] == c.notice_complainant
    actions = list(CaseStep.objects.filter(case_type="complaint", case_id=c.pk).values_list("action", flat=True))
    assert actions[0].startswith("登记投诉") and actions[-2:] == ["告知投诉人", "告知被投诉人"]
    assert not Clock.objects.filter(case_type="complaint", case_id=c.pk, late=True).exists()


def test_a_complaint_found_untrue_makes_no_record(lawyer, maker, checker, bureau):
    c, _ = file(lawyer, maker)
    services.accept(c.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    services.record_investigation(c.pk, by=maker, findings="庭审笔录显示律师均已出庭")
    services.review(c.pk, by=maker, finding="unsubstantiated", handling="none", opinion="投诉不属实")
    c = services.decide(c.pk, by=checker, reason="经核查，律师按约出庭")
    assert c.record is None and "投诉事项不属实" in c.notice_complainant
    assert not CreditRecord.objects.filter(subject=lawyer, kind="complaint_upheld").exists()


def test_supplement_is_asked_once_and_stops_the_acceptance_clock(lawyer, maker):
    cal, today = work_calendar(), timezone.localdate()
    c, _ = file(lawyer, maker)
    services.ask_supplement(c.pk, by=maker, what="委托合同复印件")
    assert running(c)["complaint_accept"].due_on is None
    assert Complaint.objects.get(pk=c.pk).stage == Stage.SUPPLEMENT
    with pytest.raises(ValidationError, match="当前为“待补正”"):
        services.accept(c.pk, by=maker, authority="x", authority_uscc="x")
    services.supplement_received(c.pk, by=maker)
    # Asked and received the same day: no working day lost.
    assert running(c)["complaint_accept"].due_on == cal.add_working_days(today, 10)
    with pytest.raises(ValidationError, match="一次性告知"):
        services.ask_supplement(c.pk, by=maker, what="再补一份")


def test_not_accepted_with_its_reason_and_the_complainant_is_told(lawyer, maker):
    c, code = file(lawyer, maker)
    with pytest.raises(ValidationError, match="不予受理情形"):
        services.not_accept(c.pk, by=maker, reason_code="because", reason="x")
    c = services.not_accept(c.pk, by=maker, reason_code="review_or_litigation", reason="已就代理费纠纷提起诉讼")
    assert c.stage == Stage.NOT_ACCEPTED and not running(c)
    assert "正在处理中" in c.notice_complainant and "已就代理费纠纷提起诉讼" in c.notice_complainant
    assert dict(selectors.progress(selectors.for_complainant(c.number, code)))["处理结果"] == c.notice_complainant


def test_a_forensic_complaint_past_its_three_years_cannot_be_accepted(maker, codes, bureau):
    from legalcredit.registry import services as registry

    appraiser, _ = registry.register_institution(
        actor=maker, reason="登记", name="淮安华正司法鉴定所", subject_type="forensic_institution",
        region="320812", uscc_code=codes.uscc("52"), license_issued_on=dt.date(2012, 3, 1))
    today = timezone.localdate()
    c, _ = file(appraiser, maker, known_on=today.replace(year=today.year - 4))
    assert c.sector == "forensic"
    # 司法鉴定: 7 working days to decide on acceptance.
    assert running(c)["complaint_accept"].due_on == work_calendar().add_working_days(today, 7)
    with pytest.raises(ValidationError, match="已超过时效"):
        services.accept(c.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    services.not_accept(c.pk, by=maker, reason_code="time_barred", reason="超过三年")
    recent, _ = file(appraiser, maker, known_on=today.replace(year=today.year - 2))
    assert services.accept(recent.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"]).accepted_on
    with pytest.raises(ValidationError, match="不能晚于收到投诉的日期"):
        file(appraiser, maker, known_on=today + dt.timedelta(days=1), received_on=today)


def test_the_decision_limit_is_extended_once_by_a_checker(lawyer, maker, checker, bureau):
    c, _ = file(lawyer, maker)
    services.accept(c.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    with pytest.raises(PermissionDenied):
        services.extend(c.pk, by=maker, reason="需要调取法院卷宗")
    with pytest.raises(ValidationError, match="延长理由"):
        services.extend(c.pk, by=checker, reason="")
    services.extend(c.pk, by=checker, reason="需要调取法院卷宗")
    clocks = running(c)
    assert set(clocks) == {"complaint_decide_extended"}
    started = Complaint.objects.get(pk=c.pk).accepted_on
    assert clocks["complaint_decide_extended"].due_on == deadlines.due_on(work_calendar(), started, 90, calendar=True)
    assert clocks["complaint_decide_extended"].span == "90日"
    with pytest.raises(ValidationError, match="延长过一次"):
        services.extend(c.pk, by=checker, reason="再延长")


def test_outside_the_officers_region_or_role_nothing_is_done(lawyer, maker, django_user_model, bureau):
    far = django_user_model.objects.create_user("nanjing", password="x-Strong-pass-1", is_staff=True)
    assign(far, "city_maker", region=Region.objects.get(code="320100"))
    with pytest.raises(PermissionDenied, match="不在您的管辖"):
        file(lawyer, far)
    c, _ = file(lawyer, maker)
    with pytest.raises(PermissionDenied):
        services.accept(c.pk, by=far, authority="南京市司法局", authority_uscc=bureau["city"])
    assert not selectors.visible(scope_for(far)).exists()
    with pytest.raises(ValidationError, match="投诉渠道"):
        file(lawyer, maker, channel="wechat")
    with pytest.raises(ValidationError, match="转办单位"):
        file(lawyer, maker, channel="referral")
    with pytest.raises(ValidationError, match="利害关系"):
        file(lawyer, maker, interest=" ")
    assert Complaint.objects.filter(subject=lawyer).count() == 1


def test_a_penalty_that_followed_a_referral_is_linked(lawyer, maker, checker, bureau, approved):
    c, _ = file(lawyer, maker)
    services.accept(c.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    services.record_investigation(c.pk, by=maker, findings="私自收费属实")
    services.review(c.pk, by=maker, finding="substantiated", handling="penalty", opinion="移送立案")
    services.decide(c.pk, by=checker, reason="涉嫌私自收费，移送立案查处")
    rec = approved(lawyer)
    c = services.link_record(c.pk, by=maker, record_number=rec.number)
    assert c.linked_record_key == rec.key


def test_the_officer_who_reviewed_cannot_decide(lawyer, maker, bureau, django_user_model):
    admin = django_user_model.objects.create_user("province", password="x-Strong-pass-1", is_staff=True)
    assign(admin, "province_admin")
    c, _ = file(lawyer, maker)
    services.accept(c.pk, by=admin, authority="江苏省司法厅", authority_uscc=bureau["province"])
    services.record_investigation(c.pk, by=admin, findings="属实")
    services.review(c.pk, by=admin, finding="partly", handling="talk", opinion="部分属实，约谈")
    with pytest.raises(PermissionDenied, match="不同人员"):
        services.decide(c.pk, by=admin, reason="部分属实")


def test_a_complaint_found_true_lowers_the_lawyers_grade_with_the_reason(
        lawyer, maker, checker, bureau, django_capture_on_commit_callbacks):
    from legalcredit.evaluation import selectors as grades
    from legalcredit.evaluation import services as evaluation

    evaluation.recompute_all()
    before = grades.grade_of(lawyer.pk)
    c, _ = file(lawyer, maker)
    services.accept(c.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    services.record_investigation(c.pk, by=maker, findings="属实")
    services.review(c.pk, by=maker, finding="substantiated", handling="correction", opinion="责令改正")
    with django_capture_on_commit_callbacks(execute=True):
        c = services.decide(c.pk, by=checker, reason="未尽勤勉义务")
    after = grades.grade_of(lawyer.pk)
    assert after.score < before.score
    [line] = [x for x in grades.explain(after.evaluation) if x["indicator_name"] == "投诉查实"]
    assert float(line["points"]) < 0 and line["record_id"] == c.record.pk
