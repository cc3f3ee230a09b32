"""Issuing a credit report and checking one someone holds.

The report's content is stored with its digest, and the digest goes into the audit chain in the
same transaction: a report cannot be altered afterwards, in the file or in the database, without
the check saying so.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from legalcredit.audit import selectors as audit_trail
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.domain.credit_reports import ReportRulesError

from . import selectors
from .models import CreditReport

CODE_LENGTH = 16


def _digest(report: CreditReport) -> str:
    body = {"serial": report.serial, "issued_at": report.issued_at.isoformat(), "subject": report.subject_id,
            "on": report.on.isoformat(), "content": report.content}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _serial(now: dt.datetime) -> str:
    # Not guessable: a report's number alone shows nothing (its code is needed as well).
    return f"XYBG{timezone.localtime(now):%Y%m%d}{secrets.token_hex(5).upper()}"


@transaction.atomic
def issue(subject, *, by=None, channel: str = "portal", request=None, years: int | None = None,
          sections=None) -> CreditReport:
    """A report of the subject's public credit as it stands today, over ``years`` back and in
    ``sections`` as asked (default: the rules' period, every section)."""
    now = timezone.now()
    on = timezone.localdate(now)
    report_rules = selectors.rules()
    try:
        content = selectors.content(subject, on, report_rules, years=years, sections=sections)
    except ReportRulesError as exc:     # the message names the field and the rule already
        raise ValidationError({exc.field: str(exc)}) from None
    report = CreditReport(serial=_serial(now), subject=subject, issued_at=now, on=on,
                          window_from=dt.date.fromisoformat(content["window_from"]),
                          rules_version=report_rules.version, channel=channel,
                          requested_by=by if getattr(by, "is_authenticated", False) else None, content=content)
    report.digest = _digest(report)
    report.save()
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="reports.creditreport", object_id=report.serial,
          summary=f"出具信用报告：{subject.name}", request=request, data={"digest": report.digest})
    return report


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def verify(serial: str, code: str) -> tuple[bool, CreditReport | None, str]:
    """(valid, the report, why not) for a report number and verification code someone holds."""
    report = selectors.by_serial((serial or "").strip().upper())
    if report is None:
        return False, None, "报告编号不存在"
    if normalise_code(code) != report.digest[:CODE_LENGTH].upper():
        return False, report, "验证码与报告编号不符"
    if _digest(report) != report.digest:
        return False, report, "存档的报告内容已被改动"
    if audit_trail.logged("reports.creditreport", report.serial, "digest") != report.digest:
        return False, report, "审计日志中没有与之相符的记录"
    return True, report, ""
