"""What the public portal (信用信息公示) reads: only what is public, as it stands today.

The portal has no user and so no scope. What may be shown is decided where the data is kept: a
credit record by its publication dates (``records.selectors.public_on``: published, not past its
公示截止期, not withdrawn, not repaired), a list entry by its publication and removal. A subject
shows its registered identity, never an ID number: in the national 双公示 fields an ID number is
masked, as rules.md rule 4 asks of public pages.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass, field

from django.db.models import QuerySet

from legalcredit.core.errors import field_error
from legalcredit.domain.identifiers import IdentifierError, id_number
from legalcredit.evaluation import selectors as grades
from legalcredit.lists import selectors as lists
from legalcredit.lists.models import ListEntry
from legalcredit.lists.services import list_name
from legalcredit.records import rules
from legalcredit.records import selectors as records
from legalcredit.records.export import public_fields
from legalcredit.records.models import CreditRecord
from legalcredit.registry import selectors as registry
from legalcredit.refdata.models import SubjectKind
from legalcredit.registry.models import Affiliation, Subject

# The identifiers a member of the public may look a subject up by. An ID number is not one: the
# portal would tell anyone holding a number whether its owner is in the sector.
PUBLIC_LOOKUPS = frozenset({"uscc", "license_no"})
SEARCH_LIMIT = 50
STAFF_SHOWN = 200


def search(q: str) -> list[Subject]:
    """Subjects by name fragment (2+ characters, former names too), pinyin initials, USCC or
    licence number; a bad query is refused naming the field and the rule."""
    q = (q or "").strip()
    if len(q) < 2:
        raise field_error("q", "查询内容", "至少输入2个字符（机构名称、姓名、统一社会信用代码或执业证号）")
    if len(q) > 100:
        raise field_error("q", "查询内容", "不能超过100个字符")
    compact = q.replace(" ", "").upper()
    if len(compact) in (15, 18):
        try:
            id_number.validate(compact)
        except IdentifierError:
            pass
        else:
            raise field_error("q", "查询内容",
                              "公示查询不提供按公民身份号码查询，请输入姓名、执业证号或统一社会信用代码")
    # Loaded with their type, status and region, as the results list shows them.
    return registry.search_subjects(q, limit=SEARCH_LIMIT, lookups=PUBLIC_LOOKUPS)


@dataclass
class PublicRecord:
    record: CreditRecord
    kind_name: str
    fields: list[tuple[str, str]]
    flags: list[str]


@dataclass
class SubjectFile:
    subject: Subject
    region: str
    on: dt.date
    institution: Subject | None = None
    staff: list[Subject] = field(default_factory=list)
    staff_count: int = 0
    records: list[PublicRecord] = field(default_factory=list)
    entries: list[ListEntry] = field(default_factory=list)
    grade: dict | None = None
    identity: list[tuple[str, str]] = field(default_factory=list)
    grade_sources: GradeSources | None = None


def public_records(subject_id: int, on: dt.date) -> list[PublicRecord]:
    from legalcredit.remedies.selectors import record_flags

    shown = [r for r in records.current_records(subject_id).select_related("subject")
             .order_by("-decision_date", "-id") if records.public_on(r, on)]
    flags = record_flags([r.key for r in shown]) if shown else {}
    return [PublicRecord(r, rules.kind_name(r.kind), public_fields(r), flags.get(r.key, [])) for r in shown]


def published_entries(*, list_code: str | None = None, on: dt.date, name: str = "",
                      subject_id: int | None = None) -> QuerySet[ListEntry]:
    """List entries published and in force on ``on``, newest first."""
    qs = lists.published(registry.EVERYTHING, list_code=list_code, on=on, since=None)
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    if name:
        qs = qs.filter(subject__name__contains=name)
    return qs.select_related("subject__subject_type", "subject__region").order_by("-listed_from", "-pk")


def with_list_names(entries) -> list[ListEntry]:
    entries = list(entries)
    for e in entries:
        e.list_name = list_name(e.list_code)
    return entries


def identity(subject: Subject, institution: Subject | None, region: str) -> list[tuple[str, str]]:
    """The registered identity anyone may read, label and value, as the portal page and the credit
    report both show it: no ID number, gender or birth date; empty values left out."""
    status = subject.status.name + (f"（至 {subject.status_until}）" if subject.status_until else "")
    rows = [("名称/姓名", subject.name), ("类型", subject.subject_type.name), ("统一社会信用代码", subject.uscc or ""),
            ("执业证号", subject.license_no or ""), ("执业状态", status), ("所在地", region),
            ("执业机构", institution.name if institution else "")]
    if subject.kind == SubjectKind.INSTITUTION:
        rows += [("负责人", subject.legal_representative), ("住所", subject.address)]
    rows.append(("执业许可日期", str(subject.license_issued_on or "")))
    return [(label, value) for label, value in rows if value]


@dataclass
class GradeSources:
    """Where the points of the current grade came from, as the public may read it (Tianjin publishes
    each point's source): lines from records public today, each named; the rest summed."""
    base: str
    lines: list[dict]
    hidden_points: Decimal
    hidden_count: int
    vetoed: bool


def grade_sources(subject_id: int, public: list[PublicRecord]) -> GradeSources | None:
    g = grades.grade_of(subject_id)
    if g is None or g.evaluation is None or not g.grade:
        return None
    shown = {p.record.pk: p for p in public}
    lines, hidden, hidden_count = [], Decimal(0), 0
    for line in grades.explain(g.evaluation):
        p = shown.get(line["record_id"])
        if p is None:
            hidden += Decimal(str(line["points"]))
            hidden_count += 1
            continue
        lines.append({"category": line["category"], "indicator": line["indicator_name"], "points": line["points"],
                      "record": f"{p.kind_name} {p.record.decision_no or p.record.number}（{p.record.decision_date}）"})
    explanation = g.evaluation.explanation
    return GradeSources(explanation.get("base", ""), lines, hidden, hidden_count, bool(explanation.get("vetoes")))


def subject_file(pk: int, on: dt.date) -> SubjectFile | None:
    subject = (Subject.objects.select_related("subject_type", "status", "category", "region__parent__parent")
               .filter(pk=pk).first())
    if subject is None:
        return None
    out = SubjectFile(subject=subject, region=registry.region_path(subject.region), on=on)
    if subject.kind == SubjectKind.PRACTITIONER:
        out.institution = registry.current_institution(subject, on)
    else:
        members = registry.affiliations_on(on, institution=subject, role=Affiliation.Role.MEMBER)
        staff = (Subject.objects.filter(pk__in=members.values("person_id"))
                 .select_related("subject_type").order_by("name", "pk"))
        out.staff_count = staff.count()
        out.staff = list(staff[:STAFF_SHOWN])
    out.identity = identity(subject, out.institution, out.region)
    out.records = public_records(subject.pk, on)
    out.grade = grades.published_grade(subject.pk)
    out.grade_sources = grade_sources(subject.pk, out.records) if out.grade else None
    out.entries = with_list_names(published_entries(on=on, subject_id=subject.pk))
    return out
