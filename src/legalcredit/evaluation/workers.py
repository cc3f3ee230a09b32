"""A full evaluation spread over worker processes, one per core.

Grading is pure Python, so one process uses one core however many the machine has: on two
cores a full pass over 100,000 subjects spent as long grading as the database spent streaming
the records twice over. The subjects are cut into id ranges; each range is graded by a worker
process with its own database connection and stored by the same chunked writer as a single
process would use. Writes stay safe: each chunk is stored in its own transaction, SQLite's
IMMEDIATE transactions take turns on the write lock (WAL lets the others read meanwhile), and
on PostgreSQL the current grades of a chunk are locked before they are compared.

Workers are started with ``spawn`` rather than ``fork``: the huey consumer that runs the
nightly pass is multi-threaded, and a forked copy of a threaded process may inherit a lock held
by another thread. Each worker sets Django up again and uses the parent's database settings
(under the test runner, its test database).
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable

# Nothing here imports models at module level: a spawned worker imports this module to find
# its start function before Django is set up.
from django.conf import settings
from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import Mod, RowNumber

# Below this many subjects starting the workers (about two seconds each) costs more than it saves.
MIN_SUBJECTS = 50_000
# Enough ranges per worker for an even finish and a progress bar that moves.
RANGE_SIZE = 25_000


def worker_count(asked: int | None = None) -> int:
    n = asked if asked is not None else getattr(settings, "EVALUATION_WORKERS", None) or os.cpu_count() or 1
    return max(1, int(n))


def _can_share() -> bool:
    """Another process cannot see an in-memory SQLite database (the test runner's default)."""
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def ranges(types: frozenset[str] | None, workers: int | None = None) -> list[tuple[int, int | None]]:
    """Inclusive id ranges of about ``size`` subjects each, or [] when one process should do it all."""
    if worker_count(workers) < 2 or not _can_share():
        return []
    from legalcredit.registry.models import Subject

    qs = Subject.objects.order_by("pk")
    if types is not None:
        qs = qs.filter(subject_type_id__in=types)
    total = qs.count()
    if total < max(MIN_SUBJECTS, 2):
        return []
    size = max(1, min(RANGE_SIZE, -(-total // worker_count(workers))))
    # Every size-th id in one ordered pass (an OFFSET query per range walked the index again
    # from the start each time: 40 walks of up to a million entries at 1M subjects).
    starts = list(qs.annotate(n=Window(RowNumber(), order_by=F("pk").asc()))
                  .annotate(slot=Mod(F("n") - 1, size)).filter(slot=0)
                  .order_by("pk").values_list("pk", flat=True))
    return [(lo, nxt - 1) for lo, nxt in zip(starts, starts[1:])] + [(starts[-1], None)]


def _start(database: dict) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "legalcredit.settings")
    from django.conf import settings as child_settings

    # Before setup, so that no connection to the database named in the environment is opened.
    child_settings.DATABASES["default"].update(database)
    import django

    django.setup()


def _grade(lo: int, hi: int | None, as_of: dt.date, trigger: str, types: frozenset[str] | None):
    from . import services

    try:
        return services.evaluate_range(None, as_of=as_of, trigger=trigger, types=types, lo=lo, hi=hi)
    finally:
        from django.db import connections

        connections.close_all()


def evaluate_ranges(parts: list[tuple[int, int | None]], *, as_of: dt.date, trigger: str,
                    types: frozenset[str] | None, progress: Callable[[int], None] | None = None,
                    workers: int | None = None):
    from .services import Tally

    tally = Tally()
    database = {k: v for k, v in connection.settings_dict.items() if k in ("NAME", "USER", "PASSWORD", "HOST",
                                                                          "PORT", "OPTIONS")}
    n = min(worker_count(workers), len(parts))
    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"), initializer=_start,
                             initargs=(database,)) as ex:
        futures = [ex.submit(_grade, lo, hi, as_of, trigger, types) for lo, hi in parts]
        try:
            for f in as_completed(futures):
                part = f.result()
                tally.add(part)
                if progress:
                    progress(part.subjects)
        except BaseException:
            # The ranges already stored stand (each chunk is its own transaction); the rest is
            # not started, and the next pass grades what this one did not reach.
            ex.shutdown(cancel_futures=True)
            raise
    return tally
