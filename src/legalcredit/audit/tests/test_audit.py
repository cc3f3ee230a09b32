import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from legalcredit.audit import guard, selectors, services
from legalcredit.audit.models import AuditEntry
from legalcredit.registry import services as registry


@pytest.fixture
def trail(officer, codes):
    """A few real writes: a registration, a rename, a read."""
    firm, _ = registry.register_institution(actor=officer, reason="执业许可", name="江苏德恒律师事务所",
                                            subject_type="law_firm", region="320812", uscc_code=codes.uscc())
    registry.update_subject(firm, actor=officer, reason="名称变更核准", name="江苏德恒信达律师事务所")
    services.record(action="read", actor=officer, object_type="registry.subject", object_id=firm.pk,
                    summary="查阅", reason="行政许可审查")
    services.record(action="export", actor=officer, summary="导出名录", reason="年度统计")
    services.seal()   # deferred on PostgreSQL; a no-op where record() sealed inline
    return firm


def test_every_write_is_logged_with_who_and_why(trail, officer):
    entries = list(AuditEntry.objects.filter(object_type="registry.subject").order_by("seq"))
    assert [(e.action, e.actor, e.reason) for e in entries[:2]] == [
        ("create", "maker", "执业许可"), ("update", "maker", "名称变更核准")]
    assert "name" in entries[1].data["changed"]


def login(client, username, password):
    return client.post("/admin/login/", {"username": username, "password": password,
                                         "next": "/admin/"})


def test_logins_and_failed_logins_are_logged(client, django_user_model):
    django_user_model.objects.create_user("clerk", password="A-very-long-pass-42", is_staff=True)
    assert login(client, "clerk", "A-very-long-pass-42").status_code == 302
    client.logout()
    login(client, "clerk", "wrong")
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "summary"))
    assert ("login", "clerk") in actions and ("login_failed", "clerk") in actions


def test_api_reads_are_logged_with_their_purpose(client, admin_user, trail):
    client.force_login(admin_user)
    client.get(f"/api/v1/subjects/{trail.pk}/", {"purpose": "行政许可审查"})
    read = AuditEntry.objects.filter(action="read", actor="admin").latest("id")
    assert read.reason == "行政许可审查（licensing）" and read.object_id == str(trail.pk)


def test_intact_chain_verifies(trail):
    count, problem = selectors.verify_chain()
    assert problem is None and count == AuditEntry.objects.count() >= 4
    call_command("audit", "verify")


def _drop_guard(cur):
    """What someone who owns the database could do; rolled back with the test's transaction."""
    if connection.vendor == "sqlite":
        for name in guard.SQLITE_TRIGGERS:
            cur.execute(f"DROP TRIGGER {name}")
    else:
        cur.execute(f"ALTER TABLE {guard.TABLE} DISABLE TRIGGER {guard.PG_TRIGGER}")


def _tamper(sql, params=()):
    with connection.cursor() as cur:
        if guard.in_place():
            _drop_guard(cur)
        cur.execute(sql, params)


@pytest.mark.parametrize("sql", ["UPDATE audit_auditentry SET reason = 'x' WHERE seq = 2",
                                 "DELETE FROM audit_auditentry WHERE seq = 2",
                                 "UPDATE audit_auditentry SET seq = seq + 100"])
