"""The cost of the column-length guard (core/guards.py) on a save, against the same saves without it.

    uv run python bench/guards.py --db postgres --saves 5000

Fresh database with a small registry. Measured in the same run, in alternating rounds so that
drift in the machine falls on both sides alike:

* guarded: ``Subject.save(update_fields=["name"])`` with the pre_save guard connected (every save
  of the platform's models pays it), against
* bare: the same saves with the guard disconnected;
* and the guard's own check (``guards.too_long``) on a CreditRecord, the model with the most text
  columns, per call.

Results are printed and written to bench/results/guards-<db>.json.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import arguments, start  # noqa: E402


def main():
    ap = arguments()
    ap.add_argument("--saves", type=int, default=5000)
    ap.add_argument("--rounds", type=int, default=6)
    opts = ap.parse_args()
    start(opts)
    from django.db import transaction
    from django.db.models.signals import pre_save

    from legalcredit.core import guards
    from legalcredit.records.models import CreditRecord
    from legalcredit.registry import demo
    from legalcredit.registry.models import Subject

    demo.build(200, province_code="320000", seed=opts.seed)
    subjects = list(Subject.objects.order_by("pk")[:100])
    uid = "legalcredit.core.guards.refuse_too_long"

    def saves() -> float:
        t = time.perf_counter()
        with transaction.atomic():
            for i in range(opts.saves):
                s = subjects[i % len(subjects)]
                s.name = s.name[:40]
                s.save(update_fields=["name"])
        return (time.perf_counter() - t) / opts.saves * 1e6

    guarded, bare = [], []
    saves()     # warm up
    for _ in range(opts.rounds):
        guarded.append(saves())
        pre_save.disconnect(dispatch_uid=uid)
        bare.append(saves())
        pre_save.connect(guards.refuse_too_long, dispatch_uid=uid)

    record = CreditRecord(kind="penalty", authority="淮安市司法局" * 3, decision_no="淮司罚决〔2026〕1号")
    n = 200_000
    t = time.perf_counter()
    for _ in range(n):
        guards.too_long(record)
    check_us = (time.perf_counter() - t) / n * 1e6

    g, b = sorted(guarded)[len(guarded) // 2], sorted(bare)[len(bare) // 2]
    out = {"db": opts.db, "saves": opts.saves, "rounds": opts.rounds,
           "save_us_guarded_median": round(g, 2), "save_us_bare_median": round(b, 2),
           "guard_cost_us": round(g - b, 2), "guard_cost_share": round((g - b) / b, 4),
           "too_long_creditrecord_us": round(check_us, 3),
           "rounds_guarded_us": [round(x, 1) for x in guarded], "rounds_bare_us": [round(x, 1) for x in bare]}
    print(json.dumps(out, ensure_ascii=False, indent=1))
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / f"guards-{opts.db}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
