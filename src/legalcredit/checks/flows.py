"""Delivering monitoring events to push endpoints (变动推送): the one place the platform calls out
to a department's system.

Each run takes an endpoint (a lease, so one worker at a time pushes it, in order), POSTs the
owner's events after the endpoint's cursor in batches, signed (domain/push.py), and moves the
cursor only on a 2xx answer. A failure is recorded and the endpoint waits, longer after each
failure in a row, then is tried again from the same cursor: delivery is at least once, in order,
and the receiver tells a repeat by the event ids. Every delivered batch is an audit entry, as a
read of the same events through the API is.
"""
from __future__ import annotations

import datetime as dt
import socket
import time
import urllib.error
import urllib.request
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.domain import push

from .models import PushAttempt, PushEndpoint, WatchEvent
from .watches import PURPOSE, after, events_after


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect would send the signed events to an address nobody registered.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def _hold() -> dt.timedelta:
    return dt.timedelta(seconds=2 * settings.PUSH_TIMEOUT_SECONDS + 30)


def _claim(endpoint_id: int) -> bool:
    now = timezone.now()
    return bool(PushEndpoint.objects.filter(pk=endpoint_id, ended_at__isnull=True)
                .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
                .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .update(leased_until=now + _hold()))


def deliver(endpoint_id: int) -> int:
    """Push what is waiting for one endpoint, if it is due and nobody else is pushing it; returns
    the number of events delivered."""
    if not _claim(endpoint_id):
        return 0
    sent, more = 0, False
    try:
        for _ in range(settings.PUSH_BATCHES_PER_RUN):
            endpoint = PushEndpoint.objects.select_related("owner").get(pk=endpoint_id)
            # A disabled account is told nothing more, pulled or pushed, until it is enabled again.
            if endpoint.ended_at is not None or not endpoint.owner.is_active:
                break
            events = list(events_after(endpoint.owner, endpoint.delivered_through, settings.PUSH_BATCH))
            if not events or not _post(endpoint, events):
                break
            sent += len(events)
            PushEndpoint.objects.filter(pk=endpoint_id).update(leased_until=timezone.now() + _hold())
        else:   # the run's share is done and more may wait
            more = True
    finally:
        PushEndpoint.objects.filter(pk=endpoint_id).update(leased_until=None)
    if more:    # the next run goes on at once, once this one has let go of the endpoint
        transaction.on_commit(lambda: _requeue(endpoint_id))
    return sent


def _requeue(endpoint_id: int) -> None:
    from .tasks import push_endpoint

    push_endpoint(endpoint_id)


def _post(endpoint: PushEndpoint, events: list[WatchEvent]) -> bool:
    from .api.serializers import WatchEventSerializer

    delivery = uuid.uuid4()
    status, error, ms = _send(endpoint, delivery, {"events": WatchEventSerializer(events, many=True).data,
                                                   "next_after": events[-1].pk})
    _record(endpoint, events, delivery, status, error, ms)
    return not error


def send_test(endpoint: PushEndpoint) -> tuple[bool, str]:
    """A signed POST with no events (``"test": true``), as a receiver being set up wants to check
    its address and its signature check: (answered 2xx, what happened). The cursor, the failures and
    the retry time are left as they are; the attempt is recorded."""
    delivery = uuid.uuid4()
    status, error, ms = _send(endpoint, delivery, {"test": True, "events": [],
                                                   "next_after": endpoint.delivered_through})
    PushAttempt.objects.create(endpoint=endpoint, delivery=delivery, at=timezone.now(),
                               first_event=endpoint.delivered_through, last_event=endpoint.delivered_through,
                               events=0, ok=not error, status=status, error=error[:300],
                               milliseconds=ms)
    return not error, error or f"测试推送已送达：对方返回 HTTP {status}，耗时 {ms} 毫秒"


