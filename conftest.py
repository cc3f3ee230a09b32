import datetime as dt
import random

import pytest

from legalcredit.domain.identifiers import generate


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data is loaded once into the test database, as `serve` does at first start."""
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
