"""The lists as published, through the API: the rules (public), and the entries a department or a
sharing platform reads, in force on a day or changed since one, removals included."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from legalcredit.accounts import tokens
from legalcredit.audit.models import AuditEntry
from legalcredit.lists import services

pytestmark = pytest.mark.django_db


def listed(subject, maker, checker, *, n: int, days_ago: int = 40, code="serious_dishonesty"):
    """An entry taken through notice and decision, and published, ``days_ago`` days back."""
    served = timezone.localdate() - dt.timedelta(days=days_ago)
    entry = services.propose(subject, code, by=maker, reasons="拒不履行生效行政处罚决定，情节严重",
                             authority="淮安市司法局")
    services.serve_notice(entry.pk, by=maker, served_on=served)
    decided = served + dt.timedelta(days=20)
    services.decide(entry.pk, by=checker, listed=True, reason="陈述申辩期满未提出意见",
                    decision_no=f"淮司信〔2026〕{n}号", on=decided)
    return services.publish(entry.pk, by=checker, on=decided)


@pytest.fixture
def api(department):
    _, key = tokens.issue(owner=department, name="省采购系统", scopes=["lists:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def entries(api, **params):
    return api.get("/api/v1/lists/entries/", {"purpose": "joint_measures", **params})


def test_the_list_types_and_their_measures_are_public():
    answer = APIClient().get("/api/v1/lists/")
    assert answer.status_code == 200
    types = {t["code"]: t for t in answer.json()}
    serious = types["serious_dishonesty"]
    assert serious["name"] == "严重失信主体名单" and serious["polarity"] == "adverse" and serious["due_process"]
    assert serious["validity_months"] == 36 and serious["statement_working_days"] == 5
    procurement = [m for m in serious["measures"] if "procurement" in m["matters"]]
    assert procurement and all(m["kind"] == "sanction" and m["legal_basis"] for m in procurement)
    assert types["honor"]["polarity"] == "positive"


def test_a_department_reads_the_published_list_and_nothing_still_in_due_process(
        api, law_firm, lawyer, maker, checker):
    published = listed(law_firm, maker, checker, n=1)
    services.propose(lawyer, "serious_dishonesty", by=maker, reasons="未履行", authority="淮安市司法局")
    answer = entries(api)
    assert answer.status_code == 200, answer.json()
    [row] = answer.json()["results"]
    assert (row["id"], row["list_code"], row["list_name"], row["decision_no"]) == (
        published.pk, "serious_dishonesty", "严重失信主体名单", "淮司信〔2026〕1号")
    assert row["subject"]["uscc"] == law_firm.uscc and row["in_force"] is True
    # Every read of the list is in the audit trail, with its stated purpose.
    read = AuditEntry.objects.filter(action=AuditEntry.Action.READ).latest("id")
    assert "联合奖惩" in read.reason and read.data["ids"] == [str(law_firm.pk)]
    # The day before it was decided, it was not yet in force.
    before = published.listed_from - dt.timedelta(days=1)
    assert entries(api, on=before.isoformat()).json()["results"] == []


def test_a_platform_kept_in_step_learns_of_removals_too(api, law_firm, lawyer, maker, checker):
    first = listed(law_firm, maker, checker, n=1, days_ago=60)
    second = listed(lawyer, maker, checker, n=2)
    services.remove(first.pk, by=checker, method="repair", note="已履行处罚决定并提交信用修复承诺书")
    in_force = entries(api).json()["results"]
    assert [r["id"] for r in in_force] == [second.pk]
    since = (first.published_on + dt.timedelta(days=1)).isoformat()
    changed = {r["id"]: r for r in entries(api, changed_since=since).json()["results"]}
    assert set(changed) == {first.pk, second.pk}
    assert (changed[first.pk]["removal"], changed[first.pk]["in_force"]) == ("repair", False)
    assert changed[first.pk]["removed_on"] == timezone.localdate().isoformat()
    # A practitioner's ID number is masked for a department.
    assert "*" in changed[second.pk]["subject"]["id_number"]


def test_bad_requests_are_named(api, department, law_firm, maker, checker):
    listed(law_firm, maker, checker, n=1)
    assert "purpose" in api.get("/api/v1/lists/entries/").json()
    unknown = entries(api, list="blacklist").json()["list"]
    assert "“blacklist”不是名单类型代码" in str(unknown) and "serious_dishonesty" in str(unknown)
    assert "日期格式应为 YYYY-MM-DD" in str(entries(api, changed_since="2026/1/1").json())
    _, other = tokens.issue(owner=department, name="只读主体", scopes=["subjects:read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert client.get("/api/v1/lists/entries/", {"purpose": "joint_measures"}).status_code == 403
    assert APIClient().get("/api/v1/lists/entries/", {"purpose": "joint_measures"}).status_code in (401, 403)


@pytest.fixture
def firm_user(db, django_user_model, law_firm):
    from legalcredit.accounts.services import assign

    user = django_user_model.objects.create_user("dh_admin", password="x-Strong-pass-1", is_staff=True)
    assign(user, "institution_user", subject=law_firm)
    return user


def test_the_party_answers_its_notice_through_the_api(law_firm, lawyer, maker, checker, firm_user, api):
    entry = services.serve_notice(services.propose(law_firm, "serious_dishonesty", by=maker, reasons="拒不履行",
                                                   authority="淮安市司法局").pk, by=maker)
    services.propose(lawyer, "serious_dishonesty", by=maker, reasons="未履行", authority="淮安市司法局")
    party = APIClient()
    party.force_login(firm_user)
    [notice] = party.get("/api/v1/lists/notices/").json()
    assert (notice["id"], notice["stage"], notice["answers"]) == (entry.pk, "noticed", ["statement", "request_hearing"])
    assert "陈述和申辩" in notice["notice_text"] and notice["statement_due"] == entry.statement_due.isoformat()
    assert "proposed_by" not in notice and "decided_by" not in notice, "the bureau's officers are not named"
    said = party.post(f"/api/v1/lists/notices/{entry.pk}/statement/", {"text": "罚款已缴清，请求不予列入"})
    assert said.status_code == 200 and "罚款已缴清" in said.json()["statement"]
    assert party.post(f"/api/v1/lists/notices/{entry.pk}/statement/", {"text": " "}).status_code == 400
    heard = party.post(f"/api/v1/lists/notices/{entry.pk}/hearing-request/")
    assert heard.status_code == 200 and heard.json()["stage"] == "hearing" and heard.json()["answers"] == ["statement"]
    again = party.post(f"/api/v1/lists/notices/{entry.pk}/hearing-request/")
    assert again.status_code == 400
    # An officer records a party's answer in the back office; a department token cannot answer for it.
    officer = APIClient()
    officer.force_login(maker)
    assert "仅当事人" in officer.get("/api/v1/lists/notices/").json()["detail"]
    assert api.post(f"/api/v1/lists/notices/{entry.pk}/hearing-request/").status_code == 403


def test_the_party_is_held_to_its_period_and_to_its_own_notices(law_firm, maker, firm_user, codes):
    from legalcredit.registry import services as registry

    late = services.serve_notice(services.propose(law_firm, "serious_dishonesty", by=maker, reasons="拒不履行",
                                                  authority="淮安市司法局").pk,
                                 by=maker, served_on=timezone.localdate() - dt.timedelta(days=30))
    stranger, _ = registry.register_institution(actor=maker, reason="登记", name="淮安信达律师事务所",
                                                subject_type="law_firm", region="320812", uscc_code=codes.uscc())
    other = services.serve_notice(services.propose(stranger, "serious_dishonesty", by=maker, reasons="未履行",
                                                   authority="淮安市司法局").pk, by=maker)
    party = APIClient()
    party.force_login(firm_user)
    refused = party.post(f"/api/v1/lists/notices/{late.pk}/statement/", {"text": "补充意见"})
    assert refused.status_code == 400 and "陈述申辩期已于" in str(refused.json())
    assert party.post(f"/api/v1/lists/notices/{other.pk}/statement/", {"text": "x"}).status_code == 404
