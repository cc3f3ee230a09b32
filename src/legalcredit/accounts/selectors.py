"""Reads of accounts that other apps share."""
from __future__ import annotations

from django.contrib.auth import get_user_model


def subject_accounts(subject_ids, perm: str | None = None) -> list:
    """The active accounts with an e-mail address that act for these subjects (an institution's or a
    practitioner's own), with their profile; only those holding ``perm`` when it is given."""
    users = (get_user_model().objects.filter(is_active=True, officer__subject_id__in=list(subject_ids))
             .exclude(email="").select_related("officer"))
    return [u for u in users if perm is None or u.has_perm(perm)]
