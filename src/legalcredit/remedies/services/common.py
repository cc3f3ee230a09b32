"""What every remedy workflow shares: its rules, permission and jurisdiction checks, steps, numbers."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.domain import remedies
from legalcredit.refdata.rulesets import current
from legalcredit.refdata.selectors import work_calendar

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
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type=case._meta.label_lower,
          object_id=case.pk, summary=f"{action}：{case}", reason=document[:500])


def pause_for_supplement(case_type: str, case, *, by, what: str, on: dt.date) -> None:
    """补正: the applicant is told what to supply and by when; the case's clocks stop counting."""
    what = text(what, "what", "补正内容")
    due = work_calendar().add_working_days(on, policy().limit("supplement").working_days)
    case.stage = "supplement"
    case.save(update_fields=["stage"])
    clocks.pause(case_type, case.pk, on)
    step(case_type, case, "通知补正（暂停计时）", by, on, f"请于{due.isoformat()}前补正：{what}")


def resume_after_supplement(case_type: str, case, *, by, on: dt.date, back_to: str) -> None:
    case.stage = back_to
    case.save(update_fields=["stage"])
    clocks.resume(case_type, case.pk, on)
    step(case_type, case, "收到补正材料（恢复计时）", by, on)


def current_record(subject, record_number: str):
    """The subject's record by its 12-character number (or full key), current version; or a field error."""
    from legalcredit.records.models import CreditRecord

    wanted = record_number.strip()
    rec = next((r for r in CreditRecord.objects.filter(subject=subject, is_current=True)
                if r.number == wanted.upper() or str(r.key) == wanted), None)
    if rec is None:
        raise field_error("record", "信用记录", f"该主体没有编号为 {record_number} 的现行信用记录")
    return rec


def notify(user, title: str, body: str) -> None:
    """Tell the applicant by e-mail once the decision is committed (also shown in the API's progress)."""
    email = getattr(user, "email", "") if user is not None else ""
    if email:
        transaction.on_commit(lambda: send_mail(f"【公共法律服务信用监管平台】{title}", body,
                                                settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True))


def subject_entry(subject, entry_id: int):
    """The subject's list entry by id; or a field error."""
    from legalcredit.lists.models import ListEntry

    entry = ListEntry.objects.filter(pk=entry_id, subject=subject).first()
    if entry is None:
        raise field_error("list_entry", "名单记录", "该主体没有这条名单记录")
    return entry


def number(prefix: str, day: dt.date, pk: int) -> str:
    return f"{prefix}{day:%Y%m%d}{pk:06d}"


def different_officer(by, maker, what: str) -> None:
    if maker is not None and by is not None and maker.pk == by.pk:
        raise PermissionDenied(f"不能对本人审核的案件作出{what}（审核与决定须由不同人员完成）")
