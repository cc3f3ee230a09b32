"""Reads of accounts that other apps share."""
from __future__ import annotations

from django.contrib.auth import get_user_model


def subject_accounts(subject_ids, perm: str | None = None) -> list:
    """The active accounts with an e-mail address that act for these subjects (an institution's or a
    practitioner's own), with their profile; only those holding ``perm`` when it is given."""
    users = (get_user_model().objects.filter(is_active=True, officer__subject_id__in=list(subject_ids))
             .exclude(email="").select_related("officer"))
    return [u for u in users if perm is None or u.has_perm(perm)]


def officers_covering(subject, perm: str | None = None) -> list:
    """The active officers with an e-mail address whose region covers the subject's (the unit an
    overdue case escalates to, or an alert is reported to); only those holding ``perm`` when given."""
    out = []
    for user in (get_user_model().objects.filter(is_active=True, officer__region__isnull=False)
                 .exclude(email="").select_related("officer__region")):
        if subject.region_id.startswith(user.officer.region.jurisdiction_prefix) and (perm is None
                                                                                       or user.has_perm(perm)):
            out.append(user)
    return out
