"""A checker's decision on a whole import batch, carried out by the background worker: run once,
all or nothing, under the checker's rights as they stand when it runs; one decision at a time
per batch; a worker killed in the middle leaves the batch pending and decidable again."""
import datetime as dt
import threading

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.records import flows
from legalcredit.records.models import CreditRecord, DecisionJob, Review
from legalcredit.records.tests.test_import import rows, run, write_csv  # noqa: F401 (fixture)


@pytest.fixture
def batch(tmp_path, maker, rows):  # noqa: F811
    return run(write_csv(tmp_path / "cf.csv", rows), maker).batch


def reviews():
    return set(CreditRecord.objects.values_list("review", flat=True))


def test_an_approval_runs_once_and_publishes_the_batch(batch, checker, lawyer):
    job = flows.submit_decision(batch, checker=checker, approve=True, note="抽核无误")
    assert job.state == DecisionJob.State.QUEUED and reviews() == {Review.PENDING}
    done = flows.run_decision(str(job.pk))
    assert done.state == DecisionJob.State.DONE and done.rows == 2 and done.finished_at
    assert reviews() == {Review.APPROVED}
    assert CreditRecord.objects.filter(checked_by=checker, check_note="抽核无误", published_on__isnull=False).count() == 2
    lawyer.refresh_from_db()
    assert lawyer.status_id == "suspended", "the approved 停止执业 reaches the registry"
    assert flows.run_decision(str(job.pk)) is None, "a queue delivering the job twice decides once"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.APPROVE, object_type="core.importbatch").count() == 1


def test_a_return_needs_its_reason_before_it_is_queued(batch, checker):
    with pytest.raises(ValidationError, match="退回须说明理由"):
        flows.submit_decision(batch, checker=checker, approve=False, note="  ")
    assert not DecisionJob.objects.exists()
    done = flows.run_decision(str(flows.submit_decision(batch, checker=checker, approve=False,
                                                        note="第3行处罚依据有误").pk))
    assert done.state == DecisionJob.State.DONE and done.rows == 2
    assert set(CreditRecord.objects.values_list("review", "check_note")) == {(Review.REJECTED, "第3行处罚依据有误")}


def test_an_officer_without_the_right_and_the_batchs_own_maker_are_refused_before_anything_is_queued(
        tmp_path, batch, maker, checker, rows):  # noqa: F811
    with pytest.raises(PermissionDenied, match="没有审核信用记录的权限"):
        flows.submit_decision(batch, checker=maker, approve=True, note="")
    own = run(write_csv(tmp_path / "own.csv", [dict(rows[0], CF_WSH="淮司罚决〔2026〕77号")]), checker).batch
    with pytest.raises(PermissionDenied, match="不能审核本人导入的批次"):
        flows.submit_decision(own, checker=checker, approve=True, note="")
    assert not DecisionJob.objects.exists()


def test_a_decision_that_fails_leaves_the_batch_pending_and_says_so(batch, checker, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("legalcredit.records.services.approve_pending", broken)
    done = flows.run_decision(str(flows.submit_decision(batch, checker=checker, approve=True, note="").pk))
    assert done.state == DecisionJob.State.FAILED and "OSError" in done.message and "未作任何变更" in done.message
    assert reviews() == {Review.PENDING} and done.rows is None
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.APPROVE).exists()
    # Nothing stands in the way of deciding it again.
    monkeypatch.undo()
    assert flows.run_decision(str(flows.submit_decision(batch, checker=checker, approve=True, note="").pk)).rows == 2


def test_a_checker_deactivated_before_the_job_ran_decides_nothing(batch, checker):
    job = flows.submit_decision(batch, checker=checker, approve=True, note="")
    checker.is_active = False
    checker.save()
    done = flows.run_decision(str(job.pk))
    assert done.state == DecisionJob.State.REFUSED and "没有审核信用记录的权限" in done.message
    assert reviews() == {Review.PENDING}


