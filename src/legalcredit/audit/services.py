"""Appending to the audit trail. Called inside the transaction of the change it
records, so an entry exists exactly when the change does."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from legalcredit.domain.hashchain import GENESIS, entry_hash

from .models import AuditEntry, AuditHead


def client_ip(request) -> str:
    if request is None:
        return ""
    # Behind the documented reverse proxy the client is the first forwarded address.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR", ""))[:45]


@transaction.atomic
def record(*, action: str, actor=None, object_type: str = "", object_id="", summary: str = "",
           reason: str = "", request=None, data: dict | None = None) -> AuditEntry:
    head, _ = AuditHead.objects.select_for_update().get_or_create(
        id=1, defaults={"seq": 0, "hash": GENESIS})
    authenticated = actor is not None and getattr(actor, "pk", None) is not None
    entry = AuditEntry(
        seq=head.seq + 1, at=timezone.now(), actor_id=actor.pk if authenticated else None,
        actor=actor.get_username() if authenticated else "", action=action,
        object_type=object_type, object_id=str(object_id)[:64], summary=summary[:300],
        reason=(reason or "")[:300], ip=client_ip(request), data=data or {}, prev_hash=head.hash)
    entry.hash = entry_hash(entry.prev_hash, entry.hashed_fields())
    entry.save(force_insert=True)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


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
