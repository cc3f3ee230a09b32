"""The back-office import of a credit information file, from upload to result, and the
back-office export of 双公示 data, from the request to the download, and a checker's decision
on a whole import batch, each in one place.

An officer's upload becomes an ``ImportJob`` and the background worker runs it, so a year's
file neither outlives its request nor ties up a web process. The upload is kept under
``HOME/uploads/<job>/`` only until the worker has read it: it holds ID numbers in clear, and
what is kept of it is in the database, sealed. Progress goes through the cache, since the rows
an import writes stay invisible (and, on SQLite, the database locked) until its batch commits.
"""
from __future__ import annotations

import logging
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.utils import timezone

from . import files, importer
from .models import DecisionJob, ExportJob, ImportJob

log = logging.getLogger(__name__)


def _folder(job: ImportJob) -> Path:
    return Path(settings.HOME) / "uploads" / str(job.pk)


def _upload_path(job: ImportJob) -> Path:
    # A plain name on disk: the officer's (``source``, shown everywhere) may pass the file
    # system's 255 bytes, which are 85 Chinese characters.
    return _folder(job) / ("upload" + Path(job.source).suffix.lower()[:10])


def progress_key(job_id) -> str:
    return f"records:import-job:{job_id}"


def submit_import(upload, *, kind: str, actor, reason: str, register_unknown: bool) -> ImportJob:
    """Keep the upload and queue its import; the job page follows it."""
    name = Path(upload.name)
    suffix = name.suffix[:20]
    source = name.stem[:200 - len(suffix)] + suffix    # the column's length, the extension kept
    job = ImportJob.objects.create(kind=kind, source=source, size_bytes=upload.size, reason=reason.strip(),
                                   register_unknown=register_unknown, requested_by=actor)
    path = _upload_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        for part in upload.chunks():
            fh.write(part)
    from .tasks import import_file

    # After commit: a worker that picked the job up sooner would not find its row.
    transaction.on_commit(lambda: import_file(str(job.pk)))
    return job


def _note_progress(key: str, rows: int) -> None:
    """A job's progress (and a sign of life) for its page, through the cache: its rows stay invisible
    in the database until its transaction commits."""
    cache.set(key, {"rows": rows, "at": timezone.now().isoformat()}, timeout=7 * 86400)


def _report(job: ImportJob, n: int) -> None:
    _note_progress(progress_key(job.pk), n)


def run_import(job_id: str) -> ImportJob | None:
    """The worker's side: read the file, import it as one batch, record what came of it."""
    job = ImportJob.objects.select_related("requested_by").filter(pk=job_id, state=ImportJob.State.QUEUED).first()
    if job is None:     # already run (a queue delivering twice) or never committed
        return None
    folder, path = _folder(job), _upload_path(job)
    job.state, job.started_at = ImportJob.State.RUNNING, timezone.now()
    job.rows_estimated = files.estimate_rows(path) if path.exists() else None
    job.save(update_fields=["state", "started_at", "rows_estimated"])
    _report(job, 0)
    try:
        if not path.exists():
            raise importer.ImportRefused("上传的文件已不存在，请重新上传")
        result = importer.import_records(
            path, kind=job.kind, actor=job.requested_by, reason=job.reason, source=job.source,
            unknown_subjects="register" if job.register_unknown else "reject",
            progress=lambda n: _report(job, n))
    except importer.ImportRefused as exc:
        job.state, job.message = ImportJob.State.REFUSED, str(exc)
    except Exception as exc:    # the batch rolled back; the officer must learn that, not wait forever
        log.exception("import job %s failed", job.pk)
        job.state = ImportJob.State.FAILED
        job.message = f"导入过程出错（{type(exc).__name__}），本批次未导入任何数据；请联系系统管理员查看日志后重新上传"
    else:
        job.state = ImportJob.State.DONE
        job.batch_id = result.batch.pk if result.applied else None
        job.report = result.report_path.name if result.report_path else ""
        job.result = result.summary()
        _report(job, result.rows)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "batch", "report", "result", "finished_at"])
    return job


# Export --------------------------------------------------------------------------------------

class ExportRefused(Exception):
    pass


def export_folder() -> Path:
    return Path(settings.HOME) / "exports"


def export_path(job: ExportJob) -> Path:
    return export_folder() / str(job.pk) / job.file


def export_progress_key(job_id) -> str:
    return f"records:export-job:{job_id}"


