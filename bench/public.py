"""Public portal, credit report and random-inspection draw benchmark.

    uv run python bench/public.py --db postgres --subjects 200000
    uv run python bench/public.py --db sqlite   --subjects 200000

Fresh database: a registry of --subjects subjects (``legalcredit demo``), two demo records per
subject on average (``records/demo.py``, with publication windows), every subject graded. Measured
in the same run, each next to its baseline:

* baseline: a primary-key fetch of one subject through the ORM (as bench/run.py);
* the portal's subject page (``GET /public/subjects/<token>/``, in process through Django's test
  client: middleware, template and all) and its search page (2-character names), p50/p95;
* 双公示 (``GET /public/decisions/``): the list's first pages, narrowed by a party's name, a
  decision number, a deciding authority or a month of decision dates, and a decision's page, p50/p95;
* a credit report: issue (content built, stored, audited) and the PDF drawn, p50/p95, and the
  PDF's size;
* a province-wide 双随机 draw over every lawyer (candidates with their grade's rate and cap, the
  draw, the inspections written, the plan's log), against reading the same population's ids.

Results are printed and written to bench/results/public-<db>-<subjects>.json.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, start, summary, timed  # noqa: E402


def main():
    ap = arguments()
    ap.add_argument("--subjects", type=int, default=200_000)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--reports", type=int, default=50)
    opts = ap.parse_args()
    os.environ.setdefault("PUBLIC_RATE_PER_MINUTE", "0")
    start(opts)
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from legalcredit.domain.identifiers import generate
    from legalcredit.evaluation import services as evaluation
    from legalcredit.inspections import selectors as inspections_selectors
    from legalcredit.inspections import services as inspections
    from legalcredit.portal import selectors as portal
    from legalcredit.records import demo as records_demo
    from legalcredit.records.models import CreditRecord
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject
    from legalcredit.reports import pdf
    from legalcredit.reports import services as reports

    settings.ALLOWED_HOSTS = ["*"]
    t = time.perf_counter()
    batch, _ = demo.build(opts.subjects, province_code="320000", seed=opts.seed)
    n_records = records_demo.build(seed=opts.seed, subjects_of_batch=batch)
    n_records += records_demo.build_licenses(subjects_of_batch=batch)
    evaluation.recompute_all()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"{opts.subjects:,} subjects, {n_records:,} records, graded, in {time.perf_counter() - t:.0f} s", flush=True)
    rng = random.Random(opts.seed)
    with_records = list(CreditRecord.objects.filter(is_current=True, public=True).values_list("subject_id", flat=True)
                        .distinct()[:20_000])
    sample = rng.sample(with_records, min(opts.pages, len(with_records)))
    names = [n[:2] for n in Subject.objects.filter(pk__in=sample).values_list("name", flat=True)]
    result = {"db": opts.db, "subjects": opts.subjects, "records": n_records, "python": sys.version.split()[0],
              "machine": f"{os.cpu_count()} cores"}

    result["baseline_pk_fetch"] = summary(timed(lambda pk: Subject.objects.get(pk=pk), [(pk,) for pk in sample]))
    client = Client()

    def get(url, **params):
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)

    today = timezone.localdate()
    from django.urls import reverse

    get(reverse("portal:subject", args=[sample[0]]))     # templates loaded and compiled once, as a running server has them
    result["portal_subject_page"] = summary(timed(lambda pk: get(reverse("portal:subject", args=[pk])),
                                                  [(pk,) for pk in sample]))
    result["portal_search"] = summary(timed(lambda q: get("/public/", q=q), [(q,) for q in names]))

    # 双公示: the newest penalties and licences, a page further on, narrowed by a party's name, a
    # decision number and a month of decision dates; a decision's own page.
    from legalcredit.records.selectors import public_filter

    # Decisions public today (a record's flag alone may outlive its publication period).
    keys = list(CreditRecord.objects.filter(public_filter(today), is_current=True, kind="penalty")
                .values_list("key", flat=True)[:opts.pages])
    numbers = list(CreditRecord.objects.filter(key__in=keys).values_list("decision_no", flat=True))
    months = [(today - dt.timedelta(days=30 * (i % 36 + 1))) for i in range(len(sample))]
    get("/public/decisions/")
    result["decisions_list"] = summary(timed(lambda kind, page: get("/public/decisions/", kind=kind, page=page),
                                             [(("penalty", "license")[i % 2], 1 + i % 5) for i in range(len(sample))]))
    result["decisions_by_party"] = summary(timed(lambda q: get("/public/decisions/", party=q), [(q,) for q in names]))
    result["decisions_by_number"] = summary(timed(lambda n: get("/public/decisions/", decision_no=n),
                                                  [(n,) for n in numbers]))
    bureaus = [b for kind in ("penalty", "license") for b in portal.authorities(kind)]
    result["decisions_by_authority"] = summary(timed(
        lambda i: get("/public/decisions/", kind=("penalty", "license")[i % 2], authority=bureaus[i % len(bureaus)]),
        [(i,) for i in range(len(sample))]))
    result["decisions_by_month"] = summary(timed(
        lambda d: get("/public/decisions/", start=d.isoformat(), end=(d + dt.timedelta(days=30)).isoformat()),
        [(d,) for d in months]))
    result["decision_page"] = summary(timed(lambda k: get(f"/public/decisions/{k}/"), [(k,) for k in keys]))

    subjects = list(Subject.objects.filter(pk__in=sample[:opts.reports]))
    issued = []
    result["report_issue"] = summary(timed(lambda s: issued.append(reports.issue(s)), [(s,) for s in subjects]))
    sizes = []
    result["report_pdf"] = summary(timed(lambda r: sizes.append(len(pdf.render(r, "http://127.0.0.1:8000/x"))),
                                         [(r,) for r in issued]))
    result["report_pdf"]["mean_bytes"] = round(sum(sizes) / len(sizes))
    result["pdf_font"] = pdf.font()

    admin = get_user_model().objects.create_superuser("bench_admin", password="x-Strong-pass-1")
    # The province draws the lawyers; each city's own inspectors inspect them (inspectors_from: city).
    from legalcredit.refdata.models import Region

    for city in Region.objects.filter(level="city", code__startswith="32").values_list("code", flat=True):
        for i in range(12):
            inspections.register_inspector(by=admin, name=f"检查员{city}{i}", unit=f"{city}司法局", region=city,
                                           enforcement_no=f"{city}{i:04d}")
    plan = inspections.create_plan(by=admin, name="全省律师执业活动随机抽查", item="lawyer_practice", region="320000",
                                   year=today.year, authority="江苏省司法厅", authority_uscc=generate.uscc_code(rng, authority="1", category="1", region="320000", serial=9),
                                   inspect_from=today, inspect_until=today)
    rules = inspections_selectors.rules()
    t = time.perf_counter()
    population = list(inspections_selectors.population(plan, rules).values_list("pk", flat=True))
    base_s = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    plan = inspections.draw(plan.pk, by=admin)
    draw_s = time.perf_counter() - t
    same, why = inspections.verify_draw(plan)
    assert same, why
    result["draw"] = {"candidates": len(population), "drawn": plan.inspections.count(),
                      "seconds": round(draw_s, 3), "baseline_population_read_s": round(base_s, 3),
                      "ratio_to_baseline": round(draw_s / base_s, 1) if base_s else None,
                      "peak_rss_growth_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024),
                      "candidate_log_bytes": len(json.dumps(plan.candidates))}
    out = HERE / "results" / f"public-{opts.db}-{opts.subjects}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
