"""查询使用审查: each month's reads of non-public credit information, assessed and reviewed.

On the first day of a month the scheduler opens the review of the month before (``open_review``):
the month's figures per account and purpose, and the findings of the ``access_review`` rules
(domain/access_review.py) over the reads of every account not left out by role. A reviewer with
``audit.review_accessreview`` decides each finding (``decide``: the use was justified, or it is
referred for investigation), never one about their own reads, and then closes the review with a
conclusion (``close``). Every step is in the audit trail it reviews.
"""
from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from legalcredit.core.errors import field_error
from legalcredit.domain import access_review as domain
from legalcredit.refdata.rulesets import current
from legalcredit.refdata.selectors import work_calendar

from .models import AccessFinding, AccessReview, AuditEntry
from .services import record as audit

PERMISSION = "audit.review_accessreview"
CHUNK = 5000
PURPOSES_SHOWN = 10


def rules() -> domain.Rules:
    return current("access_review")


def month_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of ``day``'s month."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def _excluded_actors(r: domain.Rules) -> set[int]:
    if not r.exclude_roles:
        return set()
    return set(get_user_model().objects.filter(groups__role__code__in=r.exclude_roles).values_list("pk", flat=True))


def _summary(start: dt.datetime, end: dt.datetime) -> tuple[int, list[dict]]:
    """The month's reads per account, by stated purpose, every role included (counted in the
    database: a department's checks run to the hundred thousand)."""
    rows = (AuditEntry.objects.filter(action=AuditEntry.Action.READ, at__gte=start, at__lt=end)
            .values("actor_id", "actor", "reason").annotate(n=Count("id")).order_by())
    accounts: dict[tuple, dict] = {}
    total = 0
    for row in rows:
        key = (row["actor_id"], row["actor"])
        a = accounts.setdefault(key, {"actor_id": row["actor_id"], "actor": row["actor"] or "（未登录）",
                                      "reads": 0, "purposes": {}})
        a["reads"] += row["n"]
        purpose = row["reason"] or "（未说明用途）"
        a["purposes"][purpose] = a["purposes"].get(purpose, 0) + row["n"]
        total += row["n"]
    out = sorted(accounts.values(), key=lambda a: (-a["reads"], a["actor"]))
    for a in out:
        ranked = sorted(a["purposes"].items(), key=lambda kv: (-kv[1], kv[0]))
        # A check states its own purpose (某项目供应商资格审查): a system's month has thousands.
        a["purposes"] = [[p, n] for p, n in ranked[:PURPOSES_SHOWN]]
        if len(ranked) > PURPOSES_SHOWN:
            a["purposes"].append([f"其他{len(ranked) - PURPOSES_SHOWN}种用途", sum(n for _, n in ranked[PURPOSES_SHOWN:])])
    return total, out


def _reads(start: dt.datetime, end: dt.datetime, excluded: set[int]):
    """The month's reads by accounts the rules assess, as the pure rules take them, streamed."""
    qs = (AuditEntry.objects.filter(action=AuditEntry.Action.READ, at__gte=start, at__lt=end, actor_id__isnull=False)
          .exclude(actor_id__in=excluded).order_by("id").values_list("id", "actor_id", "actor", "at", "data"))
    zone = timezone.get_current_timezone()
    for pk, actor_id, actor, at, data in qs.iterator(chunk_size=CHUNK):
        data = data if isinstance(data, dict) else {}
        subjects = data.get("count") or len(data.get("ids") or ()) or 1
        yield domain.Read(pk, actor_id, actor, at.astimezone(zone).replace(tzinfo=None), int(subjects),
                          bool(data.get("full_id_number")))


