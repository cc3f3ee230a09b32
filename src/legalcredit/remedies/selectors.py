"""Reads of the remedies: which items are under objection or repair (shown wherever they appear),
a subject's cases, and the queues of the back office."""
from __future__ import annotations

import uuid
from collections import defaultdict

from django.db.models import QuerySet

from legalcredit.accounts.policy import Scope, filter_subjects
from legalcredit.core import sql
from legalcredit.domain.remedies import MATTER_CONSEQUENCES
from legalcredit.refdata.rulesets import current

from .models import OPEN_OBJECTION, OPEN_REPAIR, CaseStep, Commitment, Material, Objection, RepairApplication

UNDER_OBJECTION = "异议处理中"
UNDER_REPAIR = "信用修复申请办理中"
MATTER_FLAGGED = "违反信用承诺，拟撤销"
BREACHED = ("partial", "none")


def _flagged_kinds() -> list[str]:
    """Commitment types whose breach puts the matter they were given for at risk."""
    return [t for t, ct in current("remedies").commitment_types.items()
            if ct.breach_consequence in MATTER_CONSEQUENCES]


def _flagged_matters(**filters):
    return Commitment.objects.filter(fulfilment__in=BREACHED, commitment_type__in=_flagged_kinds(),
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


def _part(model, rank: int, columns: tuple[str, ...], filters: dict[str, list], subject: str | None) -> tuple[str, list]:
    """One SELECT of the flags UNION: ``columns`` are field names (None for a NULL column),
    ``filters`` field name -> allowed values, each list non-empty (``IN ()`` is not SQL);
    ``subject``, if given, an SQL expression the subject column must equal."""
    meta = model._meta
    col = {f.name: f.column for f in meta.concrete_fields}
    select = ", ".join("NULL" if c is None else col[c] for c in columns)
    where, params = [], []
    for name, values in filters.items():
        condition, values = sql.member_of(col[name], values)
        where.append(condition)
        params.extend(values)
    if subject is not None:
        where.append(f"{col['subject']} = {subject}")
    return f"SELECT {rank}, {select} FROM {meta.db_table} WHERE {' AND '.join(where)}", params


def _flag_parts(subject_ids: list[int] | None, subject: str | None = None) -> list[tuple[str, list]]:
    """The SELECTs of the flags UNION, for ``subject_ids`` or for the subject ``subject`` (an SQL
    expression) names."""
    ids = {"subject": subject_ids} if subject_ids is not None else {}
    kinds = _flagged_kinds()
    parts = [
        _part(Objection, 0, ("subject", "number", "filed_on", "item", "record_key", "list_entry"),
              {"stage": [str(s) for s in OPEN_OBJECTION], **ids}, subject),
        _part(RepairApplication, 1, ("subject", "number", "applied_on", "item", "record_key", "list_entry"),
              {"stage": [str(s) for s in OPEN_REPAIR], **ids}, subject)]
    if kinds:   # the same commitments as _flagged_matters
        part, params = _part(Commitment, 2, ("subject", "code", "fulfilment_decided_on", "matter",
                                             "matter_record_key", None),
                             {"fulfilment": list(BREACHED), "commitment_type": kinds, **ids}, subject)
        parts.append((part + f" AND {Commitment._meta.get_field('matter_record_key').column} IS NOT NULL", params))
    return parts


def flagged_condition(subject: str) -> tuple[str, list]:
    """An SQL condition, with its parameters, true exactly when ``flags`` would give the subject
    ``subject`` (an SQL expression, such as an outer query's column) anything: a credit check
    asks it with the subject's row and reads the flags only when there are some."""
    parts = _flag_parts(None, subject)
    return (" OR ".join(f"EXISTS ({part})" for part, _ in parts), [v for _, params in parts for v in params])


def flags(subject_ids) -> dict[int, list[dict]]:
    """subject id → every open objection and repair application about its records, list entries or
    grade, and every breached commitment whose matter is flagged.

    One hand-written UNION ALL: a credit check asks this for each subject it answers about, and the
    ORM took 6 ms to build the same statement that the database answers in under 1 ms."""
    subject_ids = list(subject_ids)
    if not subject_ids:
        return {}
    parts = _flag_parts(subject_ids)
    statement = " UNION ALL ".join(p for p, _ in parts) + " ORDER BY 1, 4, 3"
    rows = sql.rows(statement, [v for _, params in parts for v in params])
    out: dict[int, list[dict]] = defaultdict(list)
    for rank, subject_id, case, since, item, record_key, list_entry_id in rows:
        since = since if isinstance(since, str) else since.isoformat()   # SQLite returns the text
        if rank == 2:
            out[subject_id].append({"flag": "commitment_breached", "label": MATTER_FLAGGED, "case": case,
                                    "since": since, "item": item, "record": _key(record_key).hex[:12].upper()})
            continue
        flag, label = ("under_objection", UNDER_OBJECTION) if rank == 0 else ("under_repair", UNDER_REPAIR)
        out[subject_id].append({"flag": flag, "label": label, "case": case, "since": since,
                                "item": item, **_target_of(record_key, list_entry_id)})
    return out


def _key(value) -> uuid.UUID:
    # A raw column comes back as the database holds it (32 hex digits on SQLite).
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


def public_commitments() -> QuerySet[Commitment]:
    """Commitments their makers chose to make to society (公开类型 可向社会公开), newest first."""
    return (Commitment.objects.filter(disclosure="public").select_related("subject")
            .order_by("-made_on", "-id"))


def public_commitment_fields(c: Commitment) -> list[tuple[str, str]]:
    """A public commitment in the national 信用承诺 fields (rules.md §10), as anyone may read it: the
    committer's ID number masked, the fulfilment with what was not kept once it is decided."""
    from legalcredit.domain.identifiers import id_number

    s = c.subject
    code = s.uscc or (id_number.mask(s.id_number) if s.id_number else "")
    rows = [("承诺编码", c.code), ("承诺人名称", s.name), ("承诺人类别", c.get_committer_category_display()),
            ("承诺人代码", code), ("承诺类型", c.get_commitment_type_display()), ("承诺事由", c.cause),
            ("承诺内容", c.content), ("违诺责任", c.liability), ("承诺作出日期", c.made_on.isoformat()),
            ("承诺有效期至", c.valid_until.isoformat() if c.valid_until else ""),
            ("承诺受理单位", c.accepting_unit), ("承诺履行状态", c.get_fulfilment_display())]
    if c.fulfilment != "pending":
        rows += [("履行状态认定日期", c.fulfilment_decided_on.isoformat() if c.fulfilment_decided_on else ""),
                 ("履行状态认定单位", c.fulfilment_unit)]
    if c.fulfilment in ("partial", "none"):
        rows += [("未履行的承诺内容", c.unfulfilled), ("违诺责任追究内容", c.liability_pursued)]
    return [(label, value) for label, value in rows if value]


def serves_repair_notice(rec) -> bool:
    """Whether the bureau serves a 信用修复告知书 with this record's decision: an adverse record of a
    kind it repairs (not a court's judgment it only receives)."""
    return bool(rec.severity) and rec.kind not in current("remedies").unrepairable_kinds


def repairable_from(rec):
    """The first day the subject may apply to repair an adverse record through the bureau, or None
    (nothing to repair, already repaired, or a kind or penalty type the rules make unrepairable)."""
    policy = current("remedies")
    if (not serves_repair_notice(rec) or rec.repaired_on
            or set(rec.penalty_types or []) & policy.unrepairable_penalty_types):
        return None
    return rec.repair_from or rec.decision_date


def repair_notice(rec) -> str:
    """The 信用修复告知书 for an adverse record, served with its decision (「两书同达」): its own
    publication dates and earliest repair date, the rule set's time limits."""
    from legalcredit.domain import remedies as rules
    from legalcredit.records import rules as record_rules

    policy = current("remedies")
    unrepairable = ("属于法律法规规定不可修复的情形"
                    if set(rec.penalty_types or []) & policy.unrepairable_penalty_types else "")
    facts = rules.NoticeFacts(
        subject=rec.subject.name, record=f"{record_rules.kind_name(rec.kind)} {rec.decision_no or rec.number}",
        decided=rec.decision_date, severity=rec.get_severity_display() if rec.severity else "",
        published_from=rec.published_from if rec.public else None, publication_end=rec.publication_end,
        repair_from=rec.repair_from, unrepairable=unrepairable)
    return rules.repair_notice(facts, policy)
