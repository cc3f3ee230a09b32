"""满意度评价: one rating per service, bad reviews followed up in time, a round tallied into one
满意度评价 credit record per subject that a checker approves, and the API a service system uses."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.accounts.services import assign
from legalcredit.deadlines.models import Clock
from legalcredit.records import services as records
from legalcredit.records.models import CreditRecord
from legalcredit.refdata.models import Region
from legalcredit.refdata.selectors import work_calendar

from .. import services
from ..models import SatisfactionRating

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def last_round():
    r = services.rules()
    start = r.round_of(TODAY)[0]
    return r.round_of(start - dt.timedelta(days=1))


def rate(subject, by, ref, level=5, served_on=None, **kw):
    values = dict(channel="窗口登记", service="consultation", service_ref=ref, served_on=served_on or TODAY,
                  level=level, comment="态度好" if level > 2 else "等候时间长，解答敷衍")
    values.update(kw)
    return services.rate(subject, by=by, **values)


def test_a_good_rating_is_kept_and_a_bad_one_is_followed_up_in_five_working_days(lawyer, maker):
    good, new = rate(lawyer, maker, "ZX001")
    assert new and good.follow_up == "" and not Clock.objects.filter(case_type="rating").exists()
    with pytest.raises(ValidationError, match="评价意见"):
        rate(lawyer, maker, "ZX002", level=1, comment=" ")
    bad, _ = rate(lawyer, maker, "ZX002", level=1, rater_contact="13912345678")
    assert bad.follow_up == "open"
    clock = Clock.objects.get(case_type="rating", case_id=bad.pk)
    assert clock.due_on == work_calendar().add_working_days(TODAY, 5) and "假定" in clock.source
    # Stored sealed, read back in the clear.
    assert SatisfactionRating.objects.get(pk=bad.pk).rater_contact == "13912345678"


@pytest.mark.parametrize("change, field", [
    (dict(service="haircut"), "服务事项"), (dict(level=6), "评价等级"), (dict(service_ref=" "), "办件编号"),
    (dict(served_on=TODAY + dt.timedelta(days=1)), "服务日期"),
])
def test_a_bad_rating_is_refused_naming_the_field(lawyer, maker, change, field):
    with pytest.raises(ValidationError, match=field):
        rate(lawyer, maker, "ZX009", **change)
    assert not SatisfactionRating.objects.exists()


def test_one_service_is_rated_once(lawyer, maker):
    first, _ = rate(lawyer, maker, "GZ2026-1")
    again, new = rate(lawyer, maker, "GZ2026-1")          # a resend after a lost answer
    assert again.pk == first.pk and not new
    with pytest.raises(ValidationError, match="服务一次、评价一次"):
        rate(lawyer, maker, "GZ2026-1", level=4)
    other, new = rate(lawyer, maker, "GZ2026-1", channel="江苏12348法网")   # another system's numbering
    assert new and SatisfactionRating.objects.count() == 2


def test_an_officer_rates_only_within_the_jurisdiction(lawyer, django_user_model):
    elsewhere = django_user_model.objects.create_user("nanjing", password="x-Strong-pass-1", is_staff=True)
    assign(elsewhere, "city_maker", region=Region.objects.get(code="320100"))
    with pytest.raises(PermissionDenied):
        rate(lawyer, elsewhere, "ZX001")


def test_a_bad_review_is_closed_with_what_was_found_and_done(lawyer, maker):
    bad, _ = rate(lawyer, maker, "ZX002", level=2)
    with pytest.raises(ValidationError, match="核实结果"):
        services.follow_up(bad.pk, by=maker, outcome="ignored", note="x")
    with pytest.raises(ValidationError, match="回访核实和整改情况"):
        services.follow_up(bad.pk, by=maker, outcome="rectified", note="")
    services.follow_up(bad.pk, by=maker, outcome="rectified", note="电话回访评价人，已约谈律师并调整值班安排")
    bad.refresh_from_db()
    assert (bad.follow_up, bad.outcome, bad.followed_up_on) == ("done", "rectified", TODAY)
    clock = Clock.objects.get(case_type="rating", case_id=bad.pk)
    assert clock.stopped_on == TODAY and not clock.late
    with pytest.raises(ValidationError, match="不是待回访"):
        services.follow_up(bad.pk, by=maker, outcome="rectified", note="再次")


def test_a_round_becomes_one_record_per_subject_and_a_changed_tally_a_new_version(lawyer, law_firm, maker, checker,
                                                                                   bureau):
    start, end = last_round()
    with pytest.raises(ValidationError, match="结束后才能汇总"):
        services.tally(by=maker, day_in_round=TODAY, authority="淮安市司法局", authority_uscc=bureau["city"])
    for i in range(10):
        rate(lawyer, maker, f"L{i}", level=5 if i % 2 else 3, served_on=start + dt.timedelta(days=i))
    bad, _ = rate(lawyer, maker, "L10", level=1, served_on=end)
    for i in range(3):
        rate(law_firm, maker, f"F{i}", served_on=start)
    rate(lawyer, maker, "NOW", served_on=TODAY, level=1)           # this round: not counted
    result = services.tally(by=maker, day_in_round=end, authority="淮安市司法局", authority_uscc=bureau["city"])
    assert result.written == [lawyer.name] and result.too_few == 1 and result.open_follow_ups == 1
    rec = CreditRecord.objects.get(subject=lawyer, kind="satisfaction")
    assert rec.subtype == "基本满意" and rec.review == "pending" and rec.import_batch == result.batch
    assert rec.decision_date == end and "满意率90.91%" in rec.content and result.round_name in rec.decision_no
    # While its version waits for the checker the round cannot be tallied again.
    services.follow_up(bad.pk, by=maker, outcome="unfounded", note="评价人误评，已致歉说明")
    with pytest.raises(ValidationError, match="待审核"):
        services.tally(by=maker, day_in_round=end, authority="淮安市司法局", authority_uscc=bureau["city"])
    assert records.approve_batch(result.batch, checker=checker) == 1
    # The unfounded bad review no longer counts: 10 of 10, a new version of the same record.
    again = services.tally(by=maker, day_in_round=start, authority="淮安市司法局", authority_uscc=bureau["city"])
    assert again.written == [lawyer.name]
    versions = CreditRecord.objects.filter(key=rec.key).order_by("version")
    assert [v.subtype for v in versions] == ["基本满意", "满意"] and "满意率100.00%" in versions[1].content
    records.approve_batch(again.batch, checker=checker)
    unchanged = services.tally(by=maker, day_in_round=start, authority="淮安市司法局", authority_uscc=bureau["city"])
    assert unchanged.written == [] and unchanged.unchanged == 1 and unchanged.batch is None


def test_the_tally_needs_a_valid_authority_and_the_permission(lawyer, maker, checker):
    with pytest.raises(ValidationError, match="决定机关统一社会信用代码"):
        services.tally(by=maker, day_in_round=last_round()[1], authority="淮安市司法局", authority_uscc="123")
    with pytest.raises(ValidationError, match="权限"):
        services.tally(by=checker, day_in_round=last_round()[1], authority="淮安市司法局", authority_uscc="123")


@pytest.fixture
def system(db, django_user_model, fresh_cache):
    user = django_user_model.objects.create_user("gzxt", password="x-Strong-pass-1")
    assign(user, "rating_platform", unit="淮安市公证处业务系统")
    _, key = tokens.issue(owner=user, name="淮安市公证处业务系统", scopes=["ratings:submit"])
    return user, {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_service_system_hands_ratings_over_once_per_service(client, system, lawyer):
    _, auth = system
    body = {"subject": {"id_number": lawyer.id_number}, "service": "notarization", "service_ref": "(2026)淮证字第1号",
            "served_on": TODAY.isoformat(), "level": 2, "comment": "收费未说明", "rater_contact": "13912345678"}
    made = client.post("/api/v1/ratings/", body, content_type="application/json", **auth)
    assert made.status_code == 201, made.content
    answer = made.json()
    assert answer["level_name"] == "不满意" and answer["follow_up"] == "open"
    assert answer["deadlines"][0]["span"] == "5个工作日"
    assert SatisfactionRating.objects.get().channel == "淮安市公证处业务系统"
    resent = client.post("/api/v1/ratings/", body, content_type="application/json", **auth)
    assert resent.status_code == 200 and resent.json()["id"] == answer["id"]
    changed = client.post("/api/v1/ratings/", {**body, "level": 5}, content_type="application/json", **auth)
    assert changed.status_code == 400 and "服务一次、评价一次" in changed.content.decode()
    # A USCC with a wrong check character is refused, naming the field.
    nobody = client.post("/api/v1/ratings/", {**body, "subject": {"uscc": "91320800MA1XXXXXXX"}},
                         content_type="application/json", **auth)
    assert nobody.status_code == 400 and "评价对象" in nobody.content.decode()
    assert client.get("/api/v1/complaints/X/", **auth).status_code == 403     # nothing beyond its scope


def test_officers_rate_follow_up_tally_and_count_in_the_back_office(client, lawyer, maker, bureau):
    client.force_login(maker)
    assert "登记评价" in client.get("/admin/satisfaction/satisfactionrating/").content.decode()
    made = client.post("/admin/satisfaction/satisfactionrating/rate/", {
        "subject": lawyer.id_number, "service": "consultation", "service_ref": "CK-1",
        "served_on": TODAY.isoformat(), "level": "1", "comment": "答非所问", "rater_contact": "13800000000"})
    assert made.status_code == 302, made.content.decode()
    bad = SatisfactionRating.objects.get()
    assert "待回访的差评" in client.get("/admin/").content.decode()
    page = client.get(f"/admin/satisfaction/satisfactionrating/{bad.pk}/follow-up/").content.decode()
    assert "答非所问" in page and "5个工作日" in page
    done = client.post(f"/admin/satisfaction/satisfactionrating/{bad.pk}/follow-up/",
                       {"outcome": "explained", "note": "已电话解释咨询范围"})
    assert done.status_code == 302
    stats = client.get("/admin/satisfaction/satisfactionrating/statistics/").content.decode()
    assert "法律咨询" in stats and "0.00%" in stats
    form = client.get("/admin/satisfaction/satisfactionrating/tally/").content.decode()
    assert "评价不足10次" in form
    refused = client.post("/admin/satisfaction/satisfactionrating/tally/",
                          {"day": TODAY.isoformat(), "authority": "淮安市司法局", "authority_uscc": bureau["city"]})
    assert refused.status_code == 200 and "结束后才能汇总" in refused.content.decode()
