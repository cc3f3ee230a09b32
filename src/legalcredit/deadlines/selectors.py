"""The officer's queues: what is running in their jurisdiction, what is due soon, what is overdue."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.domain import deadlines
from legalcredit.refdata.selectors import work_calendar

from .models import Clock


def remind_before() -> int:
    from legalcredit.refdata.rulesets import current

    return current("remedies").remind_before


def _soon(today: dt.date) -> dt.date:
    return deadlines.due_soon_bound(work_calendar(), today, remind_before())


def queue(scope: Scope, *, today: dt.date, state: str | None = None, assignee=None) -> QuerySet[Clock]:
    qs = filter_subjects(Clock.objects.filter(stopped_on__isnull=True), scope, "subject").select_related(
        "subject", "assignee")
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if state == "overdue":
        qs = qs.filter(due_on__lt=today)
    elif state == "due_soon":
        qs = qs.filter(due_on__gte=today, due_on__lt=_soon(today))
    elif state == "paused":
        qs = qs.filter(due_on__isnull=True)
    elif state == "open":
        qs = qs.filter(due_on__gte=_soon(today))
    return qs.order_by("due_on", "id")


def state_of(clock: Clock, today: dt.date, lead: int | None = None) -> str:
    """``lead``: the reminder lead, read once by callers that label many clocks."""
    return deadlines.state(work_calendar(), clock.due_on, today,
                           remind_before=remind_before() if lead is None else lead,
                           stopped=clock.stopped_on is not None)


def clocks_of(case_type: str, case_id: int) -> QuerySet[Clock]:
    return Clock.objects.filter(case_type=case_type, case_id=case_id).order_by("started_on", "id")


def described(case_type: str, case_id: int, today: dt.date) -> list[dict]:
    """A case's time limits as the API shows them to the party: name, length and unit, start, last
    day and state."""
    lead = remind_before()
    return [{"name": c.name, "working_days": c.working_days, "calendar_days": c.calendar_days, "span": c.span,
             "started_on": c.started_on, "due_on": c.due_on, "state": deadlines.STATES[state_of(c, today, lead)]}
            for c in clocks_of(case_type, case_id)]


def counts(scope: Scope, *, today: dt.date, user) -> dict[str, int]:
    """Running clocks in the scope that are overdue or due soon, and those the user handles."""
    return {"overdue": queue(scope, today=today, state="overdue").count(),
            "due_soon": queue(scope, today=today, state="due_soon").count(),
            "mine": queue(scope, today=today, assignee=user).count()}
