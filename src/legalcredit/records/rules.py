"""The rule editions records are made under, read once per call site."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from legalcredit.domain import dual_publication, publication
from legalcredit.domain.dual_publication import Schema
from legalcredit.domain.record_kinds import Kind
from legalcredit.domain.sanctions import Catalogue, Provision
from legalcredit.refdata import rulesets
from legalcredit.refdata.models import Region


def policy() -> publication.Policy:
    return rulesets.current("publication_policies")


def schemas() -> dict[str, Schema]:
    return rulesets.current("dual_publication")


def templates() -> dict[str, Schema]:
    """Import templates of the kinds without a 双公示 field set (record_templates rule set)."""
    return rulesets.current("record_templates")


GENERAL_TEMPLATE = "general"


def personal_codes() -> frozenset[str]:
    """Import fields that hold a person's ID number: sealed at rest, masked on screen."""
    return dual_publication.personal_codes({**schemas(), **templates()})


def catalogue() -> Catalogue:
    return rulesets.current("penalty_catalogue")


def kinds() -> dict[str, Kind]:
    return rulesets.current("record_kinds")


def kind_name(code: str) -> str:
    """A kind of credit information by its name (行政处罚); the code for one no longer in the rule set."""
    kind = kinds().get(code)
    return kind.name if kind else code


CITED_KEPT = 10_000


@dataclass(frozen=True)
class Rules:
    """The editions in force, read once for a request or an import batch."""

    kinds: dict[str, Kind]
    catalogue: Catalogue
    policy: publication.Policy
    schemas: dict[str, Schema]
    templates: dict[str, Schema] = field(default_factory=dict)
    # Region code → level, filled as bureaus are met: an import meets a handful of
    # bureaus many times, a single entry one bureau once.
    region_levels: dict[str, str | None] = field(default_factory=dict)
    # Pure answers an import asks for again and again (a year of decisions has a few hundred
    # dates and a handful of cited articles), kept for the snapshot's life.
    _windows: dict[tuple, publication.Window] = field(default_factory=dict)
    _cited: dict[tuple[str, str | None], Provision | None] = field(default_factory=dict)

    def window(self, decision_date, severity: str, penalty_types: tuple[str, ...],
               regime: str | None) -> publication.Window:
        key = (decision_date, severity, penalty_types, regime)
        w = self._windows.get(key)
        if w is None:
            w = self._windows[key] = publication.window(decision_date, severity, self.policy,
                                                        penalty_types=penalty_types, regime=regime)
        return w

    def provision_cited(self, basis_text: str, subject_type: str | None) -> Provision | None:
        key = (basis_text, subject_type)
        if key in self._cited:
            return self._cited[key]
        found = self.catalogue.find(basis_text, subject_type)
        # Bases are free text and may all differ: past a bound the answers are not kept, so a
        # million-row file cannot grow the snapshot without end.
        if len(self._cited) < CITED_KEPT:
            self._cited[key] = found
        return found

    @cached_property
    def _subject_type_names(self) -> dict[str, str]:
        from legalcredit.refdata.models import SubjectType

        return dict(SubjectType.objects.values_list("code", "name"))

    def subject_type_name(self, code: str) -> str:
        return self._subject_type_names.get(code, code)

    @cached_property
    def personal_codes(self) -> frozenset[str]:
        """Worked out once per snapshot: an import prepares every row against it."""
        return dual_publication.personal_codes({**self.schemas, **self.templates})

    def authority_level(self, region_code: str) -> str | None:
        """The deciding level of a bureau registered in ``region_code`` (USCC positions 3–8)."""
        if region_code not in self.region_levels:
            self.region_levels[region_code] = (
                Region.objects.filter(code=region_code).values_list("level", flat=True).first())
        level = self.region_levels[region_code]
        return None if level is None else self.catalogue.level_of(region_code, level)


def snapshot() -> Rules:
    return Rules(kinds(), catalogue(), policy(), schemas(), templates())


def import_schema(ctx: Rules, kind: str) -> Schema:
    """The field set a file of ``kind`` is read with: its 双公示 set, or the general template."""
    return ctx.schemas.get(kind) or ctx.templates[GENERAL_TEMPLATE]
