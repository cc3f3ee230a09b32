"""A subject's registry page opens on its credit file: grade, records, lists, each linked."""
import pytest
from django.urls import reverse

from legalcredit.evaluation import services as evaluation
from legalcredit.records import services as records

pytestmark = pytest.mark.django_db


def test_the_institution_page_shows_its_grade_records_and_lists(client, checker, maker, law_firm, penalty):
    art50 = dict(legal_basis="《中华人民共和国律师法》第五十条", content="疏于管理",
                 sanctions=[{"type": "停业整顿", "months": 2}])
    records.approve(records.submit(law_firm, penalty(**art50), actor=maker, reason="录入").pk, checker=checker)
    records.submit(law_firm, penalty(decision_no="淮司罚决〔2026〕2号", **art50), actor=maker, reason="录入")
    evaluation.evaluate_subjects([law_firm.pk])
    client.force_login(checker)
    page = client.get(reverse("admin:registry_institution_change", args=[law_firm.pk])).content.decode()
    assert "信用档案" in page and "不在任何名单上" in page
    assert "现行 1 条，其中公示中 1 条" in page and "待审核 1 条" in page
    assert f"?subject__id__exact={law_firm.pk}" in page
    listing = client.get(reverse("admin:records_creditrecord_changelist"), {"subject__id__exact": law_firm.pk})
    assert listing.status_code == 200 and "淮司罚决〔2026〕1号" in listing.content.decode()
    assert reverse("admin:evaluation_subjectgrade_change", args=[law_firm.pk]) in page
    assert ">Reason<" not in page and "None" not in page.split("信用档案")[1].split("</fieldset>")[0]


def test_a_role_sees_only_the_parts_it_may_read(client, checker, maker, law_firm, penalty, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    records.approve(records.submit(law_firm, penalty(legal_basis="《中华人民共和国律师法》第五十条", content="疏于管理",
                                                     sanctions=[{"type": "停业整顿", "months": 2}]),
                                   actor=maker, reason="录入").pk, checker=checker)
    assoc = django_user_model.objects.create_user("assoc", password="x-Strong-pass-1", is_staff=True)
    assign(assoc, "association", region=Region.objects.get(code="320800"))
    client.force_login(assoc)
    html = client.get(reverse("admin:registry_institution_change", args=[law_firm.pk])).content.decode()
    # An association reads grades and industry discipline only: the penalty is not counted, and
    # there is no list line at all.
    assert "当前信用等级" in html and "现行 0 条" in html and "信用名单：" not in html


def test_the_records_as_they_stood_on_a_past_day(client, checker, maker, lawyer, penalty):
    import datetime as dt

    from django.utils import timezone

    records.approve(records.submit(lawyer, penalty(), actor=maker, reason="录入").pk, checker=checker)
    client.force_login(checker)
    profile = client.get(reverse("admin:registry_practitioner_change", args=[lawyer.pk])).content.decode()
    url = reverse("admin:records_as_of", args=[lawyer.pk])
    assert url in profile
    today = timezone.localdate()
    now = client.get(url, {"on": str(today)}).content.decode()
    assert "共 1 条，其中当日公示 1 条" in now and "淮司罚决〔2026〕1号" in now
    # Approved today: the platform held nothing of it yesterday, whatever its decision date.
    before = client.get(url, {"on": str(today - dt.timedelta(days=1))}).content.decode()
    assert "该日平台没有该主体的信用记录" in before
    assert "不能晚于今天" in client.get(url, {"on": str(today + dt.timedelta(days=1))}).content.decode()


def test_the_grade_reads_as_its_scheme_names_it(client, checker, maker, codes):
    from legalcredit.registry import services as registry

    office, _ = registry.register_institution(actor=maker, reason="执业许可", name="清江浦区城南法律服务所",
                                              subject_type="grassroots_office", region="320812",
                                              uscc_code=codes.uscc(prefix="33"))
    evaluation.evaluate_subjects([office.pk])
    client.force_login(checker)
    page = client.get(reverse("admin:registry_institution_change", args=[office.pk])).content.decode()
    # A clean office starts at the base score, 100: 良好 in the grassroots scheme (code "good").
    grade = page.split("当前信用等级")[-1][:400]
    assert "良好（" in grade and "good" not in grade, grade


def test_the_file_shows_the_years_complaints_alerts_and_ratings_each_linked(client, maker, lawyer, django_user_model):
    from django.utils import timezone

    from legalcredit.accounts.services import assign
    from legalcredit.complaints import services as complaints
    from legalcredit.refdata.models import Region
    from legalcredit.satisfaction import services as ratings

    for who in ("王芳", "赵强", "钱伟"):
        complaints.file(lawyer, by=maker, channel="letter", complainant_name=who, interest="委托人", facts="未出庭")
    for i, level in enumerate((5, 5, 5, 2)):
        ratings.rate(lawyer, by=maker, channel="窗口登记", service="consultation", service_ref=f"R{i}",
                     served_on=timezone.localdate(), level=level, comment="" if level > 2 else "敷衍")
    client.force_login(maker)
    page = client.get(reverse("admin:registry_practitioner_change", args=[lawyer.pk])).content.decode()
    assert "近一年收到 3 件；待处置的投诉预警 1 个" in page
    assert "近一年评价 4 次，满意率 75.00%，差评 1 次；待回访 1 条" in page
    for url in (reverse("admin:complaints_complaint_changelist"),
                reverse("admin:satisfaction_satisfactionrating_changelist")):
        listing = client.get(url, {"subject__id__exact": lawyer.pk})
        assert listing.status_code == 200 and listing.context["cl"].result_count in (3, 4)
    # An association reads neither.
    assoc = django_user_model.objects.create_user("assoc2", password="x-Strong-pass-1", is_staff=True)
    assign(assoc, "association", region=Region.objects.get(code="320800"))
    client.force_login(assoc)
    html = client.get(reverse("admin:registry_practitioner_change", args=[lawyer.pk])).content.decode()
    assert "投诉：" not in html and "满意度评价：" not in html
