"""行政处罚报送 (云司通〔2025〕23号 一（三）21): a penalty decided in 淮安市 is filed by the city's bureau
with the province within 3 working days of taking effect, with the decision document, the facts,
the legal basis and the rectification; the province signs for it or returns it."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.audit.models import AuditEntry
from legalcredit.deadlines.models import Clock
from legalcredit.filings import selectors, services
from legalcredit.filings.models import PenaltyFiling, Stage
from legalcredit.refdata.models import Region
from legalcredit.refdata.selectors import work_calendar
from legalcredit.remedies.models import CaseStep, Material

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"
DOC = ("淮司罚决〔2026〕1号.pdf", PDF)


@pytest.fixture
def province(django_user_model):
    user = django_user_model.objects.create_user("province_admin", password="x-Strong-pass-1", is_staff=True)
    assign(user, "province_admin", region=Region.objects.get(code="320000"))
    return user


@pytest.fixture
def county_maker(django_user_model):
    user = django_user_model.objects.create_user("county_maker", password="x-Strong-pass-1", is_staff=True)
    assign(user, "county_maker", region=Region.objects.get(code="320812"))
    return user


@pytest.fixture
def penalised(approved):
    """A penalty that took effect ``days`` ago, approved (its filing opened by the approval)."""
    def make(subject, days=1, **kw):
        day = timezone.localdate() - dt.timedelta(days=days)
        return approved(subject, **{"decision_date": day, "effective_from": day,
                                    "effective_until": day + dt.timedelta(days=120), **kw})
    return make


def file(filing, by, **kw):
    return services.file(filing.pk, by=by, **{"facts": "私自接受委托、收取费用", "rectification": "ongoing",
                                              "legal_basis": "《律师法》第四十八条", "rectification_note": "已退还费用",
                                              "document": DOC, **kw})


def test_an_approved_penalty_is_filed_with_the_city_and_signed_for_by_the_province(
        penalised, lawyer, checker, province):
    penalty = penalised(lawyer, days=0)
    [filing] = PenaltyFiling.objects.all()
    assert (filing.record_key, filing.subject, filing.region_id, filing.stage, filing.effective_on) == (
        penalty.key, lawyer, "320800", Stage.DUE, penalty.effective_from)
    clock = Clock.objects.get(case_type="filing", case_id=filing.pk)
    assert (clock.started_on, clock.working_days, clock.due_on) == (penalty.effective_from, 3, filing.due_on)
    assert filing.due_on == work_calendar().add_working_days(penalty.effective_from, 3)
    # Opened once: the nightly pass and another announcement of the same record change nothing.
    assert services.open_recent() == 0 and services.open_filings([penalty.pk]) == []

    filing = file(filing, checker)
    assert (filing.stage, filing.filed_on, filing.filed_by, filing.late) == (
        Stage.FILED, timezone.localdate(), checker, False)
    assert Clock.objects.get(case_type="filing", case_id=filing.pk).stopped_on == timezone.localdate()
    [doc] = Material.objects.filter(case_type="filing", case_id=filing.pk)
    assert (doc.kind, doc.name, doc.size) == ("decision", DOC[0], len(PDF))
    with pytest.raises(ValidationError, match="已于"):
        file(filing, checker)

    filing = services.receive(filing.pk, by=province, note="已收悉")
    assert (filing.stage, filing.received_by) == (Stage.RECEIVED, province)
    # Rectification goes on after the province has signed, each change kept.
    filing = services.rectify(filing.pk, by=checker, rectification="done", note="已退还全部费用并书面检查")
    assert filing.rectification == "done"
    assert [s.action for s in CaseStep.objects.filter(case_type="filing", case_id=filing.pk)] == [
        "上传行政处罚决定书", "报送", "签收", "更新整改情况"]
    assert AuditEntry.objects.filter(object_type="filings.penaltyfiling", object_id=str(filing.pk)).count() >= 4


def test_a_filing_after_the_third_working_day_is_late(penalised, lawyer, checker):
    penalty = penalised(lawyer, days=20)
    filing = PenaltyFiling.objects.get()
    assert filing.due_on < timezone.localdate()
    assert list(selectors.statistics(_scope(checker), penalty.effective_from, timezone.localdate(),
                                     timezone.localdate(), {"done"}).values())[-1] == 1, "overdue unfiled"
    filing = file(filing, checker)
    assert filing.late is True
    assert [s.action for s in CaseStep.objects.filter(case_type="filing", case_id=filing.pk)][-1] == "报送（逾期）"


def _scope(user):
    from legalcredit.accounts.policy import scope_for

    return scope_for(user)


def test_what_a_filing_must_carry(penalised, lawyer, checker):
    penalised(lawyer)
    filing = PenaltyFiling.objects.get()
    with pytest.raises(ValidationError, match="行政处罚决定书：首次报送须上传"):
        file(filing, checker, document=None)
    with pytest.raises(ValidationError, match="违规事实：必须填写"):
        file(filing, checker, facts="  ")
    with pytest.raises(ValidationError, match="法律依据：必须填写"):
        file(filing, checker, legal_basis="")
    with pytest.raises(ValidationError, match="整改情况：须为已整改到位、正在整改、尚未整改、无需整改之一"):
        file(filing, checker, rectification="maybe")
    with pytest.raises(ValidationError, match="整改情况说明：须写明"):
        file(filing, checker, rectification="not_started", rectification_note="")
    with pytest.raises(ValidationError, match="文件：内容与扩展名"):
        file(filing, checker, document=("决定书.pdf", b"not a pdf"))
    filing.refresh_from_db()
    assert filing.stage == Stage.DUE and not Material.objects.filter(case_type="filing").exists(), "nothing half-written"
    filing = file(filing, checker, rectification="not_needed", rectification_note="")
    assert filing.rectification == "not_needed"


def test_the_province_returns_a_filing_and_the_city_files_again_keeping_its_timeliness(
        penalised, lawyer, checker, province, client):
    penalised(lawyer)
    filing = file(PenaltyFiling.objects.get(), checker)
    with pytest.raises(ValidationError, match="退回原因：须写明"):
        services.send_back(filing.pk, by=province, reason="")
    filing = services.send_back(filing.pk, by=province, reason="决定书缺少送达回证页")
    assert (filing.stage, filing.return_reason) == (Stage.RETURNED, "决定书缺少送达回证页")
    # Filing again runs on a clock of its own (3 working days from the return, 假定), in the deadline queue.
    refile = Clock.objects.get(case_type="filing", case_id=filing.pk, stopped_on__isnull=True)
    assert (refile.step, refile.working_days, refile.assignee, refile.due_on) == (
        "penalty_refiling", 3, checker, work_calendar().add_working_days(timezone.localdate(), 3))
    with pytest.raises(ValidationError, match="只能签收已报送的"):
        services.receive(filing.pk, by=province)
    client.force_login(checker)
    page = client.get(reverse("admin:filings_penaltyfiling_act", args=[filing.pk])).content.decode()
    assert f"省级退回补报：决定书缺少送达回证页（请于{refile.due_on}前补报）" in page
    first = filing.filed_on
    filing = file(filing, checker, document=None, facts="私自接受委托、收取费用 2 万元")   # the document already sent stands
    assert (filing.stage, filing.filed_on, filing.late, filing.return_reason) == (Stage.FILED, first, False, "")
    refile.refresh_from_db()
    assert refile.stopped_on == timezone.localdate() and refile.late is False
    assert [s.action for s in CaseStep.objects.filter(case_type="filing", case_id=filing.pk)][-2:] == ["退回补报", "补报"]


def test_who_files_and_who_signs(penalised, lawyer, checker, maker, county_maker, province, django_user_model,
                                 client):
    penalised(lawyer)
    filing = PenaltyFiling.objects.get()
    with pytest.raises(PermissionDenied, match="超出您的辖区"):
        file(filing, county_maker)        # a county bureau's scope reaches no city's filing
    with pytest.raises(PermissionDenied, match="没有办理行政处罚报送的权限"):
        file(filing, province)            # the province receives; it does not file
    elsewhere = django_user_model.objects.create_user("nanjing_maker", password="x-Strong-pass-1")
    assign(elsewhere, "city_maker", region=Region.objects.get(code="320100"))
    with pytest.raises(PermissionDenied, match="超出您的辖区"):
        file(filing, elsewhere)
    assert not selectors.visible(_scope(elsewhere)).exists()
    # The county sees the filing about its lawyer, but its city files it: nothing waits for the county.
    assert selectors.visible(_scope(county_maker)).get() == filing and not selectors.to_file(_scope(county_maker))
    client.force_login(county_maker)
    page = client.get(reverse("admin:filings_penaltyfiling_act", args=[filing.pk])).content.decode()
    assert "淮司罚决〔2026〕1号" in page and "报送（行政处罚决定书" not in page
    assert "待报送" not in client.get("/admin/").content.decode()
    filing = file(filing, maker)          # the city's maker or checker files
    with pytest.raises(PermissionDenied, match="没有办理行政处罚报送签收的权限"):
        services.receive(filing.pk, by=checker)


def test_which_penalties_are_filed_and_by_which_city(penalised, lawyer, law_firm, codes):
    # A county bureau's decision is filed by its city; the province's own is not filed at all.
    county = penalised(lawyer, level="county", decision_no="清司罚决〔2026〕1号", sanctions=[{"type": "警告"}],
                       penalty_types=["警告"], legal_basis="《中华人民共和国法律援助法》第六十三条",
                       content="无正当理由拒绝履行法律援助义务")
    assert PenaltyFiling.objects.get(record_key=county.key).region_id == "320800"
    province = penalised(law_firm, level="province", decision_no="苏司罚决〔2026〕1号",
                         sanctions=[{"type": "警告"}], penalty_types=["警告"], legal_basis="《律师法》第五十条")
    assert not PenaltyFiling.objects.filter(record_key=province.key).exists()
    # Decided by a bureau elsewhere (南京市): filed by 南京市, whoever the subject is registered with.
    nanjing = penalised(lawyer, authority_uscc=codes.uscc("11", "320100"), decision_no="宁司罚决〔2026〕9号")
    assert PenaltyFiling.objects.get(record_key=nanjing.key).region_id == "320100"
    # A penalty in effect for longer than open_within_days (90, 假定) when approved is history.
    old = penalised(lawyer, days=91, decision_no="淮司罚决〔2025〕88号")
    assert not PenaltyFiling.objects.filter(record_key=old.key).exists()


def test_the_city_and_the_province_work_from_the_back_office(penalised, lawyer, maker, checker, province, client):
    penalised(lawyer)
    filing = PenaltyFiling.objects.get()
    client.force_login(checker)
    assert "待报送省司法厅公共法律服务管理处的行政处罚" in client.get("/admin/").content.decode()
    listing = client.get(reverse("admin:filings_penaltyfiling_changelist") + "?stage__exact=due").content.decode()
    assert "淮司罚决〔2026〕1号" in listing and "报送情况统计" in listing
    assert f"{filing.due_on}前（生效之日起3个工作日）" in client.get(
        reverse("admin:filings_penaltyfiling_change", args=[filing.pk])).content.decode()
    act = reverse("admin:filings_penaltyfiling_act", args=[filing.pk])
    page = client.get(act).content.decode()
    assert "私自接受委托、收取费用" in page and "签收" not in page.split("办理事项")[1].split("</select>")[0], \
        "prefilled from the record; the city is not offered the province's steps"
    refused = client.post(act, {"action": "file", "facts": "私自接受委托", "legal_basis": "《律师法》第四十八条",
                                "rectification": "ongoing", "rectification_note": "正在退费"})
    assert refused.status_code == 200 and "首次报送须上传行政处罚决定书" in refused.content.decode()
    done = client.post(act, {"action": "file", "facts": "私自接受委托", "legal_basis": "《律师法》第四十八条",
                             "rectification": "ongoing", "rectification_note": "正在退费",
                             "file": SimpleUploadedFile("决定书.pdf", PDF, "application/pdf")})
    assert done.status_code == 302
    filing.refresh_from_db()
    assert filing.stage == Stage.FILED and filing.facts == "私自接受委托"
    doc = Material.objects.get(case_type="filing", case_id=filing.pk)
    home = client.get("/admin/").content.decode()
    assert "整改尚未了结的已报送处罚" in home
    unsettled = reverse("admin:filings_penaltyfiling_changelist") + "?rectification=unsettled"
    assert unsettled in home and "淮司罚决〔2026〕1号" in client.get(unsettled).content.decode()

    client.force_login(province)
    assert "待签收的行政处罚报送" in client.get("/admin/").content.decode()
    got = client.get(reverse("admin:remedies_material_download", args=[doc.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert AuditEntry.objects.filter(object_type="remedies.material", object_id=str(doc.pk), actor=province).exists()
    assert client.post(reverse("admin:filings_penaltyfiling_act", args=[filing.pk]),
                       {"action": "receive", "text": "已收悉"}).status_code == 302
    change = client.get(reverse("admin:filings_penaltyfiling_change", args=[filing.pk])).content.decode()
    assert "已签收" in change and "正在整改" in change and "按时报送" in change and "决定书.pdf" in change
    stats = client.get(reverse("admin:filings_penaltyfiling_statistics")).content.decode()
    assert "淮安市" in stats and "100.0%" in stats
    assert "报送及时率" in client.get(reverse("overview")).content.decode()
    # The decision revoked after it was filed: the province's list says so beside the penalty.
    from legalcredit.records import services as records

    new = records.withdraw(filing.record_key, actor=maker, reason="行政复议决定撤销", reversal_date=timezone.localdate(),
                           revoked=True)
    records.approve(new.pk, checker=checker)
    listing = client.get(reverse("admin:filings_penaltyfiling_changelist")).content.decode()
    assert "淮司罚决〔2026〕1号" in listing and "【现已撤销】" in listing
