"""The back office path of a year's 双公示 file: import, the batch waits, a checker approves or
returns it whole, the records show their publication, and the result is exported."""
import io
import re

import pytest
from django.urls import reverse

from legalcredit.audit.models import AuditEntry
from legalcredit.core.models import ImportBatch
from legalcredit.records.models import CreditRecord, Review
from legalcredit.records.tests.test_import import rows, run, write_csv  # noqa: F401 (fixture)


@pytest.fixture
def batch(tmp_path, maker, rows):  # noqa: F811
    return run(write_csv(tmp_path / "cf.csv", rows), maker).batch


def decide(client, batch, **data):
    """Post a decision on the batch; the background worker carries it out when the request commits."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("admin:records_recordimportbatch_decide", args=[batch.pk]), data)


def test_checker_sees_the_batch_waiting_and_approves_it_whole(client, checker, batch, lawyer):
    client.force_login(checker)
    listing = client.get(reverse("admin:records_recordimportbatch_changelist")).content.decode()
    assert "cf.csv" in listing and "审核本批次" in listing and "2026年双公示补录" in listing
    page = decide(client, batch, approve="1", note="抽核无误")
    assert page.status_code == 302
    assert set(CreditRecord.objects.values_list("review", flat=True)) == {Review.APPROVED}
    assert CreditRecord.objects.filter(checked_by=checker, check_note="抽核无误").count() == 2
    lawyer.refresh_from_db()
    assert lawyer.status_id == "suspended", "the approved 停止执业 reaches the registry"
    assert "审核本批次" not in client.get(reverse("admin:records_recordimportbatch_changelist")).content.decode()


def test_a_returned_batch_keeps_its_versions_and_needs_a_reason(client, checker, batch):
    client.force_login(checker)
    refused = decide(client, batch, reject="1", note=" ")
    assert refused.status_code == 200 and "退回须说明理由" in refused.content.decode()
    assert CreditRecord.objects.filter(review=Review.PENDING).count() == 2
    assert decide(client, batch, reject="1", note="第3行处罚依据有误").status_code == 302
    assert set(CreditRecord.objects.values_list("review", "check_note")) == {(Review.REJECTED, "第3行处罚依据有误")}
    assert AuditEntry.objects.filter(object_type="core.importbatch", object_id=str(batch.pk),
                                     action=AuditEntry.Action.REJECT).exists()


def test_a_maker_cannot_decide_and_a_checker_cannot_approve_their_own_import(
        client, tmp_path, maker, checker, rows, batch):  # noqa: F811
    client.force_login(maker)
    assert decide(client, batch, approve="1").status_code == 403
    own = run(write_csv(tmp_path / "own.csv", [dict(rows[0], CF_WSH="淮司罚决〔2026〕77号")]), checker).batch
    client.force_login(checker)
    page = decide(client, own, approve="1")
    assert page.status_code == 200 and "不能审核本人导入的批次" in page.content.decode()
    assert CreditRecord.objects.filter(review=Review.PENDING).count() == 3


def test_a_batch_outside_the_officers_area_is_not_listed(client, django_user_model, batch):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    other = django_user_model.objects.create_user("nanjing_checker", password="x-Strong-pass-1", is_staff=True)
    assign(other, "city_checker", region=Region.objects.get(code="320100"))
    client.force_login(other)
    assert "cf.csv" not in client.get(reverse("admin:records_recordimportbatch_changelist")).content.decode()
    assert decide(client, batch, approve="1").status_code == 404


def test_record_page_explains_the_decision_in_words(client, checker, batch):
    client.force_login(checker)
    decide(client, batch, approve="1")
    listing = client.get(reverse("admin:records_creditrecord_changelist")).content.decode()
    assert "?authority_level=city" in listing and "设区的市级" in listing, "the level filter reads in words"
    rec = CreditRecord.objects.get(decision_no="淮司罚决〔2026〕11号")
    page = client.get(reverse("admin:records_creditrecord_change", args=[rec.pk])).content.decode()
    assert "行政处罚" in page and "警告、罚款" in page and "《律师法》第五十条" in page and "设区的市级" in page
    assert "+00:00" not in page, "times in the version table are local, not UTC isoformat"


def test_export_from_the_back_office_in_the_national_format(client, checker, batch,
                                                            django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    from legalcredit.records.models import ExportJob

    client.force_login(checker)
    decide(client, batch, approve="1")
    url = reverse("admin:records_export")
    assert "导出双公示数据" in client.get(reverse("admin:records_creditrecord_changelist")).content.decode()
    missing = client.post(url, {"kind": "penalty", "fmt": "xlsx"})
    assert missing.status_code == 200 and "该字段是必填项" in missing.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
    # The worker writes the file (the queue runs at commit); the officer follows the job's page.
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url, {"kind": "penalty", "fmt": "xlsx", "purpose": "报送省平台", "mark_reported": "on"})
    job = ExportJob.objects.get()
    assert asked.status_code == 302 and asked["Location"] == reverse("admin:records_export_job", args=[job.pk])
    page = client.get(asked["Location"])
    text = page.content.decode()
    assert job.state == ExportJob.State.DONE and job.rows == 2 and job.rows_estimated == 2
    assert "已导出 2 条，并标记为已报送" in text and 'http-equiv="refresh"' not in text
    assert page.context["progress"].rows == 2 and page.context["progress"].percent == 100
    assert CreditRecord.objects.filter(reported_at__isnull=False).count() == 2
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).get()
    assert entry.reason == "报送省平台" and entry.actor == checker.username

    got = client.get(reverse("admin:records_export_file", args=[job.pk]))
    assert got.status_code == 200 and got["Content-Disposition"].startswith("attachment")
    assert job.file in got["Content-Disposition"] and job.file.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(got.streaming_content))).active
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][0] == "CF_XDR_MC" and len(table) == 3
    assert {r[table[0].index("CF_WSH")] for r in table[1:]} == {"淮司罚决〔2026〕11号", "淮司罚决〔2026〕12号"}
    # Each download is on the trail: it is where full ID numbers leave the platform.
    download = AuditEntry.objects.get(object_type="records.exportjob")
    assert download.action == AuditEntry.Action.READ and download.object_id == str(job.pk)
    assert job.file in client.get(url).content.decode(), "the export page lists the officer's jobs"


def test_an_export_is_served_to_the_officer_who_asked_for_it_only(client, checker, batch, django_user_model,
                                                                 django_capture_on_commit_callbacks):
    from legalcredit.records.models import ExportJob

    client.force_login(checker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:records_export"), {"kind": "penalty", "fmt": "csv", "purpose": "报送省平台"})
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.DONE, job.message
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    other = django_user_model.objects.create_user("other_checker", password="x-Strong-pass-1", is_staff=True)
    assign(other, "city_checker", region=Region.objects.get(code="320800"))
    client.force_login(other)
    assert client.get(reverse("admin:records_export_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("admin:records_export_file", args=[job.pk])).status_code == 404
    assert job.file not in client.get(reverse("admin:records_export")).content.decode()


def test_export_is_refused_to_roles_without_full_id_numbers(client, maker, batch):
    client.force_login(maker)
    assert client.get(reverse("admin:records_export")).status_code == 403
    assert "导出双公示数据" not in client.get(reverse("admin:records_creditrecord_changelist")).content.decode()
    assert not ImportBatch.objects.filter(kind="export").exists()


def test_timeliness_page_gives_the_three_rates_per_unit_and_links_the_late_decisions(client, checker, batch):
    from django.utils import timezone

    client.force_login(checker)
    decide(client, batch, approve="1")
    today = timezone.localdate()
    page = client.get(reverse("admin:records_timeliness"), {"start": f"{today.year - 1}-01-01", "end": str(today)})
    html = page.content.decode()
    # Both decisions were dated 40 days ago and published today: neither reported nor on time.
    row = html[html.index("<td>淮安市司法局</td>"):]
    row = row[:row.index("</tr>")]
    assert [c.split("<")[0] for c in row.split("<td>")[1:8]] == ["淮安市司法局", "2", "0", "0.0%", "-", "0", "0.0%"]
    late_url = re.search(r'href="([^"]+)">查看逾期', html).group(1).replace("&amp;", "&")
    late = client.get(late_url).content.decode()
    assert "淮司罚决〔2026〕11号" in late and "淮司罚决〔2026〕12号" in late
    bad = client.get(reverse("admin:records_timeliness"), {"start": str(today), "end": "2000-01-01"})
    assert "结束日期不能早于开始日期" in bad.content.decode()


def _approved_record(client, checker, batch, decision_no="淮司罚决〔2026〕12号"):
    client.force_login(checker)
    decide(client, batch, approve="1")
    return CreditRecord.objects.get(decision_no=decision_no, is_current=True)


def test_a_correction_from_the_record_page_makes_a_pending_version_with_its_reason(
        client, maker, checker, batch):
    rec = _approved_record(client, checker, batch)
    client.force_login(maker)
    page = client.get(reverse("admin:records_creditrecord_change", args=[rec.pk])).content.decode()
    assert reverse("admin:records_correct", args=[rec.pk]) in page
    url = reverse("admin:records_correct", args=[rec.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    same = client.post(url, {**data, "reason": "核对"})
    assert "没有更改任何内容" in same.content.decode()
    too_long = client.post(url, {**data, "months": 9, "reason": "更正期限"})
    assert "超过《律师法》第四十八条规定的上限6个月" in too_long.content.decode()
    done = client.post(url, {**data, "months": 5, "reason": "更正停止执业期限"})
    assert done.status_code == 302
    new = CreditRecord.objects.get(key=rec.key, version=2)
    assert (new.review, new.reason, new.sanctions) == (Review.PENDING, "更正停止执业期限",
                                                       [{"type": "停止执业", "months": 5}])
    rec.refresh_from_db()
    assert rec.is_current, "the approved version counts until the correction is approved"


def test_a_withdrawal_when_the_decision_is_changed_keeps_the_record_and_ends_publication(
        client, maker, checker, batch):
    import datetime as dt

    from legalcredit.records import selectors, services

    rec = _approved_record(client, checker, batch)
    client.force_login(maker)
    url = reverse("admin:records_withdraw", args=[rec.pk])
    assert "撤回原因" in client.get(url).content.decode()
    late = client.post(url, {"reversal_date": "2000-01-01", "reason": "经复议变更"})
    assert "应在原决定日与今天之间" in late.content.decode()
    day = rec.decision_date + dt.timedelta(days=10)
    assert client.post(url, {"reversal_date": str(day), "reason": "经行政复议变更为警告"}).status_code == 302
    new = CreditRecord.objects.get(key=rec.key, version=2)
    assert (new.status, new.withdrawal_reason, new.reversal_date) == ("withdrawn", "经行政复议变更为警告", day)
    services.approve(new.pk, checker=checker)
    assert not selectors.public_on(CreditRecord.objects.get(pk=new.pk), dt.date.today())
    assert rec.key not in {r.key for r in selectors.public_records(rec.subject_id)}
    assert CreditRecord.objects.filter(key=rec.key).count() == 2, "nothing is deleted"
    page = client.get(reverse("admin:records_creditrecord_change", args=[new.pk])).content.decode()
    assert "撤回公示（决定变更或撤销）" not in page


def test_a_checker_approves_or_returns_one_pending_version_from_its_page(client, maker, checker, lawyer, penalty):
    from legalcredit.records import services

    one = services.submit(lawyer, penalty(), actor=maker, reason="录入")
    two = services.submit(lawyer, penalty(decision_no="淮司罚决〔2026〕2号", effective_from=None, effective_until=None,
                                          sanctions=[], penalty_types=["警告"], content="警告"),
                          actor=maker, reason="录入")
    client.force_login(maker)
    maker_page = client.get(reverse("admin:records_creditrecord_change", args=[one.pk])).content.decode()
    assert reverse("admin:records_review", args=[one.pk]) not in maker_page
    assert client.get(reverse("admin:records_review", args=[one.pk])).status_code == 403
    client.force_login(checker)
    page = client.get(reverse("admin:records_creditrecord_change", args=[one.pk])).content.decode()
    assert reverse("admin:records_review", args=[one.pk]) in page
    assert client.post(reverse("admin:records_review", args=[one.pk]), {"approve": "1", "note": "核对无误"}).status_code == 302
    unexplained = client.post(reverse("admin:records_review", args=[two.pk]), {"reject": "1", "note": ""})
    assert "退回须说明理由" in unexplained.content.decode()
    client.post(reverse("admin:records_review", args=[two.pk]), {"reject": "1", "note": "缺少处罚依据条款"})
    assert CreditRecord.objects.get(pk=one.pk).review == Review.APPROVED
    assert (CreditRecord.objects.get(pk=two.pk).review, CreditRecord.objects.get(pk=two.pk).check_note) == (
        Review.REJECTED, "缺少处罚依据条款")
    assert client.get(reverse("admin:records_review", args=[one.pk])).status_code == 404, "decided: nothing to review"


def test_only_a_checker_is_offered_the_approve_action(client, maker, checker, batch):
    client.force_login(maker)
    assert "approve_selected" not in client.get(reverse("admin:records_creditrecord_changelist")).content.decode()
    client.force_login(checker)
    assert "approve_selected" in client.get(reverse("admin:records_creditrecord_changelist")).content.decode()


def test_approve_selected_across_every_page_is_sent_to_the_batch_decision_past_its_limit(
        client, checker, batch, monkeypatch):
    from legalcredit.records import admin as records_admin

    client.force_login(checker)
    url = reverse("admin:records_creditrecord_changelist")
    everything = {"action": "approve_selected", "select_across": "1", "index": "0",
                  "_selected_action": list(CreditRecord.objects.values_list("pk", flat=True))}
    monkeypatch.setattr(records_admin, "SELECTED_MAX", 1)
    page = client.post(url, everything, follow=True).content.decode()
    assert "所选待审核记录超过 1 条，未作处理" in page and "审核本批次" in page
    assert set(CreditRecord.objects.values_list("review", flat=True)) == {Review.PENDING}
    monkeypatch.setattr(records_admin, "SELECTED_MAX", 2)
    page = client.post(url, everything, follow=True).content.decode()
    assert "已审核通过 2 条" in page
    assert set(CreditRecord.objects.values_list("review", flat=True)) == {Review.APPROVED}


def test_refusals_of_approve_selected_are_listed_up_to_a_few_and_the_rest_counted(
        client, tmp_path, checker, rows, monkeypatch):  # noqa: F811
    from legalcredit.records import admin as records_admin

    own = run(write_csv(tmp_path / "own.csv", rows), checker).batch     # a checker may not approve their own
    monkeypatch.setattr(records_admin, "REFUSALS_SHOWN", 1)
    client.force_login(checker)
    page = client.post(reverse("admin:records_creditrecord_changelist"), {
        "action": "approve_selected", "index": "0",
        "_selected_action": list(CreditRecord.objects.filter(import_batch=own).values_list("pk", flat=True))},
        follow=True).content.decode()
    assert page.count("录入与审核须由不同人员完成") == 1 and "另有 1 条未能审核通过（仅列出前 1 条的原因）" in page
    assert set(CreditRecord.objects.values_list("review", flat=True)) == {Review.PENDING}


def test_an_institution_reads_its_own_approved_records_and_nothing_of_the_bureaus_workflow(
        client, maker, checker, law_firm, lawyer, penalty, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.records import services

    art50 = dict(legal_basis="《中华人民共和国律师法》第五十条", content="疏于管理",
                 sanctions=[{"type": "停业整顿", "months": 2}])
    done = services.approve(services.submit(law_firm, penalty(**art50), actor=maker, reason="录入").pk,
                            checker=checker, note="内部审核意见")
    waiting = services.submit(law_firm, penalty(decision_no="淮司罚决〔2026〕2号", **art50), actor=maker, reason="录入")
    firm_user = django_user_model.objects.create_user("firm_staff", password="x-Strong-pass-1", is_staff=True)
    assign(firm_user, "institution_user", subject=law_firm)
    client.force_login(firm_user)
    listing = client.get(reverse("admin:records_creditrecord_changelist")).content.decode()
    assert done.decision_no in listing and waiting.decision_no not in listing
    assert "导入批次" not in listing and "双公示统计" not in listing and "approve_selected" not in listing
    page = client.get(reverse("admin:records_creditrecord_change", args=[done.pk])).content.decode()
    assert "公示截止期" in page and str(done.key) in page
    assert "内部审核意见" not in page and "city_checker" not in page
    assert client.get(reverse("admin:records_creditrecord_change", args=[waiting.pk])).status_code == 302
    for name in ("admin:records_recordimportbatch_changelist", "admin:records_timeliness", "admin:records_export"):
        assert client.get(reverse(name)).status_code == 403, name


def test_records_filter_by_kind_by_name_and_by_the_subjects_area(client, checker, batch):
    client.force_login(checker)
    url = reverse("admin:records_creditrecord_changelist")
    listing = client.get(url).content.decode()
    assert "行政处罚" in listing and ">penalty<" not in listing and ">annual_assessment<" not in listing
    assert "清江浦区" in listing and "金湖县" in listing, "the checker's city offers its counties"
    here = client.get(url, {"area": "320812", "kind": "penalty"}).content.decode()
    assert "淮司罚决〔2026〕11号" in here
    there = client.get(url, {"area": "320831"}).content.decode()
    assert "淮司罚决〔2026〕11号" not in there
    assert "淮司罚决〔2026〕11号" not in client.get(url, {"kind": "discipline"}).content.decode()


def test_a_correction_of_a_fine_updates_its_amount_its_sanction_and_its_national_row(client, maker, checker, batch):
    from legalcredit.records import rules
    from legalcredit.records.export import cell, national_row
    from legalcredit.records.forms import CorrectionForm

    client.force_login(checker)
    decide(client, batch, approve="1")
    rec = CreditRecord.objects.get(decision_no="淮司罚决〔2026〕11号", is_current=True)
    client.force_login(maker)
    url = reverse("admin:records_correct", args=[rec.pk])
    form = client.get(url).context["form"]
    assert form.initial["fine_amount"] == rec.fine_amount and "certificate" in form.fields
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    # 律师法 Art 50 allows a firm a fine of up to 100,000 元 (10 万元).
    over = client.post(url, {**data, "fine_amount": "12", "reason": "更正罚款金额"})
    assert "超过《律师法》第五十条规定的上限100,000元" in over.content.decode()
    assert client.post(url, {**data, "fine_amount": "2", "reason": "更正罚款金额"}).status_code == 302
    new = CreditRecord.objects.get(key=rec.key, version=rec.version + 1)
    assert str(new.fine_amount) == "2.000000"
    assert [s.get("fine_yuan") for s in new.sanctions if s["type"] == "罚款"] == [20000.0]
    # The export sends the corrected amount, not the file's.
    assert cell(national_row("penalty", new, personal=rules.personal_codes())["CF_NR_FK"]) == "2"
    # A record of another kind is not offered a penalty's amounts.
    assessment = CreditRecord(kind="annual_assessment", subject=rec.subject, sanctions=[])
    assert "fine_amount" not in CorrectionForm.for_record(assessment).fields
