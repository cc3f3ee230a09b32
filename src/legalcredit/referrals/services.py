"""Writes of discipline referrals: refer approved penalties to their association, and the
association's answer. Rules: the ``discipline_referrals`` rule set (domain/referrals.py)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.deadlines.models import CaseType
from legalcredit.domain import referrals as rules_of
from legalcredit.records.models import CreditRecord, Review, Status
from legalcredit.records.selectors import approved_since
from legalcredit.records.signals import CHUNK
from legalcredit.refdata.rulesets import current
from legalcredit.remedies.services.common import may, today

from . import selectors
from .models import Referral, State

CASE = CaseType.REFERRAL
ANSWER = "referrals.answer_referral"
# The nightly pass looks back this far for approved penalties a signal missed.
SWEEP_DAYS = 7


def rules() -> rules_of.Rules:
    return current("discipline_referrals")


def refer(record_ids) -> list[Referral]:
    """Refer each approved, current record among ``record_ids`` of a kind the rule set refers, on a
    subject an association disciplines, once per record (a correction keeps the referral)."""
    r = rules()
    on = timezone.localdate()
    recs = (CreditRecord.objects.filter(pk__in=list(record_ids), is_current=True, review=Review.APPROVED,
                                        kind__in=sorted(r.record_kinds),
                                        decision_date__gte=on - dt.timedelta(days=r.refer_within_days))
            .exclude(status__in=[Status.WITHDRAWN, Status.REVOKED]).select_related("subject"))
    recs = list(recs)
    referred = set(Referral.objects.filter(record_key__in=[rec.key for rec in recs])
                   .values_list("record_key", flat=True))
    made = []
    for rec in recs:
        sector = r.refers(rec.kind, rec.subject.subject_type_id)
        if sector is None or rec.key in referred:
            continue
        try:
            with transaction.atomic():
                ref = Referral.objects.create(record_key=rec.key, record=rec, subject=rec.subject, sector=sector.code,
                                              sector_name=sector.name, referred_on=on)
                clocks.start(CASE, ref.pk, r.answer, subject=rec.subject, on=on)
                audit(action=AuditEntry.Action.CREATE, actor=None, object_type="referrals.referral", object_id=ref.pk,
                      summary=f"移送{sector.name}研究行业惩戒：{rec.subject.name} {rec.decision_no or rec.number}")
        except IntegrityError:      # referred at the same moment by another worker
            continue
        made.append(ref)
    return made


def refer_recent(on: dt.date | None = None) -> int:
    """The nightly pass: approved penalties of the last SWEEP_DAYS not yet referred (a batch's 轻微
    penalties are not announced one by one; a signal lost to a crash is caught here)."""
    on = on or timezone.localdate()
    r = rules()
    ids = list(approved_since(r.record_kinds, on - dt.timedelta(days=SWEEP_DAYS))
               .filter(decision_date__gte=on - dt.timedelta(days=r.refer_within_days))
               .exclude(key__in=Referral.objects.values("record_key")).values_list("pk", flat=True))
    # In chunks, as the records_changed receivers take them: SQLite caps a statement's parameters.
    return sum(len(refer(ids[i:i + CHUNK])) for i in range(0, len(ids), CHUNK))


@transaction.atomic
def answer(referral_id: int, *, by, outcome: str, note: str, discipline_number: str = "",
           on: dt.date | None = None) -> Referral:
    """The association's answer: discipline imposed (naming the 行业处分 record it entered), or
    declined with its reasons. Once only; the clock stops."""
    ref = Referral.objects.select_for_update(of=("self",)).select_related("subject").get(pk=referral_id)
    may(by, ref.subject, ANSWER, "反馈行业惩戒研究处理情况")
    sector = selectors.sector_of(by)
    if sector and sector != ref.sector:
        raise PermissionDenied(f"该行政处罚移送{ref.sector_name}，不是本协会的移送事项")
    if ref.state != State.OPEN:
        raise ValidationError(f"该移送已于 {ref.answered_on} 反馈（{ref.get_state_display()}）")
    r = rules()
    if outcome not in r.outcomes:
        raise field_error("outcome", "处理结果", f"须为{'、'.join(r.outcomes.values())}之一")
    note = (note or "").strip()
    if outcome == r.disciplined_outcome:
        wanted = (discipline_number or "").strip().upper()
        if not wanted:
            raise field_error("discipline_number", "行业处分记录编号", "已给予行业处分的，须填写所录入的行业处分记录编号")
        found = next((d for d in CreditRecord.objects.filter(subject=ref.subject, kind="discipline")
                      .exclude(review=Review.REJECTED).order_by("-version") if d.number == wanted), None)
        if found is None:
            raise field_error("discipline_number", "行业处分记录编号",
                              f"{ref.subject.name}没有编号为 {wanted} 的行业处分记录（请先录入行业处分）")
        ref.discipline_key, ref.state = found.key, State.DISCIPLINED
    else:
        if not note:
            raise field_error("note", "研究处理情况", "不予行业处分的，须说明理由")
        ref.state = State.DECLINED
    ref.answered_on, ref.answered_by, ref.answer = today(on), by, note
    ref.save()
    clocks.stop(CASE, ref.pk, ref.answered_on)
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="referrals.referral", object_id=ref.pk,
          summary=f"{ref.sector_name}反馈：{ref.get_state_display()}（{ref.subject.name}）", reason=note)
    return ref
