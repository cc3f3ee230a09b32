"""The back-office export as a background job: run once, all or nothing, under the requester's
rights as they stand when it runs, across XLSX sheets past a sheet's rows, its file removed after
its keeping period."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.records import export, flows, selectors, services
from legalcredit.records.models import CreditRecord, ExportJob
from legalcredit.records.tests.test_import import rows, run, write_csv  # noqa: F401 (fixture)


@pytest.fixture
def approved(tmp_path, maker, checker, rows):  # noqa: F811
    batch = run(write_csv(tmp_path / "cf.csv", rows), maker).batch
    services.approve_batch(batch, checker=checker)
    return batch


def submit(checker, **options):
    asked = {"kind": "penalty", "fmt": "csv", "since": None, "mark_reported": True, "purpose": "报送省平台"}
    return flows.submit_export(actor=checker, **(asked | options))


def test_a_job_is_run_once_and_its_progress_reaches_the_whole(approved, checker):
    job = submit(checker)
    done = flows.run_export(str(job.pk))
    assert done.state == ExportJob.State.DONE and done.rows == 2 and done.size_bytes > 0
    assert flows.export_path(done).read_text(encoding="utf-8-sig").count("淮司罚决") == 2
    progress = selectors.export_progress(done)
    assert (progress.rows, progress.estimated, progress.percent) == (2, 2, 100)
    assert flows.run_export(str(job.pk)) is None, "a queue delivering the job twice exports once"
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


def test_an_export_that_fails_leaves_no_file_no_marks_and_no_audit_entry(approved, checker, monkeypatch):
    def broken(*args, **kwargs):
        yield from []
        raise OSError("disk full")

    monkeypatch.setattr(export, "rows", broken)
    done = flows.run_export(str(submit(checker).pk))
    assert done.state == ExportJob.State.FAILED and "OSError" in done.message and done.file == ""
    assert not list(flows.export_folder().glob(f"{done.pk}/*"))
    assert not CreditRecord.objects.filter(reported_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_an_officer_who_lost_the_right_to_export_before_the_job_ran_gets_nothing(approved, checker):
    job = submit(checker)
    checker.is_active = False
    checker.save()
    done = flows.run_export(str(job.pk))
    assert done.state == ExportJob.State.FAILED and "不再具有导出权限" in done.message
    assert not CreditRecord.objects.filter(reported_at__isnull=False).exists()


def test_xlsx_rows_past_a_sheets_capacity_go_on_in_the_next_sheet_under_the_header(approved, checker,
                                                                                   monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setattr(export, "SHEET_ROWS", 2)    # the header and one row per sheet
    done = flows.run_export(str(submit(checker, fmt="xlsx").pk))
    book = load_workbook(flows.export_path(done), read_only=True)
    assert book.sheetnames == ["行政处罚", "行政处罚（2）"]
    tables = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    assert all(len(t) == 2 and t[0][0] == "CF_XDR_MC" for t in tables)
    col = tables[0][0].index("CF_WSH")
    assert {t[1][col] for t in tables} == {"淮司罚决〔2026〕11号", "淮司罚决〔2026〕12号"}


def test_files_past_their_keeping_period_are_removed_and_the_job_says_so(approved, checker, client, settings):
    done = flows.run_export(str(submit(checker).pk))
    path = flows.export_path(done)
    assert flows.remove_expired_exports() == 0 and path.exists()
    later = done.finished_at + dt.timedelta(days=settings.EXPORT_KEEP_DAYS, minutes=1)
    assert flows.remove_expired_exports(now=later) == 1 and not path.exists()
    assert flows.remove_expired_exports(now=later) == 0
    client.force_login(checker)
    assert client.get(reverse("admin:records_export_file", args=[done.pk])).status_code == 404
    page = client.get(reverse("admin:records_export_job", args=[done.pk])).content.decode()
    assert "按保留期限（3 天）删除" in page and "下载" not in page


def test_a_running_job_shows_its_progress_and_reloads(approved, checker, client):
    job = submit(checker)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, started_at=timezone.now(),
                                               rows_estimated=10_000)
    flows._export_report(job, 4000)
    client.force_login(checker)
    page = client.get(reverse("admin:records_export_job", args=[job.pk])).content.decode()
    assert "已写入 4000 条，共 10000 条" in page and 'http-equiv="refresh"' in page and "40%" in page


def test_the_partial_file_of_an_export_whose_worker_was_killed_is_removed_too(approved, checker):
    job = submit(checker)
    started = timezone.now() - dt.timedelta(days=4)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, started_at=started,
                                               file="penalty-20261201-090000.csv")
    job.refresh_from_db()
    path = flows.export_path(job)
    path.parent.mkdir(parents=True)
    path.write_text("CF_XDR_MC,CF_XDR_ZJHM\n李明,110101199003070011\n")   # half written, ID numbers in it
    assert flows.remove_expired_exports() == 1 and not path.exists()
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED and "未完成的文件已删除" in job.message and job.finished
