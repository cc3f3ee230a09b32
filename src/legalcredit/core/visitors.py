"""Who an anonymous visitor is, and the per-visitor cap on public pages and public API calls
(``PUBLIC_RATE_PER_MINUTE``), shared so that the register cannot be harvested through the API
where the portal's pages would stop the same visitor."""
from __future__ import annotations

import time

from django.conf import settings
from rest_framework import throttling

from . import counters


def visitor(request) -> str:
    # X-Forwarded-For is the client's own to write unless a trusted proxy sets it.
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip()
        if forwarded:
            return forwarded[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]


def over_public_rate(request) -> bool:
    """Counts this page or call against the visitor's minute; True once past the cap."""
    limit = settings.PUBLIC_RATE_PER_MINUTE
    if not limit:
        return False
    minute = int(time.time() // 60)
    return counters.increment(f"public_{visitor(request)}_{minute}", ttl=120) > limit


class PublicRateThrottle(throttling.BaseThrottle):
    """The public API (no login: receipt and report verification, published lists and grades)
    within the same per-visitor budget as the portal's pages. Signed-in users and tokens are
    limited elsewhere (accounts.tokens.TokenRateThrottle)."""

    def allow_request(self, request, view):
        if request.auth is not None or request.user.is_authenticated:
            return True
        return not over_public_rate(request)

    def wait(self):
        return 60 - time.time() % 60
