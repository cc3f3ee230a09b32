"""Reads of discipline referrals, within the user's region (bureaus and associations alike)."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.deadlines.models import Clock

from .models import Referral, State


def sector_of(user) -> str:
    """The association's profession ('' for a bureau, or an association of every sector)."""
    return getattr(getattr(user, "officer", None), "sector", "") or ""


def visible(scope: Scope, user=None) -> QuerySet[Referral]:
    """Within the region; for an association of one profession, only what is referred to it."""
    qs = filter_subjects(Referral.objects.all(), scope, "subject").select_related("subject", "record")
    sector = sector_of(user)
    return qs.filter(sector=sector) if sector else qs


def open_referrals(scope: Scope, user=None) -> QuerySet[Referral]:
    return visible(scope, user).filter(state=State.OPEN)


def statistics(scope: Scope, start: dt.date, end: dt.date, today: dt.date, user=None) -> dict[str, int]:
    """Penalties referred in [start, end]: how many, answered (disciplined, declined), answered
    within the limit, and open past it. One grouped query."""
    from .services import CASE

    clocks = Clock.objects.filter(case_type=CASE, case_id=OuterRef("pk"))
    late = Exists(clocks.filter(late=True))
    overdue = Exists(clocks.filter(stopped_on__isnull=True, due_on__lt=today))
    # The subqueries go in the FILTER clauses, not as annotations: PostgreSQL cannot see an
    # annotation's alias inside an aggregate over it (SQLite can).
    answered = ~Q(state=State.OPEN)
    return (visible(scope, user).filter(referred_on__range=(start, end)).order_by()
            .aggregate(referred=Count("pk"), answered=Count("pk", filter=answered),
                       disciplined=Count("pk", filter=Q(state=State.DISCIPLINED)),
                       declined=Count("pk", filter=Q(state=State.DECLINED)),
                       on_time=Count("pk", filter=answered & ~Q(late)),
                       overdue=Count("pk", filter=Q(state=State.OPEN) & Q(overdue))))