def _export_report(job: ExportJob, n: int) -> None:
    _note_progress(export_progress_key(job.pk), n)


def submit_export(*, kind: str, fmt: str, since, mark_reported: bool, purpose: str, actor) -> ExportJob:
    """Queue an export; the job page follows it and offers the file when it is written."""
    job = ExportJob.objects.create(kind=kind, fmt=fmt, since=since, mark_reported=mark_reported,
                                   purpose=purpose.strip(), requested_by=actor)
    from .tasks import export_file

    transaction.on_commit(lambda: export_file(str(job.pk)))
    return job


def run_export(job_id: str) -> ExportJob | None:
    """The worker's side: write the file under the requester's scope as it is now, in one
    transaction with its audit entry and the 已报送 marks; a failure leaves neither file nor marks."""
    import datetime as dt

    from legalcredit.accounts.policy import scope_for

    from . import export

    # Claimed by one conditional UPDATE: a queue delivering the job twice runs it once.
    if not ExportJob.objects.filter(pk=job_id, state=ExportJob.State.QUEUED).update(
            state=ExportJob.State.RUNNING, started_at=timezone.now()):
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    actor = job.requested_by
    scope = scope_for(actor)
    since = timezone.make_aware(dt.datetime.combine(job.since, dt.time.min)) if job.since else None
    stamp = timezone.localtime(job.requested_at)
    job.file = f"{job.kind}-{stamp:%Y%m%d-%H%M%S}.{job.fmt}"
    path = export_path(job)
    try:
        if not actor.is_active or not scope.full_id_number:
            # Between the request and the run the officer left, or lost the role that may export.
            raise ExportRefused("提交导出后账号已停用或已不再具有导出权限，未导出")
        job.rows_estimated = export.count(job.kind, scope=scope, since=since)
        job.save(update_fields=["file", "rows_estimated"])
        _export_report(job, 0)
        path.parent.mkdir(parents=True, exist_ok=True)
        job.rows = export.export(job.kind, path, actor=actor, scope=scope, since=since, fmt=job.fmt,
                                 mark_reported=job.mark_reported, purpose=job.purpose,
                                 progress=lambda n: _export_report(job, n))
    except ExportRefused as exc:
        job.state, job.message, job.file = ExportJob.State.FAILED, str(exc), ""
    except Exception as exc:    # rolled back: no marks, no audit entry; the half-written file goes
        log.exception("export job %s failed", job.pk)
        shutil.rmtree(path.parent, ignore_errors=True)
        job.state, job.file = ExportJob.State.FAILED, ""
        job.message = f"导出过程出错（{type(exc).__name__}），未生成文件、未标记报送；请联系系统管理员查看日志后重新导出"
    else:
        job.state, job.size_bytes = ExportJob.State.DONE, path.stat().st_size
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "file", "rows_estimated", "rows", "size_bytes", "finished_at"])
    return job


def remove_expired_exports(now=None) -> int:
    """Remove the files of exports older than EXPORT_KEEP_DAYS (they hold full ID numbers); the
    jobs stay, saying when their file went. A job still running after that long was stopped (its
    worker killed): its partial file goes too, and the job says it failed. How many were removed."""
    import datetime as dt

    from django.db.models import Q

    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.EXPORT_KEEP_DAYS)
    done = 0
    for job in ExportJob.objects.filter(Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, started_at__lt=cutoff),
                                        file_removed_at__isnull=True).exclude(file=""):
        shutil.rmtree(export_path(job).parent, ignore_errors=True)
        job.file_removed_at = now
        if not job.finished:
            job.state, job.finished_at = ExportJob.State.FAILED, now
            job.message = "后台任务中断，导出未完成（未标记报送）；未完成的文件已删除，请重新导出"
        job.save(update_fields=["file_removed_at", "state", "finished_at", "message"])
        done += 1
    return done


# A checker's decision on a batch -----------------------------------------------------------

class DecisionRefused(Exception):
    pass


def decision_progress_key(job_id) -> str:
    return f"records:decision-job:{job_id}"


HEARTBEAT_SECONDS = 10


