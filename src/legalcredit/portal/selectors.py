"""What the public portal (信用信息公示) reads: only what is public, as it stands today.

The portal has no user and so no scope. What may be shown is decided where the data is kept: a
credit record by its publication dates (``records.selectors.public_on``: published, not past its
公示截止期, not withdrawn, not repaired), a list entry by its publication and removal. A subject
shows its registered identity, never an ID number: in the national 双公示 fields an ID number is
masked, as rules.md rule 4 asks of public pages.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from decimal import Decimal
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import QuerySet

from legalcredit.core.errors import field_error
from legalcredit.domain import publication, scoring
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
# Subjects a 双公示 party query may match (a common name matches many; the list says to narrow it).
PARTY_MATCHES = 200


def _query_text(q: str, field: str = "q", label: str = "查询内容") -> str:
    """A name, code or licence number as the public may search by, else refused naming the rule."""
    q = (q or "").strip()
    if len(q) < 2:
        raise field_error(field, label, "至少输入2个字符（机构名称、姓名、统一社会信用代码或执业证号）")
    if len(q) > 100:
        raise field_error(field, label, "不能超过100个字符")
    compact = q.replace(" ", "").upper()
    if len(compact) in (15, 18):
        try:
            id_number.validate(compact)
        except IdentifierError:
            pass
        else:
            raise field_error(field, label,
                              "公示查询不提供按公民身份号码查询，请输入姓名、执业证号或统一社会信用代码")
    return q


def search(q: str) -> list[Subject]:
    """Subjects by name fragment (2+ characters, former names too), pinyin initials, USCC or
    licence number; a bad query is refused naming the field and the rule."""
    q = _query_text(q)
    # Loaded with their type, status and region, as the results list shows them.
    return registry.search_subjects(q, limit=SEARCH_LIMIT, lookups=PUBLIC_LOOKUPS)


def dual_publication_kinds() -> dict[str, str]:
    """The kinds published under 双公示 (those carrying a national field set), code → name."""
    return {code: k.name for code, k in rules.kinds().items() if k.dual_publication}


class Decisions(NamedTuple):
    rows: QuerySet[CreditRecord]
    parties_capped: bool     # the party matched more subjects than are looked at: narrow it


def decisions(kind: str, on: dt.date, *, party: str = "", decision_no: str = "", authority: str = "",
              start: dt.date | None = None, end: dt.date | None = None) -> Decisions:
    """双公示: the licensing or penalty decisions public on ``on``, newest decision first, narrowed by
    the party (name, USCC or licence number, as the portal's search finds subjects), the decision
    number, the deciding authority, and a range of decision dates."""
    qs = CreditRecord.objects.filter(records.public_filter(on), is_current=True, kind=kind)
    capped = False
    if party:
        ids = [s.pk for s in registry.search_subjects(_query_text(party, "party", "行政相对人"),
                                                      limit=PARTY_MATCHES + 1, lookups=PUBLIC_LOOKUPS)]
        capped = len(ids) > PARTY_MATCHES
        qs = qs.filter(subject_id__in=ids[:PARTY_MATCHES])
    # The number whole, as written on the decision: a fragment would be a scan of every decision.
    narrow = {"decision_no": decision_no, "authority": authority,
              "decision_date__gte": start, "decision_date__lte": end}
    qs = qs.filter(**{lookup: value for lookup, value in narrow.items() if value})
    # What the list shows of each row: the rest of a 50-column row is read on the decision's page.
    return Decisions(qs.select_related("subject").order_by("-decision_date", "-id")
                     .only("key", "kind", "subtype", "penalty_types", "decision_no", "decision_date", "authority",
                           "content", "publication_end", "effective_until", "subject__name", "subject__uscc",
                           "subject__license_no", "subject__kind"), capped)


AUTHORITIES_CACHE_SECONDS = 3600


def authorities(kind: str) -> list[str]:
    """The deciding authorities of a 双公示 kind, for the list's choice; read once an hour, as
    reading them is a pass over every current decision."""
    from django.core.cache import cache
    from django.db import connection

    # Keyed by database too: a cache may be shared by several databases (test workers, a staging copy).
    db = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:12]
    key = f"portal_authorities_{db}_{kind}"
    return cache.get_or_set(key, lambda: list(
        CreditRecord.objects.filter(is_current=True, kind=kind).order_by("authority")
        .values_list("authority", flat=True).distinct()), AUTHORITIES_CACHE_SECONDS)


def decision(key, on: dt.date) -> PublicRecord | None:
    """One 双公示 decision as the public reads it, if it is public on ``on``."""
    from legalcredit.remedies.selectors import record_flags

    rec = (CreditRecord.objects.filter(records.public_filter(on), is_current=True, key=key,
                                       kind__in=dual_publication_kinds())
           .select_related("subject").first())
    if rec is None:
        return None
    return PublicRecord(rec, rules.kind_name(rec.kind), public_fields(rec), record_flags([rec.key]).get(rec.key, []), on)


@dataclass
class PublicRecord:
    record: CreditRecord
    kind_name: str
    fields: list[tuple[str, str]]
    flags: list[str]
    on: dt.date | None = None

    @functools.cached_property
    def repair_from(self) -> dt.date | None:
        """The first day the subject may apply to repair it (Credit China's 申请修复 stays grey until
        then), or None when the bureau repairs no such record."""
        from legalcredit.remedies.selectors import repairable_from

        return repairable_from(self.record)

    @property
    def repair_open(self) -> bool:
        return self.repair_from is not None and self.on is not None and self.on >= self.repair_from


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
    commitments: list = field(default_factory=list)


def public_records(subject_id: int, on: dt.date) -> list[PublicRecord]:
    from legalcredit.remedies.selectors import record_flags

    shown = [r for r in records.current_records(subject_id).select_related("subject")
             .order_by("-decision_date", "-id") if records.public_on(r, on)]
    flags = record_flags([r.key for r in shown]) if shown else {}
    return [PublicRecord(r, rules.kind_name(r.kind), public_fields(r), flags.get(r.key, []), on) for r in shown]


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
    out.commitments = with_fields(commitments().filter(subject_id=subject.pk))
    return out


@dataclass
class PublicCommitment:
    commitment: object
    fields: list[tuple[str, str]]


def commitments(*, commitment_type: str = "", fulfilment: str = "") -> QuerySet:
    """信用承诺公示: the commitments made to society, newest first, by type and fulfilment."""
    from legalcredit.remedies import selectors as remedies

    narrow = {"commitment_type": commitment_type, "fulfilment": fulfilment}
    return remedies.public_commitments().filter(**{k: v for k, v in narrow.items() if v})


def with_fields(rows) -> list[PublicCommitment]:
    """Each commitment in the national fields, as the public reads it."""
    from legalcredit.remedies import selectors as remedies

    return [PublicCommitment(c, remedies.public_commitment_fields(c)) for c in rows]



# The rule sets a reader is told are in force, by what they govern (refdata.rulesets.PARSERS).
RULE_SET_NAMES = {
    "record_kinds": "信用信息分类", "dual_publication": "双公示数据标准", "record_templates": "其他信用信息数据模板",
    "publication_policies": "信用信息公示期限", "penalty_catalogue": "行政处罚种类与幅度（法定依据）",
    "credit_lists": "信用名单与守信激励、失信惩戒措施", "remedies": "信用承诺、信用修复与异议处理",
    "query_purposes": "信用信息查询用途", "credit_reports": "信用报告", "inspections": "双随机、一公开抽查",
    "complaints": "投诉处理", "legal_aid_quality": "法律援助案件质量评查", "satisfaction": "满意度评价（好差评）",
    "discipline_referrals": "行政处罚与行业惩戒衔接",
    "access_review": "查询使用审查", "penalty_filings": "行政处罚报送",
}
SEVERITY_NAMES = {"minor": "轻微", "general": "一般", "serious": "严重"}


@dataclass
class Standards:
    """What the public is told of the rules in force (制度公开): how each kind of subject is graded,
    how long adverse information is published, the lists and the measures that follow from them,
    and the edition and source of every rule set."""
    schemes: list[dict]
    regime: publication.Regime
    regime_source: str
    periods: list[tuple[str, publication.Period]]
    deadline_working_days: int
    lists: list[dict]
    measures: list[dict]
    rule_sets: list[dict]


def _type_names() -> dict[str, str]:
    from legalcredit.refdata.models import SubjectType

    return dict(SubjectType.objects.values_list("code", "name"))


def _region_name(prefix: str) -> str:
    from legalcredit.refdata.models import Region

    if not prefix:
        return "不限"
    region = Region.objects.filter(code=prefix.ljust(6, "0")).first()
    return region.name if region else prefix


def _scheme_heading(row, s: scoring.Scheme, names: dict[str, str]) -> dict:
    return {"code": row.code, "name": row.name, "version": row.version, "published_at": row.published_at,
            "types": "、".join(names.get(t, t) for t in sorted(s.subject_types)), "region": _region_name(s.region)}


def standards() -> Standards:
    from legalcredit.lists.services import catalogue
    from legalcredit.refdata.models import RuleSet

    cat = catalogue()
    names = _type_names()
    regime = rules.policy().regime(None)
    return Standards(
        schemes=[_scheme_heading(row, s, names) for row, s in grades.published()],
        regime=regime,
        # The rule files tag each fact confirmed or not ([C], [U], [P]): the team's, not the reader's.
        regime_source=re.sub(r"\s*\[[CUP]\]", "", regime.source),
        # 轻微, 一般, 严重 in that order, whatever order the stored rule set gives its keys in.
        periods=[(name, regime.periods[k]) for k, name in SEVERITY_NAMES.items() if k in regime.periods],
        deadline_working_days=rules.schemas()["penalty"].deadline_working_days,
        lists=[{"type": lt, "removal": "；".join(lt.removal_names)} for lt in cat.lists.values()],
        measures=[{"measure": m,
                   "triggers": "、".join(cat.triggers(m, scoring.SUPERVISION_CLASSES)),
                   "matters": "、".join(cat.matter_types[c].name for c in sorted(m.matters) if c in cat.matter_types)}
                  for m in cat.measures],
        rule_sets=[{"name": RULE_SET_NAMES.get(r.code, r.code), "version": r.version,
                    "origin": "随软件发布" if r.origin == "package" else "本省发布", "loaded_at": r.loaded_at}
                   for r in RuleSet.objects.filter(active=True).order_by("code")])


def scheme_standard(code: str) -> dict | None:
    """A published evaluation scheme as the public reads it: every indicator with its points, cap,
    period and evidence, the vetoes, and each grade's score range and the supervision it brings."""
    found = next(((row, s) for row, s in grades.published() if row.code == code), None)
    if found is None:
        return None
    row, s = found
    return {**_scheme_heading(row, s, _type_names()), "scheme": s,
            "year": {0: "本年度", -1: "上一年度"}.get(s.year_offset, f"{s.year_offset}年度"),
            "categories": [{"category": c, "title": _category_title(c),
                            "indicators": [{"i": i, "window": i.window.describe()} for i in c.indicators]}
                           for c in s.categories],
            "vetoes": [{"veto": v, "window": v.window.describe(),
                        "consequence": f"直接评为{s.band(v.grade).name}" if v.grade == s.bands[-1].code
                        else f"信用等级不高于{s.band(v.grade).name}"} for v in s.vetoes],
            "bands": [{"band": b, "supervision": b.supervision.label if b.supervision else "",
                       "rate": percent(b.supervision.sampling_rate) if b.supervision else ""} for b in s.bands]}


def percent(rate) -> str:
    """0.05 → 5%, 0.125 → 12.5%."""
    return f"{(Decimal(str(rate)) * 100).normalize():f}%"


def _category_title(c: scoring.Category) -> str:
    way = "加分" if c.direction == "bonus" else "扣分"
    cap = f"合计不超过{c.cap.normalize():f}分" if c.cap else ""
    if c.name.endswith(f"（{way}）"):     # 基础指标（扣分） → 基础指标（扣分，合计不超过1000分）
        return c.name[:-1] + (f"，{cap}）" if cap else "）")
    return c.name + f"（{way}{'，' + cap if cap else ''}）"
