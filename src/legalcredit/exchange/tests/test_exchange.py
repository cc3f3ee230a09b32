"""The data exchange with the sharing platforms: what a run puts in the outbox, what it marks, and
that a failed run leaves nothing behind and marks nothing."""
import csv
import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from legalcredit.accounts.services import assign
from legalcredit.deadlines.models import Clock
from legalcredit.exchange import services
from legalcredit.exchange.models import ExchangeRun
from legalcredit.records.models import CreditRecord
from legalcredit.remedies.models import SyncEntry
from legalcredit.remedies.services import repair
from legalcredit.remedies.tests.conftest import PDF

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def outbox(settings, tmp_path):
    settings.EXCHANGE_OUTBOX = str(tmp_path / "outbox")
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "outbox"


def read(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def manifest(outbox, run):
    [m] = [m for m in (json.loads(p.read_text(encoding="utf-8")) for p in outbox.glob("manifest_*.json"))
           if m["run"] == run.pk]
    return m


def repaired(lawyer, rec, maker, checker, django_user_model, capture):
    user = django_user_model.objects.create_user("li_ming", password="x-Strong-pass-1")
    assign(user, "practitioner_user", subject=lawyer)
    app = repair.apply(lawyer, by=user, statement="已履行", record_number=rec.number)
    repair.attach(app.pk, by=user, kind="proof", name="证明.pdf", content=PDF)
    repair.accept(app.pk, by=maker)
    repair.review(app.pk, by=maker, grant=True, opinion="义务已履行")
    with capture(execute=True):
        return repair.decide(app.pk, by=checker, grant=True, reason="已纠正失信行为")


def test_a_run_puts_the_period_s_penalties_and_remedy_outcomes_in_the_outbox_with_a_manifest(
        outbox, lawyer, law_firm, maker, checker, approved, django_user_model, django_capture_on_commit_callbacks):
    rec = approved(lawyer)
    app = repaired(lawyer, rec, maker, checker, django_user_model, django_capture_on_commit_callbacks)
    first = services.run()
    m = manifest(outbox, first)
    assert m["since"] is None and [f["kind"] for f in m["files"]] == [
        "行政处罚", "行政许可", "信用名单", "信用修复、异议结果"]
    for f in m["files"]:   # every file named is there, whole
        assert hashlib.sha256((outbox / f["name"]).read_bytes()).hexdigest() == f["sha256"]
        assert len(read(outbox / f["name"])) == f["rows"]
    penalties = read(outbox / m["files"][0]["name"])
    # The penalty as it stands: repaired, which tells the platforms to take it down.
    [row] = penalties
    assert row["CF_WSH"] == rec.decision_no and "已修复" in row["BZ"]
    assert penalties[0]["CF_XDR_ZJHM"] == lawyer.id_number, "the platforms get the full ID number"
    [outcome] = read(outbox / m["files"][3]["name"])
    assert outcome["同步事项"] == "信用修复" and outcome["公民身份号码"] == lawyer.id_number
    assert json.loads(outcome["同步内容"])["action"] == "终止公示"
    # Marked: the records as reported, the outcome as sent with its sync clock stopped.
    assert CreditRecord.objects.get(key=rec.key, is_current=True).reported_at is not None
    assert SyncEntry.objects.get(case_id=app.pk).sent_at is not None
    assert not Clock.objects.filter(case_type="repair", case_id=app.pk, step="repair_sync",
                                    stopped_on__isnull=True).exists()
    assert not list(outbox.glob(".partial-*"))

    # The next run carries only what was not sent yet, even a version stamped before the first
    # run's cut-off whose approval committed after it (a long batch decision).
    later = approved(law_firm, decision_no="淮司罚决〔2026〕2号", sanctions=[{"type": "停业整顿", "months": 2}],
                     legal_basis="《中华人民共和国律师法》第五十条", content="违规收案")
    CreditRecord.objects.filter(pk=later.pk).update(effective_at=first.until - dt.timedelta(minutes=5))
    second = services.run()
    m2 = manifest(outbox, second)
    assert m2["since"] == first.until.isoformat() and len(list(outbox.glob("manifest_*.json"))) == 2
    assert [r["CF_WSH"] for r in read(outbox / m2["files"][0]["name"])] == [later.decision_no]
    assert [f["rows"] for f in m2["files"][1:]] == [0, 0, 0]
    assert list(ExchangeRun.objects.order_by("pk").values_list("state", flat=True)) == ["done", "done"]


def test_a_listing_is_sent_once_when_published_and_once_more_when_removed(outbox, law_firm, maker, checker):
    from legalcredit.checks.tests.test_checks import listed
    from legalcredit.lists import services as lists

    entry = listed(law_firm, maker, checker)
    assert services.run().files[2]["rows"] == 0, "decided, not yet published: the bureau's own"
    lists.publish(entry.pk, by=checker)
    first = services.run()
    [row] = read(outbox / first.files[2]["name"])
    assert (row["名单"], row["状态"], row["统一社会信用代码"], row["决定书文号"]) == (
        "严重失信主体名单", "列入", law_firm.uscc, entry.decision_no)
    assert services.run().files[2]["rows"] == 0, "sent once"
    lists.remove(entry.pk, by=checker, method="repair", note="已履行处罚决定，准予信用修复")
    third = services.run()
    [row] = read(outbox / third.files[2]["name"])
    assert row["状态"] == "移出" and row["移出方式"] and row["移出说明"] == "已履行处罚决定，准予信用修复"
    assert services.run().files[2]["rows"] == 0


def test_what_an_officer_exported_as_reported_is_not_sent_again(outbox, lawyer, law_firm, approved, checker):
    from legalcredit.accounts.policy import scope_for
    from legalcredit.records import export

    rec = approved(lawyer)
    export.export("penalty", outbox.parent / "by-hand.csv", actor=checker, scope=scope_for(checker),
                  mark_reported=True)
    run = services.run()
    assert run.files[0]["rows"] == 0 and CreditRecord.objects.get(pk=rec.pk).reported_at is not None


def test_a_failed_run_leaves_nothing_in_the_outbox_and_marks_nothing(
        outbox, lawyer, approved, monkeypatch):
    rec = approved(lawyer)
    real = services._outcomes

    def broken(path, *, by):
        real(path, by=by)
        raise OSError("磁盘已满")

    monkeypatch.setattr(services, "_outcomes", broken)
    with pytest.raises(OSError):
        services.run()
    assert [p.name for p in outbox.iterdir()] == []
    assert CreditRecord.objects.get(pk=rec.pk).reported_at is None
    failed = ExchangeRun.objects.get()
    assert failed.state == "failed" and "磁盘已满" in failed.error
    # The next run starts from the beginning again: a failed run is no starting point.
    monkeypatch.setattr(services, "_outcomes", real)
    assert services.run().since is None


def test_without_an_outbox_the_exchange_says_what_to_set(settings, client, django_user_model):
    settings.EXCHANGE_OUTBOX = ""
    with pytest.raises(ValidationError, match="交换目录：未配置（设置 EXCHANGE_OUTBOX"):
        services.run()
    from legalcredit.exchange.tasks import nightly_exchange

    assert nightly_exchange.call_local() is None and not ExchangeRun.objects.exists()


def test_the_back_office_lists_runs_and_starts_one(outbox, client, django_user_model, lawyer, approved):
    from legalcredit.refdata.models import Region

    admin_user = django_user_model.objects.create_user("province_admin", password="x-Strong-pass-1", is_staff=True)
    assign(admin_user, "province_admin", region=Region.objects.get(code="320000"))
    approved(lawyer)
    client.force_login(admin_user)
    page = client.get("/admin/exchange/exchangerun/").content.decode()
    assert "立即交换" in page and str(outbox) in page
    resp = client.post("/admin/exchange/exchangerun/run/")    # huey runs it at once in tests
    assert resp.status_code == 302
    run = ExchangeRun.objects.get()
    assert run.by == admin_user and run.state == "done"
    shown = client.get(f"/admin/exchange/exchangerun/{run.pk}/change/").content.decode()
    assert run.files[0]["sha256"] in shown and "全量" in shown


def test_the_command_runs_and_lists(outbox, lawyer, approved, capsys):
    approved(lawyer)
    call_command("exchange", "run")
    out = capsys.readouterr().out
    assert "行政处罚 1 条" in out and str(outbox) in out
    call_command("exchange", "list")
    assert "已完成" in capsys.readouterr().out

