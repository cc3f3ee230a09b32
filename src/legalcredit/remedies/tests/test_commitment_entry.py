"""登记信用承诺: an officer registers the commitment a subject makes in a matter; an institution or a
practitioner makes its own 主动型 or 行业自律型 commitment from its account or through the API.
Either way the commitment gets its national code and its 承诺书, and a public one is on the portal."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from legalcredit.accounts.services import assign
from legalcredit.remedies.models import Commitment
from legalcredit.remedies.services import commitments

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

FORM = {"cause": "主动向社会作出信用承诺", "content": "依法诚信执业，不以不正当手段承揽业务",
        "liability": "违反承诺的，接受行业惩戒并记入信用记录", "disclosure": "public", "accepting_unit": "淮安市司法局"}


@pytest.fixture
def firm_user(db, django_user_model, law_firm):
    user = django_user_model.objects.create_user("firm_admin", password="x-Strong-pass-1", is_staff=True)
    # Its profile's unit is the firm itself, which accepts no commitment.
    assign(user, "institution_user", subject=law_firm, unit=law_firm.name)
    return user


def test_an_officer_registers_a_commitment_made_in_a_matter(client, maker, law_firm):
    client.force_login(maker)
    page = client.get("/admin/remedies/commitment/").content.decode()
    assert "登记信用承诺" in page
    response = client.post("/admin/remedies/commitment/make/", {
        **FORM, "subject": law_firm.uscc, "commitment_type": "accept_missing", "cause": "律师事务所变更住所（容缺受理）",
        "content": "十个工作日内补交新住所租赁合同原件", "liability": "逾期未补交的，撤销变更登记"})
    c = Commitment.objects.get(subject=law_firm)
    assert response.status_code == 302 and response["Location"] == f"/admin/remedies/commitment/{c.pk}/change/"
    assert c.commitment_type == "accept_missing" and c.materials_due is not None and c.code in c.letter
    assert c.made_on == timezone.localdate() and c.created_by == maker
    # Public: on the portal at once.
    assert c.code in client.get(reverse("portal:subject", args=[law_firm.pk])).content.decode()


def test_an_officer_cannot_date_a_commitment_in_the_future(client, maker, law_firm):
    client.force_login(maker)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page = client.post("/admin/remedies/commitment/make/", {
        **FORM, "subject": law_firm.uscc, "commitment_type": "voluntary", "made_on": tomorrow.isoformat()})
    assert page.status_code == 200 and "承诺作出日期：不能晚于今天" in page.content.decode()
    assert not Commitment.objects.exists()


def test_an_institution_makes_its_own_voluntary_commitment(client, firm_user, law_firm):
    client.force_login(firm_user)
    form = client.get("/admin/remedies/commitment/make/").context["form"]
    assert "subject" not in form.fields and "made_on" not in form.fields
    assert {c for c, _ in form.fields["commitment_type"].choices} == {"self_discipline", "voluntary"}
    assert form.fields["accepting_unit"].initial == f"{law_firm.region.name}司法局"   # its county's bureau
    response = client.post("/admin/remedies/commitment/make/", {**FORM, "commitment_type": "voluntary"})
    assert response.status_code == 302
    c = Commitment.objects.get(subject=law_firm)
    assert (c.commitment_type, c.committer_category, c.made_on) == ("voluntary", "organization", timezone.localdate())
    assert c.code[:6] == law_firm.region_id and "依法诚信执业" in c.letter
    # A type an officer registers is not the institution's to make.
    response = client.post("/admin/remedies/commitment/make/", {**FORM, "commitment_type": "accept_missing"})
    assert response.status_code == 200 and Commitment.objects.count() == 1


def test_a_subject_commits_only_for_itself_and_only_to_what_it_may_promise(firm_user, law_firm, lawyer):
    with pytest.raises(PermissionDenied, match="只能以本人（本机构）名义"):
        commitments.make(lawyer, by=firm_user, commitment_type="voluntary", **FORM)
    with pytest.raises(ValidationError, match="承诺类型：本人（本机构）可作出行业自律型、主动型承诺；容缺受理型承诺由办理事项的"):
        commitments.make(law_firm, by=firm_user, commitment_type="accept_missing", **FORM)
    with pytest.raises(ValidationError, match="承诺作出日期"):
        commitments.make(law_firm, by=firm_user, commitment_type="voluntary",
                         made_on=timezone.localdate() - dt.timedelta(days=3), **FORM)
    assert not Commitment.objects.exists()


def test_a_practitioner_commits_through_the_api(lawyer_user, lawyer):
    api = APIClient()
    api.force_authenticate(lawyer_user)
    r = api.post("/api/v1/commitments/", {**FORM, "commitment_type": "self_discipline"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["type_name"] == "行业自律型" and body["fulfilment"] == "pending" and len(body["code"]) == 20
    assert [c["code"] for c in api.get("/api/v1/commitments/").json()] == [body["code"]]
    r = api.post("/api/v1/commitments/", {**FORM, "commitment_type": "certification"}, format="json")
    assert r.status_code == 400 and "承诺类型" in str(r.json())
    r = api.post("/api/v1/commitments/", {**FORM, "commitment_type": "voluntary", "content": "  "}, format="json")
    assert r.status_code == 400
    # Beyond what the column holds, or not a USCC: refused naming the field (PostgreSQL used to
    # answer a server error, SQLite to store it).
    r = api.post("/api/v1/commitments/", {**FORM, "commitment_type": "voluntary", "cause": "事" * 301}, format="json")
    assert r.status_code == 400 and r.json()["cause"] == ["承诺事由：不能超过 300 个字（收到 301 个）"]
    r = api.post("/api/v1/commitments/", {**FORM, "commitment_type": "voluntary",
                                          "accepting_unit_uscc": "淮安市司法局的统一社会信用代码是多少"}, format="json")
    assert r.status_code == 400 and r.json()["accepting_unit_uscc"][0].startswith("承诺受理单位统一社会信用代码：")
    assert Commitment.objects.count() == 1
