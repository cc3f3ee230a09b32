"""The subject's side through the API: check eligibility, apply, upload, follow progress, object."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from .conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def client(lawyer_user):
    c = APIClient()
    c.force_authenticate(lawyer_user)
    return c


def test_a_practitioner_applies_uploads_and_follows_progress(client, lawyer, approved, codes):
    rec = approved(lawyer)
    r = client.get("/api/v1/repairs/eligibility/", {"record": rec.number})
    assert r.status_code == 200 and r.json() == {"eligible": True, "reasons": [], "earliest": None}
    r = client.get("/api/v1/repairs/eligibility/", {"record": rec.number, "subject": "null"})
    assert r.status_code == 400 and r.json() == {"subject": ["信用主体：须为主体编号（正整数），收到“null”"]}

    r = client.post("/api/v1/repairs/", {"record": rec.number, "statement": "已履行处罚决定"}, format="json")
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["deadlines"][0]["name"] == "信用修复申请受理"

    bad = client.post(f"/api/v1/repairs/{number}/materials/",
                      {"kind": "proof", "file": SimpleUploadedFile("a.docx", b"PK\x03\x04")}, format="multipart")
    assert bad.status_code == 400 and "仅限" in bad.json()["file"][0]
    ok = client.post(f"/api/v1/repairs/{number}/materials/",
                     {"kind": "proof", "file": SimpleUploadedFile("证明.pdf", PDF)}, format="multipart")
    assert ok.status_code == 201 and ok.json()["materials"][0]["name"] == "证明.pdf"

    progress = client.get(f"/api/v1/repairs/{number}/").json()
    assert progress["stage"] == "applied" and [s["action"] for s in progress["steps"]] == ["提出申请", "上传履行义务证明"]
    assert [a["number"] for a in client.get("/api/v1/repairs/").json()] == [number]

    again = client.post("/api/v1/repairs/", {"record": rec.number, "statement": "再次"}, format="json")
    assert again.status_code == 400 and "正在办理的修复申请" in str(again.json())


def test_objections_and_other_subjects_stay_out_of_reach(client, lawyer, law_firm, approved):
    rec = approved(lawyer)
    r = client.post("/api/v1/objections/", {"record": rec.number, "applicant_name": "李明", "interest": "本人",
                                            "grounds": "处罚已被变更"}, format="json")
    assert r.status_code == 201 and r.json()["stage"] == "filed"
    assert client.get(f"/api/v1/objections/{r.json()['number']}/").json()["item"].endswith("淮司罚决〔2026〕1号")
    other = client.post("/api/v1/objections/", {"subject": law_firm.pk, "grade": True, "applicant_name": "李明",
                                                "interest": "本所律师", "grounds": "x"}, format="json")
    assert other.status_code == 400 and "授权范围" in str(other.json())
    assert client.get("/api/v1/repairs/XF20260101000001/").status_code == 404


def test_an_objection_to_the_grade_shows_on_the_grade_and_the_commitments_are_listed(
        client, lawyer, maker, django_capture_on_commit_callbacks):
    from legalcredit.evaluation import services as evaluation
    from legalcredit.remedies.services import commitments

    evaluation.evaluate_subjects([lawyer.pk])
    r = client.post("/api/v1/objections/", {"grade": True, "applicant_name": "李明", "interest": "本人",
                                            "grounds": "年度考核结果录入错误"}, format="json")
    assert r.status_code == 201
    grade = client.get(f"/api/v1/subjects/{lawyer.pk}/grade/", {"purpose": "self"}).json()
    assert [(f["flag"], f["grade"]) for f in grade["flags"]] == [("under_objection", True)]

    c = commitments.make(lawyer, by=maker, commitment_type="self_discipline", cause="年度执业承诺",
                         content="依法诚信执业", liability="接受行业惩戒", disclosure="public",
                         accepting_unit="淮安市律师协会")
    [row] = client.get("/api/v1/commitments/").json()
    assert (row["code"], row["type_name"], row["fulfilment_name"]) == (c.code, "行业自律型", "履行中")
    assert "依法诚信执业" in row["letter"]
