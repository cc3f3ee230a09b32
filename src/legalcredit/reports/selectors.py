"""What a credit report says: the subject's public credit on a day, in the sections the report
rules give (``credit_reports`` rule set), as plain data the PDF and the verification page draw.

Only what is public goes in, read as the public portal reads it (``portal.selectors``): records
public on the day (a repaired, withdrawn or expired record is left out) and decided within the
report's window, published list entries in force, the grade, and the subject's identity without
any ID number (an ID number in a 双公示 field is masked).
"""
from __future__ import annotations

import datetime as dt

from legalcredit.domain.credit_reports import ReportRules
from legalcredit.domain.periods import months_before
from legalcredit.evaluation import selectors as grades
from legalcredit.lists.services import catalogue as list_rules
from legalcredit.portal import selectors as portal
from legalcredit.records import rules as record_rules
from legalcredit.refdata import rulesets
from legalcredit.registry import selectors as registry
from legalcredit.registry.models import Subject

from .models import CreditReport


def rules() -> ReportRules:
    return rulesets.current("credit_reports")


def form_choices() -> dict:
    """What an applicant may choose for a report: the periods, the default, the sections."""
    r = rules()
    return {"years": list(range(1, r.max_window_years + 1)), "default": r.window_years, "sections": r.sections}


def window_start(on: dt.date, years: int) -> dt.date:
    return months_before(on, 12 * years)


def _entry_item(e) -> dict:
    return {"title": f"{e.list_name} {e.decision_no}",
            "fields": [["列入事由", e.reasons], ["列入依据", e.legal_basis], ["认定单位", e.authority],
                       ["决定书文号", e.decision_no], ["有效期", f"{e.listed_from} 至 {e.listed_until}"]],
            "flags": []}


def _advice(shown, entries, on: dt.date) -> list[str]:
    out = []
    for rec in (p.record for p in shown):
        if rec.severity and not rec.repaired_on and rec.repair_from:
            name = f"{record_rules.kind_name(rec.kind)} {rec.decision_no or ''}".strip()
            out.append(f"{name}：{'最短公示期已满，可申请信用修复' if rec.repair_from <= on else f'自 {rec.repair_from} 起可申请信用修复'}"
                       f"，修复后终止公示（公示截止期 {rec.publication_end}）")
    cat = list_rules()
    for e in entries:
        lt = cat.lists.get(e.list_code)
        if lt is not None and lt.polarity == "adverse":
            out.append(f"{e.list_name} {e.decision_no}：有效期至 {e.listed_until}，期满自动移出；"
                       f"也可依法申请信用修复或提出异议后移出")
    if any(p.flags for p in shown):
        out.append("标注“异议处理中”“信用修复中”的信息正在核实或修复，结果以处理决定为准")
    return out or ["未发现公示期内的失信信息，请继续保持良好信用。"]


def content(subject: Subject, on: dt.date, report_rules: ReportRules, years: int | None = None,
            sections=None) -> dict:
    """The report's content on ``on``, section by section, over ``years`` and in ``sections`` as
    the applicant chose them (``ReportRules.choice``). Every chosen section is there, empty or
    not, so that "nothing" is stated rather than left out; the sections not chosen are named."""
    years, chosen = report_rules.choice(years, sections)
    since = window_start(on, years)
    # What the portal shows of the subject today, within the report's window.
    public = portal.public_records(subject.pk, on)
    shown = [p for p in public if p.record.decision_date >= since]
    entries = portal.with_list_names(portal.published_entries(on=on, subject_id=subject.pk))
    sections = []
    for s in chosen:
        items = []
        if s.basic:
            items.append({"title": "登记信息", "fields": [list(row) for row in portal.identity(
                subject, registry.current_institution(subject, on) if subject.kind == "practitioner" else None,
                registry.region_path(subject.region))], "flags": []})
        if s.statuses and subject.status_id in s.statuses:
            items.append({"title": subject.status.name,
                          "fields": [["执业状态", subject.status.name], ["起始日", str(subject.status_since)],
                                     ["截止日", str(subject.status_until or "")]], "flags": []})
        items += [{"title": f"{p.kind_name}{f'（{p.record.subtype}）' if p.record.subtype else ''} "
                            f"{p.record.decision_date}", "fields": [list(f) for f in p.fields], "flags": p.flags}
                  for p in shown if p.record.kind in s.kinds]
        items += [_entry_item(e) for e in entries if e.list_code in s.lists]
        if s.grade:
            items += _grade(subject, public)
        if s.advice:
            items.append({"title": "建议", "fields": [[str(i), text] for i, text in
                                                    enumerate(_advice(shown, entries, on), 1)], "flags": []})
        sections.append({"code": s.code, "title": s.title, "items": items})
    return {"title": report_rules.name, "subject_id": subject.pk, "subject_name": subject.name,
            "on": on.isoformat(), "window_from": since.isoformat(), "rules_version": report_rules.version,
            "years": years, "sections": sections,
            "omitted": [s.title for s in report_rules.sections if s not in chosen]}


def _grade(subject: Subject, public: list) -> list[dict]:
    g = grades.published_grade(subject.pk)
    if g is None:
        return []
    out = [{"title": "信用等级", "fields": [["评价方案", g["scheme"]], ["等级", g["grade"]], ["得分", g["score"]],
                                         ["评定时间", g["since"]]], "flags": []}]
    sources = portal.grade_sources(subject.pk, public)
    if sources is not None:
        # As the portal shows it: each point from a public record named, the rest summed.
        fields = [["基础分", str(sources.base)]]
        fields += [[f"{line['category']}·{line['indicator']}", f"{line['points']}（{line['record']}）"]
                   for line in sources.lines]
        if sources.hidden_count:
            fields.append([f"依据不予公示的信息（{sources.hidden_count}项）", str(sources.hidden_points)])
        if sources.vetoed:
            fields.append(["否决项", "触发否决项，信用等级不高于方案规定的等次"])
        out.append({"title": "得分来源", "fields": fields, "flags": []})
    return out


def by_serial(serial: str) -> CreditReport | None:
    return CreditReport.objects.select_related("subject").filter(serial=serial).first()
