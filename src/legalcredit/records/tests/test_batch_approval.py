"""Approving a whole import batch gives each version what approving it alone gives."""
import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from legalcredit.records import services
from legalcredit.records.models import CreditRecord, Review
from legalcredit.records.tests.test_import import rows, run, write_csv  # noqa: F401  (rows: a fixture)

pytestmark = pytest.mark.django_db
HEADER = ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_WSH", "CF_WFXW",
          "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM",
          "CF_SJLY", "CF_SJLYDM", "BZ", "GSRQ"]
SHOWN = ("review", "is_current", "published_on", "publication_working_days", "on_time", "withdrawn_on", "repaired_on",
         "checked_by_id", "check_note")


class Undo(Exception):
    pass


def outcome(batch) -> dict:
    versions = CreditRecord.objects.filter(import_batch=batch).order_by("decision_no")
    return {v.decision_no: {f: getattr(v, f) for f in SHOWN} | {
        "earlier_superseded": not CreditRecord.objects.filter(key=v.key, version=v.version - 1, is_current=True).exists()}
        for v in versions}


def test_a_batch_approved_whole_or_version_by_version_ends_the_same(tmp_path, maker, checker, rows):  # noqa: F811
    first = run(write_csv(tmp_path / "a.csv", rows), maker)
    services.approve_batch(first.batch, checker=checker)
    repaired = CreditRecord.objects.get(decision_no=rows[0]["CF_WSH"], is_current=True)
    published_on = timezone.localdate() - dt.timedelta(days=30)
    CreditRecord.objects.filter(pk=repaired.pk).update(repaired_on=timezone.localdate(), published_on=published_on)
    # A new version of the repaired record, a new record published on a stated day, one published
    # on approval.
    day = timezone.localdate() - dt.timedelta(days=20)
    later = [dict(rows[0], CF_SY="疏于管理，已整改"),
             dict(rows[1], CF_WSH="淮司罚决〔2026〕31号", GSRQ=day.isoformat(), CF_JDRQ=(day - dt.timedelta(days=15)).isoformat(),
                  CF_YXQ=(day + dt.timedelta(days=100)).isoformat()),
             dict(rows[1], CF_WSH="淮司罚决〔2026〕32号", CF_NR="停止执业三个月",
                  CF_YXQ=(dt.date.fromisoformat(rows[1]["CF_JDRQ"]) + dt.timedelta(days=91)).isoformat())]
    second = run(write_csv(tmp_path / "b.csv", later, header=HEADER), maker)
    assert second.applied, second.first_errors
    pending = list(CreditRecord.objects.filter(import_batch=second.batch, review=Review.PENDING).order_by("pk"))
    try:
        with transaction.atomic():
            for v in pending:
                services.approve(v.pk, checker=checker, note="抽核")
            one_by_one = outcome(second.batch)
            raise Undo
    except Undo:
        pass
    assert services.approve_batch(second.batch, checker=checker, note="抽核") == 3
    whole = outcome(second.batch)
    assert whole == one_by_one
    corrected = whole[rows[0]["CF_WSH"]]
    assert (corrected["published_on"], corrected["repaired_on"]) == (published_on, timezone.localdate()), \
        "a new version keeps the date first published and the repair"
    assert whole["淮司罚决〔2026〕31号"]["published_on"] == day
    assert whole["淮司罚决〔2026〕31号"]["publication_working_days"] > 7 and whole["淮司罚决〔2026〕31号"]["on_time"] is False
    assert whole["淮司罚决〔2026〕32号"]["published_on"] == timezone.localdate()


@pytest.mark.skipif(transaction.get_connection().vendor != "postgresql", reason="PostgreSQL's planner statistics")
def test_a_large_batch_approved_leaves_the_planner_knowing_its_rows_are_approved(
        tmp_path, maker, checker, rows, monkeypatch):  # noqa: F811
    """Statistics still saying the batch is pending made every credit check read the whole batch
    through the review index until the table was analysed again."""
    from django.db import connection

    from legalcredit.records import bulk

    monkeypatch.setattr(bulk, "ANALYZE_AFTER", 0)
    batch = run(write_csv(tmp_path / "a.csv", rows), maker).batch

    def common_reviews():
        with connection.cursor() as cur:
            cur.execute("SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'records_creditrecord' "
                        "AND attname = 'review'")
            return (cur.fetchone() or [""])[0] or ""

    assert "pending" in common_reviews() and "approved" not in common_reviews()
    services.approve_batch(batch, checker=checker)
    assert "approved" in common_reviews() and "pending" not in common_reviews()


def test_a_file_corrected_after_its_new_versions_were_returned_imports_past_them(tmp_path, maker, checker, rows):  # noqa: F811
    """v1 in force, v2 from a file returned by the checker, the corrected file imported: v3, which
    follows v1 (the returned v2 was never in force) in its first publication date."""
    services.approve_batch(run(write_csv(tmp_path / "a.csv", rows), maker).batch, checker=checker)
    first = {r.decision_no: r for r in CreditRecord.objects.filter(is_current=True)}
    returned = run(write_csv(tmp_path / "b.csv", [dict(r, CF_SY=r["CF_SY"] + "（更正）") for r in rows]), maker)
    services.reject_batch(returned.batch, checker=checker, note="事由表述有误")
    again = run(write_csv(tmp_path / "c.csv", [dict(r, CF_SY=r["CF_SY"] + "（再次更正）") for r in rows]), maker)
    assert (again.applied, again.new_versions, again.errors) == (True, 2, 0)
    services.approve_batch(again.batch, checker=checker)
    for no, v1 in first.items():
        history = list(CreditRecord.objects.filter(key=v1.key).order_by("version").values_list("version", "review"))
        assert history == [(1, Review.APPROVED), (2, Review.REJECTED), (3, Review.APPROVED)]
        v3 = CreditRecord.objects.get(key=v1.key, is_current=True)
        assert (v3.version, v3.published_on, v3.on_time) == (3, v1.published_on, v1.on_time)
