"""Export of licensing and penalty records in the national 双公示 format.

For upload to the provincial and national sharing platforms: full, or only
versions that took effect since a moment; CSV (UTF-8 with BOM, so Excel reads
it) or XLSX. Exports carry full ID numbers (the platforms need them), so every
export is written to the audit trail.
"""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.policy import Scope
from legalcredit.audit.models import AuditEntry
from legalcredit.core.sealing import unseal_fields
from legalcredit.domain.identifiers import id_number
from legalcredit.audit.services import record as audit

from . import rules, selectors
from .national import derived
from .models import Status


def cell(value) -> str:
    """A value as a file's cell holds it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _records(kind: str, *, scope: Scope, since: dt.datetime | None = None, unreported: bool = False):
    qs = (selectors.visible_records(scope).filter(kind=kind, is_current=True, public=True)
          .select_related("subject").order_by("decision_date", "id")
          # Not in the national format: the raw values as received, the quality warnings and the
          # statutory sanction breakdown were a third of the time spent converting each row.
          .defer("raw", "warnings", "sanctions", "subject__created_at", "subject__updated_at"))
    if unreported:
        # What the platforms have not been sent as it now stands (a new version is unsent until
        # it is): exact, where a time cut-off would miss a version approved in a transaction that
        # committed after the cut-off but is stamped before it. Revocations too, as below.
        qs = qs.filter(reported_at__isnull=True)
    elif since:
        # A change-since file carries revocations too, so the platforms take the decision down; a
        # full file is what stands, without them.
        qs = qs.filter(effective_at__gte=since)
    else:
        qs = qs.exclude(status=Status.REVOKED)
    return qs


def national_row(kind: str, rec, *, personal, notes=()) -> dict:
    """The national fields of one version, code → value, as the export writes them: the values as
    received win; the record's own columns fill what a file never gave. ``notes``: flags to add
    to 备注 (an objection or repair in progress)."""
    d = derived(kind, rec, rec.subject) | {k: v for k, v in unseal_fields(rec.details, personal).items()
                                            if v not in (None, "")}
    if kind == "penalty" and rec.publication_end:
        d["CF_GSJZQ"] = rec.publication_end.isoformat()
    notes = ([f"已撤回公示：{rec.withdrawal_reason}"] if rec.status == Status.WITHDRAWN else
             [f"原决定已撤销（{rec.reversal_date}）：{rec.withdrawal_reason}"] if rec.status == Status.REVOKED
             else []) + ([f"已修复（{rec.repaired_on.isoformat()}），终止公示"] if rec.repaired_on else []) + list(notes)
    if kind == "license" and rec.status != Status.IN_EFFECT:
        d["XK_ZT"] = "2"  # 无效
    if notes:
        d["BZ"] = "；".join(notes)
    return d


# Coded values a reader is shown in words: 当前状态 (XK_ZT) 1 有效, 2 无效 in the national template.
SHOWN = {"XK_ZT": {"1": "有效", "2": "无效"}}


def public_fields(rec) -> list[tuple[str, str]]:
    """(label, value) as the public reads the record. A 双公示 record gives the national fields
    it carries, in the national order, ID numbers masked; any other kind its decision."""
    kind = rules.kinds().get(rec.kind)
    national = kind.dual_publication if kind else None
    if national:
        personal = rules.personal_codes()
        values = national_row(national, rec, personal=personal)
        out = []
        for spec in rules.schemas()[national].fields:
            value = cell(values.get(spec.code))
            if value:
                value = id_number.mask(value) if spec.code in personal else SHOWN.get(spec.code, {}).get(value, value)
                out.append((spec.label, value))
        return out
    rows = [("类别", rec.subtype), ("决定机关", rec.authority), ("决定书文号", rec.decision_no),
            ("决定日期", cell(rec.decision_date)), ("内容", rec.content), ("依据", rec.legal_basis),
            ("严重程度", rec.get_severity_display() if rec.severity else ""),
            ("有效期", f"{cell(rec.effective_from)} 至 {cell(rec.effective_until)}"
             if rec.effective_from and rec.effective_until else ""),
            ("公示截止期", cell(rec.publication_end))]
    return [(label, value) for label, value in rows if value]


def rows(kind: str, *, scope: Scope, since: dt.datetime | None = None, unreported: bool = False):
    schema = rules.schemas()[kind]
    qs = _records(kind, scope=scope, since=since, unreported=unreported)
    from legalcredit.remedies.selectors import record_flags

    flags = record_flags(qs.values("key"))
    personal = rules.personal_codes()
    for rec in qs.iterator(chunk_size=2000):
        d = national_row(kind, rec, personal=personal, notes=flags.get(rec.key, []))
        yield rec, [cell(d.get(f.code)) for f in schema.fields]


# An XLSX sheet holds 1,048,576 rows; a province's decades of licences may pass it.
SHEET_ROWS = 1_048_576
PROGRESS_EVERY = 2000


def count(kind: str, *, scope: Scope, since: dt.datetime | None = None) -> int:
    """How many rows ``rows`` will give: what an export job's progress counts against."""
    return _records(kind, scope=scope, since=since).count()


@transaction.atomic
def export(kind: str, path: str | Path, *, actor, scope: Scope, since: dt.datetime | None = None, unreported=False,
           fmt: str = "csv", mark_reported: bool = False, purpose: str = "", progress=None) -> int:
    """Write the file; the number of records in it. ``progress(n)`` is told every
    PROGRESS_EVERY rows (the background job's progress bar). ``unreported``: only the current
    versions not yet reported to the platforms (the data exchange), whatever ``since`` says."""
    schema = rules.schemas()[kind]
    header = [f.code for f in schema.fields]
    path = Path(path)
    ids = []

    def each():
        for rec, row in rows(kind, scope=scope, since=since, unreported=unreported):
            ids.append(rec.pk)
            if progress is not None and len(ids) % PROGRESS_EVERY == 0:
                progress(len(ids))
            yield row

    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        title = "行政处罚" if kind == "penalty" else "行政许可"
        ws = wb.create_sheet(title)
        ws.append(header)
        used = 1
        for row in each():
            if used == SHEET_ROWS:  # full: the rows go on in the next sheet, under the same header
                ws = wb.create_sheet(f"{title}（{len(wb.worksheets) + 1}）")
                ws.append(header)
                used = 1
            ws.append(row)
            used += 1
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(each())
    if mark_reported and ids:
        from .models import CreditRecord

        now = timezone.now()
        for i in range(0, len(ids), 5000):
            CreditRecord.objects.filter(pk__in=ids[i:i + 5000], reported_at__isnull=True).update(reported_at=now)
    audit(action=AuditEntry.Action.EXPORT, actor=actor, object_type="records.creditrecord",
          summary=f"导出{'行政处罚' if kind == 'penalty' else '行政许可'} {len(ids)} 条（含个人信息）",
          reason=purpose, data={"file": path.name, "since": str(since or ""), "format": fmt,
                                "personal_data": True, "rows": len(ids)})
    if progress is not None:
        progress(len(ids))
    return len(ids)
