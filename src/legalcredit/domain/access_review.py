"""The review of reads of non-public credit information (查询使用审查, refdata ``access_review.yaml``).

Pure: no Django. Every read of non-public data is in the audit trail with its purpose (查询使用登记);
each month a reviewer goes through what stands out in that month's reads. ``findings`` says what
stands out: an account reading more subjects in a day than its work explains, reading outside
working hours (the hours of the day, and the working-day calendar), or seeing many full ID
numbers. Accounts of the roles the rules leave out (a department's system making credit checks by
the thousand) are not assessed.
"""
from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

RULES = {"volume": "单日查阅主体数量异常", "off_hours": "非工作时间查阅", "full_id_number": "单日查看完整身份证号较多"}
SAMPLE = 20   # entries kept with a finding for the reviewer to open


@dataclass(frozen=True)
class Rules:
    version: str
    source: str
    due_working_days: int
    exclude_roles: frozenset[str]
    volume_subjects: int | None
    work_from: dt.time | None
    work_to: dt.time | None
    full_id_per_day: int | None
    names: Mapping[str, str]


@dataclass(frozen=True)
class Read:
    """One audited read: ``subjects`` read at once (a search lists many), whether full ID numbers
    were shown, at local time ``at``."""
    entry_id: int
    actor_id: int
    actor: str
    at: dt.datetime
    subjects: int
    full_id_number: bool


@dataclass(frozen=True)
class Finding:
    rule: str
    actor_id: int
    actor: str
    day: dt.date
    count: int
    entry_ids: tuple[int, ...]
    detail: str


def _time(value, where: str, problems: list[str]) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(value))
    except ValueError:
        problems.append(f"{where}：应为“时:分”，如 08:30（收到{value!r}）")
        return None


def _count(value, where: str, problems: list[str]) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        problems.append(f"{where}：应为正整数（收到{value!r}）")
        return None
    return value


def parse(doc: Mapping) -> Rules:
    problems: list[str] = []
    due = _count(doc.get("due_working_days"), "due_working_days（审查期限，工作日）", problems)
    if due is None and not problems:
        problems.append("须规定审查期限 due_working_days")
    rules = doc.get("rules") or {}
    for code in rules:
        if code not in RULES:
            problems.append(f"未知的审查规则“{code}”（可选：{'/'.join(RULES)}）")
    volume = _count((rules.get("volume") or {}).get("subjects_per_day"), "volume.subjects_per_day", problems)
    hours = rules.get("off_hours") or {}
    work_from = _time(hours["work_from"], "off_hours.work_from", problems) if "work_from" in hours else None
    work_to = _time(hours["work_to"], "off_hours.work_to", problems) if "work_to" in hours else None
    if "off_hours" in rules and (work_from is None or work_to is None):
        problems.append("off_hours：须规定 work_from 与 work_to")
    elif work_from and work_to and work_from >= work_to:
        problems.append("off_hours：work_from 须早于 work_to")
    full_id = _count((rules.get("full_id_number") or {}).get("per_day"), "full_id_number.per_day", problems)
    if problems:
        raise ValueError("；".join(problems))
    names = {code: str((rules.get(code) or {}).get("name") or RULES[code]) for code in rules}
    return Rules(str(doc["version"]), str(doc.get("source") or ""), due, frozenset(doc.get("exclude_roles") or ()),
                 volume, work_from, work_to, full_id, names)


class _Tally:
    """One kind of read of one account on one day: how many, and the earliest ``SAMPLE`` of them.
    Reads come in any order and are not kept, so a month of them costs memory per account-day."""

    __slots__ = ("count", "first", "last", "_heap")

    def __init__(self):
        self.count, self.first, self.last, self._heap = 0, None, None, []

    def add(self, r: Read, weight: int = 1) -> None:
        self.count += weight
        key = (r.at, r.entry_id)
        self.first = key if self.first is None or key < self.first else self.first
        self.last = key if self.last is None or key > self.last else self.last
        # A max-heap (negated) of the earliest reads seen so far.
        item = (-r.at.timestamp(), -r.entry_id)
        if len(self._heap) < SAMPLE:
            heapq.heappush(self._heap, item)
        elif item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    def sample(self) -> tuple[int, ...]:
        return tuple(-i for _, i in sorted(self._heap, reverse=True))


def findings(reads: Iterable[Read], rules: Rules, is_working_day: Callable[[dt.date], bool]) -> list[Finding]:
    """What stands out, one finding per account, rule and day, in (day, account, rule) order."""
    days: dict[tuple[int, dt.date], dict[str, _Tally]] = defaultdict(lambda: defaultdict(_Tally))
    names: dict[int, str] = {}
    workdays: dict[dt.date, bool] = {}
    for r in reads:
        day = r.at.date()
        tallies = days[(r.actor_id, day)]
        names[r.actor_id] = r.actor
        tallies["reads"].add(r)
        tallies["subjects"].add(r, r.subjects)
        if rules.work_from is not None:
            if day not in workdays:
                workdays[day] = is_working_day(day)
            if not workdays[day] or not rules.work_from <= r.at.time() < rules.work_to:
                tallies["late"].add(r)
        if r.full_id_number:
            tallies["full"].add(r)
    out = []
    for (actor_id, day), t in days.items():
        actor = names[actor_id]
        subjects = t["subjects"].count
        if rules.volume_subjects is not None and subjects > rules.volume_subjects:
            out.append(Finding("volume", actor_id, actor, day, subjects, t["reads"].sample(),
                               f"当日查阅{subjects}个主体（{t['reads'].count}次），超过{rules.volume_subjects}个"))
        late = t.get("late")
        if late is not None and late.count:
            when = "非工作日" if not workdays[day] else f"{rules.work_from:%H:%M}至{rules.work_to:%H:%M}以外"
            out.append(Finding("off_hours", actor_id, actor, day, late.count, late.sample(),
                               f"{when}查阅{late.count}次（首次{late.first[0]:%H:%M}，末次{late.last[0]:%H:%M}）"))
        full = t.get("full")
        if rules.full_id_per_day is not None and full is not None and full.count > rules.full_id_per_day:
            out.append(Finding("full_id_number", actor_id, actor, day, full.count, full.sample(),
                               f"当日查看完整身份证号{full.count}次，超过{rules.full_id_per_day}次"))
    order = {code: i for i, code in enumerate(RULES)}
    return sorted(out, key=lambda f: (f.day, f.actor, f.actor_id, order[f.rule]))
