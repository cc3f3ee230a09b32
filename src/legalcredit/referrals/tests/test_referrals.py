"""行政处罚与行业惩戒衔接: an approved penalty on a lawyer goes to the 律师协会, which answers within
the time limit whether it imposed industry discipline (一处违法、双重惩戒)."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.deadlines.models import Clock
from legalcredit.domain.referrals import ReferralRuleError, parse
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft
from legalcredit.refdata.models import Region
from legalcredit.referrals import services
from legalcredit.referrals.models import Referral, State

pytestmark = pytest.mark.django_db


@pytest.fixture
def association(django_user_model):
    user = django_user_model.objects.create_user("huaian_lawyers", password="x-Strong-pass-1", is_staff=True)
    assign(user, "association", region=Region.objects.get(code="320800"), unit="淮安市律师协会", sector="lawyers")
    return user


@pytest.fixture
def penalised(approved):
    """A penalty decided ten days ago, approved: recent enough to be referred."""
    day = timezone.localdate() - dt.timedelta(days=10)
    return lambda subject, **kw: approved(subject, **{"decision_date": day, "effective_from": day,
                                                      "effective_until": day + dt.timedelta(days=120), **kw})


def discipline(subject, by, checker=None):
    rec = records.submit(subject, Draft(
        kind="discipline", subtype="通报批评", decision_date=timezone.localdate(), authority="淮安市律师协会",
        source_unit="淮安市律师协会", decision_no="淮律协处〔2026〕7号", content="私自收案，通报批评"), actor=by, reason="录入")
    return records.approve(rec.pk, checker=checker) if checker else rec


def test_a_penalty_on_a_lawyer_goes_to_the_lawyers_association_and_comes_back_answered(
        penalised, lawyer, association, checker):
    penalty = penalised(lawyer)
    [ref] = Referral.objects.all()
    assert (ref.record_key, ref.subject, ref.sector, ref.sector_name, ref.state) == (
        penalty.key, lawyer, "lawyers", "律师协会", State.OPEN)
    clock = Clock.objects.get(case_type="referral", case_id=ref.pk)
    assert clock.working_days == 30 and clock.stopped_on is None
    # Referred once: the nightly pass and another approval of the same record change nothing.
    assert services.refer_recent() == 0 and services.refer([penalty.pk]) == []

    with pytest.raises(ValidationError, match="行业处分记录编号：已给予行业处分的，须填写"):
        services.answer(ref.pk, by=association, outcome="disciplined", note="")
    with pytest.raises(ValidationError, match="没有编号为 ABC 的行业处分记录"):
        services.answer(ref.pk, by=association, outcome="disciplined", note="", discipline_number="abc")
    with pytest.raises(ValidationError, match="不予行业处分的，须说明理由"):
        services.answer(ref.pk, by=association, outcome="declined", note="  ")
    pending = discipline(lawyer, association)         # waiting for the bureau's checker: still names it
    ref = services.answer(ref.pk, by=association, outcome="disciplined", note="理事会决定通报批评",
                          discipline_number=pending.number.lower())
    assert (ref.state, ref.discipline_key, ref.answered_by) == (State.DISCIPLINED, pending.key, association)
    assert Clock.objects.get(case_type="referral", case_id=ref.pk).stopped_on == timezone.localdate()
    with pytest.raises(ValidationError, match="已于"):
        services.answer(ref.pk, by=association, outcome="declined", note="再议")


def test_only_an_association_answers_and_only_within_its_region(penalised, lawyer, maker, django_user_model):
    penalised(lawyer)
    ref = Referral.objects.get()
    with pytest.raises(PermissionDenied):
        services.answer(ref.pk, by=maker, outcome="declined", note="情节轻微")
    elsewhere = django_user_model.objects.create_user("nanjing_lawyers", password="x-Strong-pass-1", is_staff=True)
    assign(elsewhere, "association", region=Region.objects.get(code="320100"))
    with pytest.raises(PermissionDenied):
        services.answer(ref.pk, by=elsewhere, outcome="declined", note="情节轻微")


def test_what_is_not_referred(lawyer, maker, checker, approved):
    # A decision older than refer_within_days (90, 假定) when approved is history: a past year's
    # 双公示 data loaded now does not send the association every old penalty again.
    old = approved(lawyer, decision_date=timezone.localdate() - dt.timedelta(days=91),
                   effective_from=timezone.localdate() - dt.timedelta(days=91),
                   effective_until=timezone.localdate() + dt.timedelta(days=30))
    assert old.review == "approved" and services.refer([old.pk]) == [] and services.refer_recent() == 0
    award = records.submit(lawyer, Draft(kind="commendation", subtype="市级", decision_date=dt.date(2026, 3, 2), authority="淮安市司法局",
                                         source_unit="淮安市司法局", decision_no="淮司表〔2026〕1号", content="优秀律师"),
                           actor=maker, reason="录入")
    records.approve(award.pk, checker=checker)
    assert services.refer_recent() == 0 and not Referral.objects.exists(), "not a penalty"
    # No association disciplines mediation committees, legal aid offices or arbitration commissions.
    shipped = services.rules()
    assert [shipped.refers("penalty", t) for t in ("mediation_committee", "legal_aid_office", "arbitrator")] == [None] * 3
    assert {shipped.refers("penalty", t).name for t in ("notary", "forensic_institution", "grassroots_worker")} == {
        "公证协会", "司法鉴定协会", "基层法律服务工作者协会"}


def test_the_association_has_its_queue_and_answers_in_the_back_office(penalised, lawyer, association, client,
                                                                     maker, checker):
    penalty = penalised(lawyer)
    ref = Referral.objects.get()
    client.force_login(association)
    home = client.get("/admin/").content.decode()
    assert "待研究行业惩戒的行政处罚" in home
    page = client.get(reverse("admin:referrals_referral_changelist") + "?state__exact=open").content.decode()
    assert "淮司罚决〔2026〕1号" in page and "律师协会" in page
    due = Clock.objects.get(case_type="referral", case_id=ref.pk).due_on
    assert f"{due}前（30个工作日）" in page
    answer = reverse("admin:referrals_referral_answer", args=[ref.pk])
    assert "私自接受委托" in client.get(answer).content.decode()
    refused = client.post(answer, {"outcome": "declined", "note": ""})
    assert refused.status_code == 200 and "须说明理由" in refused.content.decode()
    done = client.post(answer, {"outcome": "declined", "note": "已在行政处罚中充分评价，不再重复惩戒"})
    assert done.status_code == 302
    ref.refresh_from_db()
    assert ref.state == State.DECLINED and ref.answer.startswith("已在行政处罚")
    # The penalty revoked since: the list says so beside it.
    revoked = records.withdraw(penalty.key, actor=maker, reason="行政复议撤销", reversal_date=timezone.localdate(),
                               revoked=True)
    records.approve(revoked.pk, checker=checker)
    assert "【现已撤销】" in client.get(reverse("admin:referrals_referral_changelist")).content.decode()


def test_a_rule_file_that_cannot_be_applied_is_refused():
    good = {"record_kinds": ["penalty"], "refer_within_days": 90, "sectors": [{"code": "a", "name": "甲", "subject_types": ["lawyer"]}],
            "answer": {"name": "x", "days": 30, "source": "假定"}, "outcomes": {"d": "处分", "n": "不处分"},
            "disciplined_outcome": "d"}
    assert parse(good).refers("penalty", "lawyer").code == "a"
    assert parse(good).refers("award", "lawyer") is None and parse(good).refers("penalty", "notary") is None
    for change, message in (({"answer": {"name": "x", "days": 0, "source": "s"}}, "answer.days"),
                            ({"disciplined_outcome": "z"}, "disciplined_outcome"),
                            ({"refer_within_days": 0}, "refer_within_days"),
                            ({"sectors": [{"code": "a", "name": "甲", "subject_types": ["lawyer"]},
                                          {"code": "b", "name": "乙", "subject_types": ["lawyer"]}]}, "另一个协会")):
        with pytest.raises(ReferralRuleError, match=message):
            parse({**good, **change})


def test_an_association_of_one_profession_sees_and_answers_only_its_own(penalised, lawyer, django_user_model,
                                                                         association):
    penalised(lawyer)
    ref = Referral.objects.get()
    notaries = django_user_model.objects.create_user("huaian_notaries", password="x-Strong-pass-1", is_staff=True)
    assign(notaries, "association", region=Region.objects.get(code="320800"), unit="淮安市公证协会", sector="notaries")
    from legalcredit.accounts.policy import scope_for
    from legalcredit.referrals import selectors

    assert list(selectors.open_referrals(scope_for(notaries), notaries)) == []
    assert list(selectors.open_referrals(scope_for(association), association)) == [ref]
    association.officer.sector = ""
    assert list(selectors.open_referrals(scope_for(association), association)) == [ref], "no sector: every one"
    with pytest.raises(PermissionDenied, match="移送律师协会"):
        services.answer(ref.pk, by=notaries, outcome="declined", note="非本会会员")


def test_an_administrator_sets_an_associations_profession_from_the_rule_sets_codes(association):
    from legalcredit.accounts.admin import OfficerProfileForm

    profile = association.officer
    data = {"user": association.pk, "region": "320800", "unit": "淮安市律师协会", "sector": "lawyer"}
    form = OfficerProfileForm(data, instance=profile)
    assert not form.is_valid() and "协会类别：应为 lawyers、notaries、forensic、grassroots 之一" in str(form.errors)
    form = OfficerProfileForm({**data, "sector": "lawyers"}, instance=profile)
    assert form.is_valid(), form.errors


def test_the_overview_counts_the_loop(penalised, lawyer, association, client, maker):
    from legalcredit.core.tests.test_overview import figures

    penalised(lawyer)
    services.answer(Referral.objects.get().pk, by=association, outcome="declined", note="已充分评价")
    penalised(lawyer, decision_no="淮司罚决〔2026〕2号")
    panel = figures(client, maker)[f"行政处罚与行业惩戒衔接（{timezone.localdate().year}年移送）"]
    assert {k: v[0] for k, v in panel.items()} == {"移送协会": "2", "协会已反馈": "1", "给予行业处分": "0",
                                                   "不予行业处分": "1", "按期反馈率": "100.00%", "逾期未反馈": "0"}
    assert client.get(panel["移送协会"][1]).context["cl"].result_count == 2
