"""Satisfaction ratings (满意度评价) benchmark: taking ratings, and a province's quarter tallied
into records and counted for the statistics page, against plain reads and writes of the same rows.

    uv run python bench/satisfaction.py --db postgres --subjects 100000 --rated 20000 --per 15

Fresh database: a registry of --subjects subjects; --rated of them have --per ratings each in the
last finished quarter (bulk-loaded, one in twelve a bad review, half of those found unfounded).
Measured in the same run:

* intake: ``services.rate`` for 2,000 ratings (validation, the one-per-service rule, the audit
  entry, a clock for each bad review), against a bare ORM insert of the same rows;
* statistics: ``selectors.statistics`` over the quarter for the province, against streaming the
  quarter's rating rows out of the database (what any count must at least read);
* tally: ``services.tally`` of the quarter for the province (one 满意度评价 record per subject, in
  one batch), against the same stream; its peak RSS over the RSS before it (the peak is reset first).

Results are printed and written to bench/results/satisfaction-<db>-<rated>.json.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, peak_kb, reset_peak, start  # noqa: E402


def main():
    ap = arguments()
    ap.add_argument("--subjects", type=int, default=100_000)
    ap.add_argument("--rated", type=int, default=20_000)
    ap.add_argument("--per", type=int, default=15)
    opts = ap.parse_args()
    start(opts)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from legalcredit.accounts.policy import scope_for
    from legalcredit.accounts.services import assign
    from legalcredit.domain.identifiers import generate
    from legalcredit.refdata.models import Region
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject
    from legalcredit.satisfaction import selectors, services
    from legalcredit.satisfaction.models import SatisfactionRating

    t = time.perf_counter()
    demo.build(opts.subjects, province_code="320000", seed=opts.seed)
    officer = get_user_model().objects.create_user("bench_province", password="x-Strong-pass-1", is_staff=True)
    assign(officer, "province_admin", region=Region.objects.get(code="320000"))
    rng = random.Random(opts.seed)
    r = services.rules()
    today = timezone.localdate()
    start_day, end_day = r.round_of(r.round_of(today)[0] - dt.timedelta(days=1))
    span = (end_day - start_day).days
    ids = rng.sample(list(Subject.objects.values_list("pk", flat=True)), opts.rated)
    now = timezone.now()
    batch = []
    for sid in ids:
        for k in range(opts.per):
            bad = rng.random() < 1 / 12
            batch.append(SatisfactionRating(
                subject_id=sid, service=rng.choice(list(r.services)), service_ref=f"B{sid}-{k}", channel="bench",
                served_on=start_day + dt.timedelta(days=rng.randrange(span + 1)), rated_at=now,
                level=rng.choice([1, 2]) if bad else rng.choice([5, 5, 4, 4, 3]), comment="bench",
                submitted_by=officer, follow_up="done" if bad else "",
                outcome=(rng.choice(["unfounded", "rectified"]) if bad else "")))
        if len(batch) >= 20_000:
            SatisfactionRating.objects.bulk_create(batch)
            batch = []
    SatisfactionRating.objects.bulk_create(batch)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    n = opts.rated * opts.per
    print(f"{opts.subjects:,} subjects, {n:,} ratings in {time.perf_counter() - t:.0f} s", flush=True)
    result = {"db": opts.db, "subjects": opts.subjects, "rated_subjects": opts.rated, "ratings": n,
              "python": sys.version.split()[0], "machine": f"{os.cpu_count()} cores"}

    # Intake: 2,000 ratings through the service, and the same rows inserted bare.
    sample = rng.sample(list(Subject.objects.values_list("pk", flat=True)), 2000)
    subjects = Subject.objects.in_bulk(sample)
    t = time.perf_counter()
    for i, sid in enumerate(sample):
        level = 1 if i % 12 == 0 else 5
        services.rate(subjects[sid], by=officer, channel="intake", service="consultation", service_ref=f"I{i}",
                      served_on=today, level=level, comment="慢" if level == 1 else "")
    taken = time.perf_counter() - t
    t = time.perf_counter()
    for i, sid in enumerate(sample):
        SatisfactionRating.objects.create(subject_id=sid, service="consultation", service_ref=f"J{i}",
                                          channel="bare", served_on=today, rated_at=now, level=5,
                                          submitted_by=officer)
    bare = time.perf_counter() - t
    result["intake"] = {"ratings": len(sample), "per_rating_ms": round(taken / len(sample) * 1000, 3),
                        "bare_insert_ms": round(bare / len(sample) * 1000, 3), "ratio": round(taken / bare, 2)}

    t = time.perf_counter()
    streamed = sum(1 for _ in SatisfactionRating.objects.filter(served_on__gte=start_day, served_on__lte=end_day)
                   .values_list("subject_id", "level", "outcome", "service").iterator(chunk_size=5000))
    stream = time.perf_counter() - t
    assert streamed == n
    result["baseline_stream"] = {"rows": streamed, "seconds": round(stream, 3)}

    t = time.perf_counter()
    rows = selectors.statistics(scope_for(officer), start_day, end_day, today)
    stats = time.perf_counter() - t
    assert sum(row["ratings"] for row in rows) == n
    result["statistics"] = {"seconds": round(stats, 3), "ratio_to_stream": round(stats / stream, 2)}

    before = reset_peak()
    uscc = generate.uscc_code(random.Random(1), authority="1", category="1", region="320000", serial=1)
    t = time.perf_counter()
    tallied = services.tally(by=officer, day_in_round=end_day, authority="江苏省司法厅", authority_uscc=uscc)
    took = time.perf_counter() - t
    result["tally"] = {"records_written": len(tallied.written), "too_few": tallied.too_few,
                       "seconds": round(took, 3), "per_record_ms": round(took / max(1, len(tallied.written)) * 1000, 3),
                       "ratio_to_stream": round(took / stream, 2)}
    result["tally_peak_rss_growth_mb"] = round((peak_kb() - before) / 1024)

    out = HERE / "results" / f"satisfaction-{opts.db}-{opts.rated}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
