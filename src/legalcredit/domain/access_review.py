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


def findings(reads: Iterable[Read], rules: Rules, is_working_day: Callable[[dt.date], bool]) -> list[Finding]:
    """What stands out, one finding per account, rule and day, in (day, account, rule) order."""
    by_day: dict[tuple[int, dt.date], list[Read]] = defaultdict(list)
    names: dict[int, str] = {}
    for r in reads:
        by_day[(r.actor_id, r.at.date())].append(r)
        names[r.actor_id] = r.actor
    out = []
    for (actor_id, day), rs in by_day.items():
        rs.sort(key=lambda r: (r.at, r.entry_id))
        actor = names[actor_id]
        subjects = sum(r.subjects for r in rs)
        if rules.volume_subjects is not None and subjects > rules.volume_subjects:
            out.append(Finding("volume", actor_id, actor, day, subjects, _sample(rs),
                               f"当日查阅{subjects}个主体（{len(rs)}次），超过{rules.volume_subjects}个"))
        if rules.work_from is not None:
            workday = is_working_day(day)
            late = [r for r in rs if not workday or not rules.work_from <= r.at.time() < rules.work_to]
            if late:
                when = ("非工作日" if not workday
                        else f"{rules.work_from:%H:%M}至{rules.work_to:%H:%M}以外")
                out.append(Finding("off_hours", actor_id, actor, day, len(late), _sample(late),
                                   f"{when}查阅{len(late)}次（首次{late[0].at:%H:%M}，末次{late[-1].at:%H:%M}）"))
        if rules.full_id_per_day is not None:
            full = [r for r in rs if r.full_id_number]
            if len(full) > rules.full_id_per_day:
                out.append(Finding("full_id_number", actor_id, actor, day, len(full), _sample(full),
                                   f"当日查看完整身份证号{len(full)}次，超过{rules.full_id_per_day}次"))
    order = {code: i for i, code in enumerate(RULES)}
    return sorted(out, key=lambda f: (f.day, f.actor, f.actor_id, order[f.rule]))


def _sample(rs: list[Read]) -> tuple[int, ...]:
    return tuple(r.entry_id for r in rs[:SAMPLE])
