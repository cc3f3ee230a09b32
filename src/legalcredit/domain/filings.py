"""Penalty filings (处罚报送), without Django (refdata ``penalty_filings.yaml``).

A city bureau reports each administrative penalty decided in its area to the provincial bureau
within a time limit of the decision taking effect (3 days, 云司通〔2025〕23号 一（三）21), with the
decision document, the facts, the legal basis and the state of rectification. The limit runs from
the day the penalty took effect, not from the day the platform learnt of it: a penalty entered
late is a filing already overdue.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from . import deadlines
from .remedies import TimeLimit, parse_limit
from .workdays import WorkCalendar

LEVELS = ("county", "city", "province")


class FilingRuleError(ValueError):
    """A filing rule file that cannot be applied; the message names the place."""


@dataclass(frozen=True)
class Rules:
    record_kinds: frozenset[str]
    deciding_levels: frozenset[str]
    file_unknown_level: bool
    open_within_days: int      # a penalty in effect longer than this when approved is history
    deadline: TimeLimit
    refile: TimeLimit
    receiver: str
    rectification: Mapping[str, str]
    settled: frozenset[str]
    without_note: frozenset[str] = frozenset()    # states stated with no note (无需整改)

    def files(self, kind: str, level: str) -> bool:
        """Whether an approved record of ``kind`` decided at ``level`` ('' unknown) is filed."""
        return kind in self.record_kinds and (level in self.deciding_levels if level else self.file_unknown_level)

    def due(self, cal: WorkCalendar, effective_on: dt.date) -> dt.date:
        """The last day to file a penalty that took effect on ``effective_on``."""
        return deadlines.due_on(cal, effective_on, self.deadline.working_days, calendar=self.deadline.calendar)

    def late(self, cal: WorkCalendar, effective_on: dt.date, filed_on: dt.date) -> bool:
        return filed_on > self.due(cal, effective_on)

    def is_settled(self, rectification: str) -> bool:
        return rectification in self.settled


def parse(doc: Mapping) -> Rules:
    kinds = frozenset(str(k) for k in doc["record_kinds"])
    if not kinds:
        raise FilingRuleError("record_kinds：不能为空")
    levels = frozenset(str(v) for v in doc["deciding_levels"])
    if not levels or not levels <= set(LEVELS):
        raise FilingRuleError(f"deciding_levels：须为 {'、'.join(LEVELS)} 中的一个或多个，收到 {sorted(levels)}")
    unknown = doc.get("file_unknown_level", True)
    if not isinstance(unknown, bool):
        raise FilingRuleError(f"file_unknown_level：须为 true 或 false，收到“{unknown}”")
    within = doc["open_within_days"]
    if not isinstance(within, int) or isinstance(within, bool) or within < 1:
        raise FilingRuleError(f"open_within_days：须为正整数，收到“{within}”")
    deadline = parse_limit("deadline", "penalty_filing", doc["deadline"], FilingRuleError)
    refile = parse_limit("refile", "penalty_refiling", doc["refile"], FilingRuleError)
    receiver = str(doc.get("receiver") or "").strip()
    if not receiver:
        raise FilingRuleError("receiver：须写明接收报送的单位")
    listed = doc.get("rectification") or []
    if not isinstance(listed, list) or not all(isinstance(s, Mapping) and s.get("code") and s.get("name")
                                               for s in listed):
        raise FilingRuleError("rectification：须为 {code, name} 的列表")
    states = {str(s["code"]): str(s["name"]) for s in listed}
    if len(states) < 2 or len(states) != len(listed):
        raise FilingRuleError("rectification：至少两种整改情况，code 不能重复")
    settled = frozenset(str(s) for s in doc.get("settled") or [])
    if not settled or not settled <= set(states) or settled == set(states):
        raise FilingRuleError("settled：须为 rectification 中的一部分（整改已了结的情况），且不能是全部")
    if any(not isinstance(s.get("note", True), bool) for s in listed):
        raise FilingRuleError("rectification：note 须为 true 或 false")
    without_note = frozenset(str(s["code"]) for s in listed if s.get("note", True) is False)
    return Rules(kinds, levels, unknown, within, deadline, refile, receiver, states, settled, without_note)
