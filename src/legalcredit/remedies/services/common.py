"""What every remedy workflow shares: its rules, permission and jurisdiction checks, steps, numbers."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.domain import remedies
from legalcredit.refdata.rulesets import current

from ..models import CaseStep


def policy() -> remedies.Policy:
    return current("remedies")


def today(on: dt.date | None = None) -> dt.date:
    day = timezone.localdate()
    if on is not None and on > day:
        raise field_error("on", "日期", "不能晚于今天")
    return on or day


def text(value: str, field: str, label: str, rule: str = "必须填写") -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, label, rule)
    return value


def may(user, subject, perm: str, what: str) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied(f"您没有{what}的权限")
    if not scope_for(user).covers_subject(subject):
        raise PermissionDenied(f"“{subject.name}”不在您的管辖或授权范围内")


def step(case_type: str, case, action: str, by, on: dt.date, document: str = "") -> None:
    CaseStep.objects.create(case_type=case_type, case_id=case.pk, stage=getattr(case, "stage", ""),
                            action=action, officer=by, on=on, document=document)
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type=f"remedies.{type(case).__name__.lower()}",
          object_id=case.pk, summary=f"{action}：{case}", reason=document[:500])


def number(prefix: str, day: dt.date, pk: int) -> str:
    return f"{prefix}{day:%Y%m%d}{pk:06d}"


def different_officer(by, maker, what: str) -> None:
    if maker is not None and by is not None and maker.pk == by.pk:
        raise PermissionDenied(f"不能对本人审核的案件作出{what}（审核与决定须由不同人员完成）")
