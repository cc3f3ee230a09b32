"""The permission matrix: every role × object × action, including crossing a region.

Expectations are written out by hand below (not derived from roles.yaml), so a
change to the role data that widens or narrows access fails here until the
table is deliberately updated.
"""
import datetime as dt
import random

import pytest

from legalcredit.accounts.services import assign
from legalcredit.domain.identifiers import generate
from legalcredit.refdata.models import Region
from legalcredit.registry import services
from legalcredit.registry.models import Subject

# A and pA: 清江浦区 320812 (淮安市); C and pC: 金湖县 320831 (淮安市); B and pB: 丹阳市 321181 (镇江市).
OBJECTS = ["A", "pA", "C", "pC", "B", "pB"]
HOME = {"city": "320800", "county": "320812"}

SEES = {
    "province_admin": {"A", "pA", "C", "pC", "B", "pB"},
    "city_maker": {"A", "pA", "C", "pC"},
    "city_checker": {"A", "pA", "C", "pC"},
    "county_maker": {"A", "pA"},
    "county_checker": {"A", "pA"},
    "association": {"A", "pA", "C", "pC"},  # a city association
    "institution_user": {"A", "pA"},
    "practitioner_user": {"pA"},
    "department": {"A", "pA", "C", "pC", "B", "pB"},  # through the API only
    "no_role": set(),
}
API_ONLY = {"department"}
MAY_WRITE = {"province_admin", "city_maker", "county_maker"}
FULL_ID = {"province_admin", "city_checker", "county_checker", "practitioner_user"}
ROLES = list(SEES)


@pytest.fixture
def world(officer, codes):
    objs = {}
    for key, region in (("A", "320812"), ("C", "320831"), ("B", "321181")):
        objs[key] = services.register_institution(
            actor=officer, reason="登记", name=f"{key}德恒律师事务所", subject_type="law_firm",
            region=region, uscc_code=codes.uscc(region=region))[0]
        objs["p" + key] = services.register_practitioner(
            actor=officer, reason="登记", name=f"{key}李明", subject_type="lawyer", region=region,
            id_number_raw=codes.id_number(), institution=objs[key], joined_on=dt.date(2020, 1, 1))[0]
    return objs


def user_for(role, world, django_user_model):
    user = django_user_model.objects.create_user(f"u_{role}", password="x-Strong-pass-1", is_staff=True)
    level = "city" if role.startswith(("city", "association")) else "county"
    where = {
        "province_admin": {"region": Region.objects.get(code="320000")},
        "institution_user": {"subject": world["A"]},
        "practitioner_user": {"subject": world["pA"]},
    }.get(role, {"region": Region.objects.get(code=HOME[level])})
    if role != "no_role":
        assign(user, role, **where)
    return user


def admin_url(obj, suffix=""):
    model = "institution" if obj.kind == "institution" else "practitioner"
    return f"/admin/registry/{model}/{obj.pk}/{suffix}"


