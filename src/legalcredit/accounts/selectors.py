from __future__ import annotations


def jurisdiction_prefix(user) -> str | None:
    """Region-code prefix the user may see; "" for everything, None for nothing.

    A superuser and a province-wide administrator see all; an officer sees the
    region of their profile and everything under it.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return ""
    profile = getattr(user, "officer", None)
    if profile is None:
        return None
    return profile.region.jurisdiction_prefix
