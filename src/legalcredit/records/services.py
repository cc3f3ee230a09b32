"""Writes to the credit record store. Each function is one transaction.

Maker-checker: ``submit``, ``correct`` and ``withdraw`` create a *pending*
version; it counts nowhere until ``approve`` by another officer entitled to
check it. Approval closes the previous version, computes when the record was
published (and whether on time), and applies the penalty's consequences to
the subject's status.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.domain.periods import add_months
from legalcredit.refdata.selectors import work_calendar

from . import national, rules
from .bulk import approve_pending
from .models import CreditRecord, Review, Status
from .prepare import LABELS, Draft, prepare, priors_of
from .signals import announce

CHECK_PERMISSION = "records.check_creditrecord"
NATIONAL = ("penalty", "license")  # the kinds with a 双公示 field set


def _today() -> dt.date:
    return timezone.localdate()


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "原因", "必须填写（每一项变更都须说明原因）")
    return reason


def _raise(errors: list[tuple[str, str]]) -> None:
    by_field: dict[str, list[str]] = {}
    for f, m in errors:
        by_field.setdefault(f, []).append(f"{LABELS.get(f, f)}：{m}")
    raise ValidationError(by_field)


def _in_scope(user, subject, kind: str | None = None) -> None:
    if user is None:
        return
    scope = scope_for(user)
    if not scope.covers_subject(subject):
        raise PermissionDenied(f"“{subject.name}”不在您的辖区内")
    if kind is not None and not scope.covers_kind(kind):
        names = "、".join(rules.kinds()[k].name for k in sorted(scope.record_kinds) if k in rules.kinds())
        raise PermissionDenied(f"您的角色只能录入{names}信息，不能录入“{rules.kinds()[kind].name}”")


@transaction.atomic
def submit(subject, draft: Draft, *, actor, reason: str, batch=None) -> CreditRecord:
    """A maker enters a new record; it waits for a checker."""
    reason = _reason(reason)
    _in_scope(actor, subject, draft.kind if draft.kind in rules.kinds() else None)
    prepared = prepare(subject, draft, today=_today())
    if not prepared.ok:
        _raise(prepared.errors)
    rec = prepared.record
    rec.reason, rec.entered_by, rec.import_batch = reason, actor, batch
    rec.save(force_insert=True)
    audit(action=AuditEntry.Action.CREATE, actor=actor, object_type="records.creditrecord",
          object_id=rec.pk, summary=f"录入{rules.kinds()[rec.kind].name} {rec.decision_no}（待审核）",
          reason=reason)
    return rec


def _current(key) -> CreditRecord:
    rec = CreditRecord.objects.select_for_update().filter(key=key, is_current=True).first()
    if rec is None:
        raise ValidationError("记录不存在或尚未生效，不能更正或撤回")
    if CreditRecord.objects.filter(key=key, review=Review.PENDING).exists():
        raise ValidationError("该记录已有待审核的版本，请先完成审核")
    return rec


def _next_version(base: CreditRecord, draft: Draft, *, actor, reason: str) -> CreditRecord:
    prepared = prepare(base.subject, draft, today=_today(),
                       priors=lambda pk, day: priors_of(pk, day, exclude_key=base.key))
    if not prepared.ok:
        _raise(prepared.errors)
    rec = prepared.record
    # After the newest version: one a checker returned stays, and the next is numbered past it.
    rec.key, rec.version = base.key, _top_version(base.key) + 1
    rec.reason, rec.entered_by = reason, actor
    rec.published_on = base.published_on
    rec.publication_working_days, rec.on_time = base.publication_working_days, base.on_time
    rec.repaired_on = base.repaired_on      # a correction does not undo a repair
    try:
        with transaction.atomic():
            rec.save(force_insert=True)
    except IntegrityError:
        raise ValidationError("该记录已有待审核的版本，请先完成审核") from None
    return rec


def _top_version(key) -> int:
    return CreditRecord.objects.filter(key=key).aggregate(top=Max("version"))["top"] or 0


def _approved_before(key, version: int):
    """The newest approved version of ``key`` before ``version`` (returned versions between the
    two are skipped: they were never in force)."""
    return CreditRecord.objects.filter(key=key, version__lt=version, review=Review.APPROVED).order_by("-version")


def draft_of(rec: CreditRecord) -> Draft:
    fields = {f.name for f in dataclasses.fields(Draft)}
    d = Draft(**{k: getattr(rec, k) for k in fields if hasattr(rec, k) and k not in ("regime", "months")})
    d.regime = rec.publication_regime
    if rec.kind != "penalty" and rec.sanctions:
        d.months = rec.sanctions[0].get("months")
    return d


@transaction.atomic
def correct(key, *, actor, reason: str, **changes) -> CreditRecord:
    """A correction is a new version with a reason; the old one stays readable."""
    reason = _reason(reason)
    base = _current(key)
    _in_scope(actor, base.subject, base.kind)
    draft = draft_of(base)
    before = (national.derived(base.kind, base, base.subject, fill=False)
              if base.kind in NATIONAL and draft.details else None)
    for name, value in changes.items():
        if not hasattr(draft, name):
            raise field_error(name, name, "不能更正的字段")
        setattr(draft, name, value)
    if before is not None:
        # The national values an import brought follow the correction, so an export sends the
        # corrected decision rather than the file's.
        draft.details = dict(draft.details)
        after, personal = national.derived(base.kind, draft, base.subject, fill=False), rules.personal_codes()
        for code in (set(before) | set(after)) - personal:
            if before.get(code) != after.get(code):
                if code in after:
                    draft.details[code] = after[code]
                else:
                    draft.details.pop(code, None)
    rec = _next_version(base, draft, actor=actor, reason=reason)
    if rec.content_hash == base.content_hash:
        raise ValidationError("更正后的内容与现行版本相同")
    audit(action=AuditEntry.Action.UPDATE, actor=actor, object_type="records.creditrecord",
          object_id=rec.pk, summary=f"更正记录 {base.number} 为第{rec.version}版（待审核）", reason=reason)
    return rec


@transaction.atomic
def withdraw(key, *, actor, reason: str, reversal_date: dt.date, revoked: bool = False) -> CreditRecord:
    """The decision was changed or revoked: publication ends, the record and its history stay.

    行政处罚法 Art 48 gives 3 days (working days, Art 85) from the reversal;
    the due date is kept so a late withdrawal shows.
    """
    reason = _reason(reason)
    base = _current(key)
    _in_scope(actor, base.subject, base.kind)
    if base.status != Status.IN_EFFECT:
        raise ValidationError("该记录已撤回或撤销")
    if reversal_date > _today() or reversal_date < base.decision_date:
        raise field_error("reversal_date", LABELS["reversal_date"], "应在原决定日与今天之间")
    draft = draft_of(base)
    draft.status = Status.REVOKED if revoked else Status.WITHDRAWN
    rec = _next_version(base, draft, actor=actor, reason=reason)
    regime = rules.policy().regime(base.publication_regime or None)
    rec.reversal_date = reversal_date
    rec.withdrawal_reason = reason
    rec.withdrawal_due = work_calendar().add_working_days(reversal_date, regime.withdrawal_working_days)
    rec.save(update_fields=["reversal_date", "withdrawal_reason", "withdrawal_due"])
    audit(action=AuditEntry.Action.UPDATE, actor=actor, object_type="records.creditrecord",
          object_id=rec.pk, summary=f"{'撤销' if revoked else '撤回公示'}记录 {base.number}（待审核）",
          reason=reason)
    return rec


@transaction.atomic
def mark_repaired(key, *, maker, checker, on: dt.date, reason: str) -> CreditRecord:
    """Credit repair granted: a new version marked 已修复 whose publication ends on ``on``.

    The repair decision is itself maker-checker (the reviewing officer makes, the deciding one
    checks), so the version takes effect at once; the versions before it keep the record as it was.
    """
    reason = _reason(reason)
    base = _current(key)
    if base.repaired_on:
        raise ValidationError(f"该记录已于{base.repaired_on}修复")
    rec = _next_version(base, draft_of(base), actor=maker, reason=reason)
    rec.repaired_on = on
    rec.save(update_fields=["repaired_on"])
    return approve(rec.pk, checker=checker, note=reason)


@transaction.atomic
def restore_publication(key, *, maker, checker, reason: str) -> CreditRecord:
    """A breached 信用修复型 commitment: the repair is undone and the record is published again for
    its maximum period, counted from the decision date as always (rules.md §10)."""
    reason = _reason(reason)
    base = _current(key)
    if not base.repaired_on:
        raise ValidationError("该记录未经修复，无需恢复公示")
    rec = _next_version(base, draft_of(base), actor=maker, reason=reason)
    rec.repaired_on = None
    rec.save(update_fields=["repaired_on"])
    return approve(rec.pk, checker=checker, note=reason)


def _may_check(checker, rec: CreditRecord) -> None:
    if not checker.has_perm(CHECK_PERMISSION):
        raise PermissionDenied("您没有审核信用记录的权限")
    if rec.entered_by_id == checker.pk:
        raise PermissionDenied("不能审核本人录入的记录（录入与审核须由不同人员完成）")
    if rec.import_batch_id and rec.import_batch.created_by_id == checker.pk:
        raise PermissionDenied("不能审核本人导入的批次")
    _in_scope(checker, rec.subject, rec.kind)


def _publish(rec: CreditRecord, today: dt.date) -> None:
    if rec.import_batch_id and rec.version > 1 and (rec.published_on is None or rec.repaired_on is None):
        # A version from a file keeps the date first published and a repair, as approve_batch
        # gives it (a version made in the back office carries its own, on purpose: a breached
        # repair commitment's version is unrepaired).
        earlier = _approved_before(rec.key, rec.version).first()
        if earlier is not None:
            if rec.published_on is None:
                rec.published_on, rec.publication_working_days, rec.on_time = (
                    earlier.published_on, earlier.publication_working_days, earlier.on_time)
            rec.repaired_on = rec.repaired_on or earlier.repaired_on
    if rec.status != Status.IN_EFFECT:
        rec.withdrawn_on = today
        return
    if rec.published_on is None and rec.public:
        rec.published_on = today
    if rec.published_on and rec.publication_working_days is None and rec.decision_date:
        deadline = rules.schemas()["penalty"].deadline_working_days
        rec.publication_working_days = work_calendar().working_days_between(rec.decision_date, rec.published_on)
        if rules.kinds()[rec.kind].dual_publication:
            rec.on_time = rec.publication_working_days <= deadline


def _pending_for(record_id: int, checker) -> CreditRecord:
    """The version locked for this checker's decision; two checkers cannot both decide it."""
    rec = (CreditRecord.objects.select_for_update(of=("self",)).select_related("subject", "import_batch")
           .get(pk=record_id))
    if rec.review != Review.PENDING:
        raise ValidationError(f"该版本已{rec.get_review_display()}，不能重复审核")
    _may_check(checker, rec)
    return rec


