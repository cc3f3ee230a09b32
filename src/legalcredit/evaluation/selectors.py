"""Reads for evaluation: parsed schemes, the evidence the engine counts, grades and their distribution."""
from __future__ import annotations

import datetime as dt
import json
import threading
from collections import defaultdict
from typing import Iterable

from django.db import connection
from django.db.models import Count, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.domain import scoring, yamlpos
from legalcredit.records.models import CreditRecord, Status
from legalcredit.refdata import rulesets
from legalcredit.refdata.models import SubjectType

from .models import Evaluation, ForensicGrading, Scheme, SubjectGrade

_lock = threading.Lock()
_parsed: dict[tuple, scoring.Scheme] = {}


def parse(text: str) -> scoring.Scheme:
    """Check a scheme document against the record kinds and subject types in force."""
    doc, lines = yamlpos.load(text)
    return scoring.parse_scheme(doc, lines, rulesets.current("record_kinds"),
                                SubjectType.objects.values_list("code", flat=True))


def parsed(row: Scheme) -> scoring.Scheme:
    key = (row.pk, row.code, row.version, hash(row.document))
    with _lock:
        hit = _parsed.get(key)
    if hit is None:
        hit = parse(row.document)
        with _lock:
            _parsed[key] = hit
    return hit


def published() -> list[tuple[Scheme, scoring.Scheme]]:
    return [(row, parsed(row)) for row in Scheme.objects.filter(state=Scheme.State.PUBLISHED).order_by("code")]


class Chooser:
    """The published scheme for each (subject type, region), looked up once per pair."""

    def __init__(self, schemes: list[tuple[Scheme, scoring.Scheme]]):
        self.schemes = schemes
        self._by_code = {s.code: (row, s) for row, s in schemes}
        self._cache: dict[tuple[str, str], tuple[Scheme, scoring.Scheme] | None] = {}
        self.penalty_types = frozenset(t for _, s in schemes for t in s.penalty_types_used)

    def __call__(self, subject_type: str, region: str) -> tuple[Scheme, scoring.Scheme] | None:
        key = (subject_type, region)
        if key not in self._cache:
            s = scoring.choose((s for _, s in self.schemes), subject_type, region)
            self._cache[key] = self._by_code[s.code] if s else None
        return self._cache[key]


def scheme_for(subject) -> tuple[Scheme, scoring.Scheme] | None:
    """The published scheme that grades ``subject``, or None (not evaluated)."""
    return Chooser(published())(subject.subject_type_id, subject.region_id)


EVIDENCE_FIELDS = ("subject_id", "id", "decision_no", "kind", "subtype", "severity", "types_text",
                   "decision_date", "effective_until", "repaired_on")
NO_TYPES = ("", "[]", None)


def _with_types(qs):
    # The JSON list as text: decoded only for the rows that have one (most records have none).
    return qs.annotate(types_text=Cast("penalty_types", TextField())).order_by().values_list(*EVIDENCE_FIELDS)


def _raw(qs, chunked: bool = False):
    """Rows as the driver returns them. At millions of rows Django's per-value converters cost more
    than the query; dates come back as ISO strings from SQLite and are parsed here instead."""
    sql, params = qs.query.sql_with_params()
    with (connection.chunked_cursor() if chunked else connection.cursor()) as cur:
        cur.execute(sql, params)
        while rows := cur.fetchmany(10_000):
            yield from rows


def _evidence(rows: Iterable[tuple], wanted: frozenset[str] | None = None) -> dict[int, list[scoring.Evidence]]:
    """``wanted``: the penalty types any rule matches on; other rows' type lists are not decoded.
    (Text saved through the ORM is ASCII-escaped JSON, so escaped text is always decoded.)"""
    out: dict[int, list[scoring.Evidence]] = defaultdict(list)
    loads, iso = json.loads, dt.date.fromisoformat
    for sid, rid, no, kind, sub, sev, types, decided, until, repaired in rows:
        if types in NO_TYPES or (wanted is not None and "\\u" not in types
                                 and not any(w in types for w in wanted)):
            types = ()
        else:
            types = tuple(loads(types))
        if isinstance(decided, str):
            decided = iso(decided)
            until = iso(until) if until else None
            repaired = iso(repaired) if repaired else None
        out[sid].append(scoring.Evidence(rid, no or f"#{rid}", kind, sub, sev or "", types, decided, until, repaired))
    return out


def _current():
    return CreditRecord.objects.filter(is_current=True, status=Status.IN_EFFECT)


def stream_current():
    """Every record the engine reads, in subject order, as raw rows: the benchmark's baseline."""
    return _raw(_with_types(_current()).order_by("subject_id"), chunked=True)


def evidence_current(lo: int, hi: int, wanted: frozenset[str] | None = None) -> dict[int, list[scoring.Evidence]]:
    """Evidence for subjects with ids in [lo, hi]: the approved current versions still in effect."""
    return _evidence(_raw(_with_types(_current().filter(subject_id__gte=lo, subject_id__lte=hi))), wanted)


def evidence(lo: int, hi: int, wanted: frozenset[str] | None = None) -> dict[int, list[scoring.Evidence]]:
    """Everything the engine counts for subjects with ids in [lo, hi]: records and list entries."""
    from legalcredit.lists.selectors import evidence as list_evidence

    out = evidence_current(lo, hi, wanted)
    for sid, items in list_evidence(lo, hi).items():
        out[sid].extend(items)
    return out


