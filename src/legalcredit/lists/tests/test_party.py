"""The party answers the notice itself: its statement while the period runs, a hearing request
in time, and its own view of the case, without the bureau's internal details."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.lists import services
from legalcredit.lists.models import ListEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_user(db, django_user_model, law_firm):
    user = django_user_model.objects.create_user("dh_admin", password="x-Strong-pass-1", is_staff=True)
    assign(user, "institution_user", subject=law_firm)
    return user


@pytest.fixture
def stranger(db, django_user_model, codes, maker):
    """Another firm's account."""
    from legalcredit.registry import services as registry

    other, _ = registry.register_institution(actor=maker, reason="登记", name="淮安信达律师事务所", subject_type="law_firm",
                                             region="320812", uscc_code=codes.uscc())
    user = django_user_model.objects.create_user("xd_admin", password="x-Strong-pass-1", is_staff=True)
    assign(user, "institution_user", subject=other)
    return user


def noticed(subject, maker, served_on=None):
    entry = services.propose(subject, "serious_dishonesty", by=maker, reasons="拒不履行生效行政处罚决定",
                             authority="淮安市司法局")
    return services.serve_notice(entry.pk, by=maker, served_on=served_on or timezone.localdate())


def test_the_party_states_its_case_and_asks_for_a_hearing_in_time(law_firm, maker, firm_user, stranger):
    entry = noticed(law_firm, maker)
    with pytest.raises(PermissionDenied):
        services.record_statement(entry.pk, by=stranger, text="与我无关")
    services.record_statement(entry.pk, by=firm_user, text="罚款已于上月缴清，请求不予列入")
    services.record_statement(entry.pk, by=maker, text="当事人电话补充：已整改", on=timezone.localdate())
    entry = services.request_hearing(entry.pk, by=firm_user)
    today = timezone.localdate()
    # Nothing said is lost: each statement is kept, dated and attributed, and so is each step.
    assert entry.statement == (f"〔{today} 当事人提交陈述申辩〕\n罚款已于上月缴清，请求不予列入\n\n"
                               f"〔{today} 记录陈述申辩〕\n当事人电话补充：已整改")
    assert [(s.action, s.officer) for s in entry.steps.order_by("pk")][-3:] == [
        ("当事人提交陈述申辩", firm_user), ("记录陈述申辩", maker), ("当事人申请听证", firm_user)]
    assert (entry.stage, entry.hearing_requested_on) == ("hearing", today)
    services.record_statement(entry.pk, by=firm_user, text="听证前补充材料说明")   # until the hearing is held


def test_the_party_is_held_to_the_deadlines_the_notice_gave(law_firm, maker, firm_user):
    served = timezone.localdate() - dt.timedelta(days=30)
    entry = noticed(law_firm, maker, served_on=served)
    with pytest.raises(ValidationError, match=f"陈述申辩期已于{entry.statement_due}届满"):
        services.record_statement(entry.pk, by=firm_user, text="迟到的意见")
    with pytest.raises(ValidationError, match=f"已超过申请听证期限.*至{entry.hearing_request_due}"):
        services.request_hearing(entry.pk, by=firm_user)
    # An officer may still record a statement that reached the bureau in time by post.
    services.record_statement(entry.pk, by=maker, text="邮寄的陈述申辩书", on=entry.statement_due)
    with pytest.raises(ValidationError, match="陈述申辩意见：必须填写"):
        services.record_statement(entry.pk, by=maker, text="  ")


def test_the_party_sees_its_noticed_cases_only_and_answers_in_the_back_office(client, law_firm, lawyer, maker,
                                                                               checker, firm_user):
    proposal = services.propose(lawyer, "watch", by=maker, reasons="多次投诉查实", authority="淮安市司法局")
    entry = noticed(law_firm, maker)
    client.force_login(firm_user)
    listing = client.get(reverse("admin:lists_listentry_changelist")).content.decode()
    assert "提交陈述申辩 / 申请听证" in listing
    assert client.get(reverse("admin:lists_listentry_change", args=[proposal.pk])).status_code == 302, \
        "a proposal is the bureau's until its notice is served"
    page = client.get(reverse("admin:lists_listentry_change", args=[entry.pk])).content.decode()
    assert "拒不履行生效行政处罚决定" in page and "city_maker" not in page and "淮安市司法局" in page
    url = reverse("admin:lists_listentry_act", args=[entry.pk])
    form = client.get(url).content.decode()
    assert f"陈述申辩截止日：{entry.statement_due}" in form and "决定列入" not in form
    refused = client.post(url, {"action": "statement", "text": ""}).content.decode()
    assert "陈述申辩意见：必须填写" in refused
    assert client.post(url, {"action": "statement", "text": "已缴清罚款"}).status_code == 302
    assert client.post(url, {"action": "request_hearing"}).status_code == 302
    entry.refresh_from_db()
    assert entry.stage == "hearing" and "已缴清罚款" in entry.statement
    # The decision stays with the bureau's officers.
    with pytest.raises(PermissionDenied):
        services.decide(entry.pk, by=firm_user, listed=False, reason="自认无过错")
    client.force_login(maker)
    officer_form = client.get(url).content.decode()
    assert "通知听证日期" in officer_form and "已缴清罚款" in officer_form, "the officer sees what the party said"
    assert ListEntry.objects.get(pk=entry.pk).steps.filter(action="当事人申请听证", officer=firm_user).exists()


def test_the_party_is_told_by_email_of_its_notice_the_decision_and_the_removal(
        law_firm, maker, checker, firm_user, stranger, mailoutbox, django_capture_on_commit_callbacks):
    """A notice served on paper also reaches the party's account: the notice with its deadlines, then
    the decision with the 信用修复告知, then the removal; no other firm hears of it."""
    firm_user.email, stranger.email = "dh@example.cn", "xd@example.cn"
    firm_user.save(update_fields=["email"])
    stranger.save(update_fields=["email"])
    served = timezone.localdate() - dt.timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=True):
        entry = noticed(law_firm, maker, served_on=served)
    [notice] = mailoutbox
    assert notice.to == ["dh@example.cn"] and "严重失信主体名单列入告知" in notice.subject
    assert f"{entry.statement_due}前提交陈述申辩" in notice.body and f"{entry.hearing_request_due}前提出" in notice.body
    with django_capture_on_commit_callbacks(execute=True):
        entry = services.decide(entry.pk, by=checker, listed=True, reason="期满未陈述申辩",
                                decision_no="淮司信〔2026〕7号", on=served + dt.timedelta(days=20))
    decision = mailoutbox[1]
    assert "淮司信〔2026〕7号" in decision.subject and "信用修复" in decision.body
    with django_capture_on_commit_callbacks(execute=True):
        services.remove(entry.pk, by=checker, method="repair", note="已履行处罚决定并完成信用修复")
    assert "移出严重失信主体名单" in mailoutbox[2].subject and "已履行处罚决定" in mailoutbox[2].body
    assert all(m.to == ["dh@example.cn"] for m in mailoutbox) and len(mailoutbox) == 3
