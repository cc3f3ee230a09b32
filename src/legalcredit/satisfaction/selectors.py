"""Reads of satisfaction ratings: within the officer's jurisdiction, and per service for a period."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

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
    time, and how many are overdue."""
    from .services import CASE, rules

    r = rules()
    rows = list(visible(scope).filter(served_on__gte=start, served_on__lte=end)
                .values_list("pk", "service", "level", "outcome", "follow_up"))
    late = set(Clock.objects.filter(case_type=CASE, case_id__in=[x[0] for x in rows], late=True)
               .values_list("case_id", flat=True))
    overdue = set(Clock.objects.filter(case_type=CASE, case_id__in=[x[0] for x in rows], stopped_on__isnull=True,
                                       due_on__lt=today).values_list("case_id", flat=True))
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row[1], []).append(row)
    out = []
    for service, items in grouped.items():
        t = r.tally((level, outcome) for _, _, level, outcome, _ in items)
        bad = [x for x in items if r.levels[x[2]].bad]
        done = [x for x in bad if x[4] == FollowUp.DONE]
        out.append({"service": r.services.get(service, service), "ratings": len(items), "counted": t.ratings,
                    "satisfied": t.satisfied, "rate": t.rate, "bad": len(bad), "followed_up": len(done),
                    "on_time": sum(1 for x in done if x[0] not in late),
                    "overdue": sum(1 for x in bad if x[0] in overdue)})
    return sorted(out, key=lambda x: -x["ratings"])
