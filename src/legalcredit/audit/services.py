"""Appending to the audit trail, and sealing it.

``record`` is called inside the transaction of the change it records, so an entry exists exactly
when the change does. It takes no lock: the entry is written unlinked. ``seal`` links committed
entries into the hash chain, oldest first, under the chain head's row lock, so only sealers ever
wait on each other. Where sealing happens is the setting ``AUDIT_SEAL_INLINE``:

* inline (the default on SQLite, where writes are serialised anyway): ``record`` seals in the
  writer's own transaction, so the chain is always complete;
* deferred (the default on PostgreSQL): the scheduler seals every minute (``tasks.seal_trail``),
  and ``audit verify`` / ``audit digest`` seal before they read. Concurrent writers (credit checks,
  audited reads) then never queue behind one row lock. The append-only trigger guards an entry
  from the moment it is written; the chain adds tamper evidence within a minute.
"""
from __future__ import annotations

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from legalcredit.core import sql
from legalcredit.domain.hashchain import GENESIS, entry_hash

from .models import AuditEntry, AuditHead


def client_ip(request) -> str:
    if request is None:
        return ""
    # Behind the documented reverse proxy the client is the first forwarded address.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", ""))[:45]


def seals_inline(using: str = "default") -> bool:
    configured = getattr(settings, "AUDIT_SEAL_INLINE", None)
    return connections[using].vendor == "sqlite" if configured is None else bool(configured)


# No savepoint of its own: an entry that cannot be written must undo the change it records, and
# a savepoint cost every audited call two more round trips.
@transaction.atomic(savepoint=False)
def record(*, action: str, actor=None, object_type: str = "", object_id="", summary: str = "",
           reason: str = "", request=None, data: dict | None = None) -> AuditEntry:
    entry = sql.insert(unsaved(action=action, actor=actor, object_type=object_type, object_id=object_id,
                               summary=summary, reason=reason, request=request, data=data))
    if seals_inline():
        linked = {e.pk: e for e in _seal_batch(BATCH)}.get(entry.pk)
        if linked is not None:   # else behind a backlog of over BATCH entries: the next write links it
            entry.seq, entry.prev_hash, entry.hash = linked.seq, linked.prev_hash, linked.hash
    return entry


def unsaved(*, action: str, actor=None, object_type: str = "", object_id="", summary: str = "",
            reason: str = "", request=None, data: dict | None = None) -> AuditEntry:
    """The entry ``record`` writes, not yet written: for a writer that stores it in the same
    statement as the change it records (with deferred sealing only; see ``seals_inline``)."""
    authenticated = actor is not None and getattr(actor, "pk", None) is not None
    return AuditEntry(
        at=timezone.now(), actor_id=actor.pk if authenticated else None,
        actor=actor.get_username() if authenticated else "", action=action,
        object_type=object_type, object_id=str(object_id)[:64], summary=summary[:300],
        reason=(reason or "")[:300], ip=client_ip(request), data=data or {})


BATCH = 2000


def _seal_batch(limit: int) -> list[AuditEntry]:
    """Link up to ``limit`` unlinked entries, in the order they were written (id order); the
    entries linked."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"seq": 0, "hash": GENESIS})
    pending = list(AuditEntry.objects.filter(hash="").order_by("id")[:limit])
    if not pending:
        return pending
    seq, prev = head.seq, head.hash
    for entry in pending:
        seq += 1
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = entry_hash(prev, entry.hashed_fields())
    AuditEntry.objects.bulk_update(pending, ["seq", "prev_hash", "hash"], batch_size=500)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    return pending


def seal() -> int:
    """Link every committed entry not yet in the chain; how many were linked.

    Each batch is its own transaction, so a long backlog never holds the head for long. An entry
    whose transaction commits after a batch is read is linked by the next run, behind the entries
    already sealed: the chain's order is the order of sealing."""
    total = 0
    while True:
        with transaction.atomic():
            done = len(_seal_batch(BATCH))
        total += done
        if done < BATCH:
            return total


def record_read(request, objects, *, purpose: str = "", what: str = "") -> AuditEntry | None:
    """Log a read of non-public data (one entry per request, listing the subjects)."""
    ids = [str(o.pk) for o in objects]
    if not ids:
        return None
    model = type(objects[0])._meta.concrete_model._meta
    return record(action=AuditEntry.Action.READ, actor=getattr(request, "user", None),
                  object_type=model.label_lower, object_id=ids[0] if len(ids) == 1 else "",
                  summary=what or f"查阅 {len(ids)} 个{model.verbose_name}", reason=purpose,
                  request=request, data={"ids": ids[:200], "path": request.path})