def test_the_database_itself_refuses_to_change_entries(trail, sql):
    before = list(AuditEntry.objects.order_by("seq").values_list("seq", "reason"))
    with pytest.raises(DatabaseError, match="审计日志只可追加"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute(sql)
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", "reason")) == before
    assert guard.in_place()


def _unsealed_entry(officer):
    entry = services.record(action="read", actor=officer, summary="查阅", reason="核查")
    if not entry.hash:   # deferred sealing: already as a writer leaves it
        return entry
    with connection.cursor() as cur:   # sealed inline: unseal it, as a deferred writer leaves it
        _drop_guard(cur)
        cur.execute("UPDATE audit_auditentry SET seq = NULL, prev_hash = '', hash = '' WHERE id = %s", [entry.pk])
        cur.execute("UPDATE audit_audithead SET seq = seq - 1, hash = %s", [entry.prev_hash])
    guard.install()
    return entry


def test_sealing_is_the_one_change_the_database_lets_through(trail, officer):
    entry = _unsealed_entry(officer)
    with pytest.raises(DatabaseError, match="审计日志只可追加"), transaction.atomic():
        with connection.cursor() as cur:   # sealing that also rewrites the content
            cur.execute("UPDATE audit_auditentry SET seq = 999, hash = 'x', reason = '改' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="审计日志只可追加"), transaction.atomic():
        with connection.cursor() as cur:   # editing an entry before it is sealed
            cur.execute("UPDATE audit_auditentry SET reason = '改' WHERE id = %s", [entry.pk])
    assert services.seal() == 1
    entry.refresh_from_db()
    assert entry.hash and entry.seq == AuditEntry.objects.filter(seq__isnull=False).count()
    assert selectors.verify_chain() == (entry.seq, None)
    with pytest.raises(DatabaseError, match="审计日志只可追加"), transaction.atomic():
        with connection.cursor() as cur:   # a sealed entry cannot be sealed again
            cur.execute("UPDATE audit_auditentry SET hash = 'x' WHERE id = %s", [entry.pk])


def test_verify_seals_what_is_pending_first(trail, officer):
    _unsealed_entry(officer)
    assert selectors.unsealed() == 1
    call_command("audit", "verify")
    assert selectors.unsealed() == 0


def test_verify_reports_a_missing_guard(trail):
    with connection.cursor() as cur:
        _drop_guard(cur)
    assert not guard.in_place()
    with pytest.raises(CommandError, match="只追加保护触发器缺失"):
        call_command("audit", "verify")
    guard.install()  # what the next migrate does
    assert guard.in_place()
    call_command("audit", "verify")


def _verify_fails_at(seq, kind):
    count, problem = selectors.verify_chain()
    assert problem is not None and (problem.seq, problem.kind) == (seq, kind), problem
    with pytest.raises(CommandError, match=f"第 {seq} 条"):
        call_command("audit", "verify")


def test_an_edited_entry_is_named(trail):
    _tamper("UPDATE audit_auditentry SET reason = %s WHERE seq = 2", ["改过的原因"])
    _verify_fails_at(2, "altered")


def test_a_deleted_entry_is_named(trail):
    _tamper("DELETE FROM audit_auditentry WHERE seq = 2")
    _verify_fails_at(2, "missing")


def test_a_deleted_last_entry_is_found(trail):
    last = AuditEntry.objects.order_by("-seq").first().seq
    _tamper("DELETE FROM audit_auditentry WHERE seq = %s", [last])
    _verify_fails_at(last, "missing")


def test_reordered_entries_are_found(trail):
    # Swap the sequence numbers of entries 2 and 3, as a reordering would.
    _tamper("UPDATE audit_auditentry SET seq = -1 WHERE seq = 2")
    _tamper("UPDATE audit_auditentry SET seq = 2 WHERE seq = 3")
    _tamper("UPDATE audit_auditentry SET seq = 3 WHERE seq = -1")
    _verify_fails_at(2, "relinked")


def test_entries_cannot_be_deleted_through_the_application(trail):
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(seq=1).delete()


def test_daily_digest(trail):
    digest = selectors.daily_digest(timezone.localdate())
    last = AuditEntry.objects.order_by("-seq").first()
    assert digest["last_seq"] == last.seq and digest["last_hash"] == last.hash
    assert selectors.daily_digest(timezone.localdate() - dt.timedelta(days=1))["entries"] == 0


def test_repeated_failures_lock_the_account(client, django_user_model, settings):
    django_user_model.objects.create_user("clerk2", password="A-very-long-pass-42", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "clerk2", "wrong").status_code == 200
    assert login(client, "clerk2", "wrong").status_code == 429, "the limit-th failure locks"
    locked = login(client, "clerk2", "A-very-long-pass-42")
    assert locked.status_code == 429
    assert "账户已临时锁定" in locked.content.decode()
    failures = AuditEntry.objects.filter(action="login_failed", summary="clerk2").count()
    assert failures >= settings.AXES_FAILURE_LIMIT


def test_passwords_are_hashed_with_argon2(django_user_model):
    user = django_user_model.objects.create_user("clerk3", password="A-very-long-pass-42")
    assert user.password.startswith("argon2")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need a server database")
def test_concurrent_writers_do_not_wait_on_each_other(refdata_after_flush, transactional_db, officer):
    """A check or audited read must not queue behind another request's open transaction: two
    writers append at once, and sealing links both into one chain that verifies."""
    import threading

    from django.db import connections

    written, release = threading.Event(), threading.Event()

    def other_request():
        try:
            with transaction.atomic():
                services.record(action="read", actor=officer, summary="另一请求", reason="核查")
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    t = threading.Thread(target=other_request)
    t.start()
    try:
        assert written.wait(10)
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '300ms'")
            services.record(action="read", actor=officer, summary="本请求", reason="核查")
    finally:
        release.set()
        t.join(10)
    services.seal()
    count, problem = selectors.verify_chain()
    assert problem is None and count == AuditEntry.objects.count() and selectors.unsealed() == 0
    assert {"另一请求", "本请求"} <= set(AuditEntry.objects.values_list("summary", flat=True))


def test_the_nightly_verification_keeps_its_result_and_raises_the_alarm_on_a_break(
        trail, client, admin_user, checker, officer, mailoutbox):
    from legalcredit.accounts.services import assign
    from legalcredit.audit import tasks
    from legalcredit.audit.models import ChainCheck

    admin_user.email = "security@sft.example"
    admin_user.save()
    checker.email = "checker@sft.example"      # a city checker may read the trail: told
    checker.save()
    assign(officer, "city_maker")
    officer.email = "maker@sft.example"        # a maker may not: not told
    officer.save()
    client.force_login(admin_user)
    passed = ChainCheck.objects.get(pk=tasks.verify_trail.call_local())
    assert passed.ok and passed.entries == AuditEntry.objects.filter(seq__isnull=False).count()
    assert "审计日志校验未通过" not in client.get("/admin/").content.decode() and not mailoutbox
    _tamper("UPDATE audit_auditentry SET reason = %s WHERE seq = 2", ["改过的原因"])
    failed = ChainCheck.objects.get(pk=tasks.verify_trail.call_local())
    assert not failed.chain_ok and failed.entries == 1 and "第 2 条" in failed.problem
    [mail] = mailoutbox
    assert mail.to == ["checker@sft.example", "security@sft.example"] and "审计日志校验未通过" in mail.subject and "第 2 条" in mail.body
    assert "审计日志校验未通过" in client.get("/admin/").content.decode()
    assert AuditEntry.objects.filter(object_type="audit.chaincheck", object_id=str(failed.pk)).exists()
    page = client.get("/admin/audit/chaincheck/").content.decode()
    assert "第 2 条" in page


def test_a_missing_guard_stays_on_the_home_page_until_a_verification_passes(trail, client, admin_user):
    with connection.cursor() as cur:
        _drop_guard(cur)
    with pytest.raises(CommandError, match="只追加保护触发器缺失"):
        call_command("audit", "verify")
    client.force_login(admin_user)
    assert "审计日志校验未通过" in client.get("/admin/").content.decode()
    guard.install()
    call_command("audit", "verify")        # recorded as the nightly run is
    assert "审计日志校验未通过" not in client.get("/admin/").content.decode()
