"""Pushing monitoring events to a department's system: signed, in order, at least once, nothing
lost when the receiver is down, every delivery on the audit trail."""
import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.audit.models import AuditEntry
from legalcredit.checks import flows, pushes, watches
from legalcredit.checks.models import PushAttempt, PushEndpoint, WatchEvent
from legalcredit.domain import push

from .test_checks import listed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


class Receiver:
    """A department's system on a local port: keeps what it is sent, answers with the statuses
    it is told to (200 once the list runs out)."""

    def __init__(self):
        self.received, self.answers = [], []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                status = outer.answers.pop(0) if outer.answers else 200
                if status == "slow":
                    time.sleep(1.5)
                    status = 200
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", outer.url + "elsewhere/")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/credit-events/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self):
        return [e["id"] for _, body in self.received for e in json.loads(body)["events"]]


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def auth(department):
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue(owner=department, name='省政府采购系统', scopes=['checks:run'])[1]}"}


@pytest.fixture
def admin_user(db, django_user_model):
    from legalcredit.accounts.services import assign
    from legalcredit.refdata.models import Region

    user = django_user_model.objects.create_user("province_admin", password="x-Strong-pass-1", is_staff=True)
    assign(user, "province_admin", region=Region.objects.get(code="320000"))
    return user


def watched(department, *subjects):
    return watches.watch(by=department, queries=[{"uscc": s.uscc} for s in subjects], matter="procurement",
                         purpose="供应商履约期间信用关注")


def one_event_waiting(department, law_firm, maker, checker, admin_user, receiver):
    """An endpoint registered for the department, and one event for it: the firm it watches listed."""
    watched(department, law_firm)
    endpoint, _ = pushes.register(owner=department, url=receiver.url, by=admin_user)
    listed(law_firm, maker, checker, day=timezone.localdate())
    assert watches.recheck() == 1
    return endpoint


