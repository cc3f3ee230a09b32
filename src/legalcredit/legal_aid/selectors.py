"""Reads of case quality reviews: the officer's list (within jurisdiction) and the band counts."""
from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects

from .models import CaseQualityReview, Stage


def visible(scope: Scope) -> QuerySet[CaseQualityReview]:
    return filter_subjects(CaseQualityReview.objects.all(), scope, "subject").select_related("subject", "institution")


def band_counts(reviews: QuerySet[CaseQualityReview]) -> Counter:
    """Reviews per final band (the re-review's where there was one)."""
    return Counter(rr or band for band, rr in reviews.values_list("band", "rereview_band"))


def awaiting_confirmation(scope: Scope, user) -> QuerySet[CaseQualityReview]:
    """Scored reviews this officer may confirm (not the ones they entered)."""
    return visible(scope).filter(stage=Stage.SCORED).exclude(entered_by=user)


def published_statistics() -> list[dict]:
    """Confirmed reviews per year and city, counted per final band: what the portal publishes of
    legal aid quality (法律援助法 Art 59: results made public), with no practitioner named."""
    from legalcredit.refdata.models import Region

    rows = (CaseQualityReview.objects.filter(stage=Stage.CONFIRMED)
            .values_list("confirmed_on", "subject__region_id", "band", "rereview_band"))
    table: dict[tuple[int, str], Counter] = {}
    for confirmed_on, region, band, rereview_band in rows:
        table.setdefault((confirmed_on.year, f"{region[:4]}00"), Counter())[rereview_band or band] += 1
    names = dict(Region.objects.filter(code__in={city for _, city in table}).values_list("code", "name"))
    return [{"year": year, "city": names.get(city, city), "total": sum(counts.values()), "bands": counts}
            for (year, city), counts in sorted(table.items(), key=lambda kv: (-kv[0][0], kv[0][1]))]
