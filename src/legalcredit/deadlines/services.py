"""Starting, pausing and stopping clocks, and the daily reminders and escalations.

Workflows call these inside their own transactions, so a case's step and its clock change together.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.selectors import officers_covering
from legalcredit.domain import deadlines
from legalcredit.domain.remedies import TimeLimit
from legalcredit.refdata.selectors import work_calendar

from . import selectors
from .models import Clock


def _pauses(clock: Clock) -> list[deadlines.Pause]:
    return [deadlines.Pause(dt.date.fromisoformat(a), dt.date.fromisoformat(b) if b else None)
            for a, b in clock.pauses]


def _recompute(clock: Clock) -> None:
    try:
        clock.due_on = deadlines.due_on(work_calendar(), clock.started_on, clock.working_days, _pauses(clock),
                                        calendar=clock.calendar_days)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


def start(case_type: str, case_id: int, limit: TimeLimit, *, subject, on: dt.date, assignee=None,
          pauses: list | None = None) -> Clock:
    clock = Clock(case_type=case_type, case_id=case_id, step=limit.key, name=limit.name, source=limit.source,
                  subject=subject, assignee=assignee, started_on=on, working_days=limit.working_days,
                  calendar_days=limit.calendar, pauses=pauses or [])
    _recompute(clock)
    clock.save(force_insert=True)
    return clock


def running(case_type: str, case_id: int, step: str | None = None):
    qs = Clock.objects.select_for_update().filter(case_type=case_type, case_id=case_id, stopped_on__isnull=True)
    return qs.filter(step=step) if step else qs


def pause(case_type: str, case_id: int, on: dt.date) -> int:
    """补正 asked for: every running clock of the case stops counting from ``on``."""
    n = 0
    for clock in running(case_type, case_id):
        if clock.pauses and not clock.pauses[-1][1]:
            raise ValidationError("已在等待补正材料，不能重复发出补正通知")
        clock.pauses = [*clock.pauses, [on.isoformat(), None]]
        _recompute(clock)
        clock.save(update_fields=["pauses", "due_on"])
        n += 1
    return n


def resume(case_type: str, case_id: int, on: dt.date) -> int:
    n = 0
    for clock in running(case_type, case_id):
        if not clock.pauses or clock.pauses[-1][1]:
            continue
        clock.pauses = [*clock.pauses[:-1], [clock.pauses[-1][0], on.isoformat()]]
        _recompute(clock)
        clock.save(update_fields=["pauses", "due_on"])
        n += 1
    return n


def stop(case_type: str, case_id: int, on: dt.date, step: str | None = None) -> int:
    n = 0
    for clock in running(case_type, case_id, step):
        clock.stopped_on = on
        clock.late = clock.due_on is not None and on > clock.due_on
        clock.save(update_fields=["stopped_on", "late"])
        n += 1
    return n


def extend(case_type: str, case_id: int, old_step: str, limit: TimeLimit, *, on: dt.date, assignee=None) -> Clock:
    """Replace a running limit by a longer one counted from the same start, keeping its pauses
    (an objection that turns out to need another unit's verification)."""
    old = running(case_type, case_id, old_step).first()
    if old is None:
        raise ValidationError(f"没有正在计时的期限“{old_step}”")
    old.stopped_on, old.late = on, None
    old.save(update_fields=["stopped_on", "late"])
    return start(case_type, case_id, limit, subject=old.subject, on=old.started_on,
                 assignee=assignee or old.assignee, pauses=old.pauses)


def _message(clock: Clock, lead: str) -> str:
    due = clock.due_on.isoformat() if clock.due_on else "（暂停计时）"
    return (f"{lead}\n\n案件：{clock.get_case_type_display()} #{clock.case_id}\n主体：{clock.subject.name}\n"
            f"应办事项：{clock.name}（{clock.span}，截止{due}）\n依据：{clock.source}\n\n"
            f"请登录公共法律服务信用监管平台后台办理。")


def remind_and_escalate(today: dt.date | None = None) -> tuple[int, int]:
    """Reminders to the assignee before the last day; escalation to the unit's officers after it.
    Each clock is reminded once and escalated once; a clock with nobody to tell is still marked."""
    today = today or timezone.localdate()
    bound = deadlines.due_soon_bound(work_calendar(), today, selectors.remind_before())
    sender = settings.DEFAULT_FROM_EMAIL
    mails, reminded, escalated = [], 0, 0
    with transaction.atomic():
        base = Clock.objects.select_for_update(of=("self",)).select_related("subject", "assignee").filter(
            stopped_on__isnull=True, due_on__isnull=False)
        for clock in base.filter(due_on__gte=today, due_on__lt=bound, reminded_on__isnull=True):
            to = [clock.assignee.email] if clock.assignee and clock.assignee.email else [
                u.email for u in officers_covering(clock.subject)]
            if to:
                mails.append((f"【即将到期】{clock.name}：{clock.subject.name}", _message(clock, "以下事项即将到期："),
                              sender, to))
            clock.reminded_on = today
            clock.save(update_fields=["reminded_on"])
            reminded += 1
        for clock in base.filter(due_on__lt=today, escalated_on__isnull=True):
            to = sorted({u.email for u in officers_covering(clock.subject)}
                        | ({clock.assignee.email} if clock.assignee and clock.assignee.email else set()))
            if to:
                mails.append((f"【已逾期】{clock.name}：{clock.subject.name}", _message(clock, "以下事项已超过办理期限："),
                              sender, to))
            clock.escalated_on = today
            clock.save(update_fields=["escalated_on"])
            escalated += 1
    if mails:
        send_mass_mail(mails, fail_silently=False)
    return reminded, escalated