def test_a_listing_is_pushed_signed_in_order_and_on_the_audit_trail(
        client, auth, department, law_firm, maker, checker, admin_user, receiver, django_capture_on_commit_callbacks):
    watched(department, law_firm)
    endpoint, secret = pushes.register(owner=department, url=receiver.url, by=admin_user)
    listed(law_firm, maker, checker, day=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        assert watches.recheck() == 1
    [(headers, body)] = receiver.received
    assert push.verify(secret, headers[push.TIMESTAMP_HEADER], body, headers[push.SIGNATURE_HEADER], now=time.time())
    sent = json.loads(body)
    # What is pushed is what the department would read from the API, event for event.
    assert sent["events"] == client.get("/api/v1/watches/events/", {"after": 0}, **auth).json()
    assert sent["next_after"] == sent["events"][-1]["id"] and sent["delivery"] == headers[push.DELIVERY_HEADER]
    assert any(c["text"].startswith("信用名单新增：严重失信主体名单") for c in sent["events"][0]["changes"])
    endpoint.refresh_from_db()
    assert endpoint.delivered_through == sent["next_after"] and endpoint.failures == 0
    entry = AuditEntry.objects.get(action="read", summary__startswith="推送信用关注变动提醒")
    assert entry.actor == department.username and entry.reason == watches.PURPOSE
    assert entry.data["ids"] == [str(law_firm.pk)] and entry.data["push"] == receiver.url
    # Nothing new, nothing sent again.
    assert flows.deliver_due() == 0 and len(receiver.received) == 1


def test_a_receiver_that_is_down_loses_nothing_and_is_tried_again_later(
        department, law_firm, lawyer, maker, checker, admin_user, receiver):
    endpoint = one_event_waiting(department, law_firm, maker, checker, admin_user, receiver)
    receiver.answers = [500, 503]
    assert flows.deliver(endpoint.pk) == 0
    endpoint.refresh_from_db()
    assert endpoint.delivered_through == 0 and endpoint.failures == 1 and endpoint.last_error == "对方返回 HTTP 500"
    wait = (endpoint.next_attempt_at - endpoint.last_attempt_at).total_seconds()
    assert wait == 60
    # Not due yet: nothing is tried.
    assert flows.deliver_due() == 0 and len(receiver.received) == 1
    PushEndpoint.objects.filter(pk=endpoint.pk).update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    assert flows.deliver_due() == 0
    endpoint.refresh_from_db()
    assert endpoint.failures == 2 and (endpoint.next_attempt_at - endpoint.last_attempt_at).total_seconds() == 120
    # The department says its system is back: tried at once, and the same events arrive.
    pushes.retry_now(endpoint)
    assert flows.deliver(endpoint.pk) == 1
    endpoint.refresh_from_db()
    assert endpoint.failures == 0 and endpoint.next_attempt_at is None and endpoint.last_error == ""
    first, *_, last = receiver.received
    assert json.loads(first[1])["events"] == json.loads(last[1])["events"]
    assert [a.ok for a in PushAttempt.objects.order_by("pk")] == [False, False, True]


def test_events_go_in_batches_in_order_and_a_long_backlog_is_handed_on(
        settings, department, law_firm, lawyer, maker, checker, admin_user, receiver, monkeypatch):
    settings.PUSH_BATCH, settings.PUSH_BATCHES_PER_RUN = 1, 2
    watched(department, law_firm)
    watches.watch(by=department, queries=[{"id_number": lawyer.id_number}], matter="procurement", purpose="关注")
    watches.watch(by=department, queries=[{"uscc": law_firm.uscc}], matter="bidding", purpose="招标关注")
    listed(law_firm, maker, checker, day=timezone.localdate())
    from legalcredit.registry import services as registry

    registry.change_status(lawyer, actor=maker, reason="停止执业", status="suspended", since=timezone.localdate(),
                           until=timezone.localdate() + dt.timedelta(days=30))
    assert watches.recheck() == 3
    endpoint, _ = pushes.register(owner=department, url=receiver.url, by=admin_user, from_start=True)
    # As outside a transaction: the hand-over is queued at once (the worker may take it at once),
    # and must find the endpoint let go.
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda callback, *a, **kw: callback())
    assert flows.deliver(endpoint.pk) == 2
    # The third came in the run the first handed over to.
    expected = list(WatchEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert receiver.events() == expected and len(receiver.received) == 3
    endpoint.refresh_from_db()
    assert endpoint.delivered_through == expected[-1]


def test_an_endpoint_being_pushed_is_not_pushed_twice_at_once(department, law_firm, maker, checker, admin_user,
                                                            receiver):
    endpoint = one_event_waiting(department, law_firm, maker, checker, admin_user, receiver)
    PushEndpoint.objects.filter(pk=endpoint.pk).update(leased_until=timezone.now() + dt.timedelta(minutes=1))
    assert flows.deliver(endpoint.pk) == 0 and receiver.received == []
    # A worker killed mid-delivery: its lease runs out and the next run goes on.
    PushEndpoint.objects.filter(pk=endpoint.pk).update(leased_until=timezone.now() - dt.timedelta(seconds=1))
    assert flows.deliver(endpoint.pk) == 1


def test_redirects_are_not_followed_and_an_unreachable_or_slow_system_is_named(
        settings, department, law_firm, maker, checker, admin_user, receiver):
    endpoint = one_event_waiting(department, law_firm, maker, checker, admin_user, receiver)
    receiver.answers = [302]
    assert flows.deliver(endpoint.pk) == 0
    endpoint.refresh_from_db()
    assert endpoint.last_error == "对方返回 HTTP 302（不跟随重定向）" and len(receiver.received) == 1
    settings.PUSH_TIMEOUT_SECONDS = 1
    PushEndpoint.objects.filter(pk=endpoint.pk).update(next_attempt_at=None)
    receiver.answers = ["slow"]
    assert flows.deliver(endpoint.pk) == 0
    endpoint.refresh_from_db()
    assert endpoint.last_error == "1秒内未应答" and endpoint.failures == 2 and endpoint.delivered_through == 0
    pushes.end(endpoint.pk, by=admin_user, reason="对方系统迁移")
    import socket

    with socket.socket() as s:       # a port nothing listens on once closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    moved, _ = pushes.register(owner=department, url=f"http://127.0.0.1:{port}/events/", by=admin_user,
                               from_start=True)
    assert flows.deliver(moved.pk) == 0
    moved.refresh_from_db()
    assert moved.last_error == "无法连接：对方拒绝连接（地址或端口有误，或对方系统未运行）" and moved.delivered_through == 0


