"""Objections (异议): the subject, or anyone with an interest, disputes a record, a list entry or a grade.

From filing until the decision the item is flagged 异议处理中 wherever it appears (selectors.flags).
The time limits are the province's (remedies.yaml: 3 working days, 7 when another unit must verify,
3 for that unit's reply), counted from filing and paused while 补正 is awaited. Outcomes: 维持;
更正 (a new version of the record); 撤销 (the record's publication ends, or the list entry is
removed). The applicant is told the outcome and the reason.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.lists import services as lists
from legalcredit.records import rules as record_rules
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft

from ..models import OPEN_OBJECTION, Objection, ObjectionStage, Outcome
from . import materials
from .common import (current_record, different_officer, may, notify, number, pause_for_supplement, policy,
                     resume_after_supplement, step, subject_entry, text, today)

CASE = "objection"
FILE, HANDLE, DECIDE = "remedies.add_objection", "remedies.handle_objection", "remedies.decide_objection"


def _item(subject, record_number: str, list_entry_id: int | None, grade: bool):
    if sum((bool(record_number), bool(list_entry_id), bool(grade))) != 1:
        raise field_error("item", "异议对象", "须且只须指定一条信用记录、一条名单记录或信用等级")
    if record_number:
        rec = current_record(subject, record_number)
        return {"record_key": rec.key}, f"{record_rules.kinds()[rec.kind].name} {rec.decision_no or rec.number}"
    if list_entry_id:
        entry = subject_entry(subject, list_entry_id)
        return {"list_entry": entry}, f"{lists.catalogue().lists[entry.list_code].name} {entry.decision_no or entry.pk}"
    return {"grade": True}, "信用等级"


@transaction.atomic
def file(subject, *, by, grounds: str, applicant_name: str, interest: str, contact: str = "",
         record_number: str = "", list_entry_id: int | None = None, grade: bool = False,
         on: dt.date | None = None) -> Objection:
    may(by, subject, FILE, "提出异议")
    on = today(on)
    target, item = _item(subject, record_number, list_entry_id, grade)
    if Objection.objects.filter(stage__in=OPEN_OBJECTION, subject=subject, **target).exists():
        raise field_error("item", "异议对象", f"对“{item}”的异议正在处理中，请勿重复提出")
    obj = Objection(subject=subject, item=item, applicant=by, filed_on=on,
                    applicant_name=text(applicant_name, "applicant_name", "异议人"),
                    interest=text(interest, "interest", "利害关系", "须说明与该信息的利害关系（本人或利害关系人）"),
                    contact=contact, grounds=text(grounds, "grounds", "异议事实和理由"), **target)
    obj.save(force_insert=True)
    obj.number = number("YY", on, obj.pk)
    obj.save(update_fields=["number"])
    step(CASE, obj, "提出异议（标注异议处理中）", by, on, obj.grounds)
    clocks.start(CASE, obj.pk, policy().limit("objection_decide"), subject=subject, on=on)
    return obj


def _locked(obj_id: int, *stages) -> Objection:
    obj = Objection.objects.select_for_update(of=("self",)).select_related("subject").get(pk=obj_id)
    if obj.stage not in stages:
        raise ValidationError(f"异议 {obj.number} 当前为“{obj.get_stage_display()}”，不能办理此事项")
    return obj


@transaction.atomic
def attach(obj_id: int, *, by, kind: str, name: str, content: bytes):
    obj = _locked(obj_id, *OPEN_OBJECTION)
    may(by, obj.subject, FILE, "提交异议材料")
    return materials.attach(CASE, obj, by=by, kind=kind, name=name, content=content, on=today())


@transaction.atomic
def accept(obj_id: int, *, by, on: dt.date | None = None) -> Objection:
    obj = _locked(obj_id, ObjectionStage.FILED)
    may(by, obj.subject, HANDLE, "受理异议")
    obj.stage, obj.accepted_on = ObjectionStage.VERIFYING, today(on)
    obj.save(update_fields=["stage", "accepted_on"])
    for c in clocks.running(CASE, obj.pk):
        c.assignee = by
        c.save(update_fields=["assignee"])
    step(CASE, obj, "受理并核实", by, obj.accepted_on)
    return obj


@transaction.atomic
def reject(obj_id: int, *, by, reason: str, on: dt.date | None = None) -> Objection:
    obj = _locked(obj_id, ObjectionStage.FILED, ObjectionStage.SUPPLEMENT)
    may(by, obj.subject, HANDLE, "办理异议")
    on = today(on)
    obj.reason = text(reason, "reason", "不予受理理由")
    obj.stage, obj.decided_on, obj.decided_by = ObjectionStage.REJECTED, on, by
    obj.notice = f"您于{obj.filed_on}对“{obj.item}”提出的异议不予受理。理由：{obj.reason}"
    obj.save(update_fields=["stage", "reason", "decided_on", "decided_by", "notice"])
    clocks.stop(CASE, obj.pk, on)
    step(CASE, obj, "不予受理（告知申请人）", by, on, obj.notice)
    notify(obj.applicant, f"异议不予受理（{obj.number}）", obj.notice)
    return obj


@transaction.atomic
def ask_supplement(obj_id: int, *, by, what: str, on: dt.date | None = None) -> Objection:
    obj = _locked(obj_id, ObjectionStage.FILED, ObjectionStage.VERIFYING)
    may(by, obj.subject, HANDLE, "办理异议")
    pause_for_supplement(CASE, obj, by=by, what=what, on=today(on))
    return obj


@transaction.atomic
def supplement_received(obj_id: int, *, by, on: dt.date | None = None) -> Objection:
    obj = _locked(obj_id, ObjectionStage.SUPPLEMENT)
    may(by, obj.subject, HANDLE, "办理异议")
    resume_after_supplement(CASE, obj, by=by, on=today(on),
                            back_to=ObjectionStage.VERIFYING if obj.accepted_on else ObjectionStage.FILED)
    return obj


@transaction.atomic
def request_verification(obj_id: int, *, by, unit: str, on: dt.date | None = None) -> Objection:
    """Another unit (the source unit) must verify: the longer limit applies from filing, and the
    unit has its own limit from the request."""
    obj = _locked(obj_id, ObjectionStage.VERIFYING)
    may(by, obj.subject, HANDLE, "办理异议")
    on = today(on)
    obj.verifying_unit = text(unit, "unit", "核实单位")
    obj.save(update_fields=["verifying_unit"])
    # Counted from filing like the 3-day limit it replaces; pauses already taken carry over.
    clocks.extend(CASE, obj.pk, "objection_decide", policy().limit("objection_decide_verified"), on=on, assignee=by)
    clocks.start(CASE, obj.pk, policy().limit("objection_verify"), subject=obj.subject, on=on, assignee=by)
    step(CASE, obj, f"函请{obj.verifying_unit}核实", by, on)
    return obj


@transaction.atomic
def record_verification(obj_id: int, *, by, reply: str, on: dt.date | None = None) -> Objection:
    obj = _locked(obj_id, ObjectionStage.VERIFYING)
    may(by, obj.subject, HANDLE, "办理异议")
    on = today(on)
    obj.verification_reply = text(reply, "reply", "核实意见")
    obj.save(update_fields=["verification_reply"])
    clocks.stop(CASE, obj.pk, on, "objection_verify")
    step(CASE, obj, f"收到{obj.verifying_unit or '核实单位'}核实意见", by, on, obj.verification_reply)
    return obj


@transaction.atomic
def review(obj_id: int, *, by, outcome: str, opinion: str, corrections: dict | None = None,
           on: dt.date | None = None) -> Objection:
    obj = _locked(obj_id, ObjectionStage.VERIFYING)
    may(by, obj.subject, HANDLE, "审核异议")
    on = today(on)
    if outcome not in Outcome.values:
        raise field_error("outcome", "处理结果", "须为维持、更正或撤销")
    corrections = dict(corrections or {})
    if outcome == Outcome.CORRECTED:
        if not obj.record_key and not obj.grade:
            raise field_error("outcome", "处理结果", "名单记录不能更正：认定有误的应撤销")
        if obj.record_key and not corrections:
            raise field_error("corrections", "拟更正内容", "更正信用记录须列明更正的字段和内容")
    obj.review_opinion = text(opinion, "opinion", "审核意见")
    obj.stage, obj.proposed_outcome, obj.reviewed_by = ObjectionStage.REVIEWED, outcome, by
    obj.corrections = _stored(corrections)
    obj.save(update_fields=["stage", "review_opinion", "proposed_outcome", "corrections", "reviewed_by"])
    step(CASE, obj, f"审核（拟{Outcome(outcome).label}）", by, on, obj.review_opinion)
    return obj


@transaction.atomic
def decide(obj_id: int, *, by, outcome: str, reason: str, on: dt.date | None = None) -> Objection:
    obj = _locked(obj_id, ObjectionStage.REVIEWED)
    may(by, obj.subject, DECIDE, "作出异议处理决定")
    different_officer(by, obj.reviewed_by, "异议处理决定")
    on = today(on)
    if outcome not in Outcome.values:
        raise field_error("outcome", "处理结果", "须为维持、更正或撤销")
    if outcome == Outcome.CORRECTED and obj.record_key and not obj.corrections:
        raise field_error("outcome", "处理结果", "审核时未列明更正内容，不能决定更正；请退回审核")
    obj.reason = text(reason, "reason", "处理理由", "维持、更正或撤销都须说明理由")
    obj.outcome, obj.stage, obj.decided_on, obj.decided_by = outcome, ObjectionStage.DECIDED, on, by
    obj.new_record = _apply(obj, by, on)
    obj.notice = (f"{obj.applicant_name}：您于{obj.filed_on}对“{obj.item}”提出的异议（{obj.number}），经核实，"
                  f"处理结果为：{Outcome(outcome).label}。理由：{obj.reason}。"
                  f"如对处理结果不服，可依法申请行政复议或者提起行政诉讼。")
    obj.save()
    clocks.stop(CASE, obj.pk, on)
    step(CASE, obj, f"决定{Outcome(outcome).label}并告知申请人", by, on, obj.notice)
    notify(obj.applicant, f"异议处理结果（{obj.number}）", obj.notice)
    return obj


DATES = ("decision_date", "effective_from", "effective_until")
CORRECTABLE = {f.name for f in dataclasses.fields(Draft)} - {"kind", "raw", "regime", "status"}


def _stored(corrections: dict) -> dict:
    """Proposed corrections as JSON, refused field by field when a field cannot be corrected."""
    out = {}
    for name, value in corrections.items():
        if name not in CORRECTABLE:
            raise field_error("corrections", "拟更正内容", f"“{name}”不是可更正的字段")
        out[name] = value.isoformat() if isinstance(value, dt.date) else (
            str(value) if isinstance(value, Decimal) else value)
    return out


def _loaded(corrections: dict) -> dict:
    return {k: (dt.date.fromisoformat(v) if k in DATES and v else
                Decimal(v) if k.endswith("_amount") and v not in (None, "") else v) for k, v in corrections.items()}


def _apply(obj: Objection, by, on: dt.date):
    note = f"异议 {obj.number} 处理结果：{Outcome(obj.outcome).label}。{obj.reason}"
    if obj.outcome == Outcome.UPHELD:
        return None
    if obj.record_key:
        if obj.outcome == Outcome.CORRECTED:
            rec = records.correct(obj.record_key, actor=obj.reviewed_by, reason=note, **_loaded(obj.corrections))
        else:
            rec = records.withdraw(obj.record_key, actor=obj.reviewed_by, reason=note, reversal_date=on, revoked=True)
        return records.approve(rec.pk, checker=by, note=note)
    if obj.list_entry_id:
        lists.remove(obj.list_entry_id, by=by, method="objection", note=note, on=on)
        return None
    # A grade found wrong is recomputed from the records as they now stand.
    from legalcredit.records.signals import announce

    announce([obj.subject_id])
    return None
