"""Reads of complaints: the officer's queue (within jurisdiction) and the complainant's own view
on the portal (by number and query code, nothing else)."""
from __future__ import annotations

import secrets

from django.db.models import Count, QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.deadlines.models import Clock

from .models import OPEN, Complaint, Stage


def visible(scope: Scope) -> QuerySet[Complaint]:
    return filter_subjects(Complaint.objects.all(), scope, "subject").select_related("subject")


# What the respondent sees: complaints accepted for investigation (not those still under review
# for acceptance, nor those not accepted), and never who complained or how to reach them.
SHOWN_TO_RESPONDENT = (Stage.ACCEPTED, Stage.REVIEWED, Stage.DECIDED, Stage.CLOSED)


def about_respondent(scope: Scope) -> QuerySet[Complaint]:
    return visible(scope).filter(stage__in=SHOWN_TO_RESPONDENT)


def stage_counts(scope: Scope) -> dict[str, int]:
    """Open complaints in the scope per stage (the officer's to-do list)."""
    rows = (filter_subjects(Complaint.objects.filter(stage__in=OPEN), scope, "subject")
            .values_list("stage").annotate(n=Count("id")).order_by())
    return dict(rows)


def awaiting_decision(scope: Scope, user) -> QuerySet[Complaint]:
    """Reviewed complaints in the scope that this officer may decide (not the ones they reviewed)."""
    return visible(scope).filter(stage=Stage.REVIEWED).exclude(reviewed_by=user)


def for_complainant(number: str, code: str) -> Complaint | None:
    """The complaint whose number and query code both match; None otherwise (which of the two was
    wrong is not said, so numbers cannot be probed)."""
    c = Complaint.objects.select_related("subject").filter(number=(number or "").strip().upper()).first()
    if c is None or not c.query_code_hash or not code:
        return None
    return c if secrets.compare_digest(c.query_code_hash, Complaint.code_hash(code)) else None


def progress(c: Complaint) -> list[tuple[str, str]]:
    """What the complainant may know of the handling: the dates of each stage reached, then the notice."""
    out = [("收到投诉", c.received_on.isoformat())]
    if c.accepted_on:
        out.append(("受理", c.accepted_on.isoformat()))
    if c.extended_days:
        out.append(("延长处理期限", f"{c.extended_days}日"))
    if c.stage == "supplement":
        out.append(("待补正", "请按通知补正材料（补正期间暂停计时）"))
    # When the next answer is due, from the running clock (the notice step is the bureau's own).
    running = (Clock.objects.filter(case_type="complaint", case_id=c.pk, stopped_on__isnull=True,
                                    due_on__isnull=False).exclude(step="complaint_notify").order_by("due_on").first())
    if running is not None:
        out.append((f"{running.name}期限", f"{running.due_on.isoformat()}前（{running.span}）"))
    if c.notified_on and c.notice_complainant:
        out.append(("处理结果", c.notice_complainant))
    return out


def statistics(scope: Scope, start, end, today) -> list[dict]:
    """Complaints received in [start, end] within the scope, per sector: received, accepted, not
    accepted, decided, found true, closed, and of the closed how many met every time limit
    (按期办结率); open ones past a limit are counted as overdue."""
    from .services import CASE, rules

    r = rules()
    cases = list(visible(scope).filter(received_on__gte=start, received_on__lte=end)
                 .values_list("pk", "sector", "stage", "accepted_on", "decided_on", "finding"))
    late = set(Clock.objects.filter(case_type=CASE, case_id__in=[c[0] for c in cases], late=True)
               .values_list("case_id", flat=True))
    overdue = set(Clock.objects.filter(case_type=CASE, case_id__in=[c[0] for c in cases], stopped_on__isnull=True,
                                       due_on__lt=today).values_list("case_id", flat=True))
    rows: dict[str, dict] = {}
    for pk, sector, stage, accepted_on, decided_on, finding in cases:
        name = r.sectors[sector].name if sector in r.sectors else sector
        row = rows.setdefault(name, {"sector": name, "received": 0, "accepted": 0, "not_accepted": 0, "decided": 0,
                                     "upheld": 0, "closed": 0, "closed_on_time": 0, "overdue": 0})
        row["received"] += 1
        row["accepted"] += accepted_on is not None
        row["not_accepted"] += stage == Stage.NOT_ACCEPTED
        row["decided"] += decided_on is not None and stage in (Stage.DECIDED, Stage.CLOSED)
        row["upheld"] += finding in r.findings and r.findings[finding].upheld
        closed = stage in (Stage.CLOSED, Stage.NOT_ACCEPTED)
        row["closed"] += closed
        row["closed_on_time"] += closed and pk not in late
        row["overdue"] += pk in overdue
    for row in rows.values():
        row["on_time_rate"] = round(row["closed_on_time"] / row["closed"], 4) if row["closed"] else None
    return sorted(rows.values(), key=lambda x: x["sector"])


def alerts(scope: Scope) -> QuerySet:
    """Complaint alerts about subjects in the scope."""
    from .models import ComplaintAlert

    return filter_subjects(ComplaintAlert.objects.all(), scope, "subject").select_related("subject", "handled_by")
