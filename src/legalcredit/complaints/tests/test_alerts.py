"""投诉预警: complaints gathering about a practitioner or an institution raise an alert the officers
of its region see at once and must handle; nothing else is held up by it."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.audit.models import AuditEntry
from legalcredit.refdata.models import Region
from legalcredit.registry import services as registry

from .. import alerts, services
from ..models import ComplaintAlert

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def file(subject, by, who, days_ago=0, **kw):
    c, _ = services.file(subject, by=by, channel="hotline_12348", complainant_name=who, complainant_contact="13912345678",
                         interest="委托人", facts="收取代理费后不出庭", received_on=TODAY - dt.timedelta(days=days_ago),
                         **kw)
    return c


def open_alerts(subject):
    return {a.rule: a for a in ComplaintAlert.objects.filter(subject=subject, state="open")}


def test_three_complainants_within_ninety_days_raise_one_alert_that_grows(lawyer, maker):
    file(lawyer, maker, "王芳", 80)
    file(lawyer, maker, "王芳", 40)      # the same person again is not a second complainant
    file(lawyer, maker, "赵强", 30)
    assert open_alerts(lawyer) == {}
    third = file(lawyer, maker, "钱伟", 2)
    alert = open_alerts(lawyer)["concentrated"]
    assert (alert.rule_name, alert.count, alert.raised_on) == ("投诉集中", 3, TODAY)
    assert (alert.window_start, alert.window_end) == (TODAY - dt.timedelta(days=80), TODAY - dt.timedelta(days=2))
    assert third in alert.complaints.all() and alert.complaints.count() == 4
    assert alert.rule_text == "同一主体90日内不同投诉人数达到3" and alert.advice and alert.rules_version == "2026.2"
    assert AuditEntry.objects.filter(object_type="complaints.complaintalert", object_id=str(alert.pk),
                                     summary__startswith="投诉预警：投诉集中").exists()
    # A fourth complainant enlarges the open alert; no second one is raised.
    file(lawyer, maker, "孙丽")
    again = ComplaintAlert.objects.get(pk=alert.pk)
    assert again.count == 4 and again.complaints.count() == 5 and again.raised_on == TODAY
    assert ComplaintAlert.objects.filter(subject=lawyer, rule="concentrated").count() == 1


def test_a_handled_alert_closes_and_only_later_complaints_raise_the_next(lawyer, maker, checker):
    for who in ("王芳", "赵强", "钱伟"):
        file(lawyer, maker, who, 10)
    alert = open_alerts(lawyer)["concentrated"]
    with pytest.raises(ValidationError, match="处置方式"):
        alerts.handle(alert.pk, by=maker, response="ignore", note="x")
    with pytest.raises(ValidationError, match="处置情况"):
        alerts.handle(alert.pk, by=maker, response="talk", note=" ")
    alerts.handle(alert.pk, by=maker, response="talk", note="已约谈李明律师，责令三日内回复委托人")
    alert.refresh_from_db()
    assert (alert.state, alert.handled_on, alert.handled_by) == ("handled", TODAY, maker)
    with pytest.raises(ValidationError, match="已于"):
        alerts.handle(alert.pk, by=maker, response="talk", note="再次")
    # The same complaints raise nothing again, even on the nightly pass.
    alerts.assess_recent()
    assert open_alerts(lawyer) == {}
    # As if it had been handled 8 days ago: the complaints since then count, and only they.
    ComplaintAlert.objects.filter(pk=alert.pk).update(raised_on=TODAY - dt.timedelta(days=9),
                                                      handled_on=TODAY - dt.timedelta(days=8))
    file(lawyer, maker, "周敏", 5)
    file(lawyer, maker, "吴军", 3)
    assert open_alerts(lawyer) == {}     # the three before the handling do not make these two a third
    file(lawyer, maker, "郑洁", 1)
    fresh = open_alerts(lawyer)["concentrated"]
    assert fresh.pk != alert.pk and fresh.count == 3
    assert {c.complainant_name for c in fresh.complaints.all()} == {"周敏", "吴军", "郑洁"}


def test_complaints_not_accepted_do_not_count(lawyer, maker, bureau):
    first = file(lawyer, maker, "王芳", 5)
    services.not_accept(first.pk, by=maker, reason_code="no_interest", reason="投诉人系对方当事人")
    file(lawyer, maker, "赵强", 3)
    file(lawyer, maker, "钱伟", 1)
    assert open_alerts(lawyer) == {}


def test_complaints_about_its_lawyers_raise_the_institution_alert(law_firm, lawyer, maker, codes):
    second, _ = registry.register_practitioner(
        actor=maker, reason="执业许可", name="张华", subject_type="lawyer", region="320812",
        id_number_raw=codes.id_number(), license_issued_on=dt.date(2015, 5, 1), institution=law_firm)
    file(lawyer, maker, "王芳", 20)
    file(lawyer, maker, "赵强", 15)
    file(second, maker, "钱伟", 10)
    file(second, maker, "孙丽", 5)
    assert open_alerts(law_firm) == {}
    file(law_firm, maker, "周敏", 1)
    firm = open_alerts(law_firm)["institution"]
    assert firm.count == 5 and firm.rule_name == "机构投诉集中" and firm.complaints.count() == 5
    # Each lawyer had only two complainants: neither is concentrated.
    assert open_alerts(lawyer) == {} and open_alerts(second) == {}


def test_a_lawyer_who_joined_later_does_not_bring_earlier_complaints(law_firm, maker, codes):
    mover, _ = registry.register_practitioner(
        actor=maker, reason="执业许可", name="陈刚", subject_type="lawyer", region="320812",
        id_number_raw=codes.id_number(), license_issued_on=dt.date(2015, 5, 1))
    for i, who in enumerate(("王芳", "赵强", "钱伟", "孙丽")):
        file(mover, maker, who, 30 - i)
    registry.add_affiliation(actor=maker, reason="转所", person=mover, institution=law_firm, role="member",
                             valid_from=TODAY - dt.timedelta(days=3))
    file(law_firm, maker, "周敏", 1)
    assert "institution" not in open_alerts(law_firm)
    file(mover, maker, "吴军", 0)
    assert "institution" not in open_alerts(law_firm)   # two complainants since joining, with the firm's own


def test_officers_see_and_handle_alerts_of_their_region_only(client, lawyer, maker, django_user_model):
    for who in ("王芳", "赵强", "钱伟"):
        file(lawyer, maker, who, 3)
    alert = open_alerts(lawyer)["concentrated"]
    client.force_login(maker)
    home = client.get("/admin/").content.decode()
    assert "待处置的投诉预警" in home
    listing = client.get("/admin/complaints/complaintalert/?state__exact=open").content.decode()
    assert "投诉集中" in listing and lawyer.name in listing
    first = alert.complaints.order_by("pk").first()
    assert "投诉集中：李明" in client.get(f"/admin/complaints/complaint/{first.pk}/change/").content.decode()
    page = client.get(f"/admin/complaints/complaintalert/{alert.pk}/change/").content.decode()
    assert "同一主体90日内不同投诉人数达到3" in page and "钱伟" not in page    # complaint numbers, not complainants
    form = client.get(f"/admin/complaints/complaintalert/{alert.pk}/handle/").content.decode()
    assert "约谈提醒" in form and "处置建议" in form
    refused = client.post(f"/admin/complaints/complaintalert/{alert.pk}/handle/", {"response": "talk", "note": ""})
    assert refused.status_code == 200 and "处置情况" in refused.content.decode()
    done = client.post(f"/admin/complaints/complaintalert/{alert.pk}/handle/",
                       {"response": "inspection", "note": "已安排专项检查"})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.state == "handled" and alert.response == "inspection"

    elsewhere = django_user_model.objects.create_user("nanjing", password="x-Strong-pass-1", is_staff=True)
    assign(elsewhere, "city_maker", region=Region.objects.get(code="320100"))
    client.logout()
    client.force_login(elsewhere)
    assert lawyer.name not in client.get("/admin/complaints/complaintalert/").content.decode()
    assert client.get(f"/admin/complaints/complaintalert/{alert.pk}/handle/").status_code == 404
    with pytest.raises(PermissionDenied):
        alerts.handle(alert.pk, by=elsewhere, response="talk", note="越权")


def test_a_rule_edition_without_alerts_raises_none(lawyer, maker, monkeypatch):
    import dataclasses

    monkeypatch.setattr(alerts, "_rules", lambda: dataclasses.replace(services.rules(), alerts={}))
    for who in ("王芳", "赵强", "钱伟"):
        file(lawyer, maker, who, 3)
    assert not ComplaintAlert.objects.exists() and alerts.assess_recent() == 0


def test_a_complaint_not_accepted_leaves_the_alert_and_one_left_short_is_withdrawn(lawyer, maker):
    file(lawyer, maker, "王芳", 6)
    file(lawyer, maker, "赵强", 4)
    last = file(lawyer, maker, "钱伟", 2)
    alert = open_alerts(lawyer)["concentrated"]
    services.not_accept(last.pk, by=maker, reason_code="no_interest", reason="投诉人系对方当事人")
    alert.refresh_from_db()
    assert alert.state == "withdrawn" and alert.count == 2 and last not in alert.complaints.all()
    assert "不予受理" in alert.response_note and alert.handled_by == maker
    # A withdrawn alert was not handled: the two complaints still count towards the next one.
    file(lawyer, maker, "孙丽", 1)
    fresh = open_alerts(lawyer)["concentrated"]
    assert fresh.pk != alert.pk and fresh.count == 3
    extra = file(lawyer, maker, "吴军", 0)
    fresh.refresh_from_db()
    assert fresh.count == 4
    # One not accepted of four leaves three: the alert stays open, one smaller.
    services.not_accept(extra.pk, by=maker, reason_code="no_interest", reason="无利害关系")
    fresh.refresh_from_db()
    assert fresh.state == "open" and fresh.count == 3


def test_the_nightly_pass_raises_what_registration_could_not(lawyer, maker, monkeypatch):
    """Complaints registered while the edition had no alerts (or a concurrent one won the race) are
    assessed by the nightly pass, once."""
    import dataclasses

    with monkeypatch.context() as m:
        m.setattr(alerts, "_rules", lambda: dataclasses.replace(services.rules(), alerts={}))
        for who in ("王芳", "赵强", "钱伟"):
            file(lawyer, maker, who, 3)
    assert not ComplaintAlert.objects.exists()
    assert alerts.assess_recent() == 1
    assert open_alerts(lawyer)["concentrated"].count == 3
    assert alerts.assess_recent() == 0 and ComplaintAlert.objects.count() == 1


def test_a_new_alert_is_mailed_once_to_the_officers_who_handle_the_subjects_complaints(
        lawyer, maker, checker, django_user_model, mailoutbox, django_capture_on_commit_callbacks):
    maker.email, checker.email = "maker@sfj.example", "checker@sfj.example"
    maker.save()
    checker.save()
    elsewhere = django_user_model.objects.create_user("nj", password="x-Strong-pass-1", is_staff=True,
                                                      email="nj@sfj.example")
    assign(elsewhere, "city_maker", region=Region.objects.get(code="320100"))
    with django_capture_on_commit_callbacks(execute=True):
        for who in ("王芳", "赵强", "钱伟"):
            file(lawyer, maker, who, 3)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    # The city's maker handles complaints; its checker decides them (no handle permission); Nanjing's
    # maker does not cover the subject.
    assert mail.to == ["maker@sfj.example"] and "【投诉预警】投诉集中：李明" == mail.subject
    alert = open_alerts(lawyer)["concentrated"]
    assert f"/admin/complaints/complaintalert/{alert.pk}/change/" in mail.body and alert.advice in mail.body
    with django_capture_on_commit_callbacks(execute=True):
        file(lawyer, maker, "孙丽", 1)                 # enlarges the alert: no second e-mail
    assert len(mailoutbox) == 1
