"""Credit check endpoint benchmark: throughput and p99 under concurrent load, against a plain read.

    uv run python bench/checks.py --db postgres --subjects 1000000 --connections 32 --seconds 30

Needs `wrk` (apt install wrk). Fresh database per run: a registry of --subjects subjects, 1% of
the institutions on the serious dishonesty list (written raw, as decided entries), the graded
sample of subjects the checks ask about. gunicorn serves the platform on a local port with
--workers processes (default one per core: on 2 cores, 4 sync workers tripled the p99 of even the
health check); wrk drives it with --connections connections. The cache (rate limits) is Redis at
--redis, as a deployment at scale runs it. Measured in the same run:

* ceiling: `GET /healthz` (the middleware stack and one `SELECT 1`), what this server and machine
  can do at all;
* bare read: `GET /bench/subject/{id}/` (bench/bare_site.py), one subject row through the ORM as
  JSON behind the same server and middleware, with no token, DRF or audit entry: the "bare
  endpoint of the same server that reads one subject row" issue 5 measures the check against;
* baseline: `GET /api/v1/subjects/{id}/?purpose=joint_measures` with a department token (token check, scope, rate limit,
  one subject row, and the audit entry every read of non-public data gets), random subjects;
* check: `POST /api/v1/checks/` for one random subject and a procurement matter, with its receipt
  stored and its audit entry written;
* sealing: the time the sealer then takes to link every audit entry the run wrote into the hash
  chain, as entries per second against the rate they were written at.

Results are printed and written to bench/results/checks-<db>-<subjects>.json.
"""
from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, start  # noqa: E402

LUA = """
local bodies = {}
local i = 0
init = function(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
end
request = function()
  i = i + 1
  local b = bodies[(i % #bodies) + 1]
  if args_method == "GET" then
    return wrk.format("GET", b, headers)
  end
  return wrk.format("POST", "/api/v1/checks/", headers, b)
end
"""


def wrk(url: str, lua: Path, data: Path, key: str, connections: int, seconds: int, method: str) -> dict:
    script = lua.read_text().replace("args_method", f'"{method}"').replace(
        "headers", '{["Authorization"]="Bearer ' + key + '", ["Content-Type"]="application/json"}')
    path = lua.with_name(f"{method}.lua")
    path.write_text(script)
    out = subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "-s",
                          str(path), url, "--", str(data)], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"requests_per_second": round(rps, 1), "p50_ms": ms(" 50"), "p99_ms": ms(" 99"),
            "non_2xx": int(errors.group(1)) if errors else 0}


