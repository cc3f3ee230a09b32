"""Reads of the remedies: which items are under objection or repair (shown wherever they appear),
a subject's cases, and the queues of the back office."""
from __future__ import annotations

import uuid
from collections import defaultdict

from django.db.models import F, IntegerField, QuerySet, Value

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
    """subject id → every open objection and repair application about its records, list entries or
    grade, and every breached commitment whose matter is flagged. One query (a UNION of the three
    tables): a credit check asks this for each subject it answers about."""
    cols = ("subject_id", "case", "since", "item", "record_key", "list_entry_id")
    none_int = Value(None, output_field=IntegerField())
    objections = (Objection.objects.filter(stage__in=OPEN_OBJECTION, subject_id__in=subject_ids)
                  .annotate(rank=Value(0), case=F("number"), since=F("filed_on")).order_by())
    repairs = (RepairApplication.objects.filter(stage__in=OPEN_REPAIR, subject_id__in=subject_ids)
               .annotate(rank=Value(1), case=F("number"), since=F("applied_on")).order_by())
    matters = (_flagged_matters(subject_id__in=subject_ids)
               .annotate(rank=Value(2), case=F("code"), since=F("fulfilment_decided_on"), item_=F("matter"),
                         record_key_=F("matter_record_key"), list_entry_id_=none_int).order_by())
    rows = (objections.values_list("rank", *cols)
            .union(repairs.values_list("rank", *cols), all=True)
            .union(matters.values_list("rank", "subject_id", "case", "since", "item_", "record_key_",
                                       "list_entry_id_"), all=True)
            .order_by("rank", "since", "case"))
    out: dict[int, list[dict]] = defaultdict(list)
    for rank, subject_id, case, since, item, record_key, list_entry_id in rows:
        if rank == 2:
            out[subject_id].append({"flag": "commitment_breached", "label": MATTER_FLAGGED, "case": case,
                                    "since": since.isoformat(), "item": item,
                                    "record": _key(record_key).hex[:12].upper()})
            continue
        flag, label = ("under_objection", UNDER_OBJECTION) if rank == 0 else ("under_repair", UNDER_REPAIR)
        out[subject_id].append({"flag": flag, "label": label, "case": case, "since": since.isoformat(),
                                "item": item, **_target_of(record_key, list_entry_id)})
    return out


def _key(value) -> uuid.UUID:
    # A UNION's column comes back as the database holds it (a string on SQLite).
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _target_of(record_key, list_entry_id) -> dict:
    if record_key:
        return {"record": _key(record_key).hex[:12].upper()}
    if list_entry_id:
        return {"list_entry": list_entry_id}
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