@pytest.mark.parametrize("role", ROLES)
def test_view_in_the_back_office_and_the_api(role, world, client, django_user_model):
    client.force_login(user_for(role, world, django_user_model))
    for key in OBJECTS:
        obj = world[key]
        allowed = key in SEES[role]
        page = client.get(admin_url(obj, "change/"))
        assert (page.status_code == 200) == (allowed and role not in API_ONLY), (role, key)
        api = client.get(f"/api/v1/subjects/{obj.pk}/", {"purpose": "supervision"})
        assert (api.status_code == 200) == allowed, (role, key, api.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_lists_and_search_stay_inside_the_scope(role, world, client, django_user_model):
    client.force_login(user_for(role, world, django_user_model))
    found = {r["name"] for r in client.get("/api/v1/subjects/", {"q": "德恒", "purpose": "supervision"}).json()}
    found |= {r["name"] for r in client.get("/api/v1/subjects/", {"q": "李明", "purpose": "supervision"}).json()}
    assert found == {world[k].name for k in SEES[role]}, role
    listing = client.get("/admin/registry/practitioner/")
    if listing.status_code == 200:
        html = listing.content.decode()
        for key in ("pA", "pC", "pB"):
            assert (world[key].name in html) == (key in SEES[role]), (role, key)
    else:
        assert role in API_ONLY or not {"pA", "pC", "pB"} & SEES[role]


@pytest.mark.parametrize("role", ROLES)
def test_write_only_for_makers_inside_their_region(role, world, client, django_user_model):
    client.force_login(user_for(role, world, django_user_model))
    may_add = role in MAY_WRITE
    assert (client.get("/admin/registry/institution/add/").status_code == 200) == may_add, role
    for key in ("A", "C", "B"):
        obj = world[key]
        resp = client.post(admin_url(obj, "change/"), {
            "name": obj.name + "（更名）", "category": "", "region": obj.region_id, "uscc": obj.uscc,
            "status": "practising", "status_since": obj.status_since.isoformat(), "reason": "更名",
            "former_names-TOTAL_FORMS": 0, "former_names-INITIAL_FORMS": 0,
            "staff_affiliations-TOTAL_FORMS": 0, "staff_affiliations-INITIAL_FORMS": 0})
        changed = Subject.objects.get(pk=obj.pk).name != obj.name
        assert changed == (may_add and key in SEES[role]), (role, key, resp.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_a_maker_cannot_register_into_another_region(role, world, client, django_user_model, codes):
    if role not in MAY_WRITE:
        return
    client.force_login(user_for(role, world, django_user_model))
    client.post("/admin/registry/institution/add/", {
        "name": "越界律师事务所", "subject_type": "law_firm", "region": "321181",
        "uscc": codes.uscc(region="321181"), "reason": "新设",
        "former_names-TOTAL_FORMS": 0, "former_names-INITIAL_FORMS": 0,
        "staff_affiliations-TOTAL_FORMS": 0, "staff_affiliations-INITIAL_FORMS": 0})
    assert Subject.objects.filter(name="越界律师事务所").exists() == (role == "province_admin")


@pytest.mark.parametrize("role", ROLES)
def test_nobody_deletes(role, world, client, django_user_model):
    client.force_login(user_for(role, world, django_user_model))
    for key in OBJECTS:
        assert client.get(admin_url(world[key], "delete/")).status_code in (302, 403), (role, key)
        assert Subject.objects.filter(pk=world[key].pk).exists()


@pytest.mark.parametrize("role", ROLES)
def test_full_id_numbers_only_for_roles_that_need_them(role, world, client, django_user_model):
    client.force_login(user_for(role, world, django_user_model))
    pa = world["pA"]
    if "pA" not in SEES[role]:
        return
    shown = client.get(f"/api/v1/subjects/{pa.pk}/", {"purpose": "supervision"}).json()["id_number"]
    assert (shown == pa.id_number) == (role in FULL_ID), role
    assert shown == pa.id_number or shown == pa.masked_id_number
    page = client.get(admin_url(pa, "change/")).content.decode()
    assert pa.id_number not in page, "masked until a purpose is stated"
    page = client.get(admin_url(pa, "change/"), {"purpose": "supervision"}).content.decode()
    assert (pa.id_number in page) == (role in FULL_ID and role not in API_ONLY), role


# Who reads grades (evaluation.view_subjectgrade), always within the scope above.
READS_GRADES = {"province_admin", "city_maker", "city_checker", "county_maker", "county_checker", "association",
                "institution_user", "practitioner_user", "department"}
# Who may propose a listing / decide one (lists.add_listentry / lists.decide_listentry).
PROPOSES = {"province_admin", "city_maker", "county_maker"}
DECIDES = {"province_admin", "city_checker", "county_checker"}


@pytest.mark.parametrize("role", ROLES)
def test_grades_are_read_by_the_roles_that_need_them_inside_their_scope(role, world, client, django_user_model):
    client.force_login(user_for(role, world, django_user_model))
    for key in OBJECTS:
        resp = client.get(f"/api/v1/subjects/{world[key].pk}/grade/", {"purpose": "supervision"})
        assert (resp.status_code == 200) == (role in READS_GRADES and key in SEES[role]), (role, key, resp.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_listing_steps_follow_role_and_region(role, world, django_user_model):
    from django.core.exceptions import PermissionDenied

    from legalcredit.lists import services as lists

    user = user_for(role, world, django_user_model)
    for key in ("A", "B"):
        try:
            lists.propose(world[key], "watch", by=user, reasons="测试", authority="淮安市司法局")
            proposed = True
        except PermissionDenied:
            proposed = False
        assert proposed == (role in PROPOSES and key in SEES[role]), (role, key)
    assert user.has_perm("lists.decide_listentry") == (role in DECIDES), role


# Who may file an objection or apply for repair for a subject in scope (remedies.add_*), and who
# decides remedies (remedies.decide_*); the deadline queue is for bureau officers.
FILES_REMEDIES = {"province_admin", "city_maker", "county_maker", "institution_user", "practitioner_user"}
DECIDES_REMEDIES = {"province_admin", "city_checker", "county_checker"}
QUEUE = {"province_admin", "city_maker", "city_checker", "county_maker", "county_checker"}


@pytest.mark.parametrize("role", ROLES)
def test_remedies_follow_role_and_region(role, world, client, django_user_model):
    from django.core.exceptions import PermissionDenied

    from legalcredit.remedies.services import objections

    user = user_for(role, world, django_user_model)
    for key in OBJECTS:
        try:
            objections.file(world[key], by=user, grade=True, applicant_name="测试", interest="本人", grounds="测试")
            filed = True
        except PermissionDenied:
            filed = False
        assert filed == (role in FILES_REMEDIES and key in SEES[role]), (role, key)
    for perm in ("remedies.decide_repairapplication", "remedies.decide_objection", "remedies.decide_commitment"):
        assert user.has_perm(perm) == (role in DECIDES_REMEDIES), (role, perm)
    client.force_login(user)
    page = client.get("/admin/deadlines/clock/")
    assert (page.status_code == 200) == (role in QUEUE), (role, page.status_code)
    if page.status_code == 200:
        html = page.content.decode()
        for key in OBJECTS:
            # Each objection filed above started a clock; the queue holds only the jurisdiction's clocks.
            assert (world[key].name in html) == (role in FILES_REMEDIES and key in SEES[role]), (role, key)


# Who may enter which kind of credit record, in the back office, for a subject at home (pA)
# and one across a city border (pB).
ENTERS = {"province_admin": {"penalty", "discipline", "annual_assessment"},
          "city_maker": {"penalty", "discipline", "annual_assessment"},
          "county_maker": {"penalty", "discipline", "annual_assessment"},
          "association": {"discipline"}}
# 淮安市司法局's code: a penalty needs its authority's and source unit's USCC (national fields).
BUREAU = generate.uscc_code(random.Random(8), authority="1", category="1", region="320800", serial=1)
ENTRY = {"penalty": {"subtype": "警告", "severity": "minor", "legal_basis": "《中华人民共和国律师法》第四十七条",
                     "violation_type": "同时在两个律师事务所执业", "facts": "矩阵测试",
                     "authority_uscc": BUREAU, "source_unit_uscc": BUREAU},
         "discipline": {"subtype": "警告", "legal_basis": "律师协会会员违规行为处分规则"},
         "annual_assessment": {"subtype": "不称职", "legal_basis": "律师事务所年度检查考核办法"}}


@pytest.mark.parametrize("role", ROLES)
def test_entering_credit_records_by_kind_and_region(role, world, client, django_user_model):
    from legalcredit.records.models import CreditRecord

    user = user_for(role, world, django_user_model)
    client.force_login(user)
    for key in ("pA", "pB"):
        for kind, extra in ENTRY.items():
            before = CreditRecord.objects.count()
            response = client.post("/admin/records/creditrecord/enter/", {
                "subject": world[key].id_number, "kind": kind, "decision_no": f"测〔2026〕{kind}{key}",
                "decision_date": "2026-05-06", "authority": "淮安市司法局", "source_unit": "淮安市司法局",
                "content": "矩阵测试", "reason": "矩阵测试", **extra})
            entered = CreditRecord.objects.count() == before + 1
            expected = kind in ENTERS.get(role, set()) and (key == "pA" or role == "province_admin")
            assert entered is expected, (role, key, kind, response.status_code,
                                         response.context and response.context["form"].errors)
            assert response.status_code in ((302,) if expected else (200, 302, 403)), (role, key, kind)


# Complaints: officers register and handle them (makers), checkers decide; nobody else sees them.
FILES_COMPLAINTS = {"province_admin", "city_maker", "county_maker"}
DECIDES_COMPLAINTS = {"province_admin", "city_checker", "county_checker"}
RESPONDS_TO_COMPLAINTS = {"institution_user", "practitioner_user"}   # province_admin holds every complaint permission


@pytest.mark.parametrize("role", ROLES)
def test_complaints_follow_role_and_region(role, world, client, django_user_model):
    from django.core.exceptions import PermissionDenied

    from legalcredit.complaints import services as complaints

    user = user_for(role, world, django_user_model)
    for key in OBJECTS:
        try:
            complaints.file(world[key], by=user, channel="letter", complainant_name="测试", interest="委托人",
                            facts="矩阵测试")
            filed = True
        except PermissionDenied:
            filed = False
        assert filed == (role in FILES_COMPLAINTS and key in SEES[role]), (role, key)
    assert user.has_perm("complaints.decide_complaint") == (role in DECIDES_COMPLAINTS), role
    assert user.has_perm("complaints.respond_complaint") == (role in RESPONDS_TO_COMPLAINTS | {"province_admin"}), role
    client.force_login(user)
    page = client.get("/admin/complaints/complaint/")
    assert (page.status_code == 200) == (role in QUEUE | RESPONDS_TO_COMPLAINTS), (role, page.status_code)
    if page.status_code == 200:
        html = page.content.decode()
        for key in OBJECTS:
            # A respondent sees a complaint about it once accepted: these were only registered.
            assert (world[key].name in html) == (role in FILES_COMPLAINTS and key in SEES[role]), (role, key)


# 法律援助案件质量评查: makers enter score sheets inside their region, checkers confirm.
CONFIRMS_REVIEWS = {"province_admin", "city_checker", "county_checker"}


@pytest.mark.parametrize("role", ROLES)
def test_legal_aid_reviews_follow_role_and_region(role, world, django_user_model):
    from django.core.exceptions import PermissionDenied

    from legalcredit.legal_aid import services as reviews

    user = user_for(role, world, django_user_model)
    full = {i.code: i.points for i in reviews.rules().checklists["civil_admin"].items}
    for key in ("pA", "pC", "pB"):
        try:
            reviews.score(world[key], by=user, case_no=f"援{key}", case_type="civil_admin",
                          case_closed_on=dt.date(2026, 1, 5), method="file_review", authority="淮安市司法局",
                          authority_uscc=BUREAU, reviewer_name="评查人", marks=full, opinion="矩阵测试")
            entered = True
        except PermissionDenied:
            entered = False
        assert entered == (role in MAY_WRITE and key in SEES[role]), (role, key)
    assert user.has_perm("legal_aid.confirm_casequalityreview") == (role in CONFIRMS_REVIEWS), role


DRAFTS_BULLETINS = MAY_WRITE
PUBLISHES_BULLETINS = {"province_admin", "city_checker", "county_checker"}


@pytest.mark.parametrize("role", ROLES)
def test_bulletins_are_drafted_by_makers_and_published_by_checkers(role, world, django_user_model):
    user = user_for(role, world, django_user_model)
    assert user.has_perm("bulletins.add_bulletin") == (role in DRAFTS_BULLETINS), role
    assert user.has_perm("bulletins.publish_bulletin") == (role in PUBLISHES_BULLETINS), role
