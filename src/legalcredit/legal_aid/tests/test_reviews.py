"""Legal aid case quality review: score, re-review of a failed file by another reviewer, and the
checker's confirmation entering the result as a credit record."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.deadlines.models import Clock
from legalcredit.records import rules as record_rules
from legalcredit.refdata.models import Region
from legalcredit.refdata.selectors import work_calendar

from .. import selectors, services
from ..models import CaseQualityReview, Stage

pytestmark = pytest.mark.django_db

FULL = {"meeting": 20, "file_reading": 15, "investigation": 10, "written_opinion": 25, "court": 15,
        "communication": 5, "closing": 10}


def score(subject, by, bureau, marks=None, **kw):
    values = dict(case_no="淮法援〔2026〕刑12号", case_type="criminal", case_closed_on=dt.date(2026, 9, 30),
                  method="file_review", authority="淮安市司法局", authority_uscc=bureau["city"],
                  reviewer_name="周律师", reviewer_unit="淮安市律师协会", marks=marks or FULL, opinion="会见及时，辩护意见充分")
    values.update(kw)
    return services.score(subject, by=by, **values)


def test_a_good_file_is_confirmed_by_a_checker_and_becomes_the_lawyers_record(lawyer, maker, checker, bureau):
    review = score(lawyer, maker, bureau, marks={**FULL, "court": 12, "investigation": 6.5})
    assert (review.total, review.band, review.stage) == (93.5, "优秀", Stage.SCORED)
    assert review.number.startswith("PC")
    with pytest.raises(PermissionDenied):
        services.confirm(review.pk, by=maker)
    review = services.confirm(review.pk, by=checker)
    rec = review.record
    assert rec.kind == "legal_aid_review" and rec.subtype == "优秀" and rec.review == "approved"
    assert rec.entered_by == maker and rec.checked_by == checker and "93.5" in rec.content
    with pytest.raises(ValidationError, match="已确认"):
        services.confirm(review.pk, by=checker)
    with pytest.raises(ValidationError, match="已评查"):
        score(lawyer, maker, bureau)


def test_a_failed_file_waits_for_a_second_reviewer_whose_result_stands(lawyer, maker, checker, bureau):
    today = timezone.localdate()
    review = score(lawyer, maker, bureau, vetoes=["no_file_reading"])
    # 100 points, but not reading the file fails it whatever the points.
    assert (review.total, review.band, review.stage) == (100, "不合格", Stage.REREVIEW)
    clock = Clock.objects.get(case_type="aid_review", case_id=review.pk, stopped_on__isnull=True)
    assert clock.due_on == work_calendar().add_working_days(today, 10)
    with pytest.raises(ValidationError, match="不能确认"):
        services.confirm(review.pk, by=checker)
    with pytest.raises(ValidationError, match="原评查人以外"):
        services.rereview(review.pk, by=maker, reviewer_name="周律师", marks=FULL, opinion="复查")
    review = services.rereview(review.pk, by=maker, reviewer_name="吴律师", marks={**FULL, "written_opinion": 10},
                               opinion="阅卷笔录附卷，但辩护意见简单")
    assert (review.final_total, review.final_band, review.stage) == (85, "良好", Stage.SCORED)
    assert not Clock.objects.filter(case_type="aid_review", case_id=review.pk, stopped_on__isnull=True).exists()
    review = services.confirm(review.pk, by=checker)
    assert review.record.subtype == "良好" and "经复查（原评100.0分，不合格）" in review.record.content
    assert selectors.band_counts(CaseQualityReview.objects.all()) == {"良好": 1}


def test_a_score_sheet_out_of_its_ranges_is_refused_naming_the_item(lawyer, maker, bureau, law_firm):
    with pytest.raises(ValidationError, match="会见受援人.*0–20"):
        score(lawyer, maker, bureau, marks={**FULL, "meeting": 21})
    with pytest.raises(ValidationError, match="阅卷.*须评分"):
        score(lawyer, maker, bureau, marks={k: v for k, v in FULL.items() if k != "file_reading"})
    with pytest.raises(ValidationError, match="不是.*否决情形"):
        score(lawyer, maker, bureau, vetoes=["late"])
    with pytest.raises(ValidationError, match="案件类别"):
        score(lawyer, maker, bureau, case_type="juvenile")
    with pytest.raises(ValidationError, match="承办人员"):
        score(law_firm, maker, bureau)
    with pytest.raises(ValidationError, match="结案日期"):
        score(lawyer, maker, bureau, case_closed_on=timezone.localdate() + dt.timedelta(days=1))
    assert not CaseQualityReview.objects.exists()


def test_only_officers_of_the_region_enter_and_see_reviews(lawyer, maker, bureau, django_user_model):
    far = django_user_model.objects.create_user("nanjing", password="x-Strong-pass-1", is_staff=True)
    assign(far, "city_maker", region=Region.objects.get(code="320100"))
    with pytest.raises(PermissionDenied):
        score(lawyer, far, bureau)
    score(lawyer, maker, bureau)
    from legalcredit.accounts.policy import scope_for

    assert not selectors.visible(scope_for(far)).exists() and selectors.visible(scope_for(maker)).count() == 1


def test_the_bands_are_the_outcomes_of_the_record_kind():
    assert set(services.rules().band_names) == set(record_rules.kinds()["legal_aid_review"].subtypes)


def test_the_back_office_scores_re_reviews_and_confirms(client, lawyer, maker, checker, bureau):
    client.force_login(maker)
    listing = client.get("/admin/legal_aid/casequalityreview/").content.decode()
    assert "录入评查结果（刑事法律援助案件）" in listing
    url = "/admin/legal_aid/casequalityreview/score/?case_type=criminal"
    form = client.get(url).content.decode()
    assert "会见受援人" in form and "未按规定会见受援人" in form
    data = {"subject": lawyer.id_number, "case_no": "淮法援〔2026〕刑7号", "case_closed_on": "2026-09-30",
            "method": "court_observation", "authority": "淮安市司法局", "authority_uscc": bureau["city"],
            "reviewer_name": "周律师", "opinion": "辩护意见缺失", "vetoes": ["no_written_opinion"],
            **{f"item_{k}": v for k, v in FULL.items()}}
    client.post(url, data)
    review = CaseQualityReview.objects.get()
    assert review.stage == Stage.REREVIEW and review.method == "court_observation"
    act = f"/admin/legal_aid/casequalityreview/{review.pk}/act/"
    client.post(act, {"reviewer_name": "吴律师", "opinion": "维持", "vetoes": ["no_written_opinion"],
                      **{f"item_{k}": v for k, v in FULL.items()}})
    assert CaseQualityReview.objects.get().rereview_band == "不合格"
    client.force_login(checker)
    client.post(act, {})
    review = CaseQualityReview.objects.get()
    assert review.stage == Stage.CONFIRMED and review.record.subtype == "不合格"
    listing = client.get("/admin/legal_aid/casequalityreview/").content.decode()
    assert "不合格 1 件" in listing
    change = client.get(f"/admin/legal_aid/casequalityreview/{review.pk}/change/").content.decode()
    assert "刑事法律援助案件" in change and "庭审旁听" in change and "court_observation" not in change


def test_the_portal_publishes_confirmed_results_per_year_and_city_naming_no_one(client, lawyer, maker, checker,
                                                                                bureau):
    good = score(lawyer, maker, bureau)
    score(lawyer, maker, bureau, case_no="淮法援〔2026〕刑99号", vetoes=["charged_recipient"])   # not confirmed
    services.confirm(good.pk, by=checker)
    page = client.get("/public/legal-aid/")
    assert page.status_code == 200
    text = page.content.decode()
    row = page.context["rows"]
    assert row == [{"year": timezone.localdate().year, "city": "淮安市", "total": 1, "bands": {"优秀": 1},
                    "counts": [1, 0, 0, 0]}]
    assert lawyer.name not in text and "淮安市" in text and "案卷检查" in text
