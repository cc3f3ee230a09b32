"""Objections to a record, a list entry or a grade: flagged at once, verified, decided by a second officer."""
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.deadlines.models import Clock
from legalcredit.records import export
from legalcredit.records import selectors as record_selectors
from legalcredit.records.models import CreditRecord
from legalcredit.refdata.selectors import work_calendar
from legalcredit.remedies import selectors
from legalcredit.remedies.services import objections

pytestmark = pytest.mark.django_db


def file(subject, by, rec, **kw):
    return objections.file(subject, by=by, record_number=rec.number, applicant_name="李明", interest="信息主体本人",
                           grounds="处罚决定已被复议机关变更，停止执业期限应为三个月", **kw)


def test_a_record_under_objection_is_flagged_in_exports_and_corrected_by_a_new_version(
        lawyer, lawyer_user, maker, checker, approved):
    rec = approved(lawyer)
    today = timezone.localdate()
    cal = work_calendar()
    obj = file(lawyer, lawyer_user, rec)
    assert obj.number.startswith("YY") and obj.item.endswith("淮司罚决〔2026〕1号")
    assert selectors.flags([lawyer.pk])[lawyer.pk][0]["label"] == "异议处理中"
    with tempfile.TemporaryDirectory() as d:
        export.export("penalty", Path(d) / "cf.csv", actor=checker, scope=scope_for(checker), purpose="报送")
        assert "异议处理中" in (Path(d) / "cf.csv").read_text("utf-8-sig")
    with pytest.raises(ValidationError, match="正在处理中"):
        file(lawyer, lawyer_user, rec)
    clock = Clock.objects.get(case_type="objection", case_id=obj.pk, stopped_on__isnull=True)
    assert clock.due_on == cal.add_working_days(today, 3)

    objections.accept(obj.pk, by=maker)
    objections.request_verification(obj.pk, by=maker, unit="江苏省司法厅行政复议办公室")
    steps = {c.step: c for c in Clock.objects.filter(case_type="objection", case_id=obj.pk, stopped_on__isnull=True)}
    assert set(steps) == {"objection_decide_verified", "objection_verify"}
    assert steps["objection_decide_verified"].due_on == cal.add_working_days(obj.filed_on, 7)
    objections.record_verification(obj.pk, by=maker, reply="复议决定变更为停止执业三个月属实")

    with pytest.raises(ValidationError, match="更正的字段"):
        objections.review(obj.pk, by=maker, outcome="corrected", opinion="应更正")
    objections.review(obj.pk, by=maker, outcome="corrected", opinion="按复议决定更正",
                      corrections={"sanctions": [{"type": "停止执业", "months": 3}],
                                   "effective_until": dt.date(2026, 6, 2)})
    with pytest.raises(ValidationError, match="处理理由"):
        objections.decide(obj.pk, by=checker, outcome="corrected", reason="")
    obj = objections.decide(obj.pk, by=checker, outcome="corrected", reason="原处罚决定经复议变更")

    now = CreditRecord.objects.get(key=rec.key, is_current=True)
    assert obj.new_record == now and now.version == 2 and now.sanctions == [{"type": "停止执业", "months": 3}]
    assert (now.entered_by, now.checked_by) == (maker, checker)
    assert "更正" in obj.notice and "原处罚决定经复议变更" in obj.notice and "行政复议" in obj.notice
    assert selectors.flags([lawyer.pk]) == {}
    assert not Clock.objects.filter(case_type="objection", case_id=obj.pk, stopped_on__isnull=True).exists()


def test_revoking_ends_publication_and_the_reviewer_cannot_decide(lawyer, lawyer_user, maker, checker, approved):
    rec = approved(lawyer)
    obj = file(lawyer, lawyer_user, rec)
    objections.accept(obj.pk, by=maker)
    # A checker who is also given the handling permission still cannot decide what they reviewed.
    checker.user_permissions.add(Permission.objects.get(codename="handle_objection"))
    checker = type(checker).objects.get(pk=checker.pk)
    objections.review(obj.pk, by=checker, outcome="revoked", opinion="认定主体错误")
    with pytest.raises(PermissionDenied, match="不同人员"):
        objections.decide(obj.pk, by=checker, outcome="revoked", reason="认定主体错误")
    with pytest.raises(PermissionDenied):
        objections.decide(obj.pk, by=maker, outcome="revoked", reason="认定主体错误")     # no decide permission


def test_revoked_record_is_no_longer_public(lawyer, lawyer_user, maker, checker, approved):
    rec = approved(lawyer)
    obj = file(lawyer, lawyer_user, rec)
    objections.accept(obj.pk, by=maker)
    objections.review(obj.pk, by=maker, outcome="revoked", opinion="认定主体错误")
    objections.decide(obj.pk, by=checker, outcome="revoked", reason="处罚对象认定错误")
    now = CreditRecord.objects.get(key=rec.key, is_current=True)
    assert now.status == "revoked" and not record_selectors.public_on(now, timezone.localdate())


def test_supplement_pauses_and_an_objection_needs_an_interest(lawyer, lawyer_user, maker, approved):
    rec = approved(lawyer)
    with pytest.raises(ValidationError, match="利害关系"):
        objections.file(lawyer, by=lawyer_user, record_number=rec.number, applicant_name="李明", interest="",
                        grounds="x")
    with pytest.raises(ValidationError, match="须且只须"):
        objections.file(lawyer, by=lawyer_user, record_number=rec.number, grade=True, applicant_name="李明",
                        interest="本人", grounds="x")
    obj = file(lawyer, lawyer_user, rec)
    objections.ask_supplement(obj.pk, by=maker, what="请提交复议决定书")
    assert Clock.objects.get(case_type="objection", case_id=obj.pk, stopped_on__isnull=True).due_on is None
    objections.supplement_received(obj.pk, by=maker)
    assert Clock.objects.get(case_type="objection", case_id=obj.pk, stopped_on__isnull=True).due_on is not None
    obj = objections.reject(obj.pk, by=maker, reason="非本平台认定的信息，请向认定单位提出")
    assert obj.stage == "rejected" and "不予受理" in obj.notice
