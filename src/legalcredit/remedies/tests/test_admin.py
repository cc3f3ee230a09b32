"""Officers work the cases from the back office: the deadline queue, the 办理 pages, the printable 承诺书."""
import pytest
from django.urls import reverse

from legalcredit.remedies.services import commitments, repair

from .conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_a_repair_is_worked_from_the_queue_to_the_decision(client, lawyer, lawyer_user, maker, checker, approved):
    rec = approved(lawyer)
    app = repair.apply(lawyer, by=lawyer_user, statement="已履行", record_number=rec.number)
    client.force_login(maker)
    queue = client.get(reverse("admin:deadlines_clock_changelist")).content.decode()
    assert "信用修复申请受理" in queue and "李明" in queue
    url = reverse("admin:remedies_repairapplication_act", args=[app.pk])
    page = client.post(url, {"action": "accept"}).content.decode()
    assert "须有履行法定义务的证明材料" in page
    from django.core.files.uploadedfile import SimpleUploadedFile
    assert client.post(url, {"action": "upload", "kind": "proof",
                             "file": SimpleUploadedFile("证明.pdf", PDF)}).status_code == 302
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert client.post(url, {"action": "review_grant", "text": "材料齐全"}).status_code == 302
    assert "您没有作出信用修复决定的权限" in client.post(url, {"action": "grant", "text": "同意"}).content.decode()
    client.force_login(checker)
    assert client.post(url, {"action": "grant", "text": "同意修复"}).status_code == 302
    app.refresh_from_db()
    assert app.stage == "granted"
    page = client.get(reverse("admin:remedies_repairapplication_change", args=[app.pk])).content.decode()
    assert "准予修复" in page and "证明.pdf" in page and "已办结" in page
    from legalcredit.remedies.models import Material
    m = Material.objects.get(case_type="repair", case_id=app.pk)
    got = client.get(reverse("admin:remedies_material_download", args=[m.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    client.force_login(lawyer_user)          # not an officer of the back office
    assert client.get(reverse("admin:remedies_material_download", args=[m.pk])).status_code in (302, 404)


def test_the_commitment_letter_prints_and_the_objection_page_opens(client, law_firm, maker):
    c = commitments.make(law_firm, by=maker, commitment_type="approval_substitute", cause="执业许可证明事项",
                         content="本所符合设立条件", liability="撤销许可", disclosure="public",
                         accepting_unit="淮安市司法局")
    client.force_login(maker)
    page = client.get(reverse("admin:remedies_commitment_change", args=[c.pk])).content.decode()
    assert "本所符合设立条件" in page and c.code in page
    assert client.get(reverse("admin:remedies_objection_changelist")).status_code == 200
    assert client.get(reverse("admin:remedies_syncentry_changelist")).status_code == 200


def test_a_practitioner_applies_for_repair_of_its_own_record_in_the_back_office(client, lawyer, lawyer_user, approved):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from legalcredit.remedies.models import Material, RepairApplication

    rec = approved(lawyer)
    lawyer_user.is_staff = True
    lawyer_user.save()
    client.force_login(lawyer_user)
    listing = client.get(reverse("admin:remedies_repairapplication_changelist")).content.decode()
    url = reverse("admin:remedies_repairapplication_apply")
    assert "申请信用修复" in listing and url in listing
    page = client.get(url).content.decode()
    assert rec.number in page and "信用主体" not in page, "one's own records to pick from, no subject to name"
    assert 'enctype="multipart/form-data"' in page
    refused = client.post(url, {"item": rec.number, "statement": " "}).content.decode()
    assert "该字段是必填项" in refused and not RepairApplication.objects.exists()
    done = client.post(url, {"item": rec.number, "statement": "已缴纳罚款", "kind": "proof",
                             "file": SimpleUploadedFile("缴款凭证.pdf", PDF)})
    assert done.status_code == 302, done.content.decode()[:800]
    app = RepairApplication.objects.get()
    assert (app.subject_id, app.applicant_id, app.statement) == (lawyer.pk, lawyer_user.pk, "已缴纳罚款")
    assert Material.objects.get(case_type="repair", case_id=app.pk).name == "缴款凭证.pdf"


def test_a_bad_material_leaves_no_application_behind(client, lawyer, lawyer_user, approved):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from legalcredit.remedies.models import RepairApplication

    rec = approved(lawyer)
    lawyer_user.is_staff = True
    lawyer_user.save()
    client.force_login(lawyer_user)
    page = client.post(reverse("admin:remedies_repairapplication_apply"),
                       {"item": rec.number, "statement": "已缴纳罚款", "kind": "proof",
                        "file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")}).content.decode()
    assert "类型“exe”不允许上传" in page and not RepairApplication.objects.exists(), "applied whole or not at all"


def test_an_officer_files_an_objection_for_a_subject_named_by_its_code(client, law_firm, maker, approved):
    from legalcredit.remedies.models import Objection

    rec = approved(law_firm, legal_basis="《中华人民共和国律师法》第五十条", content="疏于管理",
                   sanctions=[{"type": "停业整顿", "months": 2}])
    client.force_login(maker)
    url = reverse("admin:remedies_objection_apply")
    data = {"subject": law_firm.uscc, "item": "FFFFFFFFFFFF", "applicant_name": law_firm.name,
            "interest": "信息主体本人", "grounds": "处罚已被复议撤销"}
    assert "该主体没有编号为 FFFFFFFFFFFF 的现行信用记录" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "item": rec.number}).status_code == 302
    obj = Objection.objects.get()
    assert obj.subject_id == law_firm.pk and obj.record_key == rec.key and obj.applicant_id == maker.pk
    # The grade is an item too.
    assert client.post(url, {**data, "item": "信用等级"}).status_code == 302


def test_applying_is_refused_to_roles_without_the_permission(client, checker):
    client.force_login(checker)
    refused = client.get(reverse("admin:remedies_repairapplication_apply"))
    assert refused.status_code == 403 and "无权访问" in refused.content.decode(), "a page in Chinese, not a bare 403"
    assert "申请信用修复" not in client.get(reverse("admin:remedies_repairapplication_changelist")).content.decode()


def test_a_subject_with_nothing_to_repair_is_told_so(client, lawyer, lawyer_user):
    lawyer_user.is_staff = True
    lawyer_user.save()
    client.force_login(lawyer_user)
    page = client.get(reverse("admin:remedies_repairapplication_apply")).content.decode()
    assert "您目前没有可以申请的信用记录或名单记录" in page
