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

from .models import AuditEntry, AuditHead, ChainCheck


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


def record_read(request, objects, *, purpose: str = "", what: str = "",
                full_id_number: bool = False) -> AuditEntry | None:
    """Log a read of non-public data (one entry per request, listing the subjects);
    ``full_id_number``: ID numbers were shown in full (the monthly access review counts those)."""
    ids = [str(o.pk) for o in objects]
    if not ids:
        return None
    model = type(objects[0])._meta.concrete_model._meta
    data = {"ids": ids[:200], "count": len(ids), "path": request.path}
    if full_id_number:
        data["full_id_number"] = True
    return record(action=AuditEntry.Action.READ, actor=getattr(request, "user", None),
                  object_type=model.label_lower, object_id=ids[0] if len(ids) == 1 else "",
                  summary=what or f"查阅 {len(ids)} 个{model.verbose_name}", reason=purpose,
                  request=request, data=data)


ALERT_PERMISSION = "audit.view_auditentry"


def check_chain(*, by: str = "调度器（每日）") -> ChainCheck:
    """Seal what is waiting, verify the whole chain and the append-only guard, and keep the result;
    a failure is written to the trail and e-mailed at once to everyone who may read the trail."""
    from django.contrib.auth import get_user_model
    from django.core.mail import send_mail

    from . import guard, selectors

    seal()
    count, problem = selectors.verify_chain()
    guarded = guard.in_place()
    found = "；".join(filter(None, [problem.message if problem else "",
                                    "" if guarded else "数据库的只追加保护触发器缺失或被停用（运行 legalcredit migrate 恢复，并调查原因）"]))
    result = ChainCheck.objects.create(at=timezone.now(), entries=count, chain_ok=problem is None, guard_ok=guarded,
                                       problem=found, by=by[:60])
    if not result.ok:
        record(action=AuditEntry.Action.CREATE, object_type="audit.chaincheck", object_id=result.pk,
               summary=f"审计链校验未通过：{found}"[:300], data={"entries": count})
        readers = get_user_model().objects.with_perm(ALERT_PERMISSION, backend="django.contrib.auth.backends.ModelBackend")
        to = sorted({u.email for u in readers.exclude(email="")})
        if to:
            send_mail("【安全告警】审计日志校验未通过",
                      f"{timezone.localtime(result.at):%Y-%m-%d %H:%M} 校验审计日志：{found}\n"
                      f"前 {count} 条完好。请按信用信息安全应急处置制度立即核查，"
                      "并在服务器上运行 legalcredit audit verify 复核。",
                      settings.DEFAULT_FROM_EMAIL, to, fail_silently=True)
    return result


def last_chain_check() -> ChainCheck | None:
    return ChainCheck.objects.order_by("-at", "-id").first()
