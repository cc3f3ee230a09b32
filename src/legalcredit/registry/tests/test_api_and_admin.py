import datetime as dt

import pytest

from legalcredit.accounts.services import assign
from legalcredit.refdata.models import Region
from legalcredit.registry import services
from legalcredit.registry.models import Subject


@pytest.fixture
def people(officer, codes):
    firm_a = services.register_institution(actor=officer, reason="登记", name="清江浦德恒律师事务所",
                                           subject_type="law_firm", region="320812",
                                           uscc_code=codes.uscc())[0]
    firm_b = services.register_institution(actor=officer, reason="登记", name="金湖德恒律师事务所",
                                           subject_type="law_firm", region="320831",
                                           uscc_code=codes.uscc(region="320831"))[0]
    li = services.register_practitioner(actor=officer, reason="登记", name="李明", subject_type="lawyer",
                                        region="320812", id_number_raw=codes.id_number(),
                                        institution=firm_a, joined_on=dt.date(2020, 1, 1))[0]
    return firm_a, firm_b, li


@pytest.fixture
def county_officer(db, django_user_model):
    user = django_user_model.objects.create_user("county1", password="x-Strong-pass-1", is_staff=True)
    assign(user, "county_maker", region=Region.objects.get(code="320812"), unit="清江浦区司法局")
    return user


def test_api_requires_login(client, people):
    resp = client.get("/api/v1/subjects/?q=德恒&purpose=supervision")
    assert resp.status_code == 401 and resp["WWW-Authenticate"] == "Bearer"


def test_api_search_masks_id_numbers_for_officers(client, county_officer, people):
    client.force_login(county_officer)
    body = client.get("/api/v1/subjects/?q=李明&purpose=supervision").json()
    assert [r["name"] for r in body] == ["李明"]
    assert body[0]["id_number"] == people[2].masked_id_number
    assert "*" in body[0]["id_number"]


def test_api_shows_full_id_number_to_roles_that_may_see_it(client, admin_user, people):
    client.force_login(admin_user)
    body = client.get("/api/v1/subjects/?q=李明&purpose=supervision").json()
    assert body[0]["id_number"] == people[2].id_number


def test_api_jurisdiction(client, county_officer, people):
    client.force_login(county_officer)
    assert [r["name"] for r in client.get("/api/v1/subjects/?q=德恒&purpose=supervision").json()] == ["清江浦德恒律师事务所"]
    assert client.get(f"/api/v1/subjects/{people[1].pk}/", {"purpose": "supervision"}).status_code == 404


