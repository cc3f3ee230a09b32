"""Credit record import benchmark: 双公示 penalty rows from CSV with full validation.

    uv run python bench/records_import.py --db postgres --rows 1000000
    uv run python bench/records_import.py --db sqlite   --rows 1000000

Fresh database per run; a registry of --subjects subjects is generated first. Measured in the
same run:

* baseline: a raw load of the same CSV rows with no validation or conversion, into a table of
  text columns (COPY on PostgreSQL, executemany on SQLite);
* import: `legalcredit records import` of that file in a child process (so its peak RSS is its
  own), with every row validated (identifiers, value sets, conditional fields, statutory ranges,
  subject lookup, publication window) and written as pending versions;
* storage floor: the imported rows, as stored, loaded again into a copy of the record table
  with its indexes: the cost of storing them with no validation or conversion, a bound on what
  any importer writing this table can reach;
* approval of the whole batch by a checker (set-based);
* as-of query of one subject holding 200 records: p50/p95 over 300 calls.

Results are printed and written to bench/results/records-<db>-<rows>.json.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, raw_load, start, summary, timed  # noqa: E402

HEADER = ["CF_XDR_MC", "CF_XDR_LB", "CF_XDR_SHXYM", "CF_XDR_ZJLX", "CF_XDR_ZJHM", "CF_WSH", "CF_WFXW",
          "CF_SY", "CF_YJ", "CF_CFLB", "CF_NR", "CF_NR_FK", "CF_JDRQ", "CF_YXQ", "CF_CFJG", "CF_CFJGDM",
          "CF_SJLY", "CF_SJLYDM", "BZ"]


def write_file(path: Path, n: int, rng: random.Random, bureau: str, heavy_subject) -> None:
    from legalcredit.registry.models import Subject

    firms = list(Subject.objects.filter(subject_type_id="law_firm").values_list("name", "uscc"))
    lawyers = list(Subject.objects.filter(subject_type_id="lawyer").values_list("name", "id_number"))
    others = list(Subject.objects.filter(kind="institution").exclude(subject_type_id="law_firm")
                  .exclude(uscc__isnull=True).values_list("name", "uscc"))
    start = dt.date(2025, 1, 1)
    # A lawyer suspended twice within the file would be a repeat offence (律师法 Art 51: the
    # second must be a revocation), so each lawyer is suspended once; when all have been, the
    # row goes to a firm.
    rng.shuffle(lawyers)
    common = {"CF_CFJG": "江苏省南京市司法局", "CF_CFJGDM": bureau, "CF_SJLY": "江苏省南京市司法局",
              "CF_SJLYDM": bureau}
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        for i in range(n):
            day = start + dt.timedelta(days=rng.randint(0, 300))
            row = dict(common, CF_WSH=f"苏司罚决〔2025〕{i + 1}号", CF_JDRQ=day.isoformat())
            pick = rng.random()
            if i < 200:
                name, code = heavy_subject
                pick = 0.1
                row.update(CF_XDR_MC=name, CF_XDR_LB="法人及非法人组织", CF_XDR_SHXYM=code)
            if 0.4 <= pick < 0.8 and not lawyers:
                pick = 0.3
            if pick < 0.4:
                if i >= 200:
                    name, code = rng.choice(firms)
                    row.update(CF_XDR_MC=name, CF_XDR_LB="法人及非法人组织", CF_XDR_SHXYM=code)
                fine = rng.randint(1, 100) / 10
                row.update(CF_WFXW="疏于管理", CF_SY="未按规定管理本所律师执业活动",
                           CF_YJ="《中华人民共和国律师法》第五十条", CF_CFLB="警告;罚款",
                           CF_NR=f"警告，罚款{fine}万元", CF_NR_FK=str(fine))
            elif pick < 0.8:
                name, number = lawyers.pop()
                months = rng.randint(3, 6)
                row.update(CF_XDR_MC=name, CF_XDR_LB="自然人", CF_XDR_ZJLX="身份证", CF_XDR_ZJHM=number,
                           CF_WFXW="私自收案收费", CF_SY="私自接受委托、收取费用",
                           CF_YJ="《中华人民共和国律师法》第四十八条", CF_CFLB="其他",
                           CF_NR=f"停止执业{months}个月",
                           CF_YXQ=(day + dt.timedelta(days=30 * months)).isoformat())
            else:
                name, code = rng.choice(others)
                row.update(CF_XDR_MC=name, CF_XDR_LB="法人及非法人组织", CF_XDR_SHXYM=code,
                           CF_WFXW="违反执业规范", CF_SY="未按规定办理业务", CF_YJ="有关执业管理规定",
                           CF_CFLB="警告", CF_NR="警告")
            w.writerow([row.get(h, "") for h in HEADER])


def baseline(path: Path) -> float:
    """The same CSV rows loaded as they are: no validation, no conversion."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        return raw_load(", ".join(f"c{i} text" for i in range(len(HEADER))), reader, len(HEADER))


