"""A subject's records over the API, as they stood on a date, and a record's versions."""
import datetime as dt

import pytest
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.accounts.services import assign
from legalcredit.audit.models import AuditEntry
from legalcredit.records import services
from legalcredit.records.models import CreditRecord

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def history(maker, checker, lawyer, penalty):
    """A penalty known for ten days, corrected today."""
    v1 = services.approve(services.submit(lawyer, penalty(decision_date=timezone.localdate() - dt.timedelta(days=12)),
                                          actor=maker, reason="录入").pk, checker=checker)
    CreditRecord.objects.filter(pk=v1.pk).update(effective_at=timezone.now() - dt.timedelta(days=10))
    v2 = services.approve(services.correct(v1.key, actor=maker, reason="更正处罚内容", content="私自收费，已退还").pk,
                          checker=checker)
    return v1, v2


def _get(client, key, path, **params):
    return client.get(path, {"purpose": "supervision", **params}, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_records_as_they_stood_on_a_past_date_and_today(client, department, lawyer, history):
    v1, v2 = history
    _, key = tokens.issue(owner=department, name="监管系统", scopes=["records:read"])
    today = timezone.localdate()
    before = _get(client, key, f"/api/v1/subjects/{lawyer.pk}/records/", on=(today - dt.timedelta(days=5)).isoformat())
    assert before.status_code == 200, before.content
    [rec] = before.json()["records"]
    assert (rec["id"], rec["version"], rec["content"], rec["kind_name"]) == (v1.pk, 1, v1.content, "行政处罚")
    assert rec["public"] is True and rec["publication_end"] == v1.publication_end.isoformat()

    [now] = _get(client, key, f"/api/v1/subjects/{lawyer.pk}/records/").json()["records"]
    assert (now["id"], now["version"], now["content"]) == (v2.pk, 2, "私自收费，已退还")
    long_ago = (today - dt.timedelta(days=30)).isoformat()
    assert _get(client, key, f"/api/v1/subjects/{lawyer.pk}/records/", on=long_ago).json()["records"] == []
    entry = AuditEntry.objects.filter(action="read").latest("id")
    assert entry.object_id == str(lawyer.pk) and entry.reason.startswith("日常监管")


def test_public_only_follows_the_publication_window(client, department, lawyer, history):
    _, v2 = history
    _, key = tokens.issue(owner=department, name="监管系统", scopes=["records:read"])
    after_end = (v2.publication_end + dt.timedelta(days=1)).isoformat()
    rows = _get(client, key, f"/api/v1/subjects/{lawyer.pk}/records/", on=after_end).json()["records"]
    assert [r["public"] for r in rows] == [False]
    assert _get(client, key, f"/api/v1/subjects/{lawyer.pk}/records/", on=after_end, public="true").json()[
        "records"] == []


def test_a_record_shows_every_version_with_its_reason(client, department, history):
    v1, v2 = history
    _, key = tokens.issue(owner=department, name="监管系统", scopes=["records:read"])
    rows = _get(client, key, f"/api/v1/records/{v1.key}/versions/").json()
    assert [(r["version"], r["reason"], r["is_current"]) for r in rows] == [(1, "录入", False),
                                                                           (2, "更正处罚内容", True)]
    assert rows[0]["superseded_at"] is not None and rows[1]["superseded_at"] is None
    missing = _get(client, key, "/api/v1/records/00000000-0000-0000-0000-000000000000/versions/")
    assert missing.status_code == 404 and "没有该信用记录" in missing.json()["detail"]


def test_bad_requests_are_refused_naming_the_rule(client, department, lawyer, history):
    _, key = tokens.issue(owner=department, name="监管系统", scopes=["records:read"])
    bad = _get(client, key, f"/api/v1/subjects/{lawyer.pk}/records/", on="2026-02-30")
    assert bad.status_code == 400 and "on（查询日期）" in bad.json()["on"][0]
    no_purpose = client.get(f"/api/v1/subjects/{lawyer.pk}/records/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert no_purpose.status_code == 400 and "purpose" in no_purpose.json()
    _, grades_only = tokens.issue(owner=department, name="采购系统", scopes=["grades:read"])
    assert _get(client, grades_only, f"/api/v1/subjects/{lawyer.pk}/records/").status_code == 403


def test_an_association_sees_only_the_kinds_it_keeps(client, django_user_model, lawyer, history, maker, checker,
                                                     bureau):
    from legalcredit.records.prepare import Draft
    from legalcredit.refdata.models import Region

    discipline = services.approve(services.submit(lawyer, Draft(
        kind="discipline", subtype="训诫", decision_date=timezone.localdate() - dt.timedelta(days=3),
        authority="淮安市律师协会", source_unit="淮安市律师协会", decision_no="淮律协处〔2026〕3号",
        content="训诫"), actor=maker, reason="录入").pk, checker=checker)
    officer = django_user_model.objects.create_user("lawyers_association", password="x-Strong-pass-1", is_staff=True)
    assign(officer, "association", region=Region.objects.get(code="320800"))
    client.force_login(officer)
    rows = client.get(f"/api/v1/subjects/{lawyer.pk}/records/", {"purpose": "supervision"}).json()["records"]
    assert [r["id"] for r in rows] == [discipline.pk]