@contextmanager
def heartbeat(beat, every: float = HEARTBEAT_SECONDS):
    """Call ``beat`` now and every ``every`` seconds until the block ends. A batch is approved in
    a few statements of a minute or more each, with no row count to report between them; the
    beat tells the job's page the worker is alive, and its silence that the worker was killed."""
    stop = threading.Event()

    def run():
        while not stop.wait(every):
            beat()

    beat()
    thread = threading.Thread(target=run, name="decision-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _decision_beat(job: DecisionJob) -> None:
    _note_progress(decision_progress_key(job.pk), 0)


def open_decision(batch) -> DecisionJob | None:
    """The batch's decision still queued or running, if any. One whose worker stopped answering,
    or one left in the queue past ``IMPORT_STALL_SECONDS`` (the queue lost, or no worker), is
    closed here as failed, so that a checker can decide the batch again: a running one's
    transaction never committed, and a queued one, no longer queued, is never claimed."""
    from . import selectors

    open_states = [DecisionJob.State.QUEUED, DecisionJob.State.RUNNING]
    job = DecisionJob.objects.filter(batch=batch, state__in=open_states).first()
    if job is None:
        return None
    waited = (timezone.now() - job.requested_at).total_seconds()
    lost = job.state == DecisionJob.State.QUEUED and waited > settings.IMPORT_STALL_SECONDS
    if lost or selectors.decision_progress(job).stalled:
        DecisionJob.objects.filter(pk=job.pk, state=job.state).update(
            state=DecisionJob.State.FAILED, finished_at=timezone.now(),
            message="后台任务排队超时未开始，本批次未作任何变更；已可重新提交审核" if lost else
            "后台任务中断，本批次未作任何变更（整批在一个事务中处理）")
        return None
    return job


@transaction.atomic
def submit_decision(batch, *, checker, approve: bool, note: str) -> DecisionJob:
    """Queue a checker's approval or return of a whole batch, refusing at once what would be
    refused when it runs: a checker without the right, the batch's maker, a return with no
    reason, a batch with nothing pending or with a decision already under way."""
    from . import services

    services.check_may_decide(batch, checker)
    note = (note or "").strip() if approve else services.check_return_note(note)
    busy = DecisionRefused(f"批次 #{batch.pk} 已有审核任务在处理中，请等待其完成")
    if open_decision(batch) is not None:
        raise busy
    # Two checkers submitting at once: one takes the batch's row, the other is told. Not waited
    # for: a running approval holds the row for as long as it runs.
    try:
        list(type(batch).objects.select_for_update(nowait=True).filter(pk=batch.pk).values_list("pk", flat=True))
    except DatabaseError:
        raise busy from None
    if open_decision(batch) is not None:
        raise busy
    from .models import CreditRecord, Review

    if not CreditRecord.objects.filter(import_batch=batch, review=Review.PENDING).exists():
        raise DecisionRefused(f"批次 #{batch.pk} 已没有待审核的记录")
    job = DecisionJob.objects.create(batch=batch, approve=approve, note=note, requested_by=checker)
    from .tasks import decide_batch

    transaction.on_commit(lambda: decide_batch(str(job.pk)))
    return job


def run_decision(job_id: str) -> DecisionJob | None:
    """The worker's side: approve or return the batch as ``services`` does, in one transaction,
    under the checker's rights as they stand now; what came of it goes on the job."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from . import services

    if not DecisionJob.objects.filter(pk=job_id, state=DecisionJob.State.QUEUED).update(
            state=DecisionJob.State.RUNNING, started_at=timezone.now()):
        return None
    job = DecisionJob.objects.select_related("requested_by", "batch").get(pk=job_id)
    decide = services.approve_batch if job.approve else services.reject_batch
    try:
        with heartbeat(lambda: _decision_beat(job)):
            job.rows = decide(job.batch, checker=job.requested_by, note=job.note)
    except PermissionDenied as exc:
        job.state, job.message = DecisionJob.State.REFUSED, str(exc)
    except ValidationError as exc:
        job.state, job.message = DecisionJob.State.REFUSED, "；".join(exc.messages)
    except Exception as exc:    # rolled back whole: the officer must learn the batch is still pending
        log.exception("decision job %s failed", job.pk)
        job.state = DecisionJob.State.FAILED
        job.message = f"审核过程出错（{type(exc).__name__}），本批次未作任何变更；请联系系统管理员查看日志后重新提交"
    else:
        job.state = DecisionJob.State.DONE
        if not job.rows:
            job.message = "提交后本批次已没有待审核的记录（可能已由他人审核）"
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "message", "rows", "finished_at"])
    return job
