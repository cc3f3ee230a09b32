"""Discipline referrals (行政处罚与行业惩戒衔接), without Django (refdata ``discipline_referrals.yaml``).

An approved administrative penalty on a lawyer, notary, forensic appraiser or grassroots legal
worker, or on their institution, is referred to the association that disciplines that profession.
The association answers within a time limit: it has imposed industry discipline (naming the
record), or it declines, with its reasons. One breach, two answers (一处违法、双重惩戒), and the
bureau sees the loop closed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from .remedies import TimeLimit, parse_limit


class ReferralRuleError(ValueError):
    """A referral rule file that cannot be applied; the message names the place."""


@dataclass(frozen=True)
class Sector:
    code: str
    name: str
    subject_types: frozenset[str]


@dataclass(frozen=True)
class Rules:
    record_kinds: frozenset[str]
    refer_within_days: int     # a decision older than this when approved is history, not referred
    sectors: tuple[Sector, ...]
    answer: TimeLimit
    outcomes: Mapping[str, str]
    disciplined_outcome: str

    def sector_of(self, subject_type: str) -> Sector | None:
        """The association that disciplines subjects of this type, if any."""
        return next((s for s in self.sectors if subject_type in s.subject_types), None)

    def refers(self, kind: str, subject_type: str) -> Sector | None:
        """Where an approved record of ``kind`` on a subject of ``subject_type`` is referred, if anywhere."""
        return self.sector_of(subject_type) if kind in self.record_kinds else None


def parse(doc: Mapping) -> Rules:
    sectors, seen_types = [], set()
    for i, body in enumerate(doc["sectors"]):
        types = frozenset(str(t) for t in body["subject_types"])
        if not types:
            raise ReferralRuleError(f"sectors[{i}].subject_types：不能为空")
        if types & seen_types:
            raise ReferralRuleError(f"sectors[{i}].subject_types：{sorted(types & seen_types)} 已属于另一个协会")
        seen_types |= types
        sectors.append(Sector(str(body["code"]), str(body["name"]), types))
    if len({s.code for s in sectors}) != len(sectors):
        raise ReferralRuleError("sectors：code 不能重复")
    answer = parse_limit("answer", "referral_answer", doc["answer"], ReferralRuleError)
    outcomes = {str(k): str(v) for k, v in doc["outcomes"].items()}
    disciplined = str(doc["disciplined_outcome"])
    if disciplined not in outcomes or len(outcomes) < 2:
        raise ReferralRuleError(f"disciplined_outcome：“{disciplined}”须是 outcomes 之一，且另有不予处分的结果")
    kinds = frozenset(str(k) for k in doc["record_kinds"])
    if not kinds:
        raise ReferralRuleError("record_kinds：不能为空")
    within = doc["refer_within_days"]
    if not isinstance(within, int) or isinstance(within, bool) or within < 1:
        raise ReferralRuleError(f"refer_within_days：须为正整数，收到“{within}”")
    return Rules(kinds, within, tuple(sectors), answer, outcomes, disciplined)
