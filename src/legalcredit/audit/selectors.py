from __future__ import annotations

import datetime as dt

from django.utils import timezone

from legalcredit.domain import hashchain

from .models import AuditEntry


def verify_chain(batch: int = 5000) -> tuple[int, hashchain.Problem | None]:
    """Walk the whole trail in order; the first broken place, if any."""
    def rows():
        last = 0
        while True:
            chunk = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])  # sealed only
            if not chunk:
                return
            for e in chunk:
                yield e.seq, e.prev_hash, e.hash, e.hashed_fields()
            last = chunk[-1].seq

    count, problem = hashchain.verify(rows())
    if problem is None:
        from .models import AuditHead
        head = AuditHead.objects.filter(id=1).first()
        if head is not None and head.seq != count:
            problem = hashchain.Problem(count + 1, "missing",
                                        f"审计链头记录到第 {head.seq} 条，但只找到 {count} 条（末尾记录被删除）")
    return count, problem


def daily_digest(day: dt.date) -> dict:
    """The day's last link: publishing it fixes the trail up to then."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = start + dt.timedelta(days=1)
    todays = AuditEntry.objects.filter(at__gte=start, at__lt=end)
    last = todays.filter(seq__isnull=False).order_by("-seq").first()
    return {"date": day.isoformat(), "entries": todays.count(), "unsealed": todays.filter(hash="").count(),
            "last_seq": last.seq if last else None, "last_hash": last.hash if last else None}


def unsealed() -> int:
    """Entries written but not yet linked into the chain (deferred sealing)."""
    return AuditEntry.objects.filter(hash="").count()


def logged(object_type: str, object_id, key: str):
    """What the audit trail recorded under ``key`` for an object (a receipt's, a report's, a
    draw's digest), or None: what a verification compares the stored object against."""
    data = (AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id), data__has_key=key)
            .values_list("data", flat=True).first())
    return data[key] if data else None