def test_api_affiliations_on_a_date(client, admin_user, people):
    client.force_login(admin_user)
    firm_a, _, li = people
    url = f"/api/v1/subjects/{firm_a.pk}/affiliations/"
    assert [r["person_name"] for r in client.get(url, {"on": "2021-01-01", "purpose": "supervision"}).json()] == ["李明"]
    assert client.get(url, {"on": "2019-01-01", "purpose": "supervision"}).json() == []
    bad = client.get(url, {"on": "2021-13-01", "purpose": "supervision"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["on"][0]


def test_openapi_schema_is_served(client, admin_user):
    client.force_login(admin_user)
    resp = client.get("/api/schema/")
    assert resp.status_code == 200 and b"/api/v1/subjects/" in resp.content


def test_admin_pages_in_chinese(client, admin_user, people):
    client.force_login(admin_user)
    for url in ["/admin/", "/admin/registry/institution/", "/admin/registry/practitioner/",
                "/admin/registry/affiliation/", "/admin/refdata/region/", "/admin/refdata/calendarday/",
                f"/admin/registry/institution/{people[0].pk}/change/",
                f"/admin/registry/institution/{people[0].pk}/history/",
                f"/admin/registry/practitioner/{people[2].pk}/change/",
                "/admin/registry/institution/add/", "/admin/registry/practitioner/add/"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
    page = client.get("/admin/registry/institution/", HTTP_ACCEPT_LANGUAGE="en-US,en").content.decode()
    assert "选择 法律服务机构 来修改" in page and "过滤器" in page, "Chinese whatever the browser asks"


def test_admin_search_uses_the_name_index(client, admin_user, people):
    client.force_login(admin_user)
    page = client.get("/admin/registry/institution/", {"q": "德恒"}).content.decode()
    assert "清江浦德恒律师事务所" in page and "金湖德恒律师事务所" in page


def test_area_filter_offers_the_province_cities(client, admin_user, people):
    client.force_login(admin_user)
    page = client.get("/admin/registry/institution/").content.decode()
    assert "淮安市" in page and "北京市" not in page


def test_history_outside_the_officers_jurisdiction_is_not_shown(client, county_officer, officer, codes, people):
    from legalcredit.registry.models import Affiliation

    firm_b = people[1]
    wang = services.register_practitioner(actor=officer, reason="登记", name="王芳", subject_type="lawyer",
                                          region="320831", id_number_raw=codes.id_number(),
                                          institution=firm_b, joined_on=dt.date(2021, 1, 1))[0]
    theirs = Affiliation.objects.get(person=wang)
    client.force_login(county_officer)
    for url in (f"/admin/registry/institution/{firm_b.pk}/history/",
                f"/admin/registry/practitioner/{wang.pk}/history/",
                f"/admin/registry/affiliation/{theirs.pk}/history/"):
        resp = client.get(url)
        assert resp.status_code == 302, url    # to the admin index, "不存在" as for a change page
        assert "王芳" not in client.get(resp["Location"]).content.decode()
    own = client.get(f"/admin/registry/institution/{people[0].pk}/history/")
    assert own.status_code == 200 and "清江浦德恒律师事务所" in own.content.decode()


def test_county_officer_sees_only_their_county_and_masked_ids(client, county_officer, people):
    client.force_login(county_officer)
    page = client.get("/admin/registry/institution/").content.decode()
    assert "清江浦德恒律师事务所" in page and "金湖德恒律师事务所" not in page
    assert client.get(f"/admin/registry/institution/{people[1].pk}/change/").status_code in (302, 404)
    listing = client.get("/admin/registry/practitioner/").content.decode()
    assert "李明" in listing and "清江浦德恒律师事务所" in listing, "current institution column"
    detail = client.get(f"/admin/registry/practitioner/{people[2].pk}/change/").content.decode()
    assert people[2].id_number not in detail and people[2].masked_id_number in detail

def test_history_shows_who_when_why_with_id_numbers_masked(client, county_officer, admin_user,
                                                           people, codes):
    li = people[2]
    old_number, new_number = li.id_number, codes.id_number()
    services.update_subject(li, actor=admin_user, reason="身份证号录入错误更正", id_number=new_number)
    client.force_login(county_officer)
    page = client.get(f"/admin/registry/practitioner/{li.pk}/history/").content.decode()
    assert "身份证号录入错误更正" in page
    assert old_number not in page and new_number not in page
    assert old_number[:6] + "********" + old_number[-4:] in page
    version = li.history.first().history_id
    assert client.get(f"/admin/registry/practitioner/{li.pk}/history/{version}/").status_code == 403
    client.force_login(admin_user)
    history = f"/admin/registry/practitioner/{li.pk}/history/"
    assert new_number not in client.get(history).content.decode(), "masked until a purpose is stated"
    assert new_number in client.get(history, {"purpose": "supervision"}).content.decode()


def test_a_full_id_number_is_shown_only_for_a_stated_purpose_and_audited(client, admin_user, people):
    from legalcredit.audit.models import AuditEntry

    li = people[2]
    client.force_login(admin_user)
    page = client.get(f"/admin/registry/practitioner/{li.pk}/change/").content.decode()
    assert li.id_number not in page and "显示完整身份证号" in page and 'value="supervision"' in page
    page = client.get(f"/admin/registry/practitioner/{li.pk}/change/", {"purpose": "licensing"}).content.decode()
    assert li.id_number in page and "已按用途“行政许可审查”显示完整身份证号" in page
    entry = AuditEntry.objects.filter(action="read").latest("id")
    assert entry.reason == "行政许可审查（licensing）" and "完整身份证号" in entry.summary


def test_admin_add_with_bad_uscc_shows_the_rule_and_writes_nothing(client, admin_user, codes):
    client.force_login(admin_user)
    good = codes.uscc()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    resp = client.post("/admin/registry/institution/add/", {
        "name": "新设律师事务所", "subject_type": "law_firm", "region": "320812", "uscc": bad,
        "reason": "新设许可", "former_names-TOTAL_FORMS": 0, "former_names-INITIAL_FORMS": 0,
        "staff_affiliations-TOTAL_FORMS": 0, "staff_affiliations-INITIAL_FORMS": 0})
    assert resp.status_code == 200
    assert "校验码错误，应为" in resp.content.decode()
    assert not Subject.objects.filter(name="新设律师事务所").exists()


def test_admin_add_and_change_go_through_services(client, admin_user, codes):
    client.force_login(admin_user)
    common = {"former_names-TOTAL_FORMS": 0, "former_names-INITIAL_FORMS": 0,
              "staff_affiliations-TOTAL_FORMS": 0, "staff_affiliations-INITIAL_FORMS": 0}
    resp = client.post("/admin/registry/institution/add/", {
        "name": "新设律师事务所", "subject_type": "law_firm", "region": "320812", "uscc": codes.uscc(),
        "reason": "新设许可", **common})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    subject = Subject.objects.get(name="新设律师事务所")
    assert subject.history.get().history_change_reason == "新设许可"
    resp = client.post(f"/admin/registry/institution/{subject.pk}/change/", {
        "name": "新设更名律师事务所", "subject_type": "law_firm", "region": "320812", "uscc": subject.uscc,
        "status": "practising", "status_since": subject.status_since.isoformat(),
        "reason": "更名", **common})
    assert resp.status_code == 302, resp.content.decode()[:3000]
    subject.refresh_from_db()
    assert subject.name == "新设更名律师事务所"
    assert list(subject.former_names.values_list("name", flat=True)) == ["新设律师事务所"]


def test_admin_cannot_delete(client, admin_user, people):
    client.force_login(admin_user)
    assert client.get(f"/admin/registry/institution/{people[0].pk}/delete/").status_code == 403


def test_a_reader_opens_an_affiliation_it_may_not_change(client, django_user_model, people):
    """A city checker (and a firm's own user) may read affiliations but not change them: the page is
    shown read-only, not a server error."""
    from legalcredit.registry.models import Affiliation

    checker = django_user_model.objects.create_user("checker1", password="x-Strong-pass-1", is_staff=True)
    assign(checker, "city_checker", region=Region.objects.get(code="320800"), unit="淮安市司法局")
    assert checker.has_perm("registry.view_affiliation") and not checker.has_perm("registry.change_affiliation")
    affiliation = Affiliation.objects.get(person=people[2])
    client.force_login(checker)
    response = client.get(f"/admin/registry/affiliation/{affiliation.pk}/change/")
    assert response.status_code == 200 and "李明" in response.content.decode()
