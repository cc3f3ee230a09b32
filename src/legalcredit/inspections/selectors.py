"""Reads for 双随机抽查: who may be drawn, what each candidate's grade makes its rate, the plans
and inspections within a scope, and the results as published."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db.models import Count, QuerySet

from legalcredit.accounts.policy import Scope, filter_regions, filter_subjects
from legalcredit.domain.draws import Candidate, InspectionRules
from legalcredit.evaluation import selectors as grades
from legalcredit.evaluation.models import Scheme, SubjectGrade
from legalcredit.refdata import rulesets
from legalcredit.registry.models import Subject

from .models import Conflict, Inspection, Inspector, Plan

UNGRADED = "未评价"


def rules() -> InspectionRules:
    return rulesets.current("inspections")


def population(plan: Plan, r: InspectionRules) -> QuerySet[Subject]:
    """检查对象名录库 for the plan: subjects of the item's types in the plan's region, in practice."""
    return Subject.objects.filter(region__code__startswith=plan.region.jurisdiction_prefix,
                                  subject_type_id__in=r.items[plan.item].subject_types, status__may_practise=True)


def candidates(plan: Plan, r: InspectionRules) -> list[Candidate]:
    """Each subject with the rate and yearly cap its grade band gives (ungraded: the rule set's),
    and how often it was already inspected in the plan's year. The population is joined as a
    subquery, never sent as a list of ids (a province's lawyers would pass SQLite's limit)."""
    subjects = population(plan, r)
    ids = list(subjects.order_by("pk").values_list("pk", flat=True))
    bands: dict[tuple[int, str], tuple[str, Decimal, int]] = {}
    schemes: dict[int, Scheme] = {}
    graded = {}
    rows = (SubjectGrade.objects.filter(subject__in=subjects.values("pk")).exclude(grade="")
            .exclude(scheme__isnull=True).values_list("subject_id", "scheme_id", "grade"))
    for sid, scheme_id, grade in rows.iterator(chunk_size=5000):
        key = (scheme_id, grade)
        if key not in bands:
            scheme = schemes.setdefault(scheme_id, Scheme.objects.get(pk=scheme_id))
            try:
                sup = grades.parsed(scheme).band(grade).supervision
            except StopIteration:   # a grade its scheme's edition no longer has: drawn as ungraded
                bands[key] = (UNGRADED, r.ungraded_rate, r.ungraded_cap)
            else:
                name = f"{scheme.name}（{scheme.version}）·{grades.grade_name(scheme, grade)}"
                bands[key] = ((name, sup.sampling_rate, sup.yearly_cap) if sup
                              else (name, r.ungraded_rate, r.ungraded_cap))
        graded[sid] = bands[key]
    done = Counter(dict(Inspection.objects.filter(subject__in=subjects.values("pk"), plan__year=plan.year,
                                                  plan__state=Plan.State.DRAWN)
                        .values_list("subject_id").annotate(n=Count("id")).values_list("subject_id", "n")))
    return [Candidate(sid, *graded.get(sid, (UNGRADED, r.ungraded_rate, r.ungraded_cap)), done[sid]) for sid in ids]


def inspector_pool(plan: Plan) -> QuerySet[Inspector]:
    """执法检查人员名录库 for the plan: active inspectors of the plan's region and below."""
    return Inspector.objects.filter(active=True, region__code__startswith=plan.region.jurisdiction_prefix)


def inspector_load(plan: Plan) -> dict[int, int]:
    """Inspector id → inspections drawn for them in the plan's year, before this plan."""
    return dict(Inspection.inspectors.through.objects.filter(
        inspector__in=inspector_pool(plan).values("pk"), inspection__plan__year=plan.year,
        inspection__plan__state=Plan.State.DRAWN).values_list("inspector_id").annotate(n=Count("id"))
        .values_list("inspector_id", "n"))


def conflicts(plan: Plan, r: InspectionRules) -> dict[int, set[int]]:
    """Subject id → the inspectors who must recuse for it, over the plan's population."""
    out: dict[int, set[int]] = {}
    rows = Conflict.objects.filter(subject__in=population(plan, r).values("pk")).values_list("subject_id",
                                                                                          "inspector_id")
    for sid, iid in rows:
        out.setdefault(sid, set()).add(iid)
    return out


def visible_plans(scope: Scope) -> QuerySet[Plan]:
    return filter_regions(Plan.objects.all(), scope)


def visible_inspections(scope: Scope) -> QuerySet[Inspection]:
    return filter_subjects(Inspection.objects.select_related("plan", "subject"), scope, "subject")


def published_results(plan: Plan | None = None) -> QuerySet[Inspection]:
    """一公开: results whose credit record a checker approved (published), newest first."""
    qs = Inspection.objects.filter(published_on__isnull=False).select_related("plan", "subject__subject_type")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return qs.order_by("-published_on", "-pk")


def drawn_plans(limit: int = 50) -> list[Plan]:
    """The latest plans drawn, each with its item and the number drawn, for publication."""
    r = rules()
    plans = list(Plan.objects.filter(state=Plan.State.DRAWN).select_related("region")
                 .annotate(drawn=Count("inspections")).order_by("-drawn_at")[:limit])
    for p in plans:
        item = r.items.get(p.item)
        p.item_name, p.legal_basis = (item.name, item.legal_basis) if item else (p.item, "")
    return plans
