"""Reads of complaints: the officer's queue (within jurisdiction) and the complainant's own view
on the portal (by number and query code, nothing else)."""
from __future__ import annotations

import secrets

from django.db.models import Count, QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects

from .models import OPEN, Complaint, Stage


def visible(scope: Scope) -> QuerySet[Complaint]:
    return filter_subjects(Complaint.objects.all(), scope, "subject").select_related("subject")


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
        out.append(("待补正", "请按通知补正材料"))
    if c.notified_on and c.notice_complainant:
        out.append(("处理结果", c.notice_complainant))
    return out
