"""Kinds of credit record and what each subtype means (refdata ``record_kinds.yaml``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

POLARITIES = ("adverse", "positive", "neutral")
SEVERITIES = ("minor", "general", "serious")


class KindsError(ValueError):
    pass


@dataclass(frozen=True)
class Coverage:
    """Every subject of these types should have a record of the kind within ``years`` (能力验证:
    全面覆盖 within three years); the bureau follows who has none."""
    years: int
    subject_types: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Kind:
    code: str
    name: str
    polarity: str
    dual_publication: str | None = None
    subtypes: tuple[str, ...] = ()
    outcomes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    adverse_subtypes: Mapping[str, str] = field(default_factory=dict)
    default_severity: str | None = None
    months: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    decision_no_optional: frozenset[str] = frozenset()
    public: bool = True
    coverage: Coverage | None = None

    def allowed_subtypes(self, subject_type: str) -> tuple[str, ...]:
        if self.outcomes:
            return self.outcomes.get(subject_type, ())
        return self.subtypes

    def check(self, subject_type: str, subtype: str, severity: str | None,
              months: int | None = None) -> tuple[str | None, list[tuple[str, str]]]:
        """(severity to store, [(field, fault)]) for one record of this kind."""
        faults: list[tuple[str, str]] = []
        allowed = self.allowed_subtypes(subject_type)
        if allowed and subtype not in allowed:
            faults.append(("subtype", f"“{subtype or '（空）'}”不是{self.name}的有效取值"
                                      f"（{'、'.join(allowed)}）"))
        if (self.outcomes and not allowed):
            faults.append(("subtype", f"该类主体没有{self.name}结果的定义"))
        implied = self.adverse_subtypes.get(subtype) or (
            self.default_severity if self.polarity == "adverse" else None)
        if severity and severity not in SEVERITIES:
            faults.append(("severity", f"“{severity}”不是有效的严重程度"))
        adverse = self.polarity == "adverse" or subtype in self.adverse_subtypes
        if not adverse and severity:
            faults.append(("severity", f"{self.name}“{subtype}”不是失信信息，不设严重程度"))
        result = severity or implied if adverse else None
        if adverse and not result:
            faults.append(("severity", f"{self.name}须填写严重程度（轻微/一般/严重）"))
        if subtype in self.months:
            lo, hi = self.months[subtype]
            if months is None:
                faults.append(("months", f"“{subtype}”须写明期限（{lo}至{hi}个月）"))
            elif not lo <= months <= hi:
                faults.append(("months", f"“{subtype}”期限{months}个月，应为{lo}至{hi}个月"))
        return result, faults


def parse_kinds(doc: Mapping) -> dict[str, Kind]:
    kinds = {}
    for k in doc["kinds"]:
        code = k["code"]
        if k["polarity"] not in POLARITIES:
            raise KindsError(f"{code}：polarity 应为 {'/'.join(POLARITIES)}")
        adverse = dict(k.get("adverse_subtypes") or {})
        for sub, sev in list(adverse.items()) + [("default", k.get("default_severity"))]:
            if sev is not None and sev not in SEVERITIES:
                raise KindsError(f"{code}：“{sub}”的严重程度“{sev}”无效")
        outcomes = {t: tuple(v) for t, v in (k.get("outcomes") or {}).items()}
        months = {s: (int(v["min_months"]), int(v["max_months"])) for s, v in (k.get("months") or {}).items()}
        if code in kinds:
            raise KindsError(f"信息类别“{code}”重复")
        coverage = None
        if k.get("coverage"):
            c = k["coverage"]
            years = c.get("years")
            if not isinstance(years, int) or isinstance(years, bool) or years < 1:
                raise KindsError(f"{code}.coverage.years：须为正整数年，收到“{years}”")
            if not str(c.get("source") or "").strip():
                raise KindsError(f"{code}.coverage：须注明来源（source）")
            types = tuple(c.get("subject_types") or ())
            if not types or (outcomes and set(types) - set(outcomes)):
                raise KindsError(f"{code}.coverage.subject_types：须列出有{k['name']}结果的主体类型")
            coverage = Coverage(years, types, str(c["source"]))
        kinds[code] = Kind(code, k["name"], k["polarity"], k.get("dual_publication"),
                           tuple(k.get("subtypes") or ()), outcomes, adverse,
                           k.get("default_severity"), months,
                           frozenset(k.get("decision_no_optional") or ()), bool(k.get("public", True)), coverage)
    return kinds
