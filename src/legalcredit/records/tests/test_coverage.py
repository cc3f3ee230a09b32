"""能力验证覆盖情况: who among the practising forensic institutions and appraisers has no
proficiency test result within three years, per type and area, within the officer's reach."""
import datetime as dt

import pytest
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.records import services
from legalcredit.records.prepare import Draft
from legalcredit.registry import services as registry

from .. import selectors

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def forensic(maker, codes):
    made = []
    for i, region in enumerate(("320812", "320812", "320803")):
        subject, _ = registry.register_institution(
            actor=maker, reason="登记", name=f"淮安第{i + 1}司法鉴定所", subject_type="forensic_institution",
            region=region, uscc_code=codes.uscc(), license_issued_on=dt.date(2015, 1, 1))
        made.append(subject)
    return made


def proficiency_result(subject, maker, checker, bureau, on, subtype="满意"):
    rec = services.submit(subject, Draft(kind="proficiency_test", decision_date=on, subtype=subtype,
                                         authority="司法部司法鉴定科学研究院", authority_uscc=bureau["province"],
                                         source_unit="江苏省司法厅", source_unit_uscc=bureau["province"],
                                         decision_no=f"能力验证{on.year}-{subject.pk}", content="法医物证能力验证"),
                          actor=maker, reason="能力验证结果")
    return services.approve(rec.pk, checker=checker)


def test_a_result_within_three_years_covers_an_institution_and_an_older_one_does_not(forensic, maker, checker,
                                                                                      bureau, client):
    first, second, third = forensic
    proficiency_result(first, maker, checker, bureau, TODAY - dt.timedelta(days=30), subtype="不通过")
    three_years_ago = TODAY.replace(year=TODAY.year - 3) if (TODAY.month, TODAY.day) != (2, 29) \
        else dt.date(TODAY.year - 3, 2, 28)
    proficiency_result(second, maker, checker, bureau, three_years_ago)                        # just too old
    proficiency_result(third, maker, checker, bureau, three_years_ago + dt.timedelta(days=1))  # just in time
    report = selectors.coverage("proficiency_test", scope_for(maker), TODAY)
    row = next(r for r in report.by_type if r.label == "司法鉴定机构")
    assert (row.subjects, row.covered) == (3, 2)       # a failed test is a test taken
    assert [s.pk for s in report.uncovered] == [second.pk] and report.uncovered_total == 1
    counties = {r.label: (r.subjects, r.covered) for r in report.by_region}
    assert counties == {"清江浦区": (2, 1), "淮安区": (1, 1)}
    assert selectors.coverage("penalty", scope_for(maker), TODAY) is None

    client.force_login(maker)
    listing = client.get("/admin/records/creditrecord/").content.decode()
    assert "能力验证覆盖情况" in listing
    page = client.get("/admin/records/creditrecord/coverage/proficiency_test/").content.decode()
    assert "淮安第2司法鉴定所" in page and "淮安第3司法鉴定所" not in page and "67%" in page
    assert client.get("/admin/records/creditrecord/coverage/penalty/").status_code == 404


def test_a_lawyer_cannot_have_a_proficiency_test_result(lawyer, maker, bureau):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="能力验证"):
        services.submit(lawyer, Draft(kind="proficiency_test", decision_date=TODAY, subtype="满意",
                                      authority="司法部", authority_uscc=bureau["province"], source_unit="江苏省司法厅",
                                      decision_no="X1", content="x"), actor=maker, reason="能力验证结果")


def test_the_demo_results_are_valid_records_that_the_coverage_counts(forensic, maker):
    from legalcredit.records import demo
    from legalcredit.records.models import CreditRecord
    from legalcredit.records.prepare import prepare

    n = demo.build_forensic_results(seed=3)
    written = CreditRecord.objects.filter(kind__in=["proficiency_test", "opinion_review"])
    assert written.count() == n > 0
    for rec in written:
        # Each row is one entry would accept: a valid outcome for its subject type, its severity.
        check = prepare(rec.subject, services.draft_of(rec), today=TODAY)
        assert check.ok, check.errors
        assert (rec.severity == "minor") == (rec.subtype in ("不通过", "不合格"))
    report = selectors.coverage("proficiency_test", scope_for(maker), TODAY)
    tested = written.filter(kind="proficiency_test").values("subject").distinct().count()
    assert sum(r.covered for r in report.by_type) == tested


def test_the_forensic_association_enters_opinion_reviews_but_not_proficiency_results(forensic, django_user_model,
                                                                                     bureau):
    from django.core.exceptions import PermissionDenied

    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    association = django_user_model.objects.create_user("jdxh", password="x-Strong-pass-1", is_staff=True)
    assign(association, "association", region=Region.objects.get(code="320800"))
    draft = dict(decision_date=TODAY, authority="淮安市司法鉴定协会", source_unit="淮安市司法鉴定协会",
                 decision_no="淮鉴协评〔2026〕1号", content="2026年度司法鉴定意见书评查")
    rec = services.submit(forensic[0], Draft(kind="opinion_review", subtype="不合格", **draft), actor=association,
                          reason="文书评查结果")
    assert rec.review == "pending" and rec.severity == "minor"
    with pytest.raises(PermissionDenied, match="能力验证"):
        services.submit(forensic[0], Draft(kind="proficiency_test", subtype="满意", **draft), actor=association,
                        reason="能力验证结果")