def evidence_known_on(subject_id: int, day: dt.date) -> list[scoring.Evidence]:
    """Evidence as the platform held it at the end of ``day`` (to reproduce a past grade)."""
    from legalcredit.lists.selectors import evidence as list_evidence
    from legalcredit.records.selectors import end_of, held_at

    rows = _with_types(held_at(subject_id, end_of(day)).filter(status=Status.IN_EFFECT))

    return _evidence(_raw(rows)).get(subject_id, []) + list_evidence(subject_id, subject_id, known_on=day).get(
        subject_id, [])


def grade_of(subject_id: int, *, with_evaluation: bool = True) -> SubjectGrade | None:
    """``with_evaluation=False`` leaves the evaluation (and its explanation) unread, for callers
    that need only its id, such as the credit check."""
    related = ("scheme", "evaluation") if with_evaluation else ("scheme",)
    return SubjectGrade.objects.select_related(*related).filter(subject_id=subject_id).first()


def published_grade(subject_id: int) -> dict | None:
    """The current grade as the public portal and the credit report show it (the scheme, the
    grade by its name, the score and since when), or None for a subject not evaluated."""
    g = grade_of(subject_id, with_evaluation=False)
    if g is None or not g.grade or g.scheme is None:
        return None
    return {"scheme": g.scheme.name, "grade": grade_name(g.scheme, g.grade),
            "score": str(g.score) if g.score is not None else "",
            "since": str(timezone.localtime(g.since).date()) if g.since else ""}


def history(subject_id: int) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(subject_id=subject_id).select_related("scheme")


def grade_name(scheme: Scheme | None, code: str) -> str:
    """A grade as its scheme names it (差, A级（诚信）), for people; the code where it has none."""
    if scheme is None or not code:
        return code or ""
    try:
        return parsed(scheme).band(code).name or code
    except StopIteration:
        return code     # a grade from a scheme edition that no longer has that band


def grade_name_in(scheme_code: str, version: str, code: str) -> str:
    """The same, for a grade stored with its scheme's code and version (a check's answer)."""
    return grade_name(Scheme.objects.filter(code=scheme_code, version=version).first(), code)


def supervision(grade: SubjectGrade | None) -> scoring.Supervision | None:
    """What supervision follows from a grade (the inspection and list capabilities read this)."""
    if grade is None or grade.scheme is None or not grade.grade:
        return None
    return parsed(grade.scheme).band(grade.grade).supervision


def distribution(scope: Scope, *, by_region_level: int = 4) -> list[dict]:
    """Counts per scheme, grade, subject type and region (cut to city or county by code length)."""
    qs = filter_subjects(SubjectGrade.objects.all(), scope, "subject")
    rows = (qs.values("state", "scheme__code", "grade", "subject__subject_type_id", "subject__region_id")
            .annotate(n=Count("pk")).order_by())
    totals: dict[tuple, int] = defaultdict(int)
    for r in rows:
        key = (r["subject__subject_type_id"], (r["subject__region_id"] or "")[:by_region_level],
               r["scheme__code"] or "", r["grade"] or r["state"])
        totals[key] += r["n"]
    return [{"subject_type": t, "region": reg, "scheme": s, "grade": g, "count": n}
            for (t, reg, s, g), n in sorted(totals.items())]


def explain(evaluation: Evaluation) -> list[dict]:
    """The stored explanation with the indicator and category names a reader needs filled in."""
    scheme = parsed(evaluation.scheme)
    names = {i.code: i.name for i in scheme.indicators}
    cats = {c.code: c.name for c in scheme.categories}
    return [{"indicator": ind, "indicator_name": names.get(ind, ind), "category": cats.get(cat, cat),
             "record_id": rid, "ref": ref, "points": pts, "note": note}
            for ind, cat, rid, ref, pts, note in evaluation.explanation["lines"]]


PUBLIC_STAGES = (ForensicGrading.Stage.PUBLICITY, ForensicGrading.Stage.PUBLISHED)


def public_forensic_grades(*, year: int | None = None, stage: str = "", region: str = "",
                           name: str = "") -> list[dict]:
    """The forensic integrity grades in publicity or published, as the public sees them: the
    institution, the year, the decided grade and the publicity period. Nothing from the steps
    (scores, opinions, on-site notes) is public; the institution's own identifiers are."""
    qs = (ForensicGrading.objects.filter(stage__in=[stage] if stage in PUBLIC_STAGES else PUBLIC_STAGES)
          .select_related("institution__region", "scheme").order_by("-year", "institution__region_id",
                                                                    "institution__name", "-opened_at"))
    if year:
        qs = qs.filter(year=year)
    if region:
        qs = qs.filter(institution__region__code__startswith=region)
    if name:
        qs = qs.filter(institution__name__contains=name)
    out = []
    for g in qs:
        band = next((b for b in parsed(g.scheme).bands if b.code == g.final_grade), None)
        out.append({"institution": g.institution.name, "uscc": g.institution.uscc or "",
                    "region": g.institution.region.name, "region_code": g.institution.region_id,
                    "year": g.year, "round": g.get_round_display(), "grade": g.final_grade,
                    "grade_name": band.name if band else g.final_grade, "stage": g.stage,
                    "stage_name": g.get_stage_display(), "publicity_from": g.publicity_from,
                    "publicity_until": g.publicity_until, "published_on": g.published_on})
    return out
