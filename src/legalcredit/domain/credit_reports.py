"""What a credit report (信用报告) holds and in what order (refdata ``credit_reports.yaml``).

A report has sections in the order of the national 公共信用信息报告 (rules.md §11). Each section
says what feeds it: record kinds, list types, subject statuses, the grade, or the advice the
platform writes. A record kind or a list type feeds at most one section, so nothing is reported
twice; the window is how many years back the report looks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

SOURCES = ("kinds", "lists", "statuses")


class ReportRulesError(ValueError):
    pass


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    kinds: tuple[str, ...] = ()
    lists: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    grade: bool = False
    advice: bool = False
    basic: bool = False


@dataclass(frozen=True)
class ReportRules:
    version: str
    source: str
    name: str
    window_years: int
    sections: tuple[Section, ...]

    def section_of_kind(self, kind: str) -> str | None:
        return next((s.code for s in self.sections if kind in s.kinds), None)


def parse(doc: Mapping) -> ReportRules:
    years = doc.get("window_years")
    if not isinstance(years, int) or not 1 <= years <= 10:
        raise ReportRulesError(f"window_years 应为 1 至 10 的整数，收到 {years!r}")
    sections, seen, fed = [], set(), {}
    for i, s in enumerate(doc.get("sections") or (), 1):
        code, title = s.get("code"), s.get("title")
        if not code or not title:
            raise ReportRulesError(f"第{i}节：须有 code 和 title")
        if code in seen:
            raise ReportRulesError(f"第{i}节：code “{code}”重复")
        seen.add(code)
        for source in SOURCES:
            for item in s.get(source) or ():
                if (source, item) in fed:
                    raise ReportRulesError(f"第{i}节（{title}）：{source} “{item}”已归入“{fed[source, item]}”")
                fed[source, item] = title
        sections.append(Section(code, title, *(tuple(s.get(k) or ()) for k in SOURCES),
                                grade=bool(s.get("grade")), advice=bool(s.get("advice")),
                                basic=bool(s.get("basic"))))
    if not sections:
        raise ReportRulesError("至少须有一节")
    return ReportRules(str(doc["version"]), str(doc.get("source", "")), str(doc.get("name") or "信用报告"),
                       years, tuple(sections))
