"""Who may see what: the one place every view, API endpoint, export and search asks.

A user's scope is the union of their roles' scopes: the whole province, their
region and everything under it (by GB/T 2260 code prefix), their own
institution and its current practitioners, or their own record.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from legalcredit.core import sql


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_prefixes: tuple[str, ...] = ()
    subject_ids: frozenset[int] = frozenset()
    full_id_number: bool = False
    two_factor: bool = False  # must confirm each login with a TOTP code
    # Kinds of credit record within reach; None = every kind (an association: 行业处分 only).
    record_kinds: frozenset[str] | None = None

    def covers_kind(self, kind: str) -> bool:
        return self.record_kinds is None or kind in self.record_kinds

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.region_prefixes or self.subject_ids)

    @property
    def search_prefix(self) -> str | None:
        """A region prefix the name index can filter on ("" = no filter, None = nothing)."""
        if self.everything:
            return ""
        if len(self.region_prefixes) == 1 and not self.subject_ids:
            return self.region_prefixes[0]
        return None if self.nothing else ""

    def covers_region(self, code: str) -> bool:
        return self.everything or any(code.startswith(p) for p in self.region_prefixes)

    def covers_subject(self, subject) -> bool:
        """The same answer ``filter_subjects`` gives, for one subject already loaded."""
        return self.covers_region(subject.region_id) or subject.pk in self.subject_ids


NOTHING = Scope()


def scope_for(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_legalcredit_scope", None)
    if cached is not None:
        return cached
    scope = _compute(user)
    user._legalcredit_scope = scope
    return scope


def _compute(user) -> Scope:
    if user.is_superuser:
        return Scope(everything=True, full_id_number=True, two_factor=True)
    from .models import Role

    roles = getattr(user, "_legalcredit_roles", None)
    if roles is None:
        roles = _roles(user.pk)
    profile = getattr(user, "officer", None)
    everything, prefixes, ids = False, set(), set()
    # A role limited to some kinds narrows only if no other role of the user reaches them all.
    kinds = None if not roles or any(not r.record_kinds for r in roles) else frozenset(
        k for r in roles for k in r.record_kinds)
    for role in roles:
        if role.scope == Role.Scope.PROVINCE:
            everything = True
        elif role.scope == Role.Scope.REGION and profile and profile.region_id:
            prefixes.add(profile.region.jurisdiction_prefix)
        elif role.scope == Role.Scope.OWN_INSTITUTION and profile and profile.subject_id:
            ids.add(profile.subject_id)
            ids.update(_current_members(profile.subject_id))
        elif role.scope == Role.Scope.OWN_RECORD and profile and profile.subject_id:
            ids.add(profile.subject_id)
    return Scope(everything=everything, region_prefixes=tuple(sorted(prefixes)),
                 subject_ids=frozenset(ids), full_id_number=any(r.full_id_number for r in roles),
                 two_factor=any(r.two_factor for r in roles),
                 record_kinds=kinds)


_roles_statement: tuple | None = None


def cache_roles(user, roles: list) -> None:
    """The user's roles, as ``_roles`` would read them, loaded with the user (an API token's
    statement reads them in its own round trip)."""
    user._legalcredit_roles = roles


def _roles(user_id: int) -> list:
    """``Role.objects.filter(group__user=user)``, hand-written: every API call asks it."""
    global _roles_statement
    if _roles_statement is None:
        from django.contrib.auth import get_user_model

        from .models import Role

        through = get_user_model().groups.through._meta
        r = sql.Loader(Role, "r")
        _roles_statement = (r, f"SELECT {r.columns} FROM {Role._meta.db_table} r JOIN {through.db_table} ug "
                               f"ON ug.{through.get_field('group').column} = r.{Role._meta.get_field('group').column} "
                               f"WHERE ug.{through.get_field('user').column} = %s")
    r, statement = _roles_statement
    return [r.load(row) for row in sql.rows(statement, [user_id])]


def _current_members(institution_id: int) -> set[int]:
    from legalcredit.registry.selectors import affiliations_on

    return set(affiliations_on(timezone.localdate()).filter(institution_id=institution_id)
               .values_list("person_id", flat=True))


def _in_regions(scope: Scope, code: str):
    """A condition: the region code at ``code`` lies in one of the scope's regions (none: false)."""
    from django.db.models import Q

    cond = Q(pk__in=[])
    for p in scope.region_prefixes:
        cond |= Q(**{f"{code}__startswith": p})
    return cond


def may_in_region(user, perm: str, region_code: str, what: str) -> None:
    """PermissionDenied unless ``user`` holds ``perm`` and its scope covers the region: for work
    that belongs to a region rather than to a subject (a 双随机 plan, a bulletin)."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm(perm):
        raise PermissionDenied(f"您没有办理{what}的权限")
    if not scope_for(user).covers_region(region_code):
        raise PermissionDenied("该行政区划超出您的辖区")


def filter_subjects(qs, scope: Scope, field: str = ""):
    """Limit a queryset of subjects (or of rows pointing at one through ``field``)."""
    from django.db.models import Q

    if scope.everything:
        return qs
    if scope.nothing:
        return qs.none()
    prefix = f"{field}__" if field else ""
    cond = _in_regions(scope, f"{prefix}region__code")
    if scope.subject_ids:
        cond |= Q(**{f"{prefix}pk__in": scope.subject_ids})
    return qs.filter(cond)


def filter_regions(qs, scope: Scope, field: str = "region"):
    """Limit a queryset of rows that belong to a region through ``field`` (an inspection plan, an
    inspector) to the scope's regions; a scope of subjects only (an institution's) reaches none."""
    return qs if scope.everything else qs.filter(_in_regions(scope, f"{field}__code"))


def may_see_full_id_number(user) -> bool:
    return scope_for(user).full_id_number


def regions(scope: Scope):
    """Regions the scope may register subjects in."""
    from legalcredit.refdata.models import Region

    qs = Region.objects.filter(in_force=True)
    return qs if scope.everything else qs.filter(_in_regions(scope, "code"))