@transaction.atomic
def open_review(month: dt.date, *, today: dt.date | None = None) -> AccessReview:
    """The review of ``month`` (any day in it), opened once the month is over; opening it again
    returns the one there is."""
    first, last = month_of(month)
    today = today or timezone.localdate()
    if last >= today:
        raise field_error("month", "审查月份", f"{first:%Y年%m月}尚未结束，次月起方可审查")
    existing = AccessReview.objects.filter(month=first).first()
    if existing is not None:
        return existing
    r = rules()
    start, end = _bounds(first, last)
    total, summary = _summary(start, end)
    cal = work_calendar()
    found = domain.findings(_reads(start, end, _excluded_actors(r)), r, cal.is_working_day)
    now = timezone.now()
    try:
        with transaction.atomic():
            review = AccessReview.objects.create(
                month=first, period_end=last, rules_version=r.version, opened_at=now,
                due_on=cal.add_working_days(max(today, last), r.due_working_days), reads=total, summary=summary,
                state=AccessReview.State.CLOSED if not found else AccessReview.State.OPEN,
                conclusion="" if found else "本月无需核实的查阅情形（按审查规则自动完成）",
                closed_at=None if found else now)
    except IntegrityError:   # opened meanwhile by another process
        return AccessReview.objects.get(month=first)
    AccessFinding.objects.bulk_create(
        AccessFinding(review=review, rule=f.rule, rule_name=r.names.get(f.rule, domain.RULES[f.rule]),
                      actor_id=f.actor_id, actor=f.actor, day=f.day, count=f.count, detail=f.detail,
                      entry_ids=list(f.entry_ids)) for f in found)
    audit(action=AuditEntry.Action.CREATE, object_type="audit.accessreview", object_id=review.pk,
          summary=f"生成{review}：查阅{total}次，需核实{len(found)}项", data={"rules_version": r.version})
    return review


def _may_review(by) -> None:
    if by is None or not by.has_perm(PERMISSION):
        raise PermissionDenied("您没有审查查询使用记录的权限")


@transaction.atomic
def decide(finding_id: int, *, by, decision: str, note: str) -> AccessFinding:
    """Record what the reviewer found out about one finding."""
    _may_review(by)
    f = AccessFinding.objects.select_for_update().select_related("review").filter(pk=finding_id).first()
    if f is None:
        raise field_error("finding", "审查发现", "不存在")
    if f.review.state != AccessReview.State.OPEN:
        raise ValidationError(f"{f.review}已完成，不能再改")
    if f.decision != AccessFinding.Decision.PENDING:
        raise field_error("decision", "审查意见", f"已核实（{f.get_decision_display()}），不能重复核实")
    if f.actor_id == by.pk:
        raise PermissionDenied("不能审查本人的查阅记录，请由其他审查人核实")
    if decision not in (AccessFinding.Decision.JUSTIFIED, AccessFinding.Decision.REFERRED):
        raise field_error("decision", "审查意见", "应为“用途正当”或“移交调查”")
    note = (note or "").strip()
    if not note:
        raise field_error("note", "核实情况", "必须填写（如：核实的业务事项、询问本人的情况）")
    f.decision, f.note, f.decided_by, f.decided_at = decision, note, by, timezone.now()
    f.save(update_fields=["decision", "note", "decided_by", "decided_at"])
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="audit.accessfinding", object_id=f.pk,
          summary=f"核实查询使用：{f}：{f.get_decision_display()}", reason=note)
    return f


@transaction.atomic
def close(review_id: int, *, by, conclusion: str) -> AccessReview:
    """Close the month's review once every finding is decided."""
    _may_review(by)
    review = AccessReview.objects.select_for_update().filter(pk=review_id).first()
    if review is None:
        raise field_error("review", "查询使用审查", "不存在")
    if review.state != AccessReview.State.OPEN:
        raise ValidationError(f"{review}已完成")
    pending = review.findings.filter(decision=AccessFinding.Decision.PENDING).count()
    if pending:
        raise field_error("conclusion", "审查结论", f"尚有{pending}项未核实，核实后方可完成审查")
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise field_error("conclusion", "审查结论", "必须填写")
    review.state, review.conclusion, review.closed_by, review.closed_at = (
        AccessReview.State.CLOSED, conclusion, by, timezone.now())
    review.save(update_fields=["state", "conclusion", "closed_by", "closed_at"])
    referred = review.findings.filter(decision=AccessFinding.Decision.REFERRED).count()
    audit(action=AuditEntry.Action.APPROVE, actor=by, object_type="audit.accessreview", object_id=review.pk,
          summary=f"完成{review}：移交调查{referred}项", reason=conclusion)
    return review

