"""Reads of discipline referrals, within the user's region (bureaus and associations alike)."""
from __future__ import annotations

from django.db.models import QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects

from .models import Referral, State


def sector_of(user) -> str:
    """The association's profession ('' for a bureau, or an association of every sector)."""
    return getattr(getattr(user, "officer", None), "sector", "") or ""


def visible(scope: Scope, user=None) -> QuerySet[Referral]:
    """Within the region; for an association of one profession, only what is referred to it."""
    qs = filter_subjects(Referral.objects.all(), scope, "subject").select_related("subject", "record")
    sector = sector_of(user)
    return qs.filter(sector=sector) if sector else qs


def open_referrals(scope: Scope, user=None) -> QuerySet[Referral]:
    return visible(scope, user).filter(state=State.OPEN)
