"""Drafting, publishing and withdrawing a bulletin. Publication freezes its statistics, so what was
published stays as published when records change later."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.policy import may_in_region
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.refdata.models import Region, SubjectType

from . import selectors
from .models import Bulletin

DRAFT, PUBLISH = "bulletins.add_bulletin", "bulletins.publish_bulletin"


def _may(by, perm: str, region_code: str) -> None:
    may_in_region(by, perm, region_code, "通报公示")


def _checked(*, title: str, region: str, subject_types: list[str], period_from: dt.date, period_until: dt.date,
             body: str, issuer: str) -> dict:
    place = Region.objects.filter(code=(region or "").strip(), in_force=True).first()
    if place is None:
        raise field_error("region", "通报范围", f"“{region}”不是现行的行政区划代码")
    known = set(SubjectType.objects.values_list("code", flat=True))
    types = sorted(set(subject_types or ()))
    if not types or set(types) - known:
        raise field_error("subject_types", "通报的机构和人员类型", "须选择至少一类，且为已登记的类型")
    if period_from is None or period_until is None or period_from > period_until:
        raise field_error("period_until", "统计期间", "起止日期均须填写，且起不晚于止")
    if period_until > timezone.localdate():
        raise field_error("period_until", "统计期间", "止日不能晚于今天")
    values = {"title": (title or "").strip(), "region": place, "subject_types": types, "period_from": period_from,
              "period_until": period_until, "body": (body or "").strip(), "issuer": (issuer or "").strip()}
    for field, label in (("title", "标题"), ("body", "典型案例及服务质量问题"), ("issuer", "发布机关")):
        if not values[field]:
            raise field_error(field, label, "必须填写")
    return values


@transaction.atomic
def draft(*, by, **fields) -> Bulletin:
    values = _checked(**fields)
    _may(by, DRAFT, values["region"].code)
    b = Bulletin.objects.create(created_by=by, **values)
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="bulletins.bulletin", object_id=b.pk,
          summary=f"起草通报：{b.title}")
    return b


@transaction.atomic
def revise(pk: int, *, by, **fields) -> Bulletin:
    b = Bulletin.objects.select_for_update().get(pk=pk)
    if b.state != Bulletin.State.DRAFT:
        raise ValidationError(f"通报“{b.title}”{b.get_state_display()}，不能修改；请撤回后另行起草")
    values = _checked(**fields)
    _may(by, DRAFT, values["region"].code)
    for k, v in values.items():
        setattr(b, k, v)
    b.save()
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="bulletins.bulletin", object_id=b.pk,
          summary=f"修改通报草稿：{b.title}")
    return b


@transaction.atomic
def publish(pk: int, *, by, on: dt.date | None = None) -> Bulletin:
    """A checker other than the drafter publishes; the statistics are counted now and kept."""
    b = Bulletin.objects.select_for_update().select_related("region").get(pk=pk)
    _may(by, PUBLISH, b.region_id)
    if b.created_by_id == by.pk:
        raise PermissionDenied("不能发布本人起草的通报（起草与发布须由不同人员完成）")
    if b.state != Bulletin.State.DRAFT:
        raise ValidationError(f"通报“{b.title}”{b.get_state_display()}，不能发布")
    b.summary = selectors.summary(b.region, b.subject_types, b.period_from, b.period_until)
    b.state, b.published_by, b.published_on = Bulletin.State.PUBLISHED, by, on or timezone.localdate()
    b.save(update_fields=["summary", "state", "published_by", "published_on"])
    audit(action=AuditEntry.Action.APPROVE, actor=by, object_type="bulletins.bulletin", object_id=b.pk,
          summary=f"发布通报：{b.title}")
    return b


@transaction.atomic
def withdraw(pk: int, *, by, reason: str) -> Bulletin:
    b = Bulletin.objects.select_for_update().get(pk=pk)
    _may(by, PUBLISH, b.region_id)
    if b.state != Bulletin.State.PUBLISHED:
        raise ValidationError(f"通报“{b.title}”{b.get_state_display()}，不能撤回")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "撤回理由", "必须填写")
    b.state, b.withdrawn_reason = Bulletin.State.WITHDRAWN, reason
    b.save(update_fields=["state", "withdrawn_reason"])
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="bulletins.bulletin", object_id=b.pk,
          summary=f"撤回通报：{b.title}", reason=reason)
    return b
