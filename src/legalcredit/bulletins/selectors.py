"""What a bulletin counts, and the bulletins the portal shows."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count, QuerySet

from legalcredit.accounts.policy import Scope, filter_regions
from legalcredit.records import rules as record_rules
from legalcredit.records.models import CreditRecord
from legalcredit.refdata.models import Region, SubjectType

from .models import Bulletin

# The adverse records a bulletin counts (violations and service-quality problems, seeds 003 item 20).
COUNTED = ("penalty", "discipline", "complaint_upheld", "inspection", "legal_aid_review", "opinion_review")


def summary(region: Region, subject_types: list[str], start: dt.date, end: dt.date) -> dict:
    """Adverse records decided in [start, end] for subjects of these types in the region, as they
    stand now (approved, current), per subject type and kind; plus the totals. No one is named."""
    rows = (CreditRecord.objects.filter(
        is_current=True, review="approved", kind__in=COUNTED, decision_date__gte=start, decision_date__lte=end,
        subject__subject_type_id__in=subject_types, subject__region__code__startswith=region.jurisdiction_prefix)
        .exclude(severity="").values_list("subject__subject_type_id", "kind").annotate(n=Count("id")).order_by())
    counts = Counter({(t, k): n for t, k, n in rows})
    kinds = [(k, record_rules.kind_name(k)) for k in COUNTED]
    names = dict(SubjectType.objects.filter(code__in=subject_types).values_list("code", "name"))
    table = [{"subject_type": names.get(t, t), "counts": [counts[(t, k)] for k, _ in kinds]} for t in subject_types]
    return {"kinds": [name for _, name in kinds], "rows": table,
            "totals": [sum(counts[(t, k)] for t in subject_types) for k, _ in kinds],
            "region": region.name, "from": start.isoformat(), "until": end.isoformat()}


def visible(scope: Scope) -> QuerySet[Bulletin]:
    return filter_regions(Bulletin.objects.all(), scope).select_related("region")


def published() -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(state=Bulletin.State.PUBLISHED).select_related("region").order_by(
        "-published_on", "-pk")
