"""Satisfaction ratings for the demo, in the county maker's region: last round's ratings of the
county's first lawyers, enough to tally (one bad review followed up), and this round's, one bad
review still to follow up."""
from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.services import demo_officers
from legalcredit.registry.models import Subject

from . import services


def build() -> int:
    officers = demo_officers()
    if officers is None:
        return 0
    maker, _, county = officers
    lawyers = list(Subject.objects.filter(region=county, subject_type_id="lawyer", status__may_practise=True)
                   .order_by("pk")[:3])
    if not lawyers:
        return 0
    r = services.rules()
    rng = random.Random(51)
    today = timezone.localdate()
    last_start, last_end = r.round_of(r.round_of(today)[0] - dt.timedelta(days=1))
    span = (last_end - last_start).days
    n = 0
    try:
        for i, lawyer in enumerate(lawyers):
            for k in range(12 + 2 * i):
                level = rng.choice([5, 5, 5, 4, 4, 3]) if k else 2 + (i == 0)   # the first lawyer's first: 基本满意
                served = last_start + dt.timedelta(days=rng.randint(0, span))
                rating, _ = services.rate(lawyer, by=maker, channel="12348江苏法网（演示）",
                                          service=rng.choice(["consultation", "representation"]),
                                          service_ref=f"DEMO-{last_start:%Y%m}-{i}-{k}", served_on=served, level=level,
                                          comment="" if level > 2 else "咨询时未说明收费标准（演示）")
                if rating.follow_up == "open":
                    services.follow_up(rating.pk, by=maker, outcome="rectified",
                                       note="电话回访评价人，律师事务所已在接待处公示收费标准（演示）")
                n += 1
        services.rate(lawyers[0], by=maker, channel="窗口登记", service="consultation", service_ref="DEMO-NOW-1",
                      served_on=today, level=1, comment="排队一小时无人接待（演示）", rater_name="何先生",
                      rater_contact="13900000000")
        services.rate(lawyers[0], by=maker, channel="窗口登记", service="consultation", service_ref="DEMO-NOW-2",
                      served_on=today, level=5, comment="解答耐心（演示）")
        return n + 2
    except (ValidationError, PermissionDenied):
        return 0    # the demo registry may lack a suitable subject; the platform works without it