@transaction.atomic
def approve(record_id: int, *, checker, note: str = "") -> CreditRecord:
    rec = _pending_for(record_id, checker)
    now = timezone.now()
    today = timezone.localdate(now)
    CreditRecord.objects.filter(key=rec.key, is_current=True).update(is_current=False, superseded_at=now)
    _publish(rec, today)
    rec.review, rec.is_current, rec.effective_at = Review.APPROVED, True, now
    rec.checked_by, rec.checked_at, rec.check_note = checker, now, note
    rec.save()
    audit(action=AuditEntry.Action.APPROVE, actor=checker, object_type="records.creditrecord",
          object_id=rec.pk, summary=f"审核通过记录 {rec.number} 第{rec.version}版", reason=note)
    apply_consequences(rec, actor=checker)
    announce([rec.subject_id], [rec.pk])
    return rec


@transaction.atomic
def reject(record_id: int, *, checker, note: str) -> CreditRecord:
    note = (note or "").strip()
    if not note:
        raise field_error("check_note", LABELS["check_note"], "退回须说明理由")
    rec = _pending_for(record_id, checker)
    rec.review, rec.checked_by, rec.checked_at, rec.check_note = Review.REJECTED, checker, timezone.now(), note
    rec.save(update_fields=["review", "checked_by", "checked_at", "check_note"])
    audit(action=AuditEntry.Action.REJECT, actor=checker, object_type="records.creditrecord",
          object_id=rec.pk, summary=f"退回记录 {rec.number} 第{rec.version}版", reason=note)
    return rec


