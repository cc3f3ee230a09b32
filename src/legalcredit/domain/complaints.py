"""Complaints (投诉) about legal service institutions and practitioners: the rules, without Django
(refdata ``complaints.yaml``, rules.md §9).

* the intake channels (12348 热线 and 法网, letters, visits, referrals);
* per sector (lawyers, forensic appraisal, ... by subject type), each time limit with its source:
  acceptance review, the decision (and how far it may be extended), telling both sides;
* the time bar (司法鉴定: 3 years from when the complainant knew or should have known);
* the reasons a complaint is not accepted, the findings, what a finding leads to.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Mapping

from .complaint_alerts import AlertRule, AlertRuleError
from .complaint_alerts import parse as parse_alerts
from .periods import add_months
from .remedies import TimeLimit, parse_limit

LIMITS = ("accept", "decide", "notify")


class ComplaintRuleError(ValueError):
    """A complaints rule file that cannot be applied; the message names the place."""


@dataclass(frozen=True)
class Sector:
    code: str
    name: str
    subject_types: frozenset[str]
    limits: Mapping[str, TimeLimit]       # accept, decide, notify
    extension: TimeLimit | None           # how far the decision may be extended, once
    limitation_years: int | None          # complaints about conduct known longer ago are time-barred
    limitation_source: str = ""
    legal_basis: str = ""                 # what the 投诉查实 record cites

    def limit(self, key: str) -> TimeLimit:
        return self.limits[key]

    def extended(self) -> TimeLimit:
        """The decision limit with its extension added, counted from the same day."""
        base = self.limits["decide"]
        if self.extension is None:
            raise ComplaintRuleError(f"{self.name}的投诉处理期限不可延长")
        if self.extension.calendar != base.calendar:
            raise ComplaintRuleError(f"sectors.{self.code}.extension：须与处理期限使用相同的计算单位")
        return TimeLimit("complaint_decide_extended", f"{base.name}（延长后）",
                         base.working_days + self.extension.working_days,
                         f"{base.source}；延长：{self.extension.source}", base.calendar)


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    upheld: bool         # 查实 (in whole or part): a 投诉查实 credit record follows


@dataclass(frozen=True)
class Rules:
    version: str
    channels: Mapping[str, str]
    sectors: Mapping[str, Sector]
    default_sector: str
    not_accepted: Mapping[str, str]
    findings: Mapping[str, Finding]
    handlings: Mapping[str, str]
    record_kind: str
    supplement_once: bool
    alerts: Mapping[str, AlertRule] = field(default_factory=dict)
    responses: Mapping[str, str] = field(default_factory=dict)   # what the bureau did about an alert

    def sector_for(self, subject_type: str) -> Sector:
        for sector in self.sectors.values():
            if subject_type in sector.subject_types:
                return sector
        return self.sectors[self.default_sector]


def time_barred(sector: Sector, known_on: dt.date | None, received_on: dt.date) -> dt.date | None:
    """The last day the complaint could have been made, when it came later than that; else None."""
    if known_on is None or sector.limitation_years is None:
        return None
    last = add_months(known_on, 12 * sector.limitation_years)
    return last if received_on > last else None


def _limit(where: str, key: str, body) -> TimeLimit:
    return parse_limit(where, key, body, ComplaintRuleError)


def parse(doc: Mapping) -> Rules:
    try:
        channels = {str(k): str(v) for k, v in doc["channels"].items()}
        sectors, claimed = {}, {}
        for code, body in doc["sectors"].items():
            where = f"sectors.{code}"
            limits = {key: _limit(f"{where}.{key}", f"complaint_{key}", body.get(key)) for key in LIMITS}
            ext = body.get("extension")
            years = body.get("limitation_years")
            if years is not None and (not isinstance(years, int) or years < 1):
                raise ComplaintRuleError(f"{where}.limitation_years：须为正整数年或留空")
            if years is not None and not str(body.get("limitation_source", "")).strip():
                raise ComplaintRuleError(f"{where}.limitation_source：投诉时效须注明来源")
            types = frozenset(str(t) for t in body.get("subject_types") or ())
            for t in types:
                if t in claimed:
                    raise ComplaintRuleError(f"{where}.subject_types：{t} 已属于 {claimed[t]}，一类主体只能属于一个行业")
                claimed[t] = code
            sector = Sector(str(code), str(body["name"]), types, limits,
                            _limit(f"{where}.extension", "complaint_extension", ext) if ext else None,
                            years, str(body.get("limitation_source", "")), str(body.get("legal_basis", "")))
            if not sector.legal_basis.strip():
                raise ComplaintRuleError(f"{where}.legal_basis：须注明处理投诉的依据")
            if sector.extension is not None:
                sector.extended()
            sectors[str(code)] = sector
        default = str(doc["default_sector"])
        if default not in sectors:
            raise ComplaintRuleError(f"default_sector：“{default}”不是已配置的行业")
        findings = {}
        for code, body in doc["findings"].items():
            findings[str(code)] = Finding(str(code), str(body["name"]), bool(body["upheld"]))
        if not any(f.upheld for f in findings.values()) or all(f.upheld for f in findings.values()):
            raise ComplaintRuleError("findings：须既有查实的结论，也有不属实的结论")
        not_accepted = {str(k): str(v) for k, v in doc["not_accepted"].items()}
        if not not_accepted or not channels:
            raise ComplaintRuleError("channels、not_accepted：不能为空")
        try:
            alerts = parse_alerts(doc.get("alerts"))
        except AlertRuleError as exc:
            raise ComplaintRuleError(str(exc)) from None
        responses = {str(k): str(v) for k, v in (doc.get("alert_responses") or {}).items()}
        if alerts and not responses:
            raise ComplaintRuleError("alert_responses：配置了投诉预警规则的，须列出预警的处置方式")
        return Rules(str(doc["version"]), channels, sectors, default, not_accepted, findings,
                     {str(k): str(v) for k, v in doc["handlings"].items()}, str(doc["record_kind"]),
                     bool(doc.get("supplement_once", True)), alerts, responses)
    except KeyError as exc:
        raise ComplaintRuleError(f"投诉处理规则缺少字段 {exc}") from None
    except AttributeError:
        raise ComplaintRuleError("投诉处理规则的结构有误：channels、sectors、findings、not_accepted、handlings 须为映射") \
            from None
