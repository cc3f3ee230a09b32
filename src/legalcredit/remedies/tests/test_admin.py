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