def test_one_decision_at_a_time_and_a_batch_with_nothing_pending_is_refused(batch, checker, other_checker):
    job = flows.submit_decision(batch, checker=checker, approve=True, note="")
    with pytest.raises(flows.DecisionRefused, match="已有审核任务在处理中"):
        flows.submit_decision(batch, checker=other_checker, approve=False, note="有误")
    flows.run_decision(str(job.pk))
    with pytest.raises(flows.DecisionRefused, match="已没有待审核的记录"):
        flows.submit_decision(batch, checker=other_checker, approve=False, note="有误")
    assert DecisionJob.objects.count() == 1


def test_a_decision_whose_worker_was_killed_is_closed_and_the_batch_can_be_decided_again(batch, checker,
                                                                                          settings):
    job = flows.submit_decision(batch, checker=checker, approve=True, note="")
    killed = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALL_SECONDS + 60)
    DecisionJob.objects.filter(pk=job.pk).update(state=DecisionJob.State.RUNNING, started_at=killed)
    cache.set(flows.decision_progress_key(job.pk), {"rows": 0, "at": killed.isoformat()})    # its last beat
    again = flows.submit_decision(batch, checker=checker, approve=True, note="")
    job.refresh_from_db()
    assert job.state == DecisionJob.State.FAILED and "未作任何变更" in job.message
    assert flows.run_decision(str(again.pk)).rows == 2


def test_the_heartbeat_beats_while_the_work_runs_and_stops_with_it():
    beats = []
    enough = threading.Event()

    def beat():
        beats.append(timezone.now())
        if len(beats) >= 3:
            enough.set()

    with flows.heartbeat(beat, every=0.01):
        assert enough.wait(5), "the heartbeat keeps beating while the block runs"
    after = len(beats)
    threading.Event().wait(0.05)
    assert len(beats) == after, "and stops when it ends"


def test_the_back_office_follows_the_decision_on_its_page(client, batch, checker):
    client.force_login(checker)
    url = reverse("admin:records_recordimportbatch_decide", args=[batch.pk])
    asked = client.post(url, {"approve": "1", "note": "抽核无误"})    # queued: the commit has not run it
    job = DecisionJob.objects.get()
    assert asked.status_code == 302
    assert asked["Location"] == reverse("admin:records_recordimportbatch_decision", args=[batch.pk, job.pk])
    waiting = client.get(asked["Location"]).content.decode()
    assert "排队中" in waiting and 'http-equiv="refresh"' in waiting
    listing = client.get(reverse("admin:records_recordimportbatch_changelist")).content.decode()
    assert "审核处理中" in listing and "审核本批次" not in listing
    again = client.post(url, {"reject": "1", "note": "有误"}).content.decode()
    assert "已有审核任务在处理中" in again
    flows.run_decision(str(job.pk))
    done = client.get(asked["Location"]).content.decode()
    assert "审核通过，2 条记录生效" in done and 'http-equiv="refresh"' not in done
    assert "已完成（2 条）" in client.get(url).content.decode(), "the batch's page lists its decisions"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes no row locks: its writers queue")
@pytest.mark.django_db(transaction=True)
def test_a_checker_submitting_while_the_batch_is_being_decided_is_told_at_once_not_kept_waiting(batch, checker):
    # The CLI (or a decision just taken) holds the batch's row for as long as it runs.
    held, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            list(type(batch).objects.select_for_update().filter(pk=batch.pk))
            held.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(flows.DecisionRefused, match="已有审核任务在处理中"):
            flows.submit_decision(batch, checker=checker, approve=True, note="")
    finally:
        release.set()
        holder.join()
    assert not DecisionJob.objects.exists()


def test_a_decision_left_in_the_queue_too_long_gives_way_and_never_runs(batch, checker, settings):
    job = flows.submit_decision(batch, checker=checker, approve=False, note="有误")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.IMPORT_STALL_SECONDS + 60)
    DecisionJob.objects.filter(pk=job.pk).update(requested_at=long_ago)
    again = flows.submit_decision(batch, checker=checker, approve=True, note="")
    job.refresh_from_db()
    assert job.state == DecisionJob.State.FAILED and "排队超时" in job.message
    assert flows.run_decision(str(job.pk)) is None, "delivered late, the lost job is not claimed"
    assert flows.run_decision(str(again.pk)).rows == 2 and reviews() == {Review.APPROVED}
