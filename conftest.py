import datetime as dt
import random

import pytest

from legalcredit.domain.identifiers import generate


def pytest_configure(config):
    # Background jobs run inline in tests, so "recomputed within seconds" is observable.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    # Tests roll back the rule-set editions they install: every read asks which one is current.
    from django.conf import settings

    settings.RULESET_RECHECK_SECONDS = 0
    # The public portal's per-address cap counts in the cache; the tests of the cap set their own.
    settings.PUBLIC_RATE_PER_MINUTE = 0
    # Each xdist worker its own file cache: a test's ``fresh_cache`` would otherwise empty the
    # counts of a rate test running in the other worker halfway through it.
    import os

    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("FileBasedCache"):
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        settings.CACHES = {**settings.CACHES, "default": {**default, "LOCATION": f"{default['LOCATION']}-{worker}"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is loaded once into the test database, as `serve` does at first start."""
    from legalcredit.refdata.services import load_all

    with django_db_blocker.unblock():
        load_all()


@pytest.fixture(autouse=True)
def _second_factor_with_force_login(monkeypatch):
    """``client.force_login`` stands for a whole login: for a role that must use TOTP, that
    includes a confirmed device and a verified session (the TOTP tests log in for real)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from legalcredit.accounts import two_factor

        if two_factor.required(user):
            device = two_factor.confirmed_device(user) or two_factor.enrolment_device(user)
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def refdata_after_flush(django_db_blocker):
    """A transactional test empties the database when it ends; put the reference data back for
    the tests that follow it (they expect what the session loaded)."""
    yield
    from legalcredit.refdata.services import load_all

    with django_db_blocker.unblock():
        load_all()


@pytest.fixture
def officer(db, django_user_model):
    return django_user_model.objects.create_user("maker", password="x-Strong-pass-1")


class Codes:
    """Fresh valid identifiers for each test."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.serial = seed * 1000

    def uscc(self, prefix="31", region="320812") -> str:
        self.serial += 1
        return generate.uscc_code(self.rng, authority=prefix[0], category=prefix[1], region=region,
                                  serial=self.serial)

    def id_number(self, sex="male") -> str:
        born = dt.date(1980, 1, 1) + dt.timedelta(days=self.rng.randint(0, 5000))
        seq = self.rng.randint(0, 499) * 2 + (1 if sex == "male" else 0)
        return generate.id_number_for("110101", born, seq)  # 东城区: in force throughout


@pytest.fixture
def codes(request):
    return Codes(abs(hash(request.node.nodeid)) % 10_000)


# --- an officer pair of 淮安市 and a law firm with one lawyer in 清江浦区 (records, evaluation) ---
# Imports are inside the fixtures: this file loads before Django is set up.

def _officer(django_user_model, username, role):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    user = django_user_model.objects.create_user(username, password="x-Strong-pass-1", is_staff=True)
    assign(user, role, region=Region.objects.get(code="320800"))
    return user


@pytest.fixture
def maker(db, django_user_model):
    return _officer(django_user_model, "city_maker", "city_maker")


@pytest.fixture
def checker(db, django_user_model):
    return _officer(django_user_model, "city_checker", "city_checker")


@pytest.fixture
def other_checker(db, django_user_model):
    """A second checker of the same city: two officers deciding one thing at once."""
    return _officer(django_user_model, "city_checker_2", "city_checker")


@pytest.fixture
def law_firm(maker, codes):
    from legalcredit.registry import services as registry

    subject, _ = registry.register_institution(
        actor=maker, reason="执业许可", name="淮安德恒律师事务所", subject_type="law_firm",
        region="320812", uscc_code=codes.uscc(), license_issued_on=dt.date(2010, 3, 1))
    return subject


@pytest.fixture
def lawyer(maker, codes, law_firm):
    from legalcredit.registry import services as registry

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
    from legalcredit.records.prepare import Draft

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


@pytest.fixture
def approved(maker, checker, penalty, django_capture_on_commit_callbacks):
    """Enter a penalty as the maker and approve it as the checker, running the on-commit jobs."""
    from legalcredit.records import services as records

    def make(subject, **kw):
        rec = records.submit(subject, penalty(**kw), actor=maker, reason="录入")
        with django_capture_on_commit_callbacks(execute=True):
            return records.approve(rec.pk, checker=checker)
    return make


@pytest.fixture
def fresh_cache():
    """Token rate limits count in the cache; each test starts with none used."""
    from legalcredit.core import counters

    counters.clear()


@pytest.fixture(params=["file", "redis"])
def counting_cache(request, settings):
    """The embedded mode's file cache, and Redis as a deployment at scale counts in it."""
    if request.param == "redis":
        import redis

        url = "redis://127.0.0.1:6379/14"
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            pytest.skip("no Redis server on 127.0.0.1:6379")
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    from legalcredit.core import counters

    counters.clear()
    yield request.param
    counters.clear()


@pytest.fixture
def department(db, django_user_model):
    """Another department's system account (e.g. the province's procurement platform)."""
    from legalcredit.accounts.services import assign

    user = django_user_model.objects.create_user("procurement", password="x-Strong-pass-1")
    assign(user, "department", unit="省财政厅政府采购系统")
    return user
