"""A 双随机 case for the demo: the county's inspectors in the directory, one a conflict away from a
firm, a plan over the county's lawyers set up by the county maker and drawn by the city checker;
one result entered and approved (so the portal publishes it), the rest waiting for their results."""
from __future__ import annotations

import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils import timezone

from legalcredit.accounts.services import demo_officers
from legalcredit.domain.identifiers import generate
from legalcredit.records import services as records
from legalcredit.records.models import CreditRecord
from legalcredit.registry.models import Subject

from . import services
from .models import Inspection

NAMES = ["周建华", "吴晓东", "郑丽", "孙海涛"]


def build() -> int:
    officers = demo_officers()
    if officers is None:
        return 0
    maker, checker, county = officers
    today = timezone.localdate()
    rng = random.Random(2260)
    bureau_uscc = generate.uscc_code(rng, authority="1", category="1", region=county.code, serial=8)
    bureau = f"{county.name}司法局"
    try:
        inspectors = [services.register_inspector(by=maker, name=name, unit=bureau, region=county.code,
                                                  enforcement_no=f"{county.code}{i + 1:06d}", post="执法人员")
                      for i, name in enumerate(NAMES)]
        firm = (Subject.objects.filter(region=county, subject_type_id="law_firm", status__may_practise=True)
                .annotate(n=Count("staff_affiliations")).order_by("-n", "pk").first())
        if firm is not None:
            services.record_conflict(by=maker, inspector=inspectors[0], subject=firm, reason="配偶在该所执业（演示）")
        plan = services.create_plan(by=maker, name=f"{today.year}年度{county.name}律师执业活动随机抽查",
                                    item="lawyer_practice", region=county.code, year=today.year, authority=bureau,
                                    authority_uscc=bureau_uscc, inspect_from=today, inspect_until=today)
        services.draw(plan.pk, by=checker)
        first = Inspection.objects.filter(plan=plan).order_by("pk").first()
        if first is not None:
            services.record_result(first.pk, by=maker, inspected_on=today, result="检查合格",
                                   findings="执业档案规范，收费合同齐全，未发现违规执业行为（演示）")
            first.refresh_from_db()
            rec = CreditRecord.objects.get(key=first.result_key)
            records.approve(rec.pk, checker=checker)
            services.results_published([rec.key], today)
        return Inspection.objects.filter(plan=plan).count()
    except (ValidationError, PermissionDenied):
        return 0    # the demo registry may lack a suitable case; the platform works without it
