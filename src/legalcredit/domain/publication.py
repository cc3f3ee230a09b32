"""When a credit record is public, and until when.

A pure function of (decision date, severities, policy). The policy is data
(refdata ``publication_policies.yaml``), one regime per rule edition:

* 国办发〔2025〕22号 (the current rule): 轻微 ≤ 3 months or unpublished,
  一般 3 months – 1 year, 严重 1 – 3 years;
* the 2019 NDRC notice and 国家发展改革委令第58号, for historical data.

Rules encoded here, from shared/domain/rules.md §2:

* the period starts on the decision date and is counted as 民法典 counts
  months (``periods.add_months``);
* a decision carrying several penalty types takes the longest period;
* repair may be applied for only after the minimum period, except where the
  regime lets 轻微 records be repaired at once;
* publication ends by itself at its end date.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .periods import add_months

SEVERITIES = ("minor", "general", "serious")
SEVERITY_LABELS = {"minor": "轻微", "general": "一般", "serious": "严重"}


class PolicyError(ValueError):
    """A policy file that cannot be applied; the message names the place."""


@dataclass(frozen=True)
class Period:
    min_months: int
    max_months: int
    published: bool = True
    repair_at_once: bool = False


@dataclass(frozen=True)
class Regime:
    code: str
    name: str
    source: str
    periods: Mapping[str, Period]
    # 行政处罚法 Art 48 with Art 85: a changed or revoked decision's
    # publication is withdrawn within 3 (working) days.
    withdrawal_working_days: int = 3


@dataclass(frozen=True)
class Policy:
    version: str
    default: str
    regimes: Mapping[str, Regime]
    # 处罚类别 → severity it carries at least (吊销 is 严重 whatever else).
    penalty_type_severity: Mapping[str, str] = field(default_factory=dict)

    def regime(self, code: str | None) -> Regime:
        code = code or self.default
        try:
            return self.regimes[code]
        except KeyError:
            raise PolicyError(f"未知的公示期限规则“{code}”") from None


@dataclass(frozen=True)
class Window:
    """Publication of one record.

    ``min_until`` and ``until`` are the last days (inclusive) of the minimum
    period and of publication; ``repair_from`` is the first day a repair may
    be applied for. ``published`` is False when the regime leaves the
    severity unpublished; the dates are then None.
    """

    severity: str
    regime: str
    published: bool
    start: dt.date
    min_until: dt.date | None
    until: dt.date | None
    repair_from: dt.date
    explanation: str

    def is_public_on(self, day: dt.date) -> bool:
        return self.published and self.start <= day <= self.until


def effective_severity(severity: str, penalty_types: Iterable[str], policy: Policy) -> str:
    """The heaviest of the record's own severity and what its penalty types carry."""
    ranks = [SEVERITIES.index(severity)]
    for ptype in penalty_types:
        floor = policy.penalty_type_severity.get(ptype)
        if floor:
            ranks.append(SEVERITIES.index(floor))
    return SEVERITIES[max(ranks)]


def window(decision_date: dt.date, severity: str, policy: Policy, *,
           penalty_types: Iterable[str] = (), regime: str | None = None) -> Window:
    if severity not in SEVERITIES:
        raise PolicyError(f"未知的严重程度“{severity}”")
    penalty_types = tuple(penalty_types)
    reg = policy.regime(regime)
    sev = effective_severity(severity, penalty_types, policy)
    period = reg.periods[sev]
    label = SEVERITY_LABELS[sev]
    raised = "" if sev == severity else (
        f"（含处罚类别{'、'.join(p for p in penalty_types if policy.penalty_type_severity.get(p) == sev)}，"
        f"按{label}确定，取最长期限）")
    if not period.published:
        return Window(sev, reg.code, False, decision_date, None, None, decision_date,
                      f"{label}失信信息依{reg.name}不予公示{raised}")
    min_until = add_months(decision_date, period.min_months) if period.min_months else None
    until = add_months(decision_date, period.max_months)
    if period.repair_at_once or min_until is None:
        repair_from = decision_date
    else:
        repair_from = min_until + dt.timedelta(days=1)
    text = (f"{label}失信信息，依{reg.name}公示{_months(period.min_months)}至{_months(period.max_months)}："
            f"自决定日 {decision_date} 起公示，公示截止期 {until}")
    if min_until:
        text += f"，最短公示期满日 {min_until}"
    text += f"，自 {repair_from} 起可申请信用修复{raised}"
    return Window(sev, reg.code, True, decision_date, min_until, until, repair_from, text)


def _months(n: int) -> str:
    if n == 0:
        return "即时"
    if n % 12 == 0:
        return f"{n // 12}年"
    return f"{n}个月"


def parse_policy(doc: Mapping) -> Policy:
    """Build a Policy from its YAML document, refusing anything inconsistent."""
    try:
        regimes = {}
        for code, body in doc["regimes"].items():
            periods = {}
            for sev in SEVERITIES:
                p = body["periods"].get(sev)
                if p is None:
                    raise PolicyError(f"规则“{code}”缺少严重程度“{sev}”的期限")
                period = Period(int(p.get("min_months", 0)), int(p.get("max_months", 0)),
                                bool(p.get("published", True)), bool(p.get("repair_at_once", False)))
                if period.min_months < 0 or period.max_months < 0:
                    raise PolicyError(f"规则“{code}”的“{sev}”期限不能为负数")
                if period.published and period.max_months < max(period.min_months, 1):
                    raise PolicyError(f"规则“{code}”的“{sev}”最长公示期短于最短公示期")
                periods[sev] = period
            regimes[code] = Regime(code, body["name"], body.get("source", ""), periods,
                                   int(body.get("withdrawal_working_days", 3)))
        floors = dict(doc.get("penalty_type_severity") or {})
        for ptype, sev in floors.items():
            if sev not in SEVERITIES:
                raise PolicyError(f"处罚类别“{ptype}”的严重程度“{sev}”无效")
        policy = Policy(str(doc["version"]), doc["default"], regimes, floors)
        policy.regime(policy.default)
        return policy
    except KeyError as exc:
        raise PolicyError(f"公示期限规则缺少字段 {exc}") from None
