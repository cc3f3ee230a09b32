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