def storage_floor(batch_id: int) -> float:
    """Seconds to load the batch's rows as the import stored them, already converted, into a
    copy of the record table with the same indexes and checks (not its foreign keys): what
    storing them costs with no reading, validating or converting at all."""
    from django.db import connection, transaction

    table = "records_creditrecord"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"CREATE TABLE bench_floor (LIKE {table} INCLUDING ALL)")
            spool = tempfile.TemporaryFile()
            with cur.cursor.copy(f"COPY (SELECT * FROM {table} WHERE import_batch_id = %s) TO STDOUT",
                                 [batch_id]) as cp:
                for block in cp:
                    spool.write(block)
            spool.seek(0)
            t = time.perf_counter()
            with cur.cursor.copy("COPY bench_floor FROM STDIN") as cp:
                while block := spool.read(1 << 20):
                    cp.write(block)
            elapsed = time.perf_counter() - t
        else:
            cur.execute("SELECT sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL "
                        "ORDER BY type DESC", [table])
            ddl = [r[0].replace(f'"{table}"', '"bench_floor"') for r in cur.fetchall()]
            for i, statement in enumerate(ddl):  # the table first, then its indexes renamed
                cur.execute(statement if i == 0 else statement.replace(" INDEX \"", f' INDEX "floor{i}_'))
            # Spooled to a file in parts, as on PostgreSQL: a million stored rows held in a list
            # took 2.8 GB. Reading the parts back is timed with the inserts; it is a small share.
            cur.execute(f"SELECT * FROM {table} WHERE import_batch_id = %s", [batch_id])
            spool, width = tempfile.TemporaryFile(), len(cur.description)
            while part := cur.fetchmany(10_000):
                pickle.dump(part, spool, protocol=pickle.HIGHEST_PROTOCOL)
            spool.seek(0)
            marks = ", ".join(["%s"] * width)
            t = time.perf_counter()
            with transaction.atomic():
                while True:
                    try:
                        part = pickle.load(spool)
                    except EOFError:
                        break
                    cur.executemany(f"INSERT INTO bench_floor VALUES ({marks})", part)
            elapsed = time.perf_counter() - t
        cur.execute("DROP TABLE bench_floor")
    return elapsed


def main():
    ap = arguments()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--subjects", type=int, default=100_000)
    ap.add_argument("--profile", metavar="FILE", help="run the import under cProfile, its stats written to FILE")
    opts = ap.parse_args()
    start(opts)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from legalcredit.core.models import ImportBatch
    from legalcredit.domain.identifiers import generate
    from legalcredit.records import selectors, services
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject

    demo.build(opts.subjects, province_code="320000", seed=opts.seed)
    User = get_user_model()
    User.objects.create_superuser("bench_maker", password="x-Bench-pass-1")
    checker = User.objects.create_superuser("bench_checker", password="x-Bench-pass-1")
    rng = random.Random(opts.seed)
    bureau = generate.uscc_code(rng, authority="1", category="1", region="320100", serial=1)
    heavy = Subject.objects.filter(subject_type_id="law_firm").values_list("name", "uscc", "pk").first()
    path = Path(os.environ["LEGALCREDIT_HOME"]) / "cf.csv"
    write_file(path, opts.rows, rng, bureau, heavy[:2])
    result = {"db": opts.db, "rows": opts.rows, "subjects": opts.subjects, "file_mb": round(path.stat().st_size / 1048576),
              "python": sys.version.split()[0], "machine": f"{os.cpu_count()} cores"}

    base_s = baseline(path)
    env = dict(os.environ)
    t = time.perf_counter()
    # The child reports its own peak (VmHWM): getrusage's figure for a child includes the
    # parent's size at the fork, gigabytes after a large SQLite baseline.
    report_peak = ("print('VmHWM', [l.split()[1] for l in open('/proc/self/status') "
                   "if l.startswith('VmHWM')][0])")
    runner = ["-c", "import sys; from legalcredit.cli import main; rc = main(sys.argv[1:]); "
              f"{report_peak}; sys.exit(rc)"]
    if opts.profile:
        # cProfile of the import process; the figures of such a run are not comparable.
        runner = ["-c", "import cProfile, pstats, sys; from legalcredit.cli import main; "
                  f"cProfile.run('main(sys.argv[1:])', {opts.profile!r}); "
                  f"pstats.Stats({opts.profile!r}).sort_stats('tottime').print_stats(40)"]
    proc = subprocess.run([sys.executable, *runner, "records", "import", str(path),
                           "--kind", "penalty", "--user", "bench_maker", "--reason", "基准测试"],
                          env=env, capture_output=True, text=True)
    import_s = time.perf_counter() - t
    peak = [line.split()[1] for line in proc.stdout.splitlines() if line.startswith("VmHWM")]
    child_rss = int(peak[0]) if peak else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if opts.profile:
        print(proc.stdout[-12000:])
    if proc.returncode:
        print(proc.stdout[-3000:], proc.stderr[-3000:])
        raise SystemExit("import failed")
    batch = ImportBatch.objects.get(kind="records.penalty")
    floor_s = storage_floor(batch.pk)
    t = time.perf_counter()
    n = services.approve_batch(batch, checker=checker)
    approve_s = time.perf_counter() - t
    result["import"] = {
        "rows_written": n, "seconds": round(import_s, 1), "rows_per_second": round(opts.rows / import_s),
        "baseline_raw_load_seconds": round(base_s, 1),
        "baseline_rows_per_second": round(opts.rows / base_s),
        "throughput_vs_baseline": round(base_s / import_s, 3),
        "storage_floor_seconds": round(floor_s, 1),
        "storage_floor_rows_per_second": round(opts.rows / floor_s),
        "storage_floor_vs_baseline": round(base_s / floor_s, 3),
        "peak_rss_mb_import_process": round(child_rss / 1024),
        "approve_batch_seconds": round(approve_s, 1)}
    print(json.dumps(result["import"], ensure_ascii=False))

    # Approval rewrote every row of the batch; autovacuum would clear the dead versions soon
    # after, and reads are measured against the table as it then stands.
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE records_creditrecord" if connection.vendor == "postgresql" else "ANALYZE")
    today = timezone.localdate()
    assert len(selectors.as_of(heavy[2], today).records) >= 200
    ms = timed(lambda: selectors.as_of(heavy[2], today), [()] * 300)
    result["as_of_200_records"] = summary(ms)
    print(json.dumps(result["as_of_200_records"]))
    out = HERE / "results" / f"records-{opts.db}-{opts.rows}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
