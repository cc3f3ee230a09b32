"""The rule editions records are made under, read once per call site."""
from __future__ import annotations

from functools import lru_cache

from legalcredit.domain import publication
from legalcredit.domain.dual_publication import Schema
from legalcredit.domain.record_kinds import Kind
from legalcredit.domain.sanctions import Catalogue
from legalcredit.refdata import rulesets
from legalcredit.refdata.models import Region


def policy() -> publication.Policy:
    return rulesets.current("publication_policies")


def schemas() -> dict[str, Schema]:
    return rulesets.current("dual_publication")


def catalogue() -> Catalogue:
    return rulesets.current("penalty_catalogue")


def kinds() -> dict[str, Kind]:
    return rulesets.current("record_kinds")


@lru_cache(maxsize=1)
def _region_levels() -> dict[str, str]:
    return dict(Region.objects.values_list("code", "level"))


def authority_level(region_code: str) -> str | None:
    """The deciding level of a bureau registered in ``region_code`` (USCC positions 3–8)."""
    level = _region_levels().get(region_code)
    if level is None:
        return None
    return catalogue().level_of(region_code, level)
