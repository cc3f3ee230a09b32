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
from legalcredit.audit.services import record as audit

from . import rules, selectors
from .models import Status


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _money(value) -> str:
    return "" if value is None else format(value.normalize(), "f")


def derived(kind: str, rec, subject) -> dict[str, str]:
    """The national fields a record holds in its own columns, for a record that was entered by
    hand or migrated rather than imported from the national template (it has no raw values)."""
    p = "CF" if kind == "penalty" else "XK"
    person = not subject.is_institution
    out = {f"{p}_XDR_MC": subject.name, f"{p}_XDR_LB": "自然人" if person else "法人及非法人组织",
           f"{p}_WSH": rec.decision_no, f"{p}_NR": rec.content, f"{p}_JDRQ": _iso(rec.decision_date)}
    if person:
        if subject.id_number:
            out |= {f"{p}_XDR_ZJLX": "身份证", f"{p}_XDR_ZJHM": subject.id_number}
    else:
        out |= {f"{p}_XDR_SHXYM": subject.uscc or "", f"{p}_FRDB": subject.legal_representative}
    if kind == "penalty":
        out |= {"CF_WFXW": rec.subtype or rec.content, "CF_SY": rec.content, "CF_YJ": rec.legal_basis,
                "CF_CFLB": "、".join(rec.penalty_types or []) or rec.subtype,
                "CF_NR_FK": _money(rec.fine_amount), "CF_NR_WFFF": _money(rec.confiscation_amount),
                "CF_NR_ZKDX": rec.certificate, "CF_YXQ": _iso(rec.effective_until), "CF_CFJG": rec.authority,
                "CF_CFJGDM": rec.authority_uscc, "CF_SJLY": rec.source_unit, "CF_SJLYDM": rec.source_unit_uscc}
    else:
        out |= {"XK_XKWS": rec.subtype or "行政许可决定书", "XK_YXQZ": _iso(rec.effective_from),
                "XK_YXQZI": _iso(rec.effective_until), "XK_XKJG": rec.authority, "XK_XKJGDM": rec.authority_uscc,
                "XK_LYDW": rec.source_unit, "XK_LYDWDM": rec.source_unit_uscc}
    return {k: v for k, v in out.items() if v not in (None, "")}


def rows(kind: str, *, scope: Scope, since: dt.datetime | None = None):
    schema = rules.schemas()[kind]
    qs = (selectors.visible_records(scope).filter(kind=kind, is_current=True, public=True)
          .exclude(status=Status.REVOKED).select_related("subject").order_by("decision_date", "id"))
    if since:
        qs = qs.filter(effective_at__gte=since)
    from legalcredit.remedies.selectors import record_flags

    flags = record_flags(qs.values("key"))
    personal = rules.personal_codes()
    for rec in qs.iterator(chunk_size=2000):
        # The values as received win; the record's own columns fill what a file never gave.
        d = derived(kind, rec, rec.subject) | {k: v for k, v in unseal_fields(rec.details, personal).items()
                                                if v not in (None, "")}
        if kind == "penalty" and rec.publication_end:
            d["CF_GSJZQ"] = rec.publication_end.isoformat()
        notes = [f"已撤回公示：{rec.withdrawal_reason}"] if rec.status == Status.WITHDRAWN else []
        if rec.repaired_on:
            notes.append(f"已修复（{rec.repaired_on.isoformat()}），终止公示")
        notes += flags.get(rec.key, [])
        if notes:
            d["BZ"] = "；".join(notes)
        yield rec, [_cell(d.get(f.code)) for f in schema.fields]


@transaction.atomic
def export(kind: str, path: str | Path, *, actor, scope: Scope, since: dt.datetime | None = None,
           fmt: str = "csv", mark_reported: bool = False, purpose: str = "") -> int:
    schema = rules.schemas()[kind]
    header = [f.code for f in schema.fields]
    path = Path(path)
    ids = []
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("行政处罚" if kind == "penalty" else "行政许可")
        ws.append(header)
        for rec, row in rows(kind, scope=scope, since=since):
            ws.append(row)
            ids.append(rec.pk)
        wb.save(path)
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            for rec, row in rows(kind, scope=scope, since=since):
                w.writerow(row)
                ids.append(rec.pk)
    if mark_reported and ids:
        from .models import CreditRecord

        now = timezone.now()
        for i in range(0, len(ids), 5000):
            CreditRecord.objects.filter(pk__in=ids[i:i + 5000], reported_at__isnull=True).update(reported_at=now)
    audit(action=AuditEntry.Action.EXPORT, actor=actor, object_type="records.creditrecord",
          summary=f"导出{'行政处罚' if kind == 'penalty' else '行政许可'} {len(ids)} 条（含个人信息）",
          reason=purpose, data={"file": path.name, "since": str(since or ""), "format": fmt,
                                "personal_data": True, "rows": len(ids)})
    return len(ids)
