"""Reads of the credit lists: what is in force on a day, and the evidence evaluation counts."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q, QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.domain import scoring

from .models import ListEntry, Stage

IN_FORCE = (Stage.DECIDED, Stage.PUBLISHED, Stage.REMOVED)


def visible_entries(scope: Scope, *, party: bool = False) -> QuerySet[ListEntry]:
    """The entries about subjects in ``scope``; ``party`` for the party's own view, where a case
    is the bureau's until its notice is served (or, with no notice, until it is decided)."""
    qs = filter_subjects(ListEntry.objects.all(), scope, "subject")
    if party:
        qs = qs.exclude(stage=Stage.PROPOSED).exclude(stage=Stage.DROPPED, notice_served_on__isnull=True)
    return qs


def published(scope: Scope, *, list_code: str | None, on: dt.date, since: dt.date | None) -> QuerySet[ListEntry]:
    """The lists as published, in ``scope``: entries in force on ``on``; or, with ``since``,
    every entry published or removed since that day (removed ones too, so that a platform kept in
    step removes them as well). Entries never published (proposed, noticed, decided, dropped) are
    the bureau's own and are not among them."""
    qs = visible_entries(scope).filter(stage__in=[Stage.PUBLISHED, Stage.REMOVED], published_on__isnull=False)
    if list_code:
        qs = qs.filter(list_code=list_code)
    if since is not None:
        qs = qs.filter(Q(published_on__gte=since) | Q(removed_on__gte=since))
    else:
        qs = qs.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=on), listed_from__lte=on, listed_until__gte=on)
    return qs.select_related("subject").order_by("pk")


def party_actions(entry: ListEntry) -> list[str]:
    """The party's answers the entry's stage still admits (a deadline passed is refused, with the
    date, by the services)."""
    if entry.stage == Stage.NOTICED:
        return ["statement", *(["request_hearing"] if entry.hearing_request_due else [])]
    if entry.stage == Stage.HEARING and not entry.hearing_record:
        return ["statement"]
    return []


def in_force_on(subject_ids, day: dt.date) -> QuerySet[ListEntry]:
    """Entries in effect on ``day``: decided, the day within their period, not yet removed by then."""
    return ListEntry.objects.filter(
        Q(removed_on__isnull=True) | Q(removed_on__gt=day), subject_id__in=subject_ids, stage__in=IN_FORCE,
        listed_from__lte=day, listed_until__gte=day)


def evidence(lo: int, hi: int, known_on: dt.date | None = None) -> dict[int, list[scoring.Evidence]]:
    """Decided entries of subjects with ids in [lo, hi] as evaluation evidence (kind ``list:<code>``);
    the engine's ``while_in_effect`` windows see an entry only until it ended or was removed.
    ``known_on``: only what had been decided by that day, and removals made by then."""
    out: dict[int, list[scoring.Evidence]] = defaultdict(list)
    qs = ListEntry.objects.filter(subject_id__gte=lo, subject_id__lte=hi, stage__in=IN_FORCE)
    if known_on is not None:
        qs = qs.filter(decided_on__lte=known_on)
    rows = (qs.order_by().values_list("subject_id", "id", "decision_no", "list_code", "listed_from", "listed_until",
                                    "removed_on"))
    for sid, pk, no, code, start, until, removed in rows:
        if known_on is not None and removed and removed > known_on:
            removed = None
        end = min(until, removed - dt.timedelta(days=1)) if removed else until
        # Negative ids keep list entries apart from record ids in an explanation.
        out[sid].append(scoring.Evidence(-pk, no or f"名单#{pk}", f"list:{code}", "", "", (), start, end, None))
    return out


def in_progress(scope: Scope, *, party: bool = False) -> dict[str, int]:
    """Entries in the scope at each stage of due process before publication: stage → count."""
    from django.db.models import Count

    waiting = [Stage.PROPOSED, Stage.NOTICED, Stage.HEARING, Stage.DECIDED]
    counts = dict(visible_entries(scope, party=party).filter(stage__in=waiting).order_by()
                  .values_list("stage").annotate(n=Count("*")))
    return {stage: counts.get(stage, 0) for stage in waiting}
