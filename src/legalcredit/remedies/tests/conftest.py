import datetime as dt

import pytest

from legalcredit.accounts.services import assign

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def lawyer_user(db, django_user_model, lawyer):
    user = django_user_model.objects.create_user("li_ming", password="x-Strong-pass-1")
    assign(user, "practitioner_user", subject=lawyer)
    return user


def general_penalty_kw():
    # Decided 2026-03-02, 一般: minimum period 3 months (repair from 2026-06-02), published to 2027-03-02.
    return {"decision_date": dt.date(2026, 3, 2)}
