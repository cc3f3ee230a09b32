"""The monthly access review (查询使用审查, audit/reviews.py) over a month of audited reads.

    uv run python bench/access_review.py --db postgres --reads 1000000

Fresh database. The audit trail gets --reads reads of non-public data in one month (a share
--systems of them by two departments' systems, whose reads are counted but not assessed; the rest
by --officers officer accounts, a few reading late or in bulk) and as many in the months before,
which the review must pass over. Measured in the same run:

* review: ``reviews.open_review`` of that month: the figures per account and purpose, the
  officers' reads streamed through the rules, the findings written; its time and peak RSS growth;
* baseline: streaming the same month's read rows (the columns the review reads) out of the
  database and doing nothing with them.

Results are printed and written to bench/results/access-review-<db>-<reads>.json.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, peak_kb, reset_peak, start  # noqa: E402


def main():
    ap = arguments()
    ap.add_argument("--reads", type=int, default=1_000_000)
    ap.add_argument("--officers", type=int, default=200)
    ap.add_argument("--systems", type=float, default=0.8)
    ap.add_argument("--profile", help="write a cProfile of the review to this file")
    opts = ap.parse_args()
    start(opts)
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from legalcredit.accounts.services import assign
    from legalcredit.audit import reviews
    from legalcredit.audit.models import AuditEntry

    User = get_user_model()
    officers = [User.objects.create_user(f"officer{i}") for i in range(opts.officers)]
    for u in officers:
        assign(u, "city_maker")
    systems = [User.objects.create_user(f"system{i}") for i in range(2)]
    for u in systems:
        assign(u, "department")
    rng = random.Random(opts.seed)
    month = dt.date(2026, 10, 1)
    zone = timezone.get_current_timezone()
    purposes = ["日常监管（supervision）", "行政许可审查（licensing）", "投诉举报处理（complaint）", "行政处罚办理（enforcement）"]

    from legalcredit.refdata.selectors import work_calendar

    cal = work_calendar()

    def entries(first: dt.date, days: int, n: int):
        start_at = dt.datetime.combine(first, dt.time(0, 0), tzinfo=zone)
        workdays = [d for d in (first + dt.timedelta(days=i) for i in range(days)) if cal.is_working_day(d)]
        for _ in range(n):
            at = start_at + dt.timedelta(seconds=rng.randrange(days * 86400))
            if rng.random() < opts.systems:
                who, purpose = rng.choice(systems), f"第{rng.randrange(5000)}号项目资格审查"
            else:
                who, purpose = rng.choice(officers), rng.choice(purposes)
                # Officers read on working days in office hours, but for a few evenings.
                if rng.random() > 0.001:
                    at = dt.datetime.combine(rng.choice(workdays), dt.time(rng.randrange(8, 18), rng.randrange(60)),
                                             tzinfo=zone)
            count = rng.choice([1, 1, 1, 1, 20])
            data = {"ids": [str(rng.randrange(1, 10**6)) for _ in range(count)], "count": count, "path": "/api/v1/"}
            if rng.random() < 0.02:
                data["full_id_number"] = True
            yield AuditEntry(at=at, actor_id=who.pk, actor=who.username, action="read", object_type="registry.subject",
                             summary="查阅", reason=purpose, data=data)

    t = time.perf_counter()
    for first, days in ((dt.date(2026, 8, 1), 61), (month, 31)):
        batch = []
        with transaction.atomic():
            for e in entries(first, days, opts.reads):
                batch.append(e)
                if len(batch) == 5000:
                    AuditEntry.objects.bulk_create(batch)
                    batch = []
            AuditEntry.objects.bulk_create(batch)
    loaded = time.perf_counter() - t
    from legalcredit.audit import services as trail

    if trail.seals_inline():
        # Where each write links the chain's backlog first (SQLite), the trail is linked before,
        # as a running platform's is: the review's own entry is not made to link two million.
        trail.seal()

    start_at = dt.datetime.combine(month, dt.time(0, 0), tzinfo=zone)
    end_at = dt.datetime.combine(dt.date(2026, 11, 1), dt.time(0, 0), tzinfo=zone)

    def stream() -> tuple[float, int]:
        t = time.perf_counter()
        n = 0
        qs = (AuditEntry.objects.filter(action="read", at__gte=start_at, at__lt=end_at)
              .values_list("id", "actor_id", "actor", "at", "reason", "data"))
        with transaction.atomic():
            for _ in qs.iterator(chunk_size=reviews.CHUNK):
                n += 1
        return time.perf_counter() - t, n

    baseline, streamed = stream()
    before = reset_peak()
    t = time.perf_counter()
    if opts.profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    review = reviews.open_review(month, today=dt.date(2026, 12, 7))
    took = time.perf_counter() - t
    if opts.profile:
        profiler.disable()
        profiler.dump_stats(opts.profile)
    growth = (peak_kb() - before) / 1024
    out = {"db": opts.db, "reads_in_month": opts.reads, "reads_before": opts.reads, "officers": opts.officers,
           "systems_share": opts.systems, "load_seconds": round(loaded, 1),
           "review": {"seconds": round(took, 2), "reads_counted": review.reads,
                      "findings": review.findings.count(), "accounts": len(review.summary),
                      "peak_rss_growth_mb": round(growth)},
           "baseline_stream": {"seconds": round(baseline, 2), "rows": streamed},
           "ratio_to_stream": round(took / baseline, 2)}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"access-review-{opts.db}-{opts.reads}.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
