"""Reads of satisfaction ratings: within the officer's jurisdiction, and per service for a period."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, Exists, OuterRef, QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.deadlines.models import Clock

from .models import FollowUp, SatisfactionRating


def visible(scope: Scope) -> QuerySet[SatisfactionRating]:
    return filter_subjects(SatisfactionRating.objects.all(), scope, "subject").select_related("subject")


def awaiting_follow_up(scope: Scope) -> QuerySet[SatisfactionRating]:
    return visible(scope).filter(follow_up=FollowUp.OPEN)


def statistics(scope: Scope, start: dt.date, end: dt.date, today: dt.date) -> list[dict]:
    """Ratings of services given in [start, end], per service: how many, the 满意率 (a bad review
    found unfounded not counted), the bad reviews, and of those how many were followed up, in
    time, and how many are overdue. Counted by the database, one grouped query."""
    from .services import CASE, rules

    r = rules()
    clocks = Clock.objects.filter(case_type=CASE, case_id=OuterRef("pk"))
    grouped = (visible(scope).filter(served_on__gte=start, served_on__lte=end)
               .annotate(late=Exists(clocks.filter(late=True)),
                         overdue=Exists(clocks.filter(stopped_on__isnull=True, due_on__lt=today)))
               .values_list("service", "level", "outcome", "follow_up", "late", "overdue")
               .annotate(n=Count("id")).order_by())
    per_service: dict[str, dict] = {}
    for service, level, outcome, follow_up, late, overdue, n in grouped:
        row = per_service.setdefault(service, {"counts": Counter(), "ratings": 0, "bad": 0, "followed_up": 0,
                                               "on_time": 0, "overdue": 0})
        row["counts"][(level, outcome)] += n
        row["ratings"] += n
        if level in r.levels and r.levels[level].bad:
            row["bad"] += n
            done = follow_up == FollowUp.DONE
            row["followed_up"] += n if done else 0
            row["on_time"] += n if done and not late else 0
            row["overdue"] += n if overdue else 0
    out = []
    for service, row in per_service.items():
        t = r.tally_counts(row.pop("counts"))
        out.append({"service": r.services.get(service, service), **row, "counted": t.ratings,
                    "satisfied": t.satisfied, "rate": t.rate})
    return sorted(out, key=lambda x: -x["ratings"])
