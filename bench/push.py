"""Push delivery (变动推送) benchmark: how fast a backlog of monitoring events reaches a department's
system, against posting the same batches with nothing else to do.

    uv run python bench/push.py --db postgres --events 50000

Fresh database: a registry of --subjects subjects; a department watching --watches of them, with
--events events recorded against those watches (a day of changes after a province-wide listing,
say), each carrying a real check answer. The department's system is a separate process on a local
port that checks every delivery's signature, as a receiver should, and answers 200. Measured in
the same run:

* baseline: the same events in the same batches (--batch), serialized beforehand, POSTed and
  signed through the same HTTP client: what the network and the receiver cost;
* delivery: ``checks.flows.deliver`` working through the whole backlog (each batch read from the
  database, serialized, signed, posted, the cursor moved, a push attempt and an audit entry
  written);
* peak RSS growth over the delivery.

Results are printed and written to bench/results/push-<db>-<events>.json.
"""
from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, start  # noqa: E402

RECEIVER = r"""
import hashlib, hmac, http.server, sys, time
secret = sys.argv[2].encode()
count = {"ok": 0, "bad": 0}
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        ts = self.headers["X-Legalcredit-Timestamp"]
        mac = "sha256=" + hmac.new(secret, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(mac, self.headers["X-Legalcredit-Signature"]) and abs(time.time() - int(ts)) < 300
        count["ok" if good else "bad"] += 1
        self.send_response(200 if good else 401)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def do_GET(self):
        body = ("%(ok)d %(bad)d" % count).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""


def main():
    ap = arguments()
    ap.add_argument("--subjects", type=int, default=20_000)
    ap.add_argument("--watches", type=int, default=5_000)
    ap.add_argument("--events", type=int, default=50_000)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--port", type=int, default=8769)
    ap.add_argument("--profile", help="run the delivery under cProfile, stats to this file")
    opts = ap.parse_args()
    start(opts)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from legalcredit.accounts.services import assign
    from legalcredit.audit.models import AuditEntry
    from legalcredit.checks import flows, pushes, selectors
    from legalcredit.checks.api.serializers import WatchEventSerializer
    from legalcredit.checks.models import PushEndpoint, Watch, WatchEvent
    from legalcredit.checks.services import _answer
    from legalcredit.domain import monitoring, push
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject
    from rest_framework.renderers import JSONRenderer

    demo.build(opts.subjects, province_code="320000", seed=opts.seed)
    rng = random.Random(opts.seed)
    department = get_user_model().objects.create_user("bench_procurement", password="x-Strong-pass-1")
    assign(department, "department", unit="省政府采购系统")
    today, now = timezone.localdate(), timezone.now()
    chosen = rng.sample(list(Subject.objects.values_list("pk", "name")), opts.watches)
    made = []
    for pk, name in chosen:
        [standing] = selectors.standing_by("id", pk, today)
        answer = _answer(standing, name, "procurement", today, today)
        made.append(Watch(owner=department, unit="省政府采购系统", subject_id=pk, matter_type="procurement",
                          purpose="供应商履约期间信用关注", answer=answer, digest=monitoring.digest(answer),
                          checked_at=now))
    Watch.objects.bulk_create(made, batch_size=2000)
    watches = list(Watch.objects.filter(owner=department))
    changes = [{"what": "status", "before": "执业", "after": "停止执业", "text": "执业状态：执业 → 停止执业"}]
    WatchEvent.objects.bulk_create((WatchEvent(watch=w, owner=department, at=now, changes=changes, answer=w.answer, digest=w.digest)
                                    for w in (watches[i % len(watches)] for i in range(opts.events))),
                                   batch_size=2000)
    endpoint, secret = pushes.register(owner=department, url=f"http://127.0.0.1:{opts.port}/events/", by=None,
                                       from_start=True)
    receiver = subprocess.Popen([sys.executable, "-c", RECEIVER, str(opts.port), secret])
    url = f"http://127.0.0.1:{opts.port}/"
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        settings.PUSH_BATCH, settings.PUSH_BATCHES_PER_RUN = opts.batch, 10**9

        # Baseline: the same batches, already serialized, signed and posted, nothing else.
        events = WatchEvent.objects.select_related("watch__subject").order_by("pk")
        bodies = [JSONRenderer().render({"endpoint": endpoint.pk, "events": WatchEventSerializer(part, many=True).data})
                  for part in (events[i:i + opts.batch] for i in range(0, opts.events, opts.batch))]
        t = time.perf_counter()
        for body in bodies:
            ts = int(time.time())
            req = urllib.request.Request(endpoint.url, data=body, method="POST", headers={
                "Content-Type": "application/json; charset=utf-8", push.SIGNATURE_HEADER: push.sign(secret, ts, body),
                push.TIMESTAMP_HEADER: str(ts)})
            with urllib.request.urlopen(req, timeout=10) as answer:
                answer.read()
        base = time.perf_counter() - t
        megabytes = sum(len(b) for b in bodies) / 1e6
        del bodies

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        audit_before = AuditEntry.objects.count()
        t = time.perf_counter()
        if opts.profile:
            import cProfile

            profile = cProfile.Profile()
            sent = profile.runcall(flows.deliver, endpoint.pk)
            profile.dump_stats(opts.profile)
        else:
            sent = flows.deliver(endpoint.pk)
        took = time.perf_counter() - t
        growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024
        ok, bad = map(int, urllib.request.urlopen(url, timeout=5).read().split())
    finally:
        receiver.terminate()
        receiver.wait(timeout=10)
    endpoint = PushEndpoint.objects.get(pk=endpoint.pk)
    assert sent == opts.events and bad == 0 and endpoint.delivered_through == WatchEvent.objects.latest("pk").pk
    batches = -(-opts.events // opts.batch)
    result = {"db": opts.db, "subjects": opts.subjects, "watches": opts.watches, "events": opts.events,
              "batch": opts.batch, "python": sys.version.split()[0], "machine": f"{os.cpu_count()} cores",
              "payload_mb": round(megabytes, 1),
              "baseline_post": {"seconds": round(base, 3), "events_per_second": round(opts.events / base),
                                "ms_per_batch": round(base / batches * 1000, 2)},
              "delivery": {"seconds": round(took, 3), "events_per_second": round(opts.events / took),
                           "ms_per_batch": round(took / batches * 1000, 2),
                           "audit_entries": AuditEntry.objects.count() - audit_before},
              "ratio_to_baseline": round(base / took, 3),
              "receiver_verified_batches": ok,
              "peak_rss_growth_mb": round(growth)}
    out = HERE / "results" / f"push-{opts.db}-{opts.events}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
