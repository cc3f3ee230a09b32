"""Continuous monitoring: a department watches subjects; every change in what it would act on
(status, grade, lists, measures, flags) becomes an event it reads in order."""
import datetime as dt

import pytest
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.checks import watches
from legalcredit.checks.models import Watch, WatchEvent

from .test_checks import listed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def auth(department):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(owner=department, name='省政府采购系统', scopes=['checks:run'])[1]}"}


def events(client, auth, after=0):
    resp = client.get("/api/v1/watches/events/", {"after": after}, **auth)
    assert resp.status_code == 200, resp.content
    return resp.json()


def test_a_listing_and_a_suspension_reach_the_watching_department_in_order(
        client, auth, department, law_firm, lawyer, maker, checker, approved, django_capture_on_commit_callbacks):
    made = client.post("/api/v1/watches/", {"matter_type": "procurement", "purpose": "供应商履约期间信用关注",
                                            "subjects": [{"uscc": law_firm.uscc}, {"id_number": lawyer.id_number}]},
                       content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    assert [w["subject"] for w in made.json()] == [law_firm.pk, lawyer.pk]
    assert events(client, auth) == []
    # Watching again keeps the same watch.
    again = client.post("/api/v1/watches/", {"matter_type": "procurement", "purpose": "重复",
                                             "subjects": [{"uscc": law_firm.uscc}]},
                        content_type="application/json", **auth).json()
    assert again[0]["id"] == made.json()[0]["id"] and Watch.objects.count() == 2

    # A listing changes no record: the scheduled re-check finds it.
    listed(law_firm, maker, checker, day=timezone.localdate())
    assert watches.recheck() == 1
    [first] = events(client, auth)
    assert first["subject"] == law_firm.pk
    from legalcredit.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="read", actor=department.username, reason="信用关注变动提醒").exists()
    texts = [c["text"] for c in first["changes"]]
    assert any(t.startswith("信用名单新增：严重失信主体名单") for t in texts)
    assert any(t.startswith("应采取的措施新增：") for t in texts)
    assert watches.recheck() == 0, "nothing new, nothing told"

    # A penalty suspending the lawyer is approved: the re-check runs at once.
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        approved(lawyer, decision_date=today - dt.timedelta(days=1), effective_from=today - dt.timedelta(days=1),
                 effective_until=today + dt.timedelta(days=90))
    [second] = events(client, auth, after=first["id"])
    assert second["subject"] == lawyer.pk and second["id"] > first["id"]
    assert any(c["what"] == "status" and c["after"] == "停止执业" for c in second["changes"]), second["changes"]
    assert second["answer"]["subject"]["status"] == "suspended"


def test_an_ended_watch_tells_nothing_more_and_other_units_see_nothing(
        client, auth, department, law_firm, maker, checker, django_user_model):
    [w] = watches.watch(by=department, queries=[{"uscc": law_firm.uscc}], matter="procurement", purpose="关注")
    assert client.post(f"/api/v1/watches/{w.pk}/end/", {"reason": "合同履行完毕"}, content_type="application/json",
                       **auth).json()["ended_at"]
    listed(law_firm, maker, checker, day=timezone.localdate())
    assert watches.recheck() == 0 and not WatchEvent.objects.exists()
    assert client.get("/api/v1/watches/", **auth).json() == []
    from legalcredit.accounts.services import assign

    other = django_user_model.objects.create_user("funding", password="x-Strong-pass-1")
    assign(other, "department", unit="省财政厅资金系统")
    with pytest.raises(Watch.DoesNotExist, match="不是本单位的关注"):
        watches.end(w.pk, by=other)


def test_bad_watch_requests_are_refused_naming_the_field(client, auth, codes):
    bad = client.post("/api/v1/watches/", {"matter_type": "lottery", "purpose": "x", "subjects": [{"uscc": codes.uscc()}]},
                      content_type="application/json", **auth)
    assert bad.status_code == 400 and "事项类型" in str(bad.json())
    unknown = client.post("/api/v1/watches/", {"matter_type": "procurement", "purpose": "x",
                                               "subjects": [{"uscc": codes.uscc("91")}]},
                          content_type="application/json", **auth)
    assert unknown.status_code == 400 and "未登记" in str(unknown.json())
    assert client.get("/api/v1/watches/events/", {"limit": 0}, **auth).status_code == 400
    assert not Watch.objects.exists()


def test_an_over_long_purpose_is_refused_naming_the_field_on_both_databases(client, auth, law_firm):
    # The column holds 300 characters; PostgreSQL refused more with a server error before.
    for url in ("/api/v1/checks/", "/api/v1/watches/"):
        resp = client.post(url, {"matter_type": "procurement", "purpose": "长" * 301, "subjects": [{"uscc": law_firm.uscc}]},
                           content_type="application/json", **auth)
        assert resp.status_code == 400 and "不超过300个字" in str(resp.json()), (url, resp.content)