def main():
    ap = arguments(db_default="postgres")
    ap.add_argument("--subjects", type=int, default=1_000_000)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--threads", type=int, default=1, help="threads per worker (gthread when more than one)")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/15", help="cache for gunicorn; '' for the file cache")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--sample", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=3, help="baseline/check pairs, alternated")
    opts = ap.parse_args()
    start(opts)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from legalcredit.accounts import tokens
    from legalcredit.accounts.services import assign
    from legalcredit.evaluation import services as evaluation
    from legalcredit.lists.models import ListEntry, Stage
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject

    demo.build(opts.subjects, province_code="320000", seed=opts.seed)
    rng = random.Random(opts.seed)
    User = get_user_model()
    officer = User.objects.create_superuser("bench_officer", password="x-Bench-pass-1")
    dept = User.objects.create_user("bench_dept", password="x-Bench-pass-1")
    assign(dept, "department", unit="基准测试采购系统")
    _, key = tokens.issue(owner=dept, name="基准测试采购系统", scopes=["checks:run", "subjects:read"],
                          rate_per_minute=10_000_000)
    institutions = list(Subject.objects.filter(kind="institution").values_list("pk", flat=True))
    today = timezone.localdate()
    ListEntry.objects.bulk_create([
        ListEntry(list_code="serious_dishonesty", subject_id=pk, stage=Stage.PUBLISHED, reasons="基准数据",
                  legal_basis="基准数据", authority="江苏省司法厅", proposed_by=officer, decision_no=f"苏司信〔2026〕{i}号",
                  decided_on=today, listed_from=today, listed_until=today.replace(year=today.year + 3),
                  published_on=today)
        for i, pk in enumerate(rng.sample(institutions, max(1, len(institutions) // 100)))], batch_size=5000)
    from django.db.models import Q

    askable = Subject.objects.filter(Q(uscc__isnull=False) | Q(id_number__isnull=False))
    sample = rng.sample(list(askable.values_list("pk", "uscc", "id_number")), opts.sample)
    evaluation.evaluate_subjects([pk for pk, _, _ in sample])

    from django.db import connection

    if connection.vendor == "postgresql":   # fresh statistics, and the load's dead rows gone
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    work = Path(tempfile.mkdtemp(prefix="lc-bench-checks-"))
    (work / "get.txt").write_text("\n".join(f"/api/v1/subjects/{pk}/?purpose=joint_measures" for pk, _, _ in sample) + "\n")
    (work / "bare.txt").write_text("\n".join(f"/bench/subject/{pk}/" for pk, _, _ in sample) + "\n")
    (work / "post.txt").write_text("\n".join(json.dumps(
        {"matter_type": "procurement", "purpose": "基准测试：供应商资格审查",
         "subjects": [{"uscc": u} if u else {"id_number": n}]}, ensure_ascii=False) for _, u, n in sample) + "\n")
    lua = work / "bench.lua"
    lua.write_text(LUA)

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bare_site",
               PYTHONPATH=os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH", "")])))
    if opts.redis:
        env["REDIS_URL"] = opts.redis
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "legalcredit.wsgi", "-w", str(opts.workers),
                               "--threads", str(opts.threads),
                               "-b", f"127.0.0.1:{opts.port}", "--log-level", "warning"], env=env)
    url = f"http://127.0.0.1:{opts.port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        wrk(url, lua, work / "get.txt", key, opts.connections, 3, "GET")   # warm the workers
        (work / "health.txt").write_text("/healthz\n")
        ceiling = wrk(url, lua, work / "health.txt", key, opts.connections, opts.seconds, "GET")
        # Alternated, so a drift of the machine (autovacuum, checkpoints) falls on both alike;
        # the round with the median check throughput is reported, every round is kept.
        rounds = []
        for _ in range(opts.rounds):
            bare = wrk(url, lua, work / "bare.txt", key, opts.connections, opts.seconds, "GET")
            base = wrk(url, lua, work / "get.txt", key, opts.connections, opts.seconds, "GET")
            check = wrk(url, lua, work / "post.txt", key, opts.connections, opts.seconds, "POST")
            rounds.append({"bare_subject_read": bare, "baseline_subject_read": base, "credit_check": check,
                           "ratio_to_bare": round(check["requests_per_second"] / bare["requests_per_second"], 3),
                           "ratio": round(check["requests_per_second"] / base["requests_per_second"], 3)})
        middle = sorted(rounds, key=lambda r: r["ratio_to_bare"])[len(rounds) // 2]
        bare, base, check = middle["bare_subject_read"], middle["baseline_subject_read"], middle["credit_check"]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    from legalcredit.audit import selectors as trail
    from legalcredit.audit import services as audit

    backlog = trail.unsealed()
    t = time.perf_counter()
    audit.seal()
    sealing = time.perf_counter() - t
    count, problem = trail.verify_chain()
    assert problem is None and trail.unsealed() == 0, problem
    result = {"db": opts.db, "subjects": opts.subjects, "connections": opts.connections, "seconds": opts.seconds,
              "workers": opts.workers, "threads": opts.threads, "machine": f"{os.cpu_count()} cores",
              "cache": "redis" if opts.redis else "file",
              "ceiling_healthz": ceiling, "bare_subject_read": bare, "baseline_subject_read": base,
              "credit_check": check,
              "throughput_vs_bare_read": round(check["requests_per_second"] / bare["requests_per_second"], 3),
              "throughput_vs_baseline": round(check["requests_per_second"] / base["requests_per_second"], 3),
              "rounds": rounds,
              "sealing": {"entries": backlog, "seconds": round(sealing, 2),
                          "entries_per_second": round(backlog / sealing) if sealing else None,
                          "written_per_second_during_checks": check["requests_per_second"],
                          "chain_verified_entries": count}}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    out = HERE / "results" / f"checks-{opts.db}-{opts.subjects}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
