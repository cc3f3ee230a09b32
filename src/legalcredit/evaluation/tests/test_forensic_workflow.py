"""The annual forensic integrity grading, from self-evaluation to publication, and the event re-evaluation."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.evaluation import flows
from legalcredit.evaluation.models import ForensicGrading
from legalcredit.refdata.selectors import work_calendar

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year - 1


@pytest.fixture
def institution_user(django_user_model, forensic):
    user = django_user_model.objects.create_user("forensic_user", password="x-Strong-pass-1")
    assign(user, "institution_user", subject=forensic)
    return user


def test_the_grading_runs_from_self_evaluation_to_publication(forensic, record, institution_user, checker,
                                                             province_admin):
    record(forensic, "commendation", "省级", decided=dt.date(YEAR, 5, 1))
    g = flows.open_annual(forensic, YEAR, by=province_admin)
    assert (g.stage, g.system_evaluation.score, g.system_evaluation.grade) == ("self", 90, "A")

    flows.submit(g.pk, by=institution_user, grade="A", score=92, opinion="全年无投诉，自评A级")
    with pytest.raises(ValidationError, match="现场核查"):
        flows.submit(g.pk, by=checker, grade="B", opinion="初评B级")
    flows.submit(g.pk, by=checker, grade="B", score=88, opinion="档案抽查发现两份意见书签名不全",
                 onsite_notes="2026-03-10 现场检查，抽查案卷20份")
    g = flows.submit(g.pk, by=province_admin, grade="B", opinion="同意市级初评意见")
    today = timezone.localdate()
    assert (g.stage, g.final_grade, g.publicity_from) == ("publicity", "B", today)
    assert g.publicity_until == work_calendar().add_working_days(today, 5)

    assert flows.end_publicity(g.publicity_until) == 0          # still on the last day of publicity
    assert flows.end_publicity(g.publicity_until + dt.timedelta(days=1)) == 1
    g.refresh_from_db()
    assert g.stage == "published" and g.published_on == g.publicity_until + dt.timedelta(days=1)
    assert [(s.stage, s.officer.username, s.grade) for s in g.steps.all()] == [
        ("self", "forensic_user", "A"), ("city", "city_checker", "B"), ("province", "province_admin", "B")]


def test_each_stage_is_done_by_its_own_role_and_a_case_can_be_sent_back(forensic, institution_user, checker,
                                                                       province_admin, maker):
    g = flows.open_annual(forensic, YEAR, by=checker)
    with pytest.raises(PermissionDenied):
        flows.submit(g.pk, by=maker, grade="A", opinion="代为自评")
    flows.submit(g.pk, by=institution_user, grade="A", opinion="自评")
    with pytest.raises(PermissionDenied):
        flows.submit(g.pk, by=institution_user, grade="A", opinion="自己初评", onsite_notes="无")
    with pytest.raises(ValidationError, match="退回须说明理由"):
        flows.send_back(g.pk, by=checker, opinion="")
    g = flows.send_back(g.pk, by=checker, opinion="自评材料缺少案卷目录")
    assert g.stage == "self"
    flows.submit(g.pk, by=institution_user, grade="A", opinion="补正后自评")
    with pytest.raises(ValidationError, match="不是本方案的等级"):
        flows.submit(g.pk, by=checker, grade="AAA", opinion="初评", onsite_notes="现场检查")
    flows.submit(g.pk, by=checker, grade="A", opinion="初评", onsite_notes="现场检查")
    checker.groups.add(*province_admin.groups.all())  # even holding both roles, one person cannot do both stages
    checker_with_both = type(checker).objects.get(pk=checker.pk)
    assert checker_with_both.has_perm("evaluation.decide_forensicgrading")
    with pytest.raises(PermissionDenied, match="不同人员"):
        flows.submit(g.pk, by=checker_with_both, grade="A", opinion="审定")


def test_a_year_is_graded_once_and_only_after_it_ends(forensic, province_admin, law_firm):
    flows.open_annual(forensic, YEAR, by=province_admin)
    with pytest.raises(ValidationError, match="已经发起"):
        flows.open_annual(forensic, YEAR, by=province_admin)
    with pytest.raises(ValidationError, match="尚未结束"):
        flows.open_annual(forensic, YEAR + 1, by=province_admin)
    with pytest.raises(ValidationError, match="不是司法鉴定机构"):
        flows.open_annual(law_firm, YEAR, by=province_admin)


def test_a_serious_record_opens_an_event_re_evaluation(forensic, record, province_admin):
    flows.open_annual(forensic, YEAR, by=province_admin)
    record(forensic, "commendation", "市级")
    assert ForensicGrading.objects.filter(round="event").count() == 0
    rec = record(forensic, "judgment_debtor", decided=timezone.localdate())
    event = ForensicGrading.objects.get(round="event")
    assert (event.stage, event.trigger_record_id, event.year) == ("city", rec.pk, timezone.localdate().year)
    # the current year to date is judged, the new record included
    assert [line[2] for line in event.system_evaluation.explanation["lines"] if line[4].startswith("-")] == [rec.pk]


def _to_publicity(g, institution_user, checker, province_admin, grade="B"):
    flows.submit(g.pk, by=institution_user, grade="A", score=92, opinion="自评A级")
    flows.submit(g.pk, by=checker, grade=grade, score=Decimal("73.25"), opinion="初评意见：案卷签名不全",
                 onsite_notes="现场抽查案卷20份")
    return flows.submit(g.pk, by=province_admin, grade=grade, opinion="同意市级初评意见")


def test_grades_in_publicity_are_public_without_the_steps_behind_them(forensic, institution_user, checker,
                                                                      province_admin, client, codes, maker):
    from legalcredit.registry import services as registry

    other, _ = registry.register_institution(
        actor=maker, reason="执业许可", name="淮安明鉴司法鉴定所", subject_type="forensic_institution",
        region="320812", uscc_code=codes.uscc("34"), license_issued_on=dt.date(2013, 3, 1))
    g = _to_publicity(flows.open_annual(forensic, YEAR, by=province_admin), institution_user, checker,
                      province_admin)
    flows.open_annual(other, YEAR, by=province_admin)             # still at self-evaluation: not public

    page = client.get("/public/forensic-grades/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "淮安正衡司法鉴定所" in html and forensic.uscc in html and "公示中" in html
    assert "淮安明鉴司法鉴定所" not in html
    assert "案卷签名不全" not in html and "73.25" not in html       # opinions and step scores stay internal

    api = client.get("/api/v1/public/forensic-grades/", {"year": YEAR}).json()
    assert api["count"] == 1
    row = api["results"][0]
    assert (row["institution"], row["grade"], row["stage"], row["year"]) == ("淮安正衡司法鉴定所", "B",
                                                                             "publicity", YEAR)
    assert (row["publicity_from"], row["publicity_until"]) == (g.publicity_from.isoformat(),
                                                              g.publicity_until.isoformat())
    assert row["published_on"] is None

    flows.end_publicity(g.publicity_until + dt.timedelta(days=1))
    row = client.get("/api/v1/public/forensic-grades/", {"stage": "published"}).json()["results"][0]
    assert (row["stage_name"], row["published_on"]) == ("已公布", (g.publicity_until + dt.timedelta(days=1)).isoformat())
    assert client.get("/api/v1/public/forensic-grades/", {"stage": "publicity"}).json()["count"] == 0
    assert client.get("/api/v1/public/forensic-grades/", {"year": YEAR - 1}).json()["count"] == 0
    # The region filter is a prefix of the division code: the city finds its counties' institutions.
    city = forensic.region_id[:4]
    assert client.get("/api/v1/public/forensic-grades/", {"region": city}).json()["count"] == 1
    assert client.get("/api/v1/public/forensic-grades/", {"region": "110"}).json()["count"] == 0
    page = client.get("/public/forensic-grades/", {"region": forensic.region_id})
    assert page.status_code == 200 and "淮安正衡司法鉴定所" in page.content.decode()


def test_a_bad_public_filter_is_refused_naming_the_field(client):
    r = client.get("/api/v1/public/forensic-grades/", {"year": "去年"})
    assert r.status_code == 400 and "评估年度" in r.json()["year"][0]
    r = client.get("/api/v1/public/forensic-grades/", {"stage": "self"})
    assert r.status_code == 400 and "状态" in r.json()["stage"][0]
    page = client.get("/public/forensic-grades/", {"year": "20x5"})
    assert page.status_code == 400 and "评估年度：应为四位年份" in page.content.decode()
