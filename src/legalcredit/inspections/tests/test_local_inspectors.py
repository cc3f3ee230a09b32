"""省级抽取检查对象、派至各市，由市抽取检查人员 (seeds 003 item 9): a province-wide plan sends each
drawn subject inspectors of its own city; the draw stays repeatable from what was logged."""
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from legalcredit.accounts.services import assign
from legalcredit.inspections import selectors, services
from legalcredit.refdata.models import Region
from legalcredit.registry import services as registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(django_user_model):
    def officer(name):
        user = django_user_model.objects.create_user(name, password="x-Strong-pass-1", is_staff=True)
        assign(user, "province_admin", region=Region.objects.get(code="320000"))
        return user
    return officer("sft_maker"), officer("sft_checker")


@pytest.fixture
def everyone_drawn(monkeypatch):
    every = dataclasses.replace(selectors.rules(), ungraded_rate=Decimal(1))
    monkeypatch.setattr(selectors, "rules", lambda: every)
    return every


def firms_in(region, n, maker, codes):
    return [registry.register_institution(actor=maker, reason="执业许可", name=f"{region}第{i + 1}律师事务所",
                                          subject_type="law_firm", region=region, uscc_code=codes.uscc(region=region),
                                          license_issued_on=dt.date(2015, 1, 1))[0] for i in range(n)]


def inspectors_in(city, n, maker):
    return [services.register_inspector(by=maker, name=f"检查员{city}{i}", unit=f"{city}司法局", region=city,
                                        enforcement_no=f"{city}{i:06d}") for i in range(n)]


def province_plan(maker, bureau):
    today = timezone.localdate()
    return services.create_plan(by=maker, name="全省律师事务所随机抽查", item="law_firm_practice", region="320000",
                                year=today.year, authority="江苏省司法厅", authority_uscc=bureau["province"],
                                inspect_from=today, inspect_until=today)


def test_each_subject_of_a_province_plan_is_inspected_by_its_own_city(province, everyone_drawn, codes, bureau):
    maker, checker = province
    huaian, nanjing = firms_in("320812", 4, maker, codes), firms_in("320102", 3, maker, codes)
    local = {"3208": {i.pk for i in inspectors_in("320800", 3, maker)},
             "3201": {i.pk for i in inspectors_in("320100", 3, maker)}}
    plan = services.draw(province_plan(maker, bureau).pk, by=checker)
    seen = {}
    for inspection in plan.inspections.select_related("subject"):
        chosen = {i.pk for i in inspection.inspectors.all()}
        assert len(chosen) == 2 and chosen <= local[inspection.subject.region_id[:4]], inspection.subject.name
        seen[inspection.subject_id] = chosen
    assert set(seen) == {f.pk for f in huaian + nanjing}
    assert services.verify_draw(plan) == (True, "")
    # The areas were logged with the draw: moving a firm afterwards does not change what it repeats.
    from legalcredit.registry.models import Subject

    Subject.objects.filter(pk=huaian[0].pk).update(region_id="320102")
    assert services.verify_draw(plan) == (True, "")


def test_a_city_without_enough_inspectors_stops_the_draw_naming_it(province, everyone_drawn, codes, bureau):
    maker, checker = province
    firms_in("320812", 2, maker, codes)
    firms_in("320102", 1, maker, codes)
    inspectors_in("320800", 3, maker)
    inspectors_in("320100", 1, maker)
    with pytest.raises(ValidationError, match="所在地区（3201）可派检查人员 1 名"):
        services.draw(province_plan(maker, bureau).pk, by=checker)


def test_with_inspectors_from_plan_the_province_directory_serves_everyone(province, everyone_drawn, codes, bureau,
                                                                          monkeypatch):
    maker, checker = province
    monkeypatch.setattr(selectors, "rules", lambda: dataclasses.replace(everyone_drawn, inspectors_from="plan"))
    firms_in("320102", 2, maker, codes)
    huaian = {i.pk for i in inspectors_in("320800", 2, maker)}
    plan = services.draw(province_plan(maker, bureau).pk, by=checker)
    assert all({i.pk for i in x.inspectors.all()} == huaian for x in plan.inspections.all())
    assert "areas" not in plan.inspector_pool and services.verify_draw(plan) == (True, "")
