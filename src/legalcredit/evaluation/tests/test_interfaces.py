"""The grade as the API and the back office show it."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.accounts.services import assign
from legalcredit.audit.models import AuditEntry
from legalcredit.evaluation import services
from legalcredit.evaluation.models import EvaluationRun, Scheme, SubjectGrade

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def test_a_department_reads_a_grade_with_every_point_and_the_supervision(client, department, lawyer, record):
    rec = record(lawyer, "commendation", "省级")
    _, key = tokens.issue(owner=department, name="采购系统", scopes=["grades:read"])
    resp = client.get(f"/api/v1/subjects/{lawyer.pk}/grade/", {"purpose": "joint_measures"},
                      HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert (body["state"], body["grade"], body["score"], body["stored"]) == ("evaluated", "AAA", "1060.00", True)
    assert body["lines"] == [{"indicator": "honour_provincial", "indicator_name": "省级表彰奖励", "category": "bonus",
                              "record_id": rec.pk, "ref": rec.decision_no, "points": "60.00", "note": ""}]
    assert body["supervision"]["klass"] == "optimized" and body["supervision"]["honor_candidate"] is True
    entry = AuditEntry.objects.filter(action="read").latest("id")
    assert entry.reason == "联合奖惩（joint_measures）" and entry.object_id == str(lawyer.pk)


def test_a_past_date_is_answered_without_storing_and_a_token_needs_the_scope(client, department, lawyer, record):
    record(lawyer, "commendation", "省级")
    _, key = tokens.issue(owner=department, name="采购系统", scopes=["grades:read"])
    day = timezone.localdate() - dt.timedelta(days=1)
    body = client.get(f"/api/v1/subjects/{lawyer.pk}/grade/", {"on": day.isoformat(), "purpose": "联合奖惩"},
                      HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert (body["grade"], body["stored"], body["lines"]) == ("AA", False, [])
    bad = client.get(f"/api/v1/subjects/{lawyer.pk}/grade/", {"on": "2026-13-01", "purpose": "evaluation"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["on"][0]
    _, other = tokens.issue(owner=department, name="名录", scopes=["subjects:read"])
    assert client.get(f"/api/v1/subjects/{lawyer.pk}/grade/", {"purpose": "evaluation"}, HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403


def test_not_evaluated_is_said_plainly(client, checker, maker, codes):
    from legalcredit.registry import services as registry

    office, _ = registry.register_institution(actor=maker, reason="设立", name="淮安市人民调解委员会",
                                              subject_type="mediation_committee", region="320812",
                                              uscc_code=codes.uscc("52"))
    services.evaluate_subjects([office.pk])
    client.force_login(checker)
    body = client.get(f"/api/v1/subjects/{office.pk}/grade/", {"purpose": "evaluation"}).json()
    assert (body["state"], body["grade"], body["score"]) == ("not_evaluated", None, None)


def test_officers_outside_the_region_cannot_read_the_grade(client, lawyer, django_user_model):
    from legalcredit.refdata.models import Region

    other = django_user_model.objects.create_user("nanjing", password="x-Strong-pass-1")
    assign(other, "city_checker", region=Region.objects.get(code="320100"))
    services.evaluate_subjects([lawyer.pk])
    client.force_login(other)
    assert client.get(f"/api/v1/subjects/{lawyer.pk}/grade/", {"purpose": "evaluation"}).status_code == 404
    assert client.get("/api/v1/grades/distribution/").json() == []


def test_distribution_counts_grades_by_type_and_region(client, checker, lawyer, law_firm):
    services.evaluate_subjects([lawyer.pk, law_firm.pk])
    client.force_login(checker)
    rows = client.get("/api/v1/grades/distribution/", {"level": 6}).json()
    assert {(r["subject_type"], r["region"], r["grade"], r["count"]) for r in rows} == {
        ("lawyer", "320812", "AA", 1), ("law_firm", "320812", "AA", 1)}


def test_back_office_pages(client, province_admin, lawyer, record, django_capture_on_commit_callbacks):
    rec = record(lawyer, "complaint_upheld", severity="minor", decided=dt.date(2026, 6, 1))
    client.force_login(province_admin)
    page = client.get(reverse("admin:evaluation_subjectgrade_change", args=[lawyer.pk])).content.decode()
    assert "投诉查实" in page and reverse("admin:records_creditrecord_change", args=[rec.pk]) in page
    assert "优化监管" in page and "等级历史" in page
    assert "信用等级分布" in client.get(reverse("admin:evaluation_distribution")).content.decode()
    listing = client.get(reverse("admin:evaluation_subjectgrade_changelist")).content.decode()
    assert reverse("admin:evaluation_distribution") in listing and reverse("admin:evaluation_recompute") in listing
    # The supervision class reads by its name, in the column and in the filter, not as its code.
    assert 'field-supervision_shown">优化监管' in listing and "?supervision_class=key" in listing
    assert ">optimized<" not in listing
    assert client.post(reverse("admin:evaluation_recompute")).status_code == 302
    run = EvaluationRun.objects.get(kind="full")
    assert run.subjects == 2 and run.started_by == province_admin and run.finished_at is not None
    lawyer_scheme = Scheme.objects.get(code="lawyer", state="published")
    page = client.get(reverse("admin:evaluation_scheme_change", args=[lawyer_scheme.pk])).content.decode()
    assert "天津市律师行业信用分级评价管理办法" in page and "重点监管" in page

    # draft through the form: a mistake is shown with its line, a valid draft is stored
    bad = lawyer_scheme.document.replace('version: "2026.1"', 'version: "2026.5"').replace("cap: 1000", "cap: -1")
    resp = client.post(reverse("admin:evaluation_scheme_add"), {"document": bad})
    assert resp.status_code == 200 and "不能小于0" in resp.content.decode() and "第" in resp.content.decode()
    good = bad.replace("cap: -1", "cap: 1000")
    resp = client.post(reverse("admin:evaluation_scheme_add"), {"document": good})
    assert resp.status_code == 302
    draft = Scheme.objects.get(code="lawyer", version="2026.5")
    assert draft.state == "draft" and draft.created_by == province_admin

    resp = client.post(reverse("admin:evaluation_scheme_whatif", args=[draft.pk]))
    assert resp.status_code == 302
    run = EvaluationRun.objects.get(kind="what_if", scheme=draft)
    page = client.get(reverse("admin:evaluation_evaluationrun_change", args=[run.pk])).content.decode()
    assert "现行" in page and "草稿" in page
    with django_capture_on_commit_callbacks(execute=True):
        resp = client.post(reverse("admin:evaluation_scheme_publish", args=[draft.pk]), {"reason": "修订"})
    assert resp.status_code == 302 and Scheme.objects.get(pk=draft.pk).state == "published"
    page = client.get(reverse("admin:evaluation_scheme_change", args=[draft.pk])).content.decode()
    assert 'name="document"' not in page, "a published scheme is not edited"
    assert SubjectGrade.objects.get(subject=lawyer).scheme_id == draft.pk


def test_forensic_grading_is_handled_in_the_back_office(client, forensic, checker, province_admin):
    client.force_login(province_admin)
    year = timezone.localdate().year - 1
    resp = client.post(reverse("admin:evaluation_forensicgrading_open"), {"year": year})
    assert resp.status_code == 302
    from legalcredit.evaluation.models import ForensicGrading

    g = ForensicGrading.objects.get(institution=forensic)
    resp = client.post(reverse("admin:evaluation_forensicgrading_act", args=[g.pk]),
                       {"action": "submit", "grade": "B", "opinion": "代为自评"})
    assert "没有“机构自评”的权限" in resp.content.decode()
    page = client.get(reverse("admin:evaluation_forensicgrading_change", args=[g.pk])).content.decode()
    assert "系统计分明细" in page and "办理记录" in page
