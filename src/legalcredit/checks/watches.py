"""Continuous monitoring (信用关注): a department watches subjects for a matter type; the platform
re-checks them when their records change and on a schedule (lists, grades and publication periods
change too), and every change in their standing (domain/monitoring.py) becomes an event the
department reads from the API, in order, with the answer as it now stands.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.domain import monitoring
from legalcredit.lists.services import catalogue

from . import selectors
from .models import Watch, WatchEvent
from .services import _answer, _find, checked_request, unit_of

CHUNK = 500
# The registered purpose under which the events are read, pulled or pushed (audit trail).
PURPOSE = "信用关注变动提醒"


@transaction.atomic
def watch(*, by, queries: list[dict], matter: str, purpose: str, token=None) -> list[Watch]:
    """Start watching each subject (by USCC, ID number or licence number) for ``matter``; a subject
    already watched by the caller for that matter keeps its watch. All or none."""
    purpose = checked_request(purpose, matter, queries, what="关注")
    cat = catalogue()
    today, now, scope = timezone.localdate(), timezone.now(), scope_for(by)
    out = []
    for query in queries:
        standing, described = _find(query, today)
        if standing is None:
            raise field_error("subjects", "关注对象", f"平台未登记{described}对应的主体，不能关注（可先核查）")
        if not scope.covers_subject(standing):
            raise PermissionDenied(f"{described} 对应的主体不在您的查询范围内")
        existing = Watch.objects.filter(owner=by, subject_id=standing.pk, matter_type=matter,
                                        ended_at__isnull=True).first()
        if existing is not None:
            out.append(existing)
            continue
        answer = _answer(standing, described, matter, today, today)
        w = Watch.objects.create(owner=by, unit=unit_of(by, token), subject_id=standing.pk, matter_type=matter,
                                 purpose=purpose, answer=answer, digest=monitoring.digest(answer), checked_at=now)
        audit(action=AuditEntry.Action.READ, actor=by, object_type="checks.watch", object_id=w.pk,
              summary=f"信用关注（{cat.matter_types[matter].name}）：{described}", reason=purpose)
        out.append(w)
    return out


@transaction.atomic
def end(watch_id: int, *, by, reason: str = "") -> Watch:
    w = Watch.objects.select_for_update().filter(pk=watch_id, owner=by).first()
    if w is None:
        raise Watch.DoesNotExist("关注不存在，或不是本单位的关注")
    if w.ended_at is None:
        w.ended_at = timezone.now()
        w.save(update_fields=["ended_at"])
        audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="checks.watch", object_id=w.pk,
              summary=f"结束信用关注：{w.subject}", reason=(reason or "").strip())
    return w


def recheck(*, subject_ids=None, today: dt.date | None = None) -> int:
    """Re-check the active watches (of ``subject_ids`` only, if given) and record an event for each
    whose standing changed; returns the number of events. Each chunk is its own transaction."""
    today = today or timezone.localdate()
    active = Watch.objects.filter(ended_at__isnull=True)
    if subject_ids is not None:
        active = active.filter(subject_id__in=list(subject_ids))
    ids = list(active.order_by("pk").values_list("pk", flat=True))
    found = 0
    for i in range(0, len(ids), CHUNK):
        found += _recheck_chunk(ids[i:i + CHUNK], today)
    return found


@transaction.atomic
def _recheck_chunk(ids: list[int], today: dt.date) -> int:
    now, events = timezone.now(), []
    for w in Watch.objects.select_for_update().select_related("subject").filter(pk__in=ids, ended_at__isnull=True):
        [standing] = selectors.standing_by("id", w.subject_id, today) or [None]
        answer = _answer(standing, w.subject.name, w.matter_type, today, today)
        digest = monitoring.digest(answer)
        if digest == w.digest:
            continue
        events.append(WatchEvent(watch=w, owner_id=w.owner_id, at=now, changes=monitoring.changes(w.answer, answer),
                                 answer=answer, digest=digest))
        w.answer, w.digest, w.checked_at = answer, digest, now
        w.save(update_fields=["answer", "digest", "checked_at"])
    WatchEvent.objects.bulk_create(events)
    Watch.objects.filter(pk__in=ids).update(checked_at=now)
    if events:
        owners = sorted({e.watch.owner_id for e in events})
        transaction.on_commit(lambda: _announce(owners))
    return len(events)


def _announce(owner_ids: list[int]) -> None:
    """Owners with a push endpoint are pushed their new events at once (checks/flows.py)."""
    from .models import PushEndpoint
    from .tasks import push_events

    if PushEndpoint.objects.filter(owner_id__in=owner_ids, ended_at__isnull=True).exists():
        push_events(owner_ids)


def after(owner_id: int, cursor: int):
    """The owner's events after cursor ``cursor`` (an event id): what a feed, pulled or pushed,
    has still to give (one range of the (owner, id) index)."""
    return WatchEvent.objects.filter(owner_id=owner_id, pk__gt=cursor)


def events_after(owner, cursor: int, limit: int = 200):
    """The owner's events after ``cursor``, oldest first, with what the feed shows of each."""
    # The watch's own last answer is the event's, or newer: not read again with every event.
    return (after(owner.pk, cursor).select_related("watch__subject").defer("watch__answer")
            .order_by("pk")[:limit])