def _send(endpoint: PushEndpoint, delivery: uuid.UUID, content: dict) -> tuple[int | None, str, int]:
    """POST ``content`` signed to the endpoint: (HTTP status, why it failed or "", milliseconds)."""
    body = JSONRenderer().render({"endpoint": endpoint.pk, "delivery": str(delivery), **content})
    timestamp = int(time.time())
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "legalcredit-push/1",
        push.SIGNATURE_HEADER: push.sign(endpoint.secret, timestamp, body),
        push.TIMESTAMP_HEADER: str(timestamp), push.DELIVERY_HEADER: str(delivery)})
    started = time.perf_counter()
    status, error = None, ""
    try:
        with _opener.open(request, timeout=settings.PUSH_TIMEOUT_SECONDS) as answer:
            status = answer.status
            answer.read(4096)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except urllib.error.URLError as exc:
        error = _why(exc.reason)
    except (OSError, ValueError) as exc:
        error = _why(exc)
    if status is not None and not 200 <= status < 300:
        error = f"对方返回 HTTP {status}" + ("（不跟随重定向）" if 300 <= status < 400 else "")
    return status, error, round((time.perf_counter() - started) * 1000)


def _why(reason) -> str:
    """A failed connection as an officer reads it."""
    if isinstance(reason, TimeoutError):
        return f"{settings.PUSH_TIMEOUT_SECONDS}秒内未应答"
    if isinstance(reason, ConnectionRefusedError):
        return "无法连接：对方拒绝连接（地址或端口有误，或对方系统未运行）"
    if isinstance(reason, socket.gaierror):
        return "无法连接：地址无法解析（请核对推送地址的主机名）"
    return f"无法连接：{reason}"


@transaction.atomic
def _record(endpoint: PushEndpoint, events: list[WatchEvent], delivery: uuid.UUID, status: int | None, error: str,
            milliseconds: int) -> None:
    now = timezone.now()
    PushAttempt.objects.create(endpoint=endpoint, delivery=delivery, at=now, first_event=events[0].pk,
                               last_event=events[-1].pk, events=len(events), ok=not error, status=status,
                               error=error[:300], milliseconds=milliseconds)
    if error:
        failures = endpoint.failures + 1
        wait = push.retry_after(failures, first=settings.PUSH_RETRY_FIRST_SECONDS,
                                longest=settings.PUSH_RETRY_LONGEST_SECONDS)
        PushEndpoint.objects.filter(pk=endpoint.pk).update(
            failures=failures, last_error=error[:300], last_attempt_at=now,
            next_attempt_at=now + dt.timedelta(seconds=wait))
        return
    # Only forward from the cursor this batch was read from: a stale run never moves it back.
    PushEndpoint.objects.filter(pk=endpoint.pk, delivered_through=endpoint.delivered_through).update(
        delivered_through=events[-1].pk, failures=0, last_error="", last_attempt_at=now, next_attempt_at=None)
    subjects = sorted({e.watch.subject_id for e in events})
    ids = [str(s) for s in subjects]
    audit(action=AuditEntry.Action.READ, actor=endpoint.owner, object_type="registry.subject",
          object_id=ids[0] if len(ids) == 1 else "", reason=PURPOSE,
          summary=f"推送信用关注变动提醒 {len(events)} 条（{events[0].pk}–{events[-1].pk}）",
          data={"ids": ids[:200], "push": endpoint.url, "delivery": str(delivery)})


def deliver_for(owner_ids) -> int:
    """Push the new events of these owners (after a re-check found some)."""
    ids = PushEndpoint.objects.filter(owner_id__in=list(owner_ids), ended_at__isnull=True).values_list("pk", flat=True)
    return sum(deliver(pk) for pk in list(ids))


def deliver_due() -> int:
    """Every endpoint with events waiting and due: the retries, and anything a queued push missed."""
    now, sent = timezone.now(), 0
    due = (PushEndpoint.objects.filter(ended_at__isnull=True, owner__is_active=True)
           .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)))
    for pk, owner, cursor in list(due.values_list("pk", "owner_id", "delivered_through")):
        if after(owner, cursor).exists():
            sent += deliver(pk)
    return sent
