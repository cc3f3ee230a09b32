"""The 12348 platform hands complaints over through the API and follows the ones it handed over."""
import pytest
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.accounts.services import assign
from legalcredit.refdata.selectors import work_calendar

from .. import selectors
from ..models import Complaint

pytestmark = pytest.mark.django_db

BODY = {"channel": "web_12348", "complainant_name": "王芳", "complainant_contact": "13912345678",
        "interest": "委托人", "facts": "收取代理费后未出庭"}


@pytest.fixture
def platform(db, django_user_model, fresh_cache):
    user = django_user_model.objects.create_user("p12348", password="x-Strong-pass-1")
    assign(user, "intake_platform", unit="江苏12348法网")
    _, key = tokens.issue(owner=user, name="江苏12348法网", scopes=["complaints:submit"])
    return user, {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_complaint_handed_over_starts_its_clock_and_can_be_followed(client, platform, lawyer, maker, department):
    user, auth = platform
    made = client.post("/api/v1/complaints/", {**BODY, "subject": {"id_number": lawyer.id_number}},
                       content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    body = made.json()
    c = Complaint.objects.get()
    assert body["number"] == c.number and c.filed_by == user and c.channel == "web_12348"
    assert body["deadlines"][0]["due_on"] == work_calendar().add_working_days(timezone.localdate(), 10).isoformat()
    assert body["deadlines"][0]["span"] == "10个工作日"
    # The query code comes once, for the complainant, and works on the portal.
    assert selectors.for_complainant(c.number, body["query_code"]).pk == c.pk
    follow = client.get(f"/api/v1/complaints/{c.number}/", **auth).json()
    assert follow["stage"] == "received" and "query_code" not in follow

    # Another token's owner does not follow it; a token without the scope reaches nothing here.
    _, other = tokens.issue(owner=department, name="采购系统", scopes=["checks:run"])
    assert client.get(f"/api/v1/complaints/{c.number}/", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 403


def test_bad_handovers_are_refused_naming_the_field(client, platform, lawyer):
    _, auth = platform
    both = client.post("/api/v1/complaints/", {**BODY, "subject": {"id_number": lawyer.id_number, "uscc": "x"}},
                       content_type="application/json", **auth)
    assert both.status_code == 400 and "只须给出" in both.json()["subject"][0]
    unknown = client.post("/api/v1/complaints/", {**BODY, "subject": {"license_no": "13201200010000001"}},
                          content_type="application/json", **auth)
    assert unknown.status_code == 400 and "未找到" in unknown.json()["subject"][0]
    no_contact = client.post("/api/v1/complaints/", {**{k: v for k, v in BODY.items() if k != "complainant_contact"},
                                                     "subject": {"id_number": lawyer.id_number}},
                             content_type="application/json", **auth)
    assert no_contact.status_code == 400 and "complainant_contact" in no_contact.json()
    channel = client.post("/api/v1/complaints/", {**BODY, "channel": "wechat", "subject": {"id_number": lawyer.id_number}},
                          content_type="application/json", **auth)
    assert channel.status_code == 400 and "投诉渠道" in channel.json()["channel"][0]
    long_name = client.post("/api/v1/complaints/", {**BODY, "complainant_name": "王" * 101,
                                                    "subject": {"id_number": lawyer.id_number}},
                            content_type="application/json", **auth)
    assert long_name.status_code == 400 and "complainant_name" in long_name.json()
    assert not Complaint.objects.exists()
