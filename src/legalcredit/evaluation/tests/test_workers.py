"""A full evaluation spread over worker processes grades exactly as one process does."""
import os
import random

import pytest
from django.utils import timezone

from legalcredit.evaluation import services, workers
from legalcredit.evaluation.models import Evaluation, SubjectGrade

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


def _forget_grades():
    """Back to before the first grading (the models refuse deletion, as history must)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {SubjectGrade._meta.db_table}")
        cur.execute(f"DELETE FROM {Evaluation._meta.db_table}")


def _outcome():
    return sorted(SubjectGrade.objects.values_list("subject_id", "state", "scheme_id", "grade", "score", "digest"))




def test_an_in_memory_database_is_graded_in_one_process(db):
    # Another process could not see it; the test runner's SQLite database is one.
    if ON_POSTGRES:
        pytest.skip("PostgreSQL test databases are shared between processes")
    assert workers.ranges(None, workers=4) == []


def test_ranges_cover_every_subject_once(db, monkeypatch, django_assert_max_num_queries):
    from legalcredit.registry import demo

    if not ON_POSTGRES:
        monkeypatch.setattr(workers, "_can_share", lambda: True)
    demo.build(120, province_code="320000", seed=7)
    monkeypatch.setattr(workers, "MIN_SUBJECTS", 50)
    monkeypatch.setattr(workers, "RANGE_SIZE", 25)
    from legalcredit.registry.models import Subject

    ids = list(Subject.objects.order_by("pk").values_list("pk", flat=True))
    with django_assert_max_num_queries(2):  # the count, and one pass for the range starts
        parts = workers.ranges(None, workers=2)
    assert len(parts) == -(-len(ids) // 25)
    assert [lo for lo, _ in parts] == ids[::25]
    covered = [i for i in ids if sum(lo <= i and (hi is None or i <= hi) for lo, hi in parts) == 1]
    assert covered == ids
    monkeypatch.setattr(workers, "MIN_SUBJECTS", len(ids) + 1)
    assert workers.ranges(None, workers=2) == []     # too few to repay starting workers
    assert workers.ranges(None, workers=1) == []


@pytest.mark.skipif(not ON_POSTGRES, reason="worker processes need a database they can share (PostgreSQL here)")
def test_workers_store_the_same_grades_as_one_process(refdata_after_flush, transactional_db, monkeypatch):
    from legalcredit.records.bulk import RecordWriter
    from legalcredit.records.demo import rows
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject

    demo.build(300, province_code="320000", seed=11)
    subjects = list(Subject.objects.values_list("pk", "subject_type_id"))
    RecordWriter(None, None, "测试").write(list(rows(subjects, 2000, random.Random(5), timezone.localdate())))
    _forget_grades()
    monkeypatch.setattr(workers, "MIN_SUBJECTS", 100)
    monkeypatch.setattr(workers, "RANGE_SIZE", 40)
    seen = []

    tally = services.evaluate_subjects(None, workers=2, progress=seen.append)
    parallel = _outcome()
    assert tally.subjects == len(subjects) == sum(seen) and len(seen) == 8
    assert tally.changed == len(subjects)
    assert Evaluation.objects.count() == len(subjects) - tally.not_evaluated

    _forget_grades()
    single = services.evaluate_subjects(None, workers=1)
    assert _outcome() == parallel
    assert (single.subjects, single.changed, single.not_evaluated, single.grades) == \
        (tally.subjects, tally.changed, tally.not_evaluated, tally.grades)
    # A second parallel pass finds nothing changed and stores nothing.
    assert services.evaluate_subjects(None, workers=2).changed == 0
    assert Evaluation.objects.count() == len(subjects) - tally.not_evaluated
