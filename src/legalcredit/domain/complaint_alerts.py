"""Complaint alerts (投诉预警), without Django: when the complaints about one subject, or about an
institution and its practitioners, gather in a short time, the bureau is warned before the matter
grows (seeds 003 item 19: 定期对投诉情况进行统计分析，做好重大、群体性投诉的风险预警).

A rule counts, over any ``days`` consecutive days, either the complaints, the distinct complainants
or the complaints found true; it fires when that count reaches ``threshold`` in a window that is
still current (its last complaint within the last ``days`` days), so a burst years ago raises
nothing today. Once the bureau has handled an alert, only complaints after that day count towards
the next one.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

MEASURES = {"complaints": "投诉件数", "complainants": "不同投诉人数", "upheld": "查实件数"}


class AlertRuleError(ValueError):
    """An alert rule that cannot be applied; the message names the place."""


@dataclass(frozen=True)
class AlertRule:
    code: str
    name: str
    measure: str            # one of MEASURES
    threshold: int
    days: int               # the window, calendar days, both ends counted
    include_members: bool   # an institution's alert counts its practitioners' complaints too
    advice: str             # what the rule suggests the bureau do
    source: str

    def describe(self) -> str:
        whose = "机构及其执业人员" if self.include_members else "同一主体"
        return f"{whose}{self.days}日内{MEASURES[self.measure]}达到{self.threshold}"


@dataclass(frozen=True)
class Complaint:
    id: int
    received_on: dt.date
    complainant: str
    upheld_on: dt.date | None = None   # the day it was found true, if it was


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date
    count: int
    complaint_ids: tuple[int, ...]


def complainant_key(name: str) -> str:
    """The same person written with full-width letters, stray spaces or another case is one person."""
    return "".join(unicodedata.normalize("NFKC", name or "").split()).casefold()


def _dated(rule: AlertRule, complaints: Iterable[Complaint]) -> list[tuple[dt.date, Complaint]]:
    if rule.measure == "upheld":
        return sorted(((c.upheld_on, c) for c in complaints if c.upheld_on is not None), key=lambda x: (x[0], x[1].id))
    return sorted(((c.received_on, c) for c in complaints), key=lambda x: (x[0], x[1].id))


def count(rule: AlertRule, items: Sequence[Complaint]) -> int:
    """What ``rule`` counts of these complaints."""
    if rule.measure == "complainants":
        return len({complainant_key(c.complainant) for c in items})
    return len(items)


def fullest_window(rule: AlertRule, complaints: Iterable[Complaint], *, today: dt.date,
                   after: dt.date | None = None) -> Window | None:
    """The current window of ``rule.days`` days with the highest count, if it reaches the threshold
    (the latest of equal ones); complaints dated after ``today`` or on or before ``after`` are not
    counted."""
    dated = [(d, c) for d, c in _dated(rule, complaints) if d <= today and (after is None or d > after)]
    span = dt.timedelta(days=rule.days - 1)
    best: Window | None = None
    lo = 0
    for hi, (end, _) in enumerate(dated):
        while dated[lo][0] < end - span:
            lo += 1
        if end < today - span:
            continue
        # Of several complaints on one day, the last gives the window that holds them all.
        inside = [c for _, c in dated[lo:hi + 1]]
        n = count(rule, inside)
        if best is None or n >= best.count:
            best = Window(dated[lo][0], end, n, tuple(c.id for c in inside))
    return best if best is not None and best.count >= rule.threshold else None


def _positive(where: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise AlertRuleError(f"{where}：须为正整数，收到“{value}”")
    return value


def parse(doc: Mapping | None) -> dict[str, AlertRule]:
    """The ``alerts`` section of complaints.yaml; every rule states its source."""
    out = {}
    for code, body in (doc or {}).items():
        where = f"alerts.{code}"
        if not isinstance(body, Mapping):
            raise AlertRuleError(f"{where}：须为含 name、measure、threshold、days、source 的映射")
        measure = body.get("measure")
        if measure not in MEASURES:
            raise AlertRuleError(f"{where}.measure：须为 {'、'.join(MEASURES)} 之一，收到“{measure}”")
        threshold = _positive(f"{where}.threshold", body.get("threshold"))
        if threshold < 2:
            raise AlertRuleError(f"{where}.threshold：至少为2（一件投诉不构成集中）")
        for key in ("name", "source", "advice"):
            if not str(body.get(key) or "").strip():
                raise AlertRuleError(f"{where}.{key}：不能为空")
        out[str(code)] = AlertRule(str(code), str(body["name"]), measure, threshold,
                                   _positive(f"{where}.days", body.get("days")),
                                   bool(body.get("include_members", False)), str(body["advice"]), str(body["source"]))
    return out
