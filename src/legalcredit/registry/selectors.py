"""Reads from the registry: search and point-in-time questions."""
from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q, QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.domain.identifiers import _text

from . import search_index
from .models import Affiliation, Subject

_USCC = re.compile(r"^[0-9A-HJ-NP-RTUWXY]{18}$")
_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_LICENCE = re.compile(r"^(?=.*\d)[0-9A-Z()\-]{4,40}$")
_LATIN = re.compile(r"^[a-z]{2,}$")
EVERYTHING = Scope(everything=True)


def visible_subjects(scope: Scope) -> QuerySet[Subject]:
    """Subjects the scope covers (accounts.policy decides the scope)."""
    return filter_subjects(Subject.objects.select_related("subject_type", "region", "status"), scope)


def identifier_candidates(q: str) -> list[tuple[str, str]]:
    """The exact-identifier lookups a search-box entry could mean, most likely first.

    An 18-digit string may be an ID number or an all-digit USCC; a string of
    letters and digits may be a USCC or a licence number. Lookups are tried in
    order and the first that finds something answers.
    """
    compact = _text.squeeze(q)
    out = []
    if _ID.match(compact):
        from legalcredit.domain.identifiers.id_number import upgrade_15
        out.append(("id_number", upgrade_15(compact) if len(compact) == 15 else compact))
    if _USCC.match(compact):
        out.append(("uscc", compact))
    if _LICENCE.match(compact):
        out.append(("license_no", compact))
    return out


def region_path(region) -> str:
    """江苏省淮安市清江浦区: a region with its parents, as an address reads."""
    names = []
    while region is not None:
        names.append(region.name)
        region = region.parent
    return "".join(reversed(names))


def search_subjects(q: str, *, scope: Scope = EVERYTHING, kind: str | None = None,
                    limit: int = 20, lookups: frozenset[str] | None = None) -> list[Subject]:
    """One search box: name fragment (2+ characters, current or former name),
    USCC, ID number (exact), licence number, or pinyin initials. ``lookups`` narrows the exact
    identifiers tried (the public portal never looks a person up by ID number)."""
    if scope.nothing or not q or not q.strip():
        return []
    base = visible_subjects(scope)
    if kind:
        base = base.filter(kind=kind)
    candidates = [(f, v) for f, v in identifier_candidates(q) if lookups is None or f in lookups]
    for field, value in candidates:
        hits = list(base.filter(**{field: value})[:limit])
        if hits:
            return hits
    if candidates:
        return []
    latin = q.strip().lower()
    if _LATIN.match(latin):
        # A range, not LIKE: SQLite will not use an index for LIKE ... ESCAPE.
        return list(base.filter(pinyin_initials__gte=latin, pinyin_initials__lt=latin + "{")[:limit])
    prefix = scope.search_prefix
    # A scope the name index cannot express (several regions, own institution) is
    # searched unfiltered with a wider net, then narrowed by the scope's queryset.
    wide = limit if prefix or scope.everything else limit * 50
    ids = search_index.search_ids(q, limit=wide, region_prefix=prefix or "", kind=kind)
    by_id = base.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id][:limit]


def affiliations_on(day: dt.date, *, institution: Subject | None = None,
                    person: Subject | None = None, role: str | None = None) -> QuerySet[Affiliation]:
    """Affiliations that held on ``day`` (both ends inclusive)."""
    qs = Affiliation.objects.filter(valid_from__lte=day).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)).select_related("person", "institution")
    if institution is not None:
        qs = qs.filter(institution=institution)
    if person is not None:
        qs = qs.filter(person=person)
    if role:
        qs = qs.filter(role=role)
    return qs


def with_current_institution(qs: QuerySet[Subject], day: dt.date) -> QuerySet[Subject]:
    """Annotate practitioners with the name of the institution they belong to on ``day``."""
    from django.db.models import OuterRef, Subquery

    held = affiliations_on(day, role=Affiliation.Role.MEMBER).filter(person=OuterRef("pk"))
    return qs.annotate(current_institution_name=Subquery(held.values("institution__name")[:1]))


def current_institution(person: Subject, day: dt.date | None = None) -> Subject | None:
    from django.utils import timezone

    aff = affiliations_on(day or timezone.localdate(), person=person,
                          role=Affiliation.Role.MEMBER).first()
    return aff.institution if aff else None
