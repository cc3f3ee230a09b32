"""Reads of the remedies: which items are under objection or repair (shown wherever they appear),
a subject's cases, and the queues of the back office."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.domain.remedies import MATTER_CONSEQUENCES
from legalcredit.refdata.rulesets import current

from .models import OPEN_OBJECTION, OPEN_REPAIR, CaseStep, Commitment, Material, Objection, RepairApplication

UNDER_OBJECTION = "异议处理中"
UNDER_REPAIR = "信用修复申请办理中"
MATTER_FLAGGED = "违反信用承诺，拟撤销"
BREACHED = ("partial", "none")


def _flagged_matters(**filters):
    kinds = [t for t, ct in current("remedies").commitment_types.items()
             if ct.breach_consequence in MATTER_CONSEQUENCES]
    return Commitment.objects.filter(fulfilment__in=BREACHED, commitment_type__in=kinds,
                                     matter_record_key__isnull=False, **filters)


def record_flags(keys) -> dict:
    """record key → the flags it carries now (``keys``: a list or a ``values("key")`` subquery)."""
    out: dict = defaultdict(list)
    for key, no in Objection.objects.filter(stage__in=OPEN_OBJECTION, record_key__in=keys).values_list(
            "record_key", "number"):
        out[key].append(f"{UNDER_OBJECTION}（{no}）")
    for key, no in RepairApplication.objects.filter(stage__in=OPEN_REPAIR, record_key__in=keys).values_list(
            "record_key", "number"):
        out[key].append(f"{UNDER_REPAIR}（{no}）")
    for key, code in _flagged_matters(matter_record_key__in=keys).values_list("matter_record_key", "code"):
        out[key].append(f"{MATTER_FLAGGED}（承诺编码 {code}）")
    return out


def flags(subject_ids) -> dict[int, list[dict]]:
    """subject id → every open objection and repair application about its records, list entries or grade."""
    out: dict[int, list[dict]] = defaultdict(list)
    for o in Objection.objects.filter(stage__in=OPEN_OBJECTION, subject_id__in=subject_ids).order_by("filed_on"):
        out[o.subject_id].append({"flag": "under_objection", "label": UNDER_OBJECTION, "case": o.number,
                                  "since": o.filed_on.isoformat(), "item": o.item, **_target(o)})
    for a in RepairApplication.objects.filter(stage__in=OPEN_REPAIR, subject_id__in=subject_ids).order_by("applied_on"):
        out[a.subject_id].append({"flag": "under_repair", "label": UNDER_REPAIR, "case": a.number,
                                  "since": a.applied_on.isoformat(), "item": a.item, **_target(a)})
    for c in _flagged_matters(subject_id__in=subject_ids).order_by("fulfilment_decided_on"):
        out[c.subject_id].append({"flag": "commitment_breached", "label": MATTER_FLAGGED, "case": c.code,
                                  "since": c.fulfilment_decided_on.isoformat(), "item": c.matter,
                                  "record": c.matter_record_key.hex[:12].upper()})
    return out


def _target(case) -> dict:
    if case.record_key:
        return {"record": case.record_key.hex[:12].upper()}
    if case.list_entry_id:
        return {"list_entry": case.list_entry_id}
    return {"grade": True}


def visible_repairs(scope: Scope) -> QuerySet[RepairApplication]:
    return filter_subjects(RepairApplication.objects.all(), scope, "subject")


def visible_objections(scope: Scope) -> QuerySet[Objection]:
    return filter_subjects(Objection.objects.all(), scope, "subject")


def visible_commitments(scope: Scope) -> QuerySet[Commitment]:
    return filter_subjects(Commitment.objects.all(), scope, "subject")


def steps(case_type: str, case_id: int) -> QuerySet[CaseStep]:
    return CaseStep.objects.filter(case_type=case_type, case_id=case_id).select_related("officer")


def materials(case_type: str, case_id: int) -> QuerySet[Material]:
    return Material.objects.filter(case_type=case_type, case_id=case_id)