def apply_consequences(rec: CreditRecord, *, actor) -> list[str]:
    """A penalty still in effect moves the subject's status (停止执业 until a date, 吊销 ...)."""
    from legalcredit.registry.services import change_status

    if rec.kind != "penalty" or rec.status != Status.IN_EFFECT:
        return []
    today = timezone.localdate()
    if rec.effective_until and rec.effective_until < today:
        return []
    done = []
    cat = rules.catalogue()
    for s in rec.sanctions:
        status = cat.status_effects.get(s["type"])
        if not status:
            continue
        subject = rec.subject
        subject.refresh_from_db()
        if subject.status_id == status or subject.status.terminal:
            continue
        until = rec.effective_until
        if until is None and s.get("months"):
            until = add_months(rec.effective_from or rec.decision_date, s["months"])
        temporary = status in ("suspended", "rectification")
        change_status(subject, actor=actor, reason=f"依{rec.authority}{rec.decision_no}（{s['type']}）",
                      status=status, since=max(rec.effective_from or rec.decision_date, subject.status_since),
                      until=until if temporary else None)
        done.append(status)
    return done



def check_may_decide(batch, checker) -> None:
    """Refuse a checker who may not decide this batch at all: no right to check, or its maker."""
    if not checker.has_perm(CHECK_PERMISSION):     # false for a deactivated account too
        raise PermissionDenied("您没有审核信用记录的权限")
    if batch.created_by_id == checker.pk:
        raise PermissionDenied("不能审核本人导入的批次（录入与审核须由不同人员完成）")


