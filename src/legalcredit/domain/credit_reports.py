"""What a credit report (信用报告) holds and in what order (refdata ``credit_reports.yaml``).

A report has sections in the order of the national 公共信用信息报告 (rules.md §11). Each section
says what feeds it: record kinds, list types, subject statuses, the grade, or the advice the
platform writes. A record kind or a list type feeds at most one section, so nothing is reported
twice; the window is how many years back the report looks, by default or as its applicant asks
(up to ``max_window_years``), and the applicant may leave out any section not ``required``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

SOURCES = ("kinds", "lists", "statuses")


class ReportRulesError(ValueError):
    """A rule set that cannot be used, or a report asked for outside it; ``field`` names the
    request's field (years, sections) when it is the request that is wrong."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


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
    # In every report; the applicant chooses among the others (专项信用报告: the fields asked for).
    required: bool = False


@dataclass(frozen=True)
class ReportRules:
    version: str
    source: str
    name: str
    window_years: int
    sections: tuple[Section, ...]
    # The longest period an applicant may ask the report to cover (window_years is the default).
    max_window_years: int = 0

    def section_of_kind(self, kind: str) -> str | None:
        return next((s.code for s in self.sections if kind in s.kinds), None)

    def choice(self, years: int | None = None, sections=None) -> tuple[int, tuple[Section, ...]]:
        """The period and the sections of one report as its applicant asked (None: the default
        period, every section); the required sections are always in, in the rules' order.
        ReportRulesError names the field and the rule when the request is outside them."""
        if years is None:
            years = self.window_years
        if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= self.max_window_years:
            raise ReportRulesError(f"报告期间：应为 1 至 {self.max_window_years} 年，收到 {years!r}", "years")
        if sections is None:
            return years, self.sections
        asked = set(sections)
        unknown = asked - {s.code for s in self.sections}
        if unknown:
            raise ReportRulesError(f"报告内容：没有“{'、'.join(sorted(unknown))}”这一节", "sections")
        return years, tuple(s for s in self.sections if s.required or s.code in asked)


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
                                basic=bool(s.get("basic")), required=bool(s.get("required"))))
    if not sections:
        raise ReportRulesError("至少须有一节")
    longest = doc.get("max_window_years", years)
    if isinstance(longest, bool) or not isinstance(longest, int) or not years <= longest <= 10:
        raise ReportRulesError(f"max_window_years 应为 window_years（{years}）至 10 的整数，收到 {longest!r}")
    return ReportRules(str(doc["version"]), str(doc.get("source", "")), str(doc.get("name") or "信用报告"),
                       years, tuple(sections), longest)
