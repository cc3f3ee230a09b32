"""Discipline referrals for the demo: the newest penalties on lawyers and law firms of the county
maker's city referred to the city's lawyers association (demo login ``lawyers``), one answered
(declined, with its reasons), one waiting for its answer."""
from __future__ import annotations

from django.contrib.auth import get_user_model

from legalcredit.accounts.services import demo_officers
from legalcredit.records.models import CreditRecord, Review

from . import services


def build() -> int:
    officers = demo_officers()
    association = get_user_model().objects.filter(username="lawyers").first()
    if officers is None or association is None:
        return 0
    city = officers[2].parent_id
    penalties = list(CreditRecord.objects.filter(
        kind="penalty", is_current=True, review=Review.APPROVED, subject__region__parent_id=city,
        subject__subject_type_id__in=["lawyer", "law_firm"]).order_by("-decision_date", "-pk")
        .values_list("pk", flat=True)[:2])
    made = services.refer(penalties)
    if len(made) == 2:
        services.answer(made[1].pk, by=association, outcome="declined",
                        note="（演示）经会长办公会研究：当事人已受行政处罚并整改到位，情节轻微，不再给予行业处分")
    return len(made)
