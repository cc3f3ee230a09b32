"""查询使用审查: a month's reads of non-public data are assessed, each finding is decided by another
reviewer, and the month is closed with a conclusion, all in the audit trail it reviews."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.audit import reviews
from legalcredit.audit.models import AccessFinding, AccessReview, AuditEntry

pytestmark = pytest.mark.django_db
OCTOBER = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def reviewers(django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    out = []
    for name in ("auditor1", "auditor2"):
        user = django_user_model.objects.create_user(name, password="x-Strong-pass-1", is_staff=True)
        assign(user, "province_admin", region=Region.objects.get(code="320000"))
        out.append(user)
    return out


def read(user, when: dt.datetime, *, subjects=1, full=False, purpose="日常监管（supervision）"):
    data = {"ids": [str(i) for i in range(min(subjects, 200))], "count": subjects, "path": "/api/v1/subjects/"}
    if full:
        data["full_id_number"] = True
    return AuditEntry.objects.create(at=timezone.make_aware(when), actor_id=user.pk, actor=user.get_username(),
                                     action=AuditEntry.Action.READ, object_type="registry.subject",
                                     summary="查阅", reason=purpose, data=data)


def test_a_month_of_reads_is_assessed_and_the_departments_checks_are_counted_but_not_assessed(
        maker, department, reviewers):
    read(maker, dt.datetime(2026, 10, 12, 9), subjects=250)
    read(maker, dt.datetime(2026, 10, 12, 23, 5), subjects=60)          # night, and over 300 that day
    read(maker, dt.datetime(2026, 10, 13, 10), purpose="行政处罚办理（enforcement）")
    for minute in range(30):                                            # a system: its job, at any hour
        read(department, dt.datetime(2026, 10, 4, 3, minute), subjects=100, purpose=f"第{minute % 12}号项目资格审查")
    read(maker, dt.datetime(2026, 11, 1, 9))                            # next month: not in October's review
    review = reviews.open_review(OCTOBER, today=TODAY)
    assert review.state == AccessReview.State.OPEN and review.reads == 33 and review.period_end == dt.date(2026, 10, 31)
    assert [(f.actor, f.rule, f.day, f.count) for f in review.findings.all()] == [
        ("city_maker", "volume", dt.date(2026, 10, 12), 310), ("city_maker", "off_hours", dt.date(2026, 10, 12), 1)]
    by_actor = {a["actor"]: a for a in review.summary}
    assert by_actor["procurement"]["reads"] == 30
    assert len(by_actor["procurement"]["purposes"]) == 11 and by_actor["procurement"]["purposes"][-1] == ["其他2种用途", 4]
    assert by_actor["city_maker"]["purposes"] == [["日常监管（supervision）", 2], ["行政处罚办理（enforcement）", 1]]
    # Due ten working days from the day it was opened, on the holiday calendar.
    from legalcredit.refdata.selectors import work_calendar
    assert review.due_on == work_calendar().add_working_days(TODAY, 10)
    assert reviews.open_review(dt.date(2026, 10, 20), today=TODAY) == review          # once a month
    assert AuditEntry.objects.filter(object_type="audit.accessreview", object_id=str(review.pk)).count() == 1


def test_a_month_not_yet_over_is_not_reviewed_and_a_quiet_month_closes_itself(maker):
    with pytest.raises(ValidationError, match="尚未结束"):
        reviews.open_review(dt.date(2026, 12, 1), today=TODAY)
    read(maker, dt.datetime(2026, 9, 14, 10))
    quiet = reviews.open_review(dt.date(2026, 9, 1), today=TODAY)
    assert quiet.state == AccessReview.State.CLOSED and quiet.reads == 1 and not quiet.findings.exists()


def test_each_finding_is_decided_by_someone_else_with_what_was_found_then_the_month_is_closed(
        maker, reviewers, checker):
    first, second = reviewers
    read(maker, dt.datetime(2026, 10, 12, 23))
    read(first, dt.datetime(2026, 10, 13, 23))                           # the reviewer's own late read
    review = reviews.open_review(OCTOBER, today=TODAY)
    theirs, own = review.findings.order_by("day")
    with pytest.raises(PermissionDenied, match="没有审查查询使用记录的权限"):
        reviews.decide(theirs.pk, by=checker, decision="justified", note="加班办理投诉")
    with pytest.raises(PermissionDenied, match="不能审查本人的查阅记录"):
        reviews.decide(own.pk, by=first, decision="justified", note="本人加班")
    with pytest.raises(ValidationError, match="核实情况"):
        reviews.decide(theirs.pk, by=first, decision="justified", note=" ")
    with pytest.raises(ValidationError, match="尚有2项未核实"):
        reviews.close(review.pk, by=first, conclusion="正常")
    reviews.decide(theirs.pk, by=first, decision="justified", note="经核实为办理淮司投〔2026〕12号投诉加班")
    with pytest.raises(ValidationError, match="不能重复核实"):
        reviews.decide(theirs.pk, by=first, decision="referred", note="改主意")
    reviews.decide(own.pk, by=second, decision="referred", note="未能说明查阅事由，移交机关纪委核查")
    with pytest.raises(ValidationError, match="审查结论"):
        reviews.close(review.pk, by=second, conclusion="")
    closed = reviews.close(review.pk, by=second, conclusion="本月查询总体规范；一项移交调查")
    assert closed.state == AccessReview.State.CLOSED and closed.closed_by == second
    assert {(f.decision, f.decided_by) for f in AccessFinding.objects.filter(review=review)} == {
        ("justified", first), ("referred", second)}
    trail = AuditEntry.objects.filter(object_type__in=["audit.accessfinding", "audit.accessreview"])
    assert trail.filter(action=AuditEntry.Action.UPDATE).count() == 2 and trail.filter(
        action=AuditEntry.Action.APPROVE, summary__contains="移交调查1项").count() == 1
    with pytest.raises(ValidationError, match="已完成"):
        reviews.decide(theirs.pk, by=second, decision="justified", note="再看")


def test_full_id_numbers_shown_through_the_api_are_counted(client, maker, lawyer, settings):
    """A search that answers with ID numbers in full says so in its audit entry; a masked one does not."""
    from legalcredit.accounts import tokens

    key = tokens.issue(owner=maker, name="x", scopes=["subjects:read"])[1]   # a maker sees numbers masked
    client.get(f"/api/v1/subjects/{lawyer.pk}/", {"purpose": "supervision"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    masked = AuditEntry.objects.filter(action="read").latest("id")
    assert "full_id_number" not in masked.data and masked.data["count"] == 1


def test_full_id_numbers_shown_to_a_role_that_may_see_them_are_marked(client, checker, lawyer):
    from legalcredit.accounts import tokens

    key = tokens.issue(owner=checker, name="x", scopes=["subjects:read"])[1]   # a checker sees them in full
    resp = client.get(f"/api/v1/subjects/{lawyer.pk}/", {"purpose": "supervision"}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.json()["id_number"] == lawyer.id_number
    assert AuditEntry.objects.filter(action="read").latest("id").data["full_id_number"] is True


def test_the_reviewer_works_through_the_back_office(client, maker, reviewers):
    first, _ = reviewers
    read(maker, dt.datetime(2026, 10, 12, 23))
    review = reviews.open_review(OCTOBER, today=TODAY)
    [finding] = review.findings.all()
    client.force_login(first)
    home = client.get("/admin/").content.decode()
    assert "待核实的查询使用情形" in home
    page = client.get(f"/admin/audit/accessreview/{review.pk}/change/").content.decode()
    assert "city_maker" in page and "非工作时间查阅" in page and "日常监管（supervision）" in page
    assert client.get("/admin/audit/accessfinding/", {"review__id__exact": review.pk}).status_code == 200
    url = f"/admin/audit/accessfinding/{finding.pk}/decide/"
    assert "20:00以外查阅1次" in client.get(url).content.decode()
    refused = client.post(url, {"decision": "justified", "note": ""})
    assert refused.status_code == 200 and not AccessFinding.objects.filter(decision="justified").exists()
    assert client.post(url, {"decision": "justified", "note": "加班办理投诉"}).status_code == 302
    close = f"/admin/audit/accessreview/{review.pk}/close/"
    assert client.post(close, {"conclusion": "本月查询规范"}).status_code == 302
    assert AccessReview.objects.get(pk=review.pk).state == "closed"


def test_the_scheduler_opens_last_months_review_on_the_first(maker, monkeypatch):
    from legalcredit.audit import tasks

    read(maker, dt.datetime(2026, 11, 30, 23))
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 1))
    pk = tasks.open_access_review.call_local()
    review = AccessReview.objects.get(pk=pk)
    assert review.month == dt.date(2026, 11, 1) and review.findings.count() == 1


def test_an_officer_without_the_permission_cannot_open_a_finding(client, maker, checker):
    read(maker, dt.datetime(2026, 10, 12, 23))
    review = reviews.open_review(OCTOBER, today=TODAY)
    [finding] = review.findings.all()
    client.force_login(checker)
    assert client.get(f"/admin/audit/accessfinding/{finding.pk}/decide/").status_code == 403
    assert client.get(f"/admin/audit/accessreview/{review.pk}/close/").status_code == 403
    assert client.get(f"/admin/audit/accessreview/{review.pk}/change/").status_code == 403