def check_return_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise field_error("check_note", LABELS["check_note"], "退回须说明理由")
    return note


def _batch_pending(batch, checker):
    """The batch's pending versions, once the checker may decide them all."""
    check_may_decide(batch, checker)
    # Two checkers deciding one batch at once: the second waits, then finds nothing pending.
    list(type(batch).objects.select_for_update().filter(pk=batch.pk).values_list("pk", flat=True))
    pending = CreditRecord.objects.filter(import_batch=batch, review=Review.PENDING)
    scope = scope_for(checker)
    if not scope.everything:
        from legalcredit.accounts.policy import filter_subjects
        outside = pending.count() - filter_subjects(pending, scope, "subject").count()
        if outside:
            raise PermissionDenied(f"该批次有 {outside} 条记录的主体不在您的辖区内")
    return pending


@transaction.atomic
def reject_batch(batch, *, checker, note: str) -> int:
    """A checker sends a whole import batch back; its versions stay, marked 已退回, and the
    maker imports the corrected file as a new batch."""
    note = check_return_note(note)
    n = _batch_pending(batch, checker).update(review=Review.REJECTED, checked_by=checker,
                                              checked_at=timezone.now(), check_note=note)
    audit(action=AuditEntry.Action.REJECT, actor=checker, object_type="core.importbatch",
          object_id=batch.pk, summary=f"退回导入批次 #{batch.pk}，{n} 条记录", reason=note)
    return n


@transaction.atomic
def approve_batch(batch, *, checker, note: str = "") -> int:
    """A checker approves a whole import batch, set-based: each version is published as
    ``approve`` would publish it alone, and every row is rewritten once (bulk.approve_pending)."""
    from django.db.models import Case, DateField, OuterRef, Subquery, Value, When
    from django.db.models.functions import Coalesce

    pending = _batch_pending(batch, checker)
    now = timezone.now()
    today = timezone.localdate(now)
    CreditRecord.objects.filter(is_current=True, key__in=pending.values("key")).update(
        is_current=False, superseded_at=now)
    # A new version from a file keeps what the version it follows was given, as a correction in
    # the back office does (_next_version): the date first published, and a repair.
    earlier = _approved_before(OuterRef("key"), OuterRef("version"))
    pending.filter(version__gt=1, published_on__isnull=True).update(
        published_on=Subquery(earlier.values("published_on")[:1]),
        publication_working_days=Subquery(earlier.values("publication_working_days")[:1]),
        on_time=Subquery(earlier.values("on_time")[:1]))
    pending.filter(version__gt=1, repaired_on__isnull=True).update(
        repaired_on=Subquery(earlier.values("repaired_on")[:1]))
    cal = work_calendar()
    deadline = rules.schemas()["penalty"].deadline_working_days
    dual = [k for k, v in rules.kinds().items() if v.dual_publication]
    # The publication date each version will have: its own, or today for a public one with none.
    publication = Coalesce("published_on", Case(When(public=True, then=Value(today)), output_field=DateField()))
    pairs = (pending.filter(status=Status.IN_EFFECT, publication_working_days__isnull=True)
             .annotate(publication=publication).exclude(publication=None)
             .order_by().values_list("decision_date", "publication").distinct())
    days = {(d, p): cal.working_days_between(d, p) for d, p in pairs}
    ids = list(pending.filter(kind="penalty", effective_until__gte=today).exclude(sanctions=[])
               .values_list("pk", flat=True))
    subjects = list(pending.order_by().values_list("subject_id", flat=True).distinct())
    # Adverse records may reopen a forensic grading, end honor-list entries or propose a listing.
    serious = list(pending.filter(severity__in=["general", "serious"]).values_list("pk", flat=True))
    n = pending.count()
    approve_pending(batch.pk, days, dual, deadline, today=today, checker_id=checker.pk, at=now, note=note)
    for rec in CreditRecord.objects.filter(pk__in=ids).select_related("subject"):
        apply_consequences(rec, actor=checker)
    audit(action=AuditEntry.Action.APPROVE, actor=checker, object_type="core.importbatch",
          object_id=batch.pk, summary=f"审核通过导入批次 #{batch.pk}，{n} 条记录生效", reason=note)
    announce(subjects, serious)
    return n
