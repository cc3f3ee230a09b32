"""The queue of remedy outcomes owed to the sharing platforms (信用中国, the provincial platform)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.deadlines import services as clocks

from ..models import SyncEntry


@transaction.atomic
def mark_sent(entry_ids, *, by) -> int:
    """The entries went out (by export or interface): their sync clocks stop."""
    now = timezone.now()
    day = timezone.localdate(now)
    rows = list(SyncEntry.objects.select_for_update().filter(pk__in=list(entry_ids), sent_at__isnull=True))
    for e in rows:
        e.sent_at = now
        e.save(update_fields=["sent_at"])
        clocks.stop(e.case_type, e.case_id, day, "repair_sync")
    if rows:
        audit(action=AuditEntry.Action.EXPORT, actor=by, object_type="remedies.syncentry",
              summary=f"向共享平台同步 {len(rows)} 条修复、异议结果", data={"ids": [e.pk for e in rows]})
    return len(rows)
