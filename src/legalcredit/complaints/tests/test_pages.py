"""The complainant's pages on the portal and the officers' pages in the back office."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from .. import services
from ..models import Complaint, Stage

pytestmark = pytest.mark.django_db

FORM = {"complainant_name": "王芳", "complainant_contact": "13912345678", "interest": "委托人",
        "facts": "收取代理费后未按约定出庭", "requests": "退费"}


def test_a_complaint_made_on_the_portal_is_followed_with_its_number_and_code(client, lawyer, maker, bureau):
    page = client.get(reverse("complaints:new", args=[lawyer.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    # The lawyers' limits from the rule set, as the complainant reads them.
    assert "10个工作日" in text and "60日" in text
    assert reverse("complaints:new", args=[lawyer.pk]) in client.get(reverse("portal:subject", args=[lawyer.pk])).content.decode()

    missing = client.post(reverse("complaints:new", args=[lawyer.pk]), {**FORM, "complainant_contact": ""})
    assert missing.status_code == 400 and "联系电话" in missing.content.decode()
    assert not Complaint.objects.exists()

    made = client.post(reverse("complaints:new", args=[lawyer.pk]), FORM)
    assert made.status_code == 201
    c = Complaint.objects.get()
    assert c.channel == "portal" and c.received_on == timezone.localdate() and c.filed_by is None
    body = made.content.decode()
    code = re.search(r"查询码</th><td><strong>([0-9A-Z]+)<", body).group(1)
    assert c.number in body

    wrong = client.get("/public/complaints/status/", {"number": c.number, "code": "AAAAAAAAAA"})
    assert wrong.status_code == 400 and "不正确" in wrong.content.decode()
    shown = client.get("/public/complaints/status/", {"number": c.number, "code": code}).content.decode()
    assert "已登记（待受理审查）" in shown and "13912345678" not in shown and "王芳" not in shown
    # The complainant sees by when the acceptance review is due.
    from legalcredit.refdata.selectors import work_calendar

    due = work_calendar().add_working_days(timezone.localdate(), 10)
    assert "投诉受理审查期限" in shown and f"{due.isoformat()}前（10个工作日）" in shown

    services.not_accept(c.pk, by=maker, reason_code="review_or_litigation", reason="已起诉")
    shown = client.get("/public/complaints/status/", {"number": c.number, "code": code}).content.decode()
    assert "不予受理" in shown and "已起诉" in shown


def test_one_address_may_make_only_so_many_complaints_a_day(client, lawyer, settings, fresh_cache):
    settings.PUBLIC_COMPLAINTS_PER_DAY = 2
    addr = {"REMOTE_ADDR": "10.9.8.7"}
    for _ in range(2):
        assert client.post(reverse("complaints:new", args=[lawyer.pk]), FORM, **addr).status_code == 201
    over = client.post(reverse("complaints:new", args=[lawyer.pk]), FORM, **addr)
    assert over.status_code == 400 and "12348" in over.content.decode()
    assert Complaint.objects.count() == 2


def test_officers_register_and_handle_a_complaint_in_the_back_office(client, lawyer, maker, checker, bureau):
    client.force_login(maker)
    assert "登记投诉" in client.get("/admin/complaints/complaint/").content.decode()
    page = client.get("/admin/complaints/complaint/apply/")
    assert page.status_code == 200 and "12348公共法律服务热线" in page.content.decode()
    done = client.post("/admin/complaints/complaint/apply/", {
        "subject": lawyer.id_number, "channel": "hotline_12348", "complainant_name": "王芳",
        "interest": "委托人", "facts": "未按约出庭"}, follow=True)
    c = Complaint.objects.get()
    assert "查询码" in done.content.decode() and c.filed_by == maker

    act = f"/admin/complaints/complaint/{c.pk}/act/"
    refused = client.post(act, {"action": "accept", "authority": "淮安市司法局", "authority_uscc": "bad"})
    assert refused.status_code == 200 and "处理机关统一社会信用代码" in refused.content.decode()
    client.post(act, {"action": "accept", "authority": "淮安市司法局", "authority_uscc": bureau["city"]})
    client.post(act, {"action": "investigate", "text": "调取庭审笔录", "statement": "因病未出庭"})
    client.post(act, {"action": "review", "finding": "substantiated", "handling": "talk", "text": "约谈"})
    assert Complaint.objects.get().stage == Stage.REVIEWED
    change = client.get(f"/admin/complaints/complaint/{c.pk}/change/").content.decode()
    from legalcredit.audit.models import AuditEntry

    # Opened twice: after registering it (the redirect) and now.
    reads = AuditEntry.objects.filter(action="read", object_type="complaints.complaint", object_id=str(c.pk))
    assert reads.count() == 2
    assert all(r.actor == maker.username and "投诉举报处理" in r.reason for r in reads)
    assert "投诉调查处理" in change and "60日" in change and "调取庭审笔录" in change
    assert "12348公共法律服务热线" in change and "律师和律师事务所" in change and "投诉事项查实，约谈告诫" in change
    assert "hotline_12348" not in change and c.query_code_hash not in change

    client.force_login(checker)
    client.post(act, {"action": "decide", "text": "未尽勤勉义务"})
    c = Complaint.objects.get()
    assert c.stage == Stage.DECIDED and c.record.review == "approved"
    # The deadline queue shows the notice clock with its unit.
    queue = client.get("/admin/deadlines/clock/").content.decode()
    assert "告知投诉人和被投诉人处理结果" in queue and "7个工作日" in queue


def test_evidence_sent_with_a_portal_complaint_is_kept_and_a_wrong_file_refuses_the_whole(client, lawyer, settings,
                                                                                        tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from legalcredit.remedies.models import Material

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    bad = client.post(reverse("complaints:new", args=[lawyer.pk]),
                      {**FORM, "file": SimpleUploadedFile("合同.pdf", b"MZ\x90\x00not a pdf")})
    assert bad.status_code == 400 and "内容与扩展名" in bad.content.decode()
    assert not Complaint.objects.exists() and not Material.objects.exists()
    good = client.post(reverse("complaints:new", args=[lawyer.pk]), {**FORM, "file": SimpleUploadedFile("合同.pdf", pdf)})
    assert good.status_code == 201
    [m] = Material.objects.filter(case_type="complaint", case_id=Complaint.objects.get().pk)
    assert m.name == "合同.pdf" and m.size == len(pdf) and m.uploaded_by is None


def test_the_statistics_count_each_sectors_complaints_and_their_timeliness(client, lawyer, maker, bureau):
    import datetime as dt

    long_ago = timezone.localdate() - dt.timedelta(days=40)
    on_time, _ = services.file(lawyer, by=maker, channel="letter", complainant_name="甲", interest="委托人", facts="甲")
    services.not_accept(on_time.pk, by=maker, reason_code="no_facts", reason="无具体事实")
    late, _ = services.file(lawyer, by=maker, channel="letter", complainant_name="乙", interest="委托人", facts="乙",
                            received_on=long_ago)
    services.accept(late.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])   # past its 10 days
    services.file(lawyer, by=maker, channel="visit", complainant_name="丙", interest="委托人", facts="丙",
                  received_on=long_ago)                                                                # still waiting
    client.force_login(maker)
    page = client.get("/admin/complaints/complaint/statistics/",
                      {"start": (long_ago - dt.timedelta(days=1)).isoformat(), "end": timezone.localdate().isoformat()})
    [row] = page.context["rows"]
    assert row["sector"] == "律师和律师事务所"
    assert (row["received"], row["accepted"], row["not_accepted"], row["closed"], row["closed_on_time"]) == (3, 1, 1, 1, 1)
    assert row["overdue"] == 1 and row["on_time_rate"] == 1.0
    assert "投诉办理统计" in client.get("/admin/complaints/complaint/").content.decode()


def test_the_respondent_sees_an_accepted_complaint_about_it_and_states_its_side(
        client, law_firm, lawyer, maker, checker, bureau, django_user_model, django_capture_on_commit_callbacks,
        mailoutbox):
    from legalcredit.accounts.services import assign

    firm_user = django_user_model.objects.create_user("dh_admin", password="x-Strong-pass-1", is_staff=True,
                                                      email="office@dehenglaw.example")
    assign(firm_user, "institution_user", subject=law_firm)
    waiting, _ = services.file(lawyer, by=maker, channel="letter", complainant_name="王芳", interest="委托人",
                               facts="尚未受理的投诉", complainant_contact="13912345678")
    accepted, _ = services.file(lawyer, by=maker, channel="letter", complainant_name="王芳", interest="委托人",
                                facts="收费后未出庭", complainant_contact="13912345678")
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(accepted.pk, by=maker, authority="淮安市司法局", authority_uscc=bureau["city"])
    # The firm of the lawyer complained about is told by e-mail that it may state its side.
    [mail] = mailoutbox
    assert mail.to == ["office@dehenglaw.example"] and accepted.number in mail.subject and "陈述申辩" in mail.body

    client.force_login(firm_user)
    home = client.get("/admin/").content.decode()
    assert "可陈述申辩的投诉（调查中）" in home
    listing = client.get("/admin/complaints/complaint/").content.decode()
    assert accepted.number in listing and waiting.number not in listing
    assert "王芳" not in listing and "投诉办理统计" not in listing
    assert client.get("/admin/complaints/complaint/statistics/").status_code == 403
    assert client.get(f"/admin/complaints/complaint/{waiting.pk}/change/").status_code in (302, 404)
    page = client.get(f"/admin/complaints/complaint/{accepted.pk}/change/").content.decode()
    assert "收费后未出庭" in page and "王芳" not in page and "13912345678" not in page

    client.post(f"/admin/complaints/complaint/{accepted.pk}/respond/", {"statement": "因病未能出庭，已安排同所律师代为出庭"})
    c = Complaint.objects.get(pk=accepted.pk)
    assert "（被投诉人提交）：因病未能出庭" in c.respondent_statement
    # Once the investigation is reviewed, the statement period is over.
    services.record_investigation(c.pk, by=maker, findings="查明属实")
    services.review(c.pk, by=maker, finding="unsubstantiated", handling="none", opinion="已安排代为出庭")
    refused = client.post(f"/admin/complaints/complaint/{accepted.pk}/respond/", {"statement": "补充"})
    assert "不能办理此事项" in refused.content.decode()
    services.decide(c.pk, by=checker, reason="已安排代为出庭，未损害委托人利益")
    page = client.get(f"/admin/complaints/complaint/{accepted.pk}/change/").content.decode()
    assert "投诉事项不属实" in page
