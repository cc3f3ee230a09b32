"""双随机、一公开 end to end: a maker sets up a plan, a checker draws it (logged, repeatable, at the
grade's rate, two inspectors each, recusal honoured), the inspector enters the result, a checker
approves it and it is published within its deadline."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.deadlines.models import Clock
from legalcredit.domain import draws
from legalcredit.inspections import selectors, services
from legalcredit.inspections.models import Inspection, Plan
from legalcredit.records import services as records
from legalcredit.records.models import CreditRecord
from legalcredit.refdata.selectors import work_calendar
from legalcredit.registry import services as registry

pytestmark = pytest.mark.django_db
TODAY = dt.date.today


@pytest.fixture
def firms(maker, codes, law_firm):
    out = [law_firm]
    for i in range(5):
        subject, _ = registry.register_institution(
            actor=maker, reason="执业许可", name=f"淮安第{i + 1}律师事务所", subject_type="law_firm",
            region="320812", uscc_code=codes.uscc(), license_issued_on=dt.date(2015, 1, 1))
        out.append(subject)
    return out


@pytest.fixture
def inspectors(maker):
    return [services.register_inspector(by=maker, name=name, unit="淮安市司法局", region="320800",
                                        enforcement_no=f"32080012{i:04d}", post="科员")
            for i, name in enumerate(["张伟", "王强", "刘洋"])]


@pytest.fixture
def plan(maker, bureau):
    today = timezone.localdate()
    return services.create_plan(by=maker, name=f"{today.year}年律师事务所执业活动随机抽查", item="law_firm_practice",
                                region="320800", year=today.year, authority="淮安市司法局",
                                authority_uscc=bureau["city"], inspect_from=today, inspect_until=today)


def test_a_plan_is_drawn_once_by_a_checker_logged_and_repeatable(plan, firms, inspectors, maker, checker):
    with pytest.raises(PermissionDenied):
        services.draw(plan.pk, by=maker)               # the officer who set it up does not draw it
    drawn = services.draw(plan.pk, by=checker)
    assert drawn.state == Plan.State.DRAWN and len(drawn.seed) == 32
    candidates = selectors.candidates(plan, selectors.rules())
    assert {c.subject_id for c in draws.unpack(drawn.candidates)} == {f.pk for f in firms}
    inspections = list(drawn.inspections.all())
    assert inspections and all(i.inspectors.count() == 2 for i in inspections)
    # As many per stratum as its rate asks (rounded up), from the subjects in the plan's region.
    by_stratum = {}
    for c in candidates:
        by_stratum.setdefault(c.stratum, []).append(c)
    import math
    assert len(inspections) == sum(min(len(v), math.ceil(v[0].rate * len(v))) for v in by_stratum.values())
    assert services.verify_draw(drawn) == (True, "")
    logged = AuditEntry.objects.filter(object_type="inspections.plan", object_id=str(plan.pk)).latest("id")
    assert logged.data["seed"] == drawn.seed and logged.data["candidates_digest"] == drawn.candidates_digest
    assert logged.data["drawn"] == len(inspections)
    with pytest.raises(ValidationError, match="不能重复抽取"):
        services.draw(plan.pk, by=checker)
    # Someone swaps a drawn subject's inspectors: the audit trail's digest no longer matches.
    first = drawn.inspections.first()
    spare = next(i for i in inspectors if i.pk not in {x.pk for x in first.inspectors.all()})
    keep = first.inspectors.first()
    first.inspectors.set([keep, spare])
    assert services.verify_draw(Plan.objects.get(pk=plan.pk))[1] == "存档的抽取结果与审计日志记载的不一致"
    # Someone edits the stored candidate list: repeating the draw says so.
    Plan.objects.filter(pk=plan.pk).update(candidates={**drawn.candidates, "rows": drawn.candidates["rows"][3:]})
    assert services.verify_draw(Plan.objects.get(pk=plan.pk))[1] == "存档的检查对象名录与摘要不符"


def test_an_inspector_with_a_conflict_is_never_sent(plan, firms, inspectors, maker, checker):
    for firm in firms:
        services.record_conflict(by=maker, inspector=inspectors[0], subject=firm, reason="曾在该所执业")
    drawn = services.draw(plan.pk, by=checker)
    assigned = {i.pk for insp in drawn.inspections.all() for i in insp.inspectors.all()}
    assert inspectors[0].pk not in assigned and assigned <= {inspectors[1].pk, inspectors[2].pk}


def test_too_few_inspectors_refuses_the_draw_and_changes_nothing(plan, firms, inspectors, maker, checker):
    for firm in firms:
        for inspector in inspectors[:2]:
            services.record_conflict(by=maker, inspector=inspector, subject=firm, reason="近亲属在该所执业")
    with pytest.raises(ValidationError, match="检查人员"):
        services.draw(plan.pk, by=checker)
    assert Plan.objects.get(pk=plan.pk).state == Plan.State.DRAFT and not Inspection.objects.exists()


def test_a_subject_at_its_yearly_cap_is_not_drawn_again(plan, firms, inspectors, maker, checker, bureau):
    rules = selectors.rules()
    done = Plan.objects.create(name="上半年抽查", item="law_firm_practice", region=plan.region, year=plan.year,
                               authority="淮安市司法局", authority_uscc=bureau["city"], inspect_from=plan.inspect_from,
                               inspect_until=plan.inspect_until, created_by=maker, state=Plan.State.DRAWN)
    capped = firms[0]
    cap = next(c for c in selectors.candidates(plan, rules) if c.subject_id == capped.pk).yearly_cap
    for n in range(cap):
        other = done if n == 0 else Plan.objects.create(
            name=f"第{n}次", item="law_firm_practice", region=plan.region, year=plan.year, authority="淮安市司法局",
            authority_uscc=bureau["city"], inspect_from=plan.inspect_from, inspect_until=plan.inspect_until,
            created_by=maker, state=Plan.State.DRAWN)
        Inspection.objects.create(plan=other, subject=capped, stratum="x")
    entry = next(c for c in selectors.candidates(plan, rules) if c.subject_id == capped.pk)
    assert entry.inspected_this_year == cap and not entry.eligible
    drawn = services.draw(plan.pk, by=checker)
    assert capped.pk not in {i.subject_id for i in drawn.inspections.all()}


def test_the_result_is_entered_checked_and_published_within_its_deadline(
        plan, firms, inspectors, maker, checker, django_capture_on_commit_callbacks):
    services.draw(plan.pk, by=checker)
    inspection = plan.inspections.first()
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="检查结果：应为 检查合格、责令整改、检查不合格 之一"):
        services.record_result(inspection.pk, by=maker, inspected_on=today, result="良好", findings="制度健全")
    services.record_result(inspection.pk, by=maker, inspected_on=today, result="责令整改",
                           findings="未按规定建立利益冲突审查制度，已责令十五日内整改")
    inspection.refresh_from_db()
    rec = CreditRecord.objects.get(key=inspection.result_key)
    assert (rec.kind, rec.subtype, rec.review) == ("inspection", "责令整改", "pending")
    clock = Clock.objects.get(case_type="inspection", case_id=inspection.pk)
    assert clock.due_on == work_calendar().add_working_days(today, selectors.rules().result_working_days)
    assert inspection.published_on is None
    with django_capture_on_commit_callbacks(execute=True):
        records.approve(rec.pk, checker=checker)
    inspection.refresh_from_db()
    clock.refresh_from_db()
    assert inspection.published_on == today and clock.stopped_on == today and clock.late is False
    assert [i.pk for i in selectors.published_results(plan)] == [inspection.pk]
    with pytest.raises(ValidationError, match="已录入"):
        services.record_result(inspection.pk, by=maker, inspected_on=today, result="检查合格", findings="复查合格")


def test_a_plan_outside_the_officer_region_or_with_an_unknown_item_is_refused(maker, bureau):
    today = timezone.localdate()
    kw = dict(name="抽查", region="320800", year=today.year, authority="淮安市司法局", authority_uscc=bureau["city"],
              inspect_from=today, inspect_until=today)
    with pytest.raises(ValidationError, match="抽查事项：“notaries”不在随机抽查事项清单中"):
        services.create_plan(by=maker, item="notaries", **kw)
    with pytest.raises(PermissionDenied, match="超出您的辖区"):
        services.create_plan(by=maker, item="law_firm_practice", **{**kw, "region": "320100"})
    with pytest.raises(ValidationError, match="检查结束日"):
        services.create_plan(by=maker, item="law_firm_practice", **{**kw, "inspect_until": today - dt.timedelta(1)})


def test_officers_do_it_all_in_the_back_office_and_the_public_sees_the_result(
        client, plan, firms, inspectors, maker, checker, bureau, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    client.force_login(maker)
    page = client.get("/admin/inspections/plan/add/")
    assert page.status_code == 200 and "律师事务所执业和管理活动检查" in page.content.decode()
    made = client.post("/admin/inspections/plan/add/", {
        "name": "下半年抽查", "item": "law_firm_practice", "region": "320800", "year": today.year,
        "authority": "淮安市司法局", "authority_uscc": bureau["city"], "inspect_from": today.isoformat(),
        "inspect_until": today.isoformat()})
    second = Plan.objects.get(name="下半年抽查")
    assert made.status_code == 302 and made["Location"].endswith(f"/admin/inspections/plan/{second.pk}/change/")
    assert client.post(f"/admin/inspections/plan/{second.pk}/draw/").status_code == 403   # makers do not draw
    client.force_login(checker)
    assert "执行抽取" in client.get(f"/admin/inspections/plan/{second.pk}/draw/").content.decode()
    assert client.post(f"/admin/inspections/plan/{second.pk}/draw/").status_code == 302
    shown = client.get(f"/admin/inspections/plan/{second.pk}/change/").content.decode()
    assert "复核抽取" in shown and Plan.objects.get(pk=second.pk).seed in shown
    checked = client.get(f"/admin/inspections/plan/{second.pk}/verify/", follow=True).content.decode()
    assert "结果一致，与审计日志相符" in checked
    inspection = second.inspections.first()
    client.force_login(maker)
    entered = client.post(f"/admin/inspections/inspection/{inspection.pk}/result/", {
        "inspected_on": today.isoformat(), "result": "检查合格", "findings": "执业管理制度健全"})
    assert entered.status_code == 302
    public = client.get("/public/inspections/").content.decode()
    assert "下半年抽查" in public and "执业管理制度健全" not in public      # not before a checker approves
    inspection.refresh_from_db()
    rec = CreditRecord.objects.get(key=inspection.result_key)
    with django_capture_on_commit_callbacks(execute=True):
        records.approve(rec.pk, checker=checker)
    public = client.get("/public/inspections/").content.decode()
    assert "执业管理制度健全" in public and inspection.subject.name in public
    # Every list and page of the capability draws for the officers who use it.
    for user in (maker, checker):
        client.force_login(user)
        for url in ("/admin/inspections/plan/", "/admin/inspections/inspection/", "/admin/inspections/inspector/",
                    "/admin/inspections/conflict/", f"/admin/inspections/inspection/{inspection.pk}/change/",
                    f"/admin/inspections/plan/{second.pk}/change/", "/admin/deadlines/clock/"):
            assert client.get(url).status_code == 200, (user, url)
    client.force_login(maker)
    for url in ("/admin/inspections/inspector/add/", "/admin/inspections/conflict/add/"):
        assert client.get(url).status_code == 200, url


def test_where_inspectors_have_accounts_only_they_enter_the_result(plan, firms, maker, checker, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    users = []
    for i, name in enumerate(["赵敏", "钱进"]):
        user = django_user_model.objects.create_user(f"inspector{i}", password="x-Strong-pass-1", is_staff=True)
        assign(user, "city_maker", region=Region.objects.get(code="320800"))
        users.append(user)
        services.register_inspector(by=maker, name=name, unit="淮安市司法局", region="320800",
                                    enforcement_no=f"32080099{i:04d}", user=user)
    services.draw(plan.pk, by=checker)
    inspection = plan.inspections.first()
    today = timezone.localdate()
    with pytest.raises(PermissionDenied, match="谁检查、谁录入"):
        services.record_result(inspection.pk, by=maker, inspected_on=today, result="检查合格", findings="合格")
    services.record_result(inspection.pk, by=users[1], inspected_on=today, result="检查合格", findings="合格")
    assert Inspection.objects.get(pk=inspection.pk).result_by == users[1]


def test_an_inspector_taken_out_of_the_directory_is_not_drawn(client, plan, firms, inspectors, maker, checker):
    client.force_login(maker)
    taken = inspectors[0]
    answer = client.post("/admin/inspections/inspector/", {"action": "take_out", "_selected_action": [taken.pk]})
    assert answer.status_code == 302
    taken.refresh_from_db()
    assert not taken.active
    assert AuditEntry.objects.filter(object_type="inspections.inspector", object_id=str(taken.pk),
                                     summary__startswith="移出").exists()
    drawn = services.draw(plan.pk, by=checker)
    assigned = {i.pk for insp in drawn.inspections.all() for i in insp.inspectors.all()}
    assert taken.pk not in assigned and assigned == {inspectors[1].pk, inspectors[2].pk}
    page = client.get(f"/admin/inspections/inspector/{taken.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_a_county_officer_plans_for_the_county_and_a_city_officer_for_its_counties(
        client, maker, django_user_model, settings):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    settings.LEGALCREDIT_PROVINCE = "320000"
    county = django_user_model.objects.create_user("county_maker", password="x-Strong-pass-1", is_staff=True)
    assign(county, "county_maker", region=Region.objects.get(code="320812"))
    client.force_login(county)
    page = client.get("/admin/inspections/plan/add/").content.decode()
    assert 'value="320812"' in page and 'value="320800"' not in page
    client.force_login(maker)
    page = client.get("/admin/inspections/plan/add/").content.decode()
    assert 'value="320800"' in page and 'value="320812"' in page and 'value="320100"' not in page


def test_an_unknown_region_code_is_refused_naming_the_field(client, maker):
    with pytest.raises(ValidationError, match="所属行政区划：“999999”不是现行的行政区划代码"):
        services.register_inspector(by=maker, name="张三", unit="某局", region="999999", enforcement_no="1")
    client.force_login(maker)
    page = client.post("/admin/inspections/inspector/add/", {"name": "张三", "unit": "某局", "region": "999999",
                                                             "enforcement_no": "1"})
    assert page.status_code == 200 and "不是现行的行政区划代码" in page.content.decode()


def test_a_grade_its_scheme_no_longer_has_is_drawn_as_ungraded(plan, firms):
    from legalcredit.evaluation import services as evaluation
    from legalcredit.evaluation.models import SubjectGrade

    evaluation.evaluate_subjects([f.pk for f in firms])
    SubjectGrade.objects.filter(subject=firms[0]).update(grade="ZZ")
    rules = selectors.rules()
    [odd] = [c for c in selectors.candidates(plan, rules) if c.subject_id == firms[0].pk]
    assert (odd.stratum, odd.rate, odd.yearly_cap) == (selectors.UNGRADED, rules.ungraded_rate, rules.ungraded_cap)


def test_an_item_with_a_minimum_share_draws_at_least_that_share_and_repeats(plan, firms, inspectors, checker):
    # 在全省司法鉴定机构中抽取10% (seeds 003 item 10), here set at 50% for the law firms: six firms,
    # graded or not, give at least three inspections; repeating the draw gives the same.
    from pathlib import Path

    import yaml

    from legalcredit.refdata import rulesets

    path = Path(rulesets.__file__).parent / "data" / "inspections.yaml"
    doc = yaml.safe_load(path.read_text("utf-8"))
    doc["version"] = "test-share"
    law = next(i for i in doc["items"] if i["code"] == "law_firm_practice")
    law["minimum_share"] = 0.5
    with pytest.raises(ValidationError, match="minimum_share 须注明依据"):
        rulesets.install("inspections", yaml.safe_dump(doc, allow_unicode=True))
    law["minimum_share_source"] = "测试：至少抽取一半"
    rulesets.install("inspections", yaml.safe_dump(doc, allow_unicode=True))
    drawn = services.draw(plan.pk, by=checker)
    assert drawn.inspections.count() >= 3 and drawn.inspector_pool["minimum_share"] == "0.5"
    assert services.verify_draw(drawn) == (True, "")
    from legalcredit.inspections.admin import PlanAdmin

    assert PlanAdmin.item_name(None, drawn) == "律师事务所执业和管理活动检查（至少抽取检查对象的50%）"
