import datetime as dt

import pytest

from legalcredit.accounts.services import assign
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft
from legalcredit.refdata.models import Region
from legalcredit.registry import services as registry


@pytest.fixture
def province_admin(db, django_user_model):
    user = django_user_model.objects.create_user("province_admin", password="x-Strong-pass-1", is_staff=True)
    assign(user, "province_admin", region=Region.objects.get(code="320000"))
    return user


@pytest.fixture
def forensic(maker, codes):
    subject, _ = registry.register_institution(
        actor=maker, reason="执业许可", name="淮安正衡司法鉴定所", subject_type="forensic_institution",
        region="320812", uscc_code=codes.uscc("34"), license_issued_on=dt.date(2012, 3, 1))
    return subject


@pytest.fixture
def record(maker, checker, bureau, django_capture_on_commit_callbacks):
    """Enter a record as the maker and approve it as the checker, running the on-commit jobs."""
    def make(subject, kind, subtype="", severity="", decided=None, no="", **kw):
        draft = Draft(kind=kind, subtype=subtype, severity=severity,
                      decision_date=decided or dt.date(2026, 3, 2), authority="淮安市司法局",
                      authority_uscc=bureau["city"], source_unit="淮安市司法局",
                      source_unit_uscc=bureau["city"], decision_no=no or f"淮司{kind}〔2026〕{subtype}号",
                      content=f"{kind} {subtype}", **kw)
        rec = records.submit(subject, draft, actor=maker, reason="录入")
        with django_capture_on_commit_callbacks(execute=True):
            return records.approve(rec.pk, checker=checker)
    return make
