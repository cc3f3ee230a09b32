"""Continuous monitoring (信用关注) benchmark: how many watched subjects the scheduled re-check
covers, and at what cost against the check's own read.

    uv run python bench/watches.py --db postgres --subjects 200000 --watches 20000

Fresh database: a registry of --subjects subjects with demo records, graded. A department then
watches --watches of them (a procurement platform's suppliers). Measured in the same run:

* baseline: the check's read of each watched subject's standing (``checks.selectors.standing_by``,
  one hand-written statement per subject), the least any re-check must do;
* watching: creating the watches through the API's service, 100 subjects a call;
* steady re-check: ``watches.recheck()`` over every watch when nothing changed (each answered
  again and compared, nothing written but the time checked): what the ten-minute job costs;
* changed re-check: 1% of the watched subjects suspended, then the re-check that finds them and
  writes their events;
* peak RSS growth over the run of the re-checks.

Results are printed and written to bench/results/watches-<db>-<subjects>.json.
"""
from __future__ import annotations

import json
import os
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, start  # noqa: E402


def main():
    ap = arguments()
    ap.add_argument("--subjects", type=int, default=200_000)
    ap.add_argument("--watches", type=int, default=20_000)
    opts = ap.parse_args()
    start(opts)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from legalcredit.accounts.services import assign
    from legalcredit.checks import selectors, watches
    from legalcredit.checks.models import WatchEvent
    from legalcredit.evaluation import services as evaluation
    from legalcredit.records import demo as records_demo
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject

    t = time.perf_counter()
    batch, _ = demo.build(opts.subjects, province_code="320000", seed=opts.seed)
    n_records = records_demo.build(seed=opts.seed, subjects_of_batch=batch)
    evaluation.recompute_all()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"{opts.subjects:,} subjects, {n_records:,} records, graded, in {time.perf_counter() - t:.0f} s", flush=True)

    rng = random.Random(opts.seed)
    rows = list(Subject.objects.exclude(uscc__isnull=True).exclude(uscc="").values_list("pk", "uscc"))
    chosen = rng.sample(rows, min(opts.watches, len(rows)))
    department = get_user_model().objects.create_user("bench_procurement", password="x-Strong-pass-1")
    assign(department, "department", unit="省政府采购系统")
    today = timezone.localdate()
    result = {"db": opts.db, "subjects": opts.subjects, "records": n_records, "watches": len(chosen),
              "python": sys.version.split()[0], "machine": f"{os.cpu_count()} cores"}

    t = time.perf_counter()
    for pk, _ in chosen:
        selectors.standing_by("id", pk, today)
    base = time.perf_counter() - t
    result["baseline_standing_reads"] = {"seconds": round(base, 3), "per_watch_ms": round(base / len(chosen) * 1000, 3)}

    t = time.perf_counter()
    for i in range(0, len(chosen), 100):
        watches.watch(by=department, queries=[{"uscc": u} for _, u in chosen[i:i + 100]], matter="procurement",
                      purpose="供应商履约期间信用关注")
    made = time.perf_counter() - t
    result["watching"] = {"seconds": round(made, 3), "per_watch_ms": round(made / len(chosen) * 1000, 3)}

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    assert watches.recheck(today=today) == 0
    steady = time.perf_counter() - t
    result["steady_recheck"] = {"seconds": round(steady, 3), "per_watch_ms": round(steady / len(chosen) * 1000, 3),
                                "ratio_to_baseline": round(steady / base, 2),
                                "watches_per_ten_minutes": int(len(chosen) / steady * 600)}

    suspended = [pk for pk, _ in chosen[:max(1, len(chosen) // 100)]]
    Subject.objects.filter(pk__in=suspended).update(status_id="suspended", status_since=today)
    t = time.perf_counter()
    found = watches.recheck(today=today)
    changed = time.perf_counter() - t
    assert found == len(suspended) == WatchEvent.objects.count(), (found, len(suspended))
    result["changed_recheck"] = {"changed": found, "seconds": round(changed, 3),
                                 "ratio_to_steady": round(changed / steady, 2)}
    result["peak_rss_growth_mb"] = round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024)

    out = HERE / "results" / f"watches-{opts.db}-{opts.subjects}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