def test_a_disabled_account_is_pushed_nothing_until_enabled_again(department, law_firm, maker, checker, admin_user,
                                                                  receiver):
    endpoint = one_event_waiting(department, law_firm, maker, checker, admin_user, receiver)
    department.is_active = False
    department.save(update_fields=["is_active"])
    assert flows.deliver_due() == 0 and flows.deliver(endpoint.pk) == 0 and receiver.received == []
    department.is_active = True
    department.save(update_fields=["is_active"])
    assert flows.deliver_due() == 1 and len(receiver.received) == 1


def test_registration_rules_rotation_and_ending(department, law_firm, maker, checker, admin_user, receiver):
    with pytest.raises(ValidationError, match="推送地址：“ftp://x/”不是有效的 http 或 https 地址"):
        pushes.register(owner=department, url="ftp://x/", by=admin_user)
    endpoint, old = pushes.register(owner=department, url=receiver.url, by=admin_user)
    with pytest.raises(ValidationError, match="已有推送地址"):
        pushes.register(owner=department, url=receiver.url, by=admin_user)
    # The secret is sealed at rest: the table does not hold it in the clear.
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"SELECT secret FROM {PushEndpoint._meta.db_table} WHERE id = %s", [endpoint.pk])
        assert old not in cur.fetchone()[0]
    _, new = pushes.rotate_secret(endpoint.pk, by=admin_user)
    assert new != old
    watched(department, law_firm)
    listed(law_firm, maker, checker, day=timezone.localdate())
    watches.recheck()
    flows.deliver(endpoint.pk)
    [(headers, body)] = receiver.received
    args = (headers[push.TIMESTAMP_HEADER], body, headers[push.SIGNATURE_HEADER])
    assert push.verify(new, *args, now=time.time()) and not push.verify(old, *args, now=time.time())
    with pytest.raises(ValidationError, match="停止原因：必须填写"):
        pushes.end(endpoint.pk, by=admin_user, reason=" ")
    pushes.end(endpoint.pk, by=admin_user, reason="合同期满")
    with pytest.raises(ValidationError, match="已于 .* 停止推送"):
        pushes.rotate_secret(endpoint.pk, by=admin_user)
    assert AuditEntry.objects.filter(object_type="checks.pushendpoint").count() == 3


