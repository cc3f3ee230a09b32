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
* full evaluation, cold: ``legalcredit evaluation recompute`` in a child process, every subject
  graded and its first result stored, spread over EVALUATION_WORKERS processes (default one per
  core); peak memory is the summed RSS of the child and its workers, sampled every 0.2 s;
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
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, start, summary  # noqa: E402

CLI = "import sys; from legalcredit.cli import main; sys.exit(main(sys.argv[1:]))"


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("VmRSS:")), 0)
    except OSError:
        return 0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


def tree_rss_peak(proc, every: float = 0.2) -> int:
    """Peak of the summed RSS (MB) of a process and its worker processes, sampled while it runs."""
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_rss_kb(p) for p in _descendants(proc.pid)))
        time.sleep(every)
    return round(peak / 1024)


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
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CLI, "evaluation", "recompute"], env=dict(os.environ),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = tree_rss_peak(proc)
        out, err = proc.communicate()
        seconds = time.perf_counter() - t
        if proc.returncode:
            print(out[-3000:], err[-3000:])
            raise SystemExit(f"{label} failed")
        print(label, f"{seconds:.1f} s", out.strip().splitlines()[0], f"peak RSS {peak} MB", flush=True)
        return seconds, peak, out

    cold_s, cold_rss, cold_out = child("cold")
    steady_s, steady_rss, _ = child("steady")
    result["full_evaluation"] = {
        "baseline_stream_records_seconds": round(stream_s, 1),
        "cold_seconds": round(cold_s, 1), "cold_ratio_to_stream": round(cold_s / stream_s, 2),
        "steady_seconds": round(steady_s, 1), "steady_ratio_to_stream": round(steady_s / stream_s, 2),
        "peak_rss_mb_evaluation_processes": max(cold_rss, steady_rss),
        "workers": os.environ.get("EVALUATION_WORKERS") or os.cpu_count(),
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
