"""Registry benchmarks: generation of N subjects and search on them.

    uv run python bench/run.py --db sqlite   --size 1000000
    uv run python bench/run.py --db postgres --size 1000000 [--pg postgres://postgres@127.0.0.1:5432]

Each run starts from a fresh database and measures, in the same process and run, a baseline next
to each figure, so the machine's noise affects both alike:

* generation: ``legalcredit demo`` for N subjects with affiliations and the name index, against
  the baseline of the fastest raw load of N five-column rows on that database
  (executemany on SQLite, COPY on PostgreSQL);
* search: p50/p95/p99 of 2-character name queries (limit 20) and of exact identifier lookups
  through the same selector the API uses, against the baseline of a primary-key fetch of one
  subject through the ORM.

Results are printed and written to bench/results/<db>-<size>.json.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def summary(ms):
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 3), "p95_ms": round(pct(ms, 95), 3),
            "p99_ms": round(pct(ms, 99), 3), "max_ms": round(max(ms), 3)}


def timed(fn, args_list):
    out = []
    for args in args_list:
        t = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - t) * 1000)
    return out


def fresh_database(kind: str, pg_base: str) -> str:
    if kind == "sqlite":
        home = tempfile.mkdtemp(prefix="lc-bench-")
        os.environ["LEGALCREDIT_HOME"] = home
        return f"sqlite:///{home}/bench.sqlite3"
    import psycopg

    name = f"lc_bench_{int(time.time())}"
    with psycopg.connect(f"{pg_base}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    os.environ["LEGALCREDIT_HOME"] = tempfile.mkdtemp(prefix="lc-bench-")
    return f"{pg_base}/{name}"


def arguments(db_default: str = "sqlite") -> argparse.ArgumentParser:
    """The options every benchmark takes: which database, where PostgreSQL is, the random seed."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgres"], default=db_default)
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    ap.add_argument("--seed", type=int, default=2260)
    return ap


def start(opts) -> None:
    """A fresh database, migrated, with the reference data loaded; Django set up."""
    os.environ["DATABASE_URL"] = fresh_database(opts.db, opts.pg)
    os.environ["DJANGO_SETTINGS_MODULE"] = "legalcredit.settings"
    import django

    django.setup()
    from django.core.management import call_command

    from legalcredit.refdata.services import load_all

    call_command("migrate", verbosity=0)
    load_all()


def raw_load(columns: str, rows, width: int) -> float:
    """Seconds for the fastest plain load of ``rows`` into a scratch table: the baseline."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE bench_baseline ({columns})")
        t = time.perf_counter()
        # One transaction, as an import is: on SQLite each row would otherwise commit alone.
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with cur.cursor.copy("COPY bench_baseline FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row(r)
            else:
                marks = ", ".join(["%s"] * width)
                # In lists: Django's SQLite executemany tees its argument, so a generator would
                # be held in memory whole.
                rows = iter(rows)
                while part := list(itertools.islice(rows, 10_000)):
                    cur.executemany(f"INSERT INTO bench_baseline VALUES ({marks})", part)
        elapsed = time.perf_counter() - t
        cur.execute("DROP TABLE bench_baseline")
    return elapsed


def baseline_load(n: int) -> float:
    rows = ((i, f"名称{i}", "320812", "practising", i % 7) for i in range(n))
    return raw_load("id bigint PRIMARY KEY, name varchar(200), region varchar(6), status varchar(20), "
                    "n integer", rows, 5)


def main():
    ap = arguments()
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=500)
    opts = ap.parse_args()
    start(opts)
    from django.db import connection

    from legalcredit.registry import demo, selectors
    from legalcredit.registry.models import Subject

    result = {"db": opts.db, "size": opts.size, "python": sys.version.split()[0],
              "machine": f"{os.cpu_count()} cores"}

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    batch, gen_s = demo.build(opts.size, province_code="320000", seed=opts.seed)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    base_s = baseline_load(opts.size)
    from legalcredit.registry.models import Affiliation
    result["generate"] = {
        "subjects": batch.rows, "affiliations": Affiliation.objects.count(),
        "seconds": round(gen_s, 1), "baseline_raw_load_5_columns_seconds": round(base_s, 1),
        "ratio_to_baseline": round(gen_s / base_s, 1),
        "peak_rss_mb": round(rss_after / 1024), "rss_growth_mb": round((rss_after - rss_before) / 1024)}
    print(json.dumps(result["generate"], ensure_ascii=False))

    rng = random.Random(opts.seed)
    max_id = Subject.objects.order_by("-id").values_list("id", flat=True).first()
    sample_ids = [rng.randint(1, max_id) for _ in range(opts.queries)]
    sample = list(Subject.objects.filter(id__in=sample_ids).values_list(
        "name", "uscc", "id_number", "license_no"))
    two_char = []
    for name, *_ in sample:
        i = rng.randint(0, len(name) - 2)
        two_char.append(name[i:i + 2])
    common = ["律师", "调解", "事务", "李明", "王伟", "江苏", "南京", "公证"]

    def search(q):
        return selectors.search_subjects(q, limit=20)

    def pk(i):
        return Subject.objects.select_related("subject_type", "region", "status").filter(pk=i).first()

    # Warm caches the same way for every series.
    for q in two_char[:20]:
        search(q)
    result["search"] = {
        "baseline_pk_fetch": summary(timed(pk, [(i,) for i in sample_ids])),
        "name_2char_limit20": summary(timed(search, [(q,) for q in two_char])),
        "name_common_words_limit20": summary(timed(search, [(q,) for q in common * 10])),
        "uscc_exact": summary(timed(search, [(s[1],) for s in sample if s[1]])),
        "id_number_exact": summary(timed(search, [(s[2],) for s in sample if s[2]])),
        "license_no_exact": summary(timed(search, [(s[3],) for s in sample if s[3]])),
    }
    hits = sum(bool(search(q)) for q in two_char[:100])
    result["search"]["name_2char_queries_with_hits_of_100"] = hits
    for k, v in result["search"].items():
        print(k, json.dumps(v, ensure_ascii=False))
    out = HERE / "results" / f"{opts.db}-{opts.size}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written {out}")
    connection.close()
    if opts.db == "postgres":
        import psycopg

        name = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
        with psycopg.connect(f"{opts.pg}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


if __name__ == "__main__":
    main()


def status_kb(field: str) -> int:
    """A figure of /proc/self/status, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak() -> int:
    """Start the peak RSS afresh (Linux: clear_refs 5), so it measures what follows and not the
    load before it; returns the RSS now, in kB."""
    Path("/proc/self/clear_refs").write_text("5")
    return status_kb("VmRSS")


def peak_kb() -> int:
    """The peak RSS since the last ``reset_peak``, in kB."""
    return status_kb("VmHWM")