def test_the_department_sees_its_push_state_through_the_api(client, auth, department, law_firm, maker, checker,
                                                            admin_user, receiver, django_user_model,
                                                            django_capture_on_commit_callbacks):
    missing = client.get("/api/v1/watches/push/", **auth)
    assert missing.status_code == 404 and "未登记变动推送地址" in missing.json()["detail"]
    endpoint = one_event_waiting(department, law_firm, maker, checker, admin_user, receiver)
    receiver.answers = [500]
    flows.deliver(endpoint.pk)
    state = client.get("/api/v1/watches/push/", **auth).json()
    assert state["pending"] == 1 and state["failures"] == 1 and state["last_error"] == "对方返回 HTTP 500"
    assert "secret" not in state and state["attempts"][0]["status"] == 500
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post("/api/v1/watches/push/retry/", **auth)
    assert retried.status_code == 202 and retried.json()["next_attempt_at"] is None
    after = client.get("/api/v1/watches/push/", **auth).json()
    assert after["pending"] == 0 and after["failures"] == 0 and after["attempts"][0]["ok"]
    # Another department's token sees nothing of it.
    from legalcredit.accounts.services import assign

    other = django_user_model.objects.create_user("funding", password="x-Strong-pass-1")
    assign(other, "department", unit="省财政厅资金系统")
    key = tokens.issue(owner=other, name="资金系统", scopes=["checks:run"])[1]
    assert client.get("/api/v1/watches/push/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 404


def test_the_bureau_registers_rotates_and_ends_an_endpoint_in_the_back_office(
        client, auth, department, admin_user, maker, receiver):
    client.force_login(maker)
    assert client.get("/admin/checks/pushendpoint/add/").status_code == 403
    client.force_login(admin_user)
    page = client.get("/admin/checks/pushendpoint/add/")
    assert page.status_code == 200 and f"{department.username}（省财政厅政府采购系统）" in page.content.decode()
    bad = client.post("/admin/checks/pushendpoint/add/", {"owner": department.pk, "url": "not a url"})
    assert bad.status_code == 200 and "不是有效的 http 或 https 地址" in bad.content.decode()
    made = client.post("/admin/checks/pushendpoint/add/", {"owner": department.pk, "url": receiver.url})
    endpoint = PushEndpoint.objects.get()
    shown = made.content.decode()
    assert "签名密钥仅此一次显示" in shown and endpoint.secret in shown and "no-store" in made["Cache-Control"]
    assert not made.cookies.get("messages"), "the secret never travels in a cookie"
    assert endpoint.secret not in client.get(f"/admin/checks/pushendpoint/{endpoint.pk}/change/").content.decode()
    assert "推送中" in client.get("/admin/checks/pushendpoint/").content.decode()
    assert "推送失败的变动推送地址" not in client.get("/admin/").content.decode()
    PushEndpoint.objects.filter(pk=endpoint.pk).update(failures=3, last_error="对方返回 HTTP 503")
    home = client.get("/admin/").content.decode()
    assert "推送失败的变动推送地址" in home and "?state=failing" in home
    failing = client.get("/admin/checks/pushendpoint/", {"state": "failing"}).content.decode()
    assert "连续失败3次" in failing and "立即重试" in failing
    rotated = client.post(f"/admin/checks/pushendpoint/{endpoint.pk}/rotate/").content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret in rotated
    client.post(f"/admin/checks/pushendpoint/{endpoint.pk}/end/", {"reason": "对方系统下线"})
    endpoint.refresh_from_db()
    assert endpoint.ended_at is not None and endpoint.ended_reason == "对方系统下线"


def test_the_command_registers_lists_and_ends(department, receiver, capsys):
    call_command("push", "add", "--user", department.username, "--url", receiver.url)
    out = capsys.readouterr().out
    endpoint = PushEndpoint.objects.get()
    assert endpoint.secret in out
    call_command("push", "list")
    assert receiver.url in capsys.readouterr().out
    call_command("push", "test", "--id", str(endpoint.pk))
    assert "测试推送已送达" in capsys.readouterr().out
    receiver.answers = [500]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="对方返回 HTTP 500"):
        call_command("push", "test", "--id", str(endpoint.pk))
    with pytest.raises(CommandError, match="停止原因：必须填写"):
        call_command("push", "end", "--id", str(endpoint.pk))
    call_command("push", "end", "--id", str(endpoint.pk), "--reason", "下线")
    assert PushEndpoint.objects.get().ended_at is not None


def test_a_test_push_checks_the_address_and_signature_and_moves_nothing(
        client, auth, department, admin_user, receiver):
    endpoint, secret = pushes.register(owner=department, url=receiver.url, by=admin_user)
    answered = client.post("/api/v1/watches/push/test/", **auth).json()
    assert answered["ok"] and answered["message"].startswith("测试推送已送达：对方返回 HTTP 200")
    [(headers, body)] = receiver.received
    sent = json.loads(body)
    assert sent["test"] is True and sent["events"] == [] and sent["endpoint"] == endpoint.pk
    assert push.verify(secret, headers[push.TIMESTAMP_HEADER], body, headers[push.SIGNATURE_HEADER], now=time.time())
    receiver.answers = [503]
    failed = client.post("/api/v1/watches/push/test/", **auth).json()
    assert failed == {"ok": False, "message": "对方返回 HTTP 503"}
    endpoint.refresh_from_db()
    # A test moves nothing: no failure counted, no retry set, the cursor where it was.
    assert (endpoint.failures, endpoint.next_attempt_at, endpoint.delivered_through) == (0, None, 0)
    assert [a.events for a in PushAttempt.objects.all()] == [0, 0]
    client.force_login(admin_user)
    done = client.post(f"/admin/checks/pushendpoint/{endpoint.pk}/test/", follow=True).content.decode()
    assert "测试推送已送达" in done and "测试：成功" in done and "测试：对方返回 HTTP 503" in done
