import datetime as dt

import pytest

from legalcredit.accounts.services import assign
from legalcredit.records.prepare import Draft
from legalcredit.refdata.models import Region
from legalcredit.registry import services as registry


@pytest.fixture
def maker(db, django_user_model):
    user = django_user_model.objects.create_user("city_maker", password="x-Strong-pass-1", is_staff=True)
    assign(user, "city_maker", region=Region.objects.get(code="320800"))
    return user


@pytest.fixture
def checker(db, django_user_model):
    user = django_user_model.objects.create_user("city_checker", password="x-Strong-pass-1", is_staff=True)
    assign(user, "city_checker", region=Region.objects.get(code="320800"))
    return user


@pytest.fixture
def law_firm(maker, codes):
    subject, _ = registry.register_institution(
        actor=maker, reason="执业许可", name="淮安德恒律师事务所", subject_type="law_firm",
        region="320812", uscc_code=codes.uscc(), license_issued_on=dt.date(2010, 3, 1))
    return subject


@pytest.fixture
def lawyer(maker, codes, law_firm):
    subject, _ = registry.register_practitioner(
        actor=maker, reason="执业许可", name="李明", subject_type="lawyer", region="320812",
        id_number_raw=codes.id_number(), license_issued_on=dt.date(2012, 5, 1), institution=law_firm)
    return subject


@pytest.fixture
def bureau(codes):
    """USCCs of the justice bureaus of 江苏省, 淮安市 and 淮安市清江浦区."""
    return {"province": codes.uscc("11", "320000"), "city": codes.uscc("11", "320800"),
            "county": codes.uscc("11", "320812")}


@pytest.fixture
def penalty(bureau):
    def make(level="city", **kw):
        values = dict(kind="penalty", decision_date=dt.date(2026, 3, 2), authority="淮安市司法局",
                      authority_uscc=bureau[level], source_unit="淮安市司法局",
                      source_unit_uscc=bureau["city"], decision_no="淮司罚决〔2026〕1号",
                      severity="general", legal_basis="《中华人民共和国律师法》第四十八条",
                      content="私自接受委托、收取费用", penalty_types=["其他"],
                      sanctions=[{"type": "停止执业", "months": 4}],
                      effective_from=dt.date(2026, 3, 2), effective_until=dt.date(2026, 7, 2))
        values.update(kw)
        return Draft(**values)
    return make
