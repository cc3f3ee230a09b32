"""Remedies of a listing: repair after the list's minimum period removes the entry; an objection
upheld against a listing removes it too; either way the history stays."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from legalcredit.lists import selectors as list_selectors
from legalcredit.lists import services as lists
from legalcredit.remedies.models import SyncEntry
from legalcredit.remedies.services import objections, repair

from .conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


def listed(subject, maker, checker, decided):
    entry = lists.propose(subject, "serious_dishonesty", by=maker, reasons="拒不履行生效处罚决定",
                          authority="淮安市司法局")
    lists.serve_notice(entry.pk, by=maker, served_on=decided - dt.timedelta(days=30))
    return lists.decide(entry.pk, by=checker, listed=True, reason="陈述申辩期满", decision_no="淮司信〔2025〕3号",
                        on=decided)


def test_a_listing_is_repaired_after_its_minimum_period(lawyer, lawyer_user, maker, checker,
                                                       django_capture_on_commit_callbacks):
    today = timezone.localdate()
    young = listed(lawyer, maker, checker, today - dt.timedelta(days=100))
    with pytest.raises(ValidationError, match="最短公示期未满") as exc:
        repair.apply(lawyer, by=lawyer_user, statement="已履行", list_entry_id=young.pk)
    assert (young.listed_from.replace(year=young.listed_from.year + 1)).isoformat() in str(exc.value)

    lists.remove(young.pk, by=checker, method="revocation", note="另案处理")
    old = listed(lawyer, maker, checker, dt.date(2025, 10, 9))
    app = repair.apply(lawyer, by=lawyer_user, statement="已履行处罚决定并接受信用培训", list_entry_id=old.pk)
    repair.attach(app.pk, by=lawyer_user, kind="proof", name="履行证明.pdf", content=PDF)
    repair.accept(app.pk, by=maker)
    repair.review(app.pk, by=maker, grant=True, opinion="已满一年且已履行")
    with django_capture_on_commit_callbacks(execute=True):
        repair.decide(app.pk, by=checker, grant=True, reason="符合移出条件")
    old.refresh_from_db()
    assert (old.stage, old.removal, old.removed_on) == ("removed", "repair", today)
    assert not list_selectors.in_force_on([lawyer.pk], today).exists()
    assert list_selectors.in_force_on([lawyer.pk], today - dt.timedelta(days=1)).filter(pk=old.pk).exists()
    assert SyncEntry.objects.get(case_id=app.pk).payload["action"] == "移出名单"


def test_an_objection_revoking_a_listing_removes_it(law_firm, maker, checker):
    entry = listed(law_firm, maker, checker, dt.date(2026, 9, 1))
    obj = objections.file(law_firm, by=maker, list_entry_id=entry.pk, applicant_name=law_firm.name,
                          interest="被列入主体", grounds="处罚决定已被法院撤销")
    objections.accept(obj.pk, by=maker)
    with pytest.raises(ValidationError, match="名单记录不能更正"):
        objections.review(obj.pk, by=maker, outcome="corrected", opinion="更正")
    objections.review(obj.pk, by=maker, outcome="revoked", opinion="列入依据已不存在")
    objections.decide(obj.pk, by=checker, outcome="revoked", reason="列入依据的处罚决定已被撤销")
    entry.refresh_from_db()
    assert (entry.stage, entry.removal) == ("removed", "objection")
