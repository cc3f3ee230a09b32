"""Credit evaluation benchmark: grade every subject from its records.

    uv run python bench/evaluation.py --db postgres --subjects 1000000 --records 10000000
    uv run python bench/evaluation.py --db sqlite   --subjects 100000  --records 1000000

Fresh database per run: a registry of --subjects subjects (``legalcredit demo``), then --records
approved credit records spread over them by the demo generator (``records/demo.py``: penalties of
every severity, revocations, industry discipline, annual assessments, complaints, commendations,
legal aid reviews), written raw.
Measured in the same run:

* baseline: streaming the same records out of the database (the columns the engine reads,
  one pass, server-side cursor on PostgreSQL, rows as the driver returns them) with nothing done
  to them;
* full evaluation, cold: ``legalcredit evaluation recompute`` in a child process (so its peak RSS
  is its own), every subject graded and its first result stored;
* full evaluation, steady: the same again the next day's way, when nothing changed and nothing
  is written;
* re-evaluation of one subject after one of its records changed (what the background job does):
  p50/p95 over 200 subjects.

Results are printed and written to bench/results/evaluation-<db>-<subjects>.json.
"""
from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, start, summary  # noqa: E402

CLI = "import sys; from legalcredit.cli import main; sys.exit(main(sys.argv[1:]))"


def main():
    ap = arguments()
    ap.add_argument("--subjects", type=int, default=100_000)
    ap.add_argument("--records", type=int, default=1_000_000)
    opts = ap.parse_args()
    start(opts)
    from django.db import connection, transaction
    from django.utils import timezone

    from legalcredit.evaluation import selectors, services
    from legalcredit.records.bulk import RecordWriter
    from legalcredit.records.demo import rows as record_rows
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject

    t = time.perf_counter()
    demo.build(opts.subjects, province_code="320000", seed=opts.seed)
    print(f"registry of {opts.subjects:,} built in {time.perf_counter() - t:.0f} s", flush=True)
    rng = random.Random(opts.seed)
    today = timezone.localdate()
    subjects = list(Subject.objects.values_list("pk", "subject_type_id"))
    writer = RecordWriter(None, None, "基准数据")
    t = time.perf_counter()
    chunk = []
    with transaction.atomic():
        for row in record_rows(subjects, opts.records, rng, today):
            chunk.append(row)
            if len(chunk) == 50_000:
                writer.write(chunk)
                chunk = []
        writer.write(chunk)
    del subjects
    print(f"{opts.records:,} records written in {time.perf_counter() - t:.0f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    result = {"db": opts.db, "subjects": opts.subjects, "records": opts.records,
              "python": sys.version.split()[0], "machine": f"{os.cpu_count()} cores"}

    # Baseline: the same records streamed out, nothing done to them.
    t = time.perf_counter()
    with transaction.atomic():
        n = sum(1 for _ in selectors.stream_current())
    stream_s = time.perf_counter() - t
    assert n == opts.records, n

    def child(label):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", CLI, "evaluation", "recompute"], env=dict(os.environ),
                              capture_output=True, text=True)
        seconds = time.perf_counter() - t
        if proc.returncode:
            print(proc.stdout[-3000:], proc.stderr[-3000:])
            raise SystemExit(f"{label} failed")
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(label, f"{seconds:.1f} s", proc.stdout.strip().splitlines()[0], flush=True)
        return seconds, round(max(rss, before) / 1024), proc.stdout

    cold_s, cold_rss, cold_out = child("cold")
    steady_s, steady_rss, _ = child("steady")
    result["full_evaluation"] = {
        "baseline_stream_records_seconds": round(stream_s, 1),
        "cold_seconds": round(cold_s, 1), "cold_ratio_to_stream": round(cold_s / stream_s, 2),
        "steady_seconds": round(steady_s, 1), "steady_ratio_to_stream": round(steady_s / stream_s, 2),
        "peak_rss_mb_evaluation_process": max(cold_rss, steady_rss),
        "subjects_per_second_cold": round(opts.subjects / cold_s),
        "cold_output": cold_out.strip().splitlines()[:12]}
    print(json.dumps(result["full_evaluation"], ensure_ascii=False), flush=True)

    # One subject, one record changed, then its re-evaluation (the background job's work).
    ids = list(Subject.objects.filter(subject_type_id__in=["lawyer", "law_firm"]).order_by("?")
               .values_list("pk", "subject_type_id")[:200])
    ms = []
    for sid, stype in ids:
        writer.write(list(record_rows([(sid, stype)], 1, rng, today)))
        t = time.perf_counter()
        services.evaluate_subjects([sid])
        ms.append((time.perf_counter() - t) * 1000)
    result["reevaluate_one_subject"] = summary(ms)
    print(json.dumps(result["reevaluate_one_subject"]), flush=True)
    out = HERE / "results" / f"evaluation-{opts.db}-{opts.subjects}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
