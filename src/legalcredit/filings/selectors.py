"""Reads of penalty filings: the provincial bureau sees every city's, a city bureau its own, and a
county bureau those about its subjects (filed by its city, not by it)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from legalcredit.accounts.policy import Scope, filter_regions, filter_subjects

from .models import PenaltyFiling, Stage

TO_FILE = (Stage.DUE, Stage.RETURNED)


def visible(scope: Scope) -> QuerySet[PenaltyFiling]:
    qs = PenaltyFiling.objects.all()
    if not scope.everything:
        qs = filter_regions(qs, scope) | filter_subjects(qs, scope, "subject")
    return qs.select_related("subject", "record", "region")


def filed_by(scope: Scope) -> QuerySet[PenaltyFiling]:
    """The filings the scope's bureau files: its city's (a county's scope reaches none)."""
    return filter_regions(PenaltyFiling.objects.all(), scope).select_related("subject", "record", "region")


def to_file(scope: Scope) -> QuerySet[PenaltyFiling]:
    """Waiting for the city: not yet filed, or returned for more."""
    return filed_by(scope).filter(stage__in=TO_FILE)


def to_receive(scope: Scope) -> QuerySet[PenaltyFiling]:
    return visible(scope).filter(stage=Stage.FILED)


def unsettled(scope: Scope, settled) -> QuerySet[PenaltyFiling]:
    """Filed, with rectification not yet settled (正在整改, 尚未整改): the city updates it."""
    return filed_by(scope).filter(filed_on__isnull=False).exclude(rectification__in=sorted(settled))


def _counts(settled) -> dict:
    filed = Q(filed_on__isnull=False)
    return dict(penalties=Count("pk"), filed=Count("pk", filter=filed),
                on_time=Count("pk", filter=filed & Q(late=False)), late=Count("pk", filter=filed & Q(late=True)),
                received=Count("pk", filter=Q(stage=Stage.RECEIVED)),
                returned=Count("pk", filter=Q(stage=Stage.RETURNED)),
                settled=Count("pk", filter=filed & Q(rectification__in=sorted(settled))))


def statistics(scope: Scope, start: dt.date, end: dt.date, today: dt.date, settled) -> dict[str, int]:
    """Penalties that took effect in [start, end]: how many, filed (on time, late), not filed past
    their last day, signed for, returned, rectification settled. One grouped query."""
    qs = visible(scope).filter(effective_on__range=(start, end)).order_by()
    return qs.aggregate(**_counts(settled), overdue=Count("pk", filter=Q(filed_on__isnull=True, due_on__lt=today)))


def by_city(scope: Scope, start: dt.date, end: dt.date, today: dt.date, settled) -> list[dict]:
    """The same figures per filing city, for the province's table (报送情况统计)."""
    qs = visible(scope).filter(effective_on__range=(start, end)).order_by()
    rows = (qs.values("region_id", "region__name")
            .annotate(**_counts(settled), overdue=Count("pk", filter=Q(filed_on__isnull=True, due_on__lt=today)))
            .order_by("region_id"))
    return [{**row, "on_time_rate": on_time_rate(row)} for row in rows]


def on_time_rate(n: dict) -> float | None:
    """Per cent filed in time of the penalties whose time has been decided: filed, or past their
    last day unfiled (a penalty that took effect yesterday is neither yet)."""
    decided = n["filed"] + n["overdue"]
    return round(100 * n["on_time"] / decided, 2) if decided else None
