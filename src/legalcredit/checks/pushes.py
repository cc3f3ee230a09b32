"""Push endpoints (变动推送地址): a department's system that would rather be told than ask is given
an address the platform POSTs its monitoring events to (checks/flows.py delivers them).

An endpoint is registered by the bureau, not by the department's token: the platform then calls
only addresses an administrator has put in, never one an API caller chose inside the government
network. The secret is shown once, at registration or rotation, and kept sealed (it has to be
read back to sign, so it cannot be a digest as a token is).
"""
from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error

from .models import PushEndpoint, WatchEvent
from .watches import after

MAX_URL = PushEndpoint._meta.get_field("url").max_length


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise field_error("url", "推送地址", "必须填写")
    if len(url) > MAX_URL:
        raise field_error("url", "推送地址", f"不超过{MAX_URL}个字符，收到{len(url)}个")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise field_error("url", "推送地址", f"“{url}”不是有效的 http 或 https 地址") from None
    return url


def last_event(owner) -> int:
    return WatchEvent.objects.filter(owner=owner).aggregate(m=Max("pk"))["m"] or 0


def pending(endpoint: PushEndpoint) -> int:
    """Events of the owner the pushes have not yet delivered."""
    return after(endpoint.owner_id, endpoint.delivered_through).count()


@transaction.atomic
def register(*, owner, url: str, by, from_start: bool = False) -> tuple[PushEndpoint, str]:
    """A new endpoint for ``owner`` and its secret (shown only now). It pushes the events found
    from now on, or with ``from_start`` every event the owner has, oldest first."""
    url = _checked_url(url)
    if not owner.is_active:
        raise field_error("owner", "关注单位账号", f"{owner.get_username()} 已停用")
    if PushEndpoint.objects.filter(owner=owner, ended_at__isnull=True).exists():
        raise field_error("owner", "关注单位账号", f"{owner.get_username()} 已有推送地址，须先停止原地址再登记新地址")
    secret = _new_secret()
    endpoint = PushEndpoint.objects.create(owner=owner, url=url, secret=secret, created_by=by,
                                           delivered_through=0 if from_start else last_event(owner))
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="checks.pushendpoint", object_id=endpoint.pk,
          summary=f"登记变动推送地址：{owner.get_username()} → {url}",
          data={"from_event": endpoint.delivered_through})
    return endpoint, secret


@transaction.atomic
def rotate_secret(endpoint_id: int, *, by) -> tuple[PushEndpoint, str]:
    """A new secret at once: deliveries from now on are signed with it (the old one stops working,
    so the department's system is given the new one before it is needed)."""
    endpoint = _active(endpoint_id)
    secret = _new_secret()
    endpoint.secret = secret
    endpoint.save(update_fields=["secret"])
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="checks.pushendpoint", object_id=endpoint.pk,
          summary=f"更换变动推送签名密钥：{endpoint}")
    return endpoint, secret


@transaction.atomic
def end(endpoint_id: int, *, by, reason: str) -> PushEndpoint:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "停止原因", "必须填写")
    endpoint = _active(endpoint_id)
    endpoint.ended_at, endpoint.ended_reason = timezone.now(), reason[:300]
    endpoint.save(update_fields=["ended_at", "ended_reason"])
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="checks.pushendpoint", object_id=endpoint.pk,
          summary=f"停止变动推送：{endpoint}", reason=reason)
    return endpoint


def retry_now(endpoint: PushEndpoint) -> None:
    """The waiting is over (the department says its system is back): the next run tries at once."""
    PushEndpoint.objects.filter(pk=endpoint.pk, ended_at__isnull=True).update(next_attempt_at=None)
    transaction.on_commit(lambda: _queue(endpoint.owner_id))


def _queue(owner_id: int) -> None:
    from .tasks import push_events

    push_events([owner_id])


def _active(endpoint_id: int) -> PushEndpoint:
    endpoint = PushEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        raise field_error("endpoint", "推送地址", "不存在")
    if endpoint.ended_at is not None:
        raise field_error("endpoint", "推送地址", f"已于 {timezone.localtime(endpoint.ended_at):%Y-%m-%d %H:%M} 停止推送")
    return endpoint
