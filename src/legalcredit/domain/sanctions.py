"""Statutory checks on penalties: range, deciding level, repeat offences, partnership bars.

A pure module over the penalty catalogue (refdata ``penalty_catalogue.yaml``).
Every refusal cites the article it rests on, so an officer sees why.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .periods import add_months


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Sanction:
    """One sanction in a decision: its statutory name and size."""

    type: str
    months: int | None = None
    fine_yuan: float | None = None


@dataclass(frozen=True)
class Limits:
    min_months: int | None = None
    max_months: int | None = None
    min_yuan: float | None = None
    max_yuan: float | None = None
    min_level: str | None = None
    subject_types: frozenset[str] = frozenset()
    by_type: Mapping[str, "Limits"] = field(default_factory=dict)

    def for_type(self, subject_type: str) -> "Limits":
        return self.by_type.get(subject_type, self)


@dataclass(frozen=True)
class Provision:
    code: str
    citation: str
    basis: tuple[str, ...]
    subject_types: frozenset[str]
    sanctions: Mapping[str, Limits]
    min_level: str | None
    decided_by: str | None = None


@dataclass(frozen=True)
class Recidivism:
    code: str
    citation: str
    subject_types: frozenset[str]
    prior: frozenset[str]
    window_months: int
    window_from: str
    applies_when: frozenset[str]
    requires: Mapping[str, Limits]
    text: str


@dataclass(frozen=True)
class PartnershipBar:
    citation: str
    subject_types: frozenset[str]
    sanction: str
    min_months: int
    bar_months: int


@dataclass(frozen=True)
class Prior:
    """An earlier penalty of the same subject, as the checks need it."""

    decision_date: dt.date
    sanctions: tuple[Sanction, ...]
    effect_end: dt.date | None = None


@dataclass(frozen=True)
class Catalogue:
    version: str
    levels: tuple[str, ...]
    municipalities: frozenset[str]
    provisions: Mapping[str, Provision]
    recidivism: tuple[Recidivism, ...]
    partnership_bars: tuple[PartnershipBar, ...]
    status_effects: Mapping[str, str]
    national_category: Mapping[str, str]

    def level_of(self, region_code: str, region_level: str) -> str:
        if region_level == "county" and region_code[:2] in self.municipalities:
            return "city"
        return region_level

    @property
    def durational(self) -> frozenset[str]:
        """The sanctions some provision bounds in months (停止执业, 停业整顿 ...)."""
        return frozenset(n for p in self.provisions.values() for n, lim in p.sanctions.items()
                         if lim.max_months or lim.min_months)

    def find(self, basis_text: str, subject_type: str | None) -> Provision | None:
        """The provision a free-text 处罚依据 cites, for this subject type (None: for any)."""
        text = basis_text or ""
        best = None
        for p in self.provisions.values():
            if (subject_type is None or subject_type in p.subject_types) and all(part in text for part in p.basis):
                if best is None or sum(map(len, p.basis)) > sum(map(len, best.basis)):
                    best = p
        return best


def _limits(body: Mapping | None) -> Limits:
    body = body or {}
    by_type = {k: _limits(v) for k, v in (body.get("by_type") or {}).items()}
    return Limits(body.get("min_months"), body.get("max_months"), body.get("min_yuan"),
                  body.get("max_yuan"), body.get("min_level"),
                  frozenset(body.get("subject_types") or ()), by_type)


def parse_catalogue(doc: Mapping) -> Catalogue:
    try:
        levels = tuple(doc["levels"])
        provisions = {}
        for p in doc["provisions"]:
            sanctions = {name: _limits(body) for name, body in p["sanctions"].items()}
            for name, lim in sanctions.items():
                for lo, hi in ((lim.min_months, lim.max_months), (lim.min_yuan, lim.max_yuan)):
                    if lo is not None and hi is not None and lo > hi:
                        raise CatalogueError(f"{p['code']}：“{name}”的下限大于上限")
                if lim.min_level and lim.min_level not in levels:
                    raise CatalogueError(f"{p['code']}：未知的决定层级“{lim.min_level}”")
            if p["code"] in provisions:
                raise CatalogueError(f"条款代码“{p['code']}”重复")
            provisions[p["code"]] = Provision(p["code"], p["citation"], tuple(p.get("basis") or ()),
                                              frozenset(p["subject_types"]), sanctions,
                                              p.get("min_level"), p.get("decided_by"))
        recidivism = tuple(
            Recidivism(r["code"], r["citation"], frozenset(r["subject_types"]), frozenset(r["prior"]),
                       int(r["window_months"]), r["window_from"], frozenset(r["applies_when"]),
                       {k: _limits(v) for k, v in r["requires"].items()}, r["text"])
            for r in doc.get("recidivism") or ())
        for r in recidivism:
            if r.window_from not in ("decision", "effect_end"):
                raise CatalogueError(f"{r.code}：window_from 应为 decision 或 effect_end")
        bars = tuple(PartnershipBar(b["citation"], frozenset(b["subject_types"]), b["sanction"],
                                    int(b["min_months"]), int(b["bar_months"]))
                     for b in doc.get("partnership_bars") or ())
        return Catalogue(str(doc["version"]), levels, frozenset(doc.get("municipalities") or ()),
                         provisions, recidivism, bars, dict(doc.get("status_effects") or {}),
                         dict(doc.get("national_category") or {}))
    except KeyError as exc:
        raise CatalogueError(f"处罚目录缺少字段 {exc}") from None


def _fmt_yuan(v: float) -> str:
    return f"{v:,.0f}元"


def check(catalogue: Catalogue, provision: Provision, subject_type: str,
          sanctions: Iterable[Sanction], *, authority_level: str | None,
          decision_date: dt.date, priors: Iterable[Prior] = ()) -> list[str]:
    """Every way this penalty departs from the law; empty when it is lawful."""
    sanctions = list(sanctions)
    faults: list[str] = []
    cite = provision.citation
    if subject_type not in provision.subject_types:
        faults.append(f"{cite}不适用于该类主体")
        return faults
    if not sanctions:
        faults.append("未填写处罚种类")
        return faults
    fired = [r for r in catalogue.recidivism if _fires(r, subject_type, sanctions, decision_date, priors)]
    overrides: dict[str, tuple[Limits, str]] = {}
    for r in fired:
        if not any(s.type in r.requires for s in sanctions):
            faults.append(f"依{r.citation}，{r.text}")
        for name, lim in r.requires.items():
            overrides[name] = (lim, r.citation)

    levels = catalogue.levels
    for s in sanctions:
        base = provision.sanctions.get(s.type)
        lim, where = (base, cite) if s.type not in overrides else overrides[s.type]
        if lim is None:
            faults.append(f"{cite}未规定“{s.type}”")
            continue
        lim = lim.for_type(subject_type)
        if base is not None and base.subject_types and subject_type not in base.subject_types:
            faults.append(f"{cite}规定的“{s.type}”不适用于该类主体")
        if lim.min_months is not None or lim.max_months is not None:
            if s.months is None:
                faults.append(f"“{s.type}”须写明期限（{where}）")
            elif lim.min_months is not None and s.months < lim.min_months:
                faults.append(f"“{s.type}”{s.months}个月，低于{where}规定的下限{lim.min_months}个月")
            elif lim.max_months is not None and s.months > lim.max_months:
                faults.append(f"“{s.type}”{s.months}个月，超过{where}规定的上限{lim.max_months}个月")
        if s.fine_yuan is not None:
            if lim.min_yuan is not None and s.fine_yuan < lim.min_yuan:
                faults.append(f"罚款{_fmt_yuan(s.fine_yuan)}，低于{where}规定的下限{_fmt_yuan(lim.min_yuan)}")
            if lim.max_yuan is not None and s.fine_yuan > lim.max_yuan:
                faults.append(f"罚款{_fmt_yuan(s.fine_yuan)}，超过{where}规定的上限{_fmt_yuan(lim.max_yuan)}")
        need = lim.min_level or (base.min_level if base else None) or provision.min_level
        if need and authority_level and authority_level in levels:
            if levels.index(authority_level) < levels.index(need):
                faults.append(f"“{s.type}”须由{_LEVEL_LABEL[need]}司法行政机关决定（{where}），"
                              f"本决定机关为{_LEVEL_LABEL[authority_level]}")
    return faults


_LEVEL_LABEL = {"county": "县级", "city": "设区的市级以上", "province": "省级"}


def _fires(r: Recidivism, subject_type: str, sanctions: list[Sanction], decision_date: dt.date,
           priors: Iterable[Prior]) -> bool:
    if subject_type not in r.subject_types:
        return False
    if not any(s.type in r.applies_when or s.type in r.requires for s in sanctions):
        return False
    for p in priors:
        if not any(s.type in r.prior for s in p.sanctions):
            continue
        start = p.decision_date if r.window_from == "decision" else p.effect_end
        if start is None or start > decision_date:
            continue
        if decision_date <= add_months(start, r.window_months):
            return True
    return False


def partnership_barred_until(catalogue: Catalogue, subject_type: str,
                             priors: Iterable[Prior]) -> tuple[dt.date, str] | None:
    """The last day a practitioner may not be a partner, and the article; None when free."""
    latest = None
    for bar in catalogue.partnership_bars:
        if subject_type not in bar.subject_types:
            continue
        for p in priors:
            for s in p.sanctions:
                if s.type == bar.sanction and (s.months or 0) >= bar.min_months and p.effect_end:
                    until = add_months(p.effect_end, bar.bar_months)
                    if latest is None or until > latest[0]:
                        latest = (until, bar.citation)
    return latest


def status_effects(catalogue: Catalogue, sanctions: Iterable[Sanction]) -> list[str]:
    return [catalogue.status_effects[s.type] for s in sanctions if s.type in catalogue.status_effects]
