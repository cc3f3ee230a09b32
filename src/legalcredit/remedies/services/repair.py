"""Credit repair (信用修复): 申请 → 受理 / 不予受理 → 审核 → 准予 / 不予 → 同步.

Eligibility is checked before anything is stored (rules in ``domain.remedies``). The time limits
run on the deadline engine: acceptance, then the decision (3 working days after acceptance under
国办发〔2025〕22号), paused while 补正 is awaited. Granting a repair ends the record's publication
(a new version marked 已修复) or removes the list entry, regrades the subject through the usual
records signal, and queues the change for the sharing platforms. No step charges a fee.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.domain import remedies as rules
from legalcredit.lists import services as lists
from legalcredit.lists.models import ListEntry
from legalcredit.lists.selectors import IN_FORCE
from legalcredit.records import rules as record_rules
from legalcredit.records import services as records
from legalcredit.records.models import CreditRecord, Status
from legalcredit.refdata.selectors import work_calendar

from ..models import OPEN_REPAIR, Commitment, RepairApplication, RepairStage, SyncEntry
from . import commitments, materials
from .common import (current_record, different_officer, may, notify, number, pause_for_supplement, policy,
                     resume_after_supplement, step, subject_entry, text, today)

CASE = "repair"
APPLY, HANDLE, DECIDE = ("remedies.add_repairapplication", "remedies.handle_repairapplication",
                         "remedies.decide_repairapplication")


def _breached_repair_commitment(subject_id: int) -> str:
    return (Commitment.objects.filter(subject_id=subject_id, commitment_type="repair",
                                      fulfilment__in=["partial", "none"]).values_list("code", flat=True).first() or "")


def _open(**item) -> str:
    return RepairApplication.objects.filter(stage__in=OPEN_REPAIR, **item).values_list("number", flat=True).first() or ""


def record_item(rec: CreditRecord, on: dt.date) -> rules.RepairItem:
    kind = record_rules.kinds().get(rec.kind)
    adverse = bool(rec.severity) and kind is not None and (kind.polarity == "adverse" or bool(kind.adverse_subtypes))
    in_effect = (rec.status == Status.IN_EFFECT and rec.public
                 and (rec.publication_end is None or rec.publication_end >= on))
    return rules.RepairItem(rec.kind, adverse, rec.severity, in_effect, rec.repair_from, rec.repaired_on,
                            frozenset(rec.penalty_types or ()),
                            breached_repair_commitment=_breached_repair_commitment(rec.subject_id),
                            open_application=_open(record_key=rec.key))


def entry_item(entry: ListEntry, on: dt.date) -> rules.RepairItem:
    adverse = lists.catalogue().lists[entry.list_code].polarity == "adverse"
    in_effect = entry.stage in IN_FORCE and entry.removed_on is None and entry.listed_until >= on
    return rules.RepairItem(f"list:{entry.list_code}", adverse, "serious", in_effect, None,
                            listed_from=entry.listed_from,
                            breached_repair_commitment=_breached_repair_commitment(entry.subject_id),
                            open_application=_open(list_entry=entry))


def _target(subject, record_number: str = "", list_entry_id: int | None = None):
    if bool(record_number) == bool(list_entry_id):
        raise field_error("item", "修复对象", "须且只须指定一条信用记录（记录编号）或一条名单记录")
    if record_number:
        rec = current_record(subject, record_number)
        return rec, None
    return None, subject_entry(subject, list_entry_id)


def eligibility(subject, *, record_number: str = "", list_entry_id: int | None = None,
                on: dt.date | None = None) -> rules.Verdict:
    on = today(on)
    rec, entry = _target(subject, record_number, list_entry_id)
    item = record_item(rec, on) if rec else entry_item(entry, on)
    return rules.eligibility(item, on, policy())


@transaction.atomic
def apply(subject, *, by, statement: str, record_number: str = "", list_entry_id: int | None = None,
          commitment_content: str = "", on: dt.date | None = None) -> RepairApplication:
    """A subject (or an officer for it) applies; refused at once, with the rule and the earliest
    date, when the item cannot be repaired now."""
    may(by, subject, APPLY, "申请信用修复")
    on = today(on)
    statement = text(statement, "statement", "履行义务情况说明", "须说明已纠正失信行为、履行法定义务的情况")
    rec, entry = _target(subject, record_number, list_entry_id)
    verdict = rules.eligibility(record_item(rec, on) if rec else entry_item(entry, on), on, policy())
    if not verdict.eligible:
        raise field_error("record" if rec else "list_entry", "修复对象", f"不符合信用修复条件：{verdict.text()}")
    item = (f"{record_rules.kinds()[rec.kind].name} {rec.decision_no or rec.number}" if rec
            else f"{lists.catalogue().lists[entry.list_code].name} {entry.decision_no or entry.pk}")
    c = commitments.make(subject, by=None, commitment_type="repair", cause=f"申请信用修复：{item}",
                         content=(commitment_content or "").strip() or
                         "已纠正失信行为、履行相关法定义务，所提交材料真实有效；今后依法依规从业，不再发生同类失信行为。",
                         liability="承诺不实或违反承诺的，撤销修复决定，相关信息按最长公示期限重新公示，并记入信用记录。",
                         disclosure="public", accepting_unit=(rec.authority if rec else entry.authority),
                         made_on=on)
    app = RepairApplication(subject=subject, record_key=rec.key if rec else None, list_entry=entry, item=item,
                            applicant=by, applied_on=on, statement=statement, commitment=c)
    app.save(force_insert=True)
    app.number = number("XF", on, app.pk)
    app.save(update_fields=["number"])
    step(CASE, app, "提出申请", by, on, f"{statement}\n\n{c.letter}")
    clocks.start(CASE, app.pk, policy().limit("repair_accept"), subject=subject, on=on)
    return app


def _locked(app_id: int, *stages) -> RepairApplication:
    app = RepairApplication.objects.select_for_update(of=("self",)).select_related("subject").get(pk=app_id)
    if app.stage not in stages:
        raise ValidationError(f"申请 {app.number} 当前为“{app.get_stage_display()}”，不能办理此事项")
    return app


@transaction.atomic
def attach(app_id: int, *, by, kind: str, name: str, content: bytes):
    app = _locked(app_id, RepairStage.APPLIED, RepairStage.SUPPLEMENT, RepairStage.ACCEPTED)
    may(by, app.subject, APPLY, "提交修复材料")
    return materials.attach(CASE, app, by=by, kind=kind, name=name, content=content, on=today())


@transaction.atomic
def ask_supplement(app_id: int, *, by, what: str, on: dt.date | None = None) -> RepairApplication:
    app = _locked(app_id, RepairStage.APPLIED, RepairStage.ACCEPTED)
    may(by, app.subject, HANDLE, "办理信用修复")
    pause_for_supplement(CASE, app, by=by, what=what, on=today(on))
    return app


@transaction.atomic
def supplement_received(app_id: int, *, by, on: dt.date | None = None) -> RepairApplication:
    app = _locked(app_id, RepairStage.SUPPLEMENT)
    may(by, app.subject, HANDLE, "办理信用修复")
    resume_after_supplement(CASE, app, by=by, on=today(on),
                            back_to=RepairStage.ACCEPTED if app.accepted_on else RepairStage.APPLIED)
    return app


@transaction.atomic
def accept(app_id: int, *, by, on: dt.date | None = None) -> RepairApplication:
    app = _locked(app_id, RepairStage.APPLIED)
    may(by, app.subject, HANDLE, "受理信用修复申请")
    on = today(on)
    if not materials.has(CASE, app.pk, "proof"):
        raise field_error("materials", "申请材料", "须有履行法定义务的证明材料才能受理（可通知补正）")
    app.stage, app.accepted_on = RepairStage.ACCEPTED, on
    app.save(update_fields=["stage", "accepted_on"])
    clocks.stop(CASE, app.pk, on, "repair_accept")
    clocks.start(CASE, app.pk, policy().limit("repair_decide"), subject=app.subject, on=on, assignee=by)
    step(CASE, app, "受理", by, on, "不收取任何费用")
    return app


@transaction.atomic
def reject(app_id: int, *, by, reason: str, on: dt.date | None = None) -> RepairApplication:
    app = _locked(app_id, RepairStage.APPLIED, RepairStage.SUPPLEMENT)
    may(by, app.subject, HANDLE, "办理信用修复")
    on = today(on)
    app.reason = text(reason, "reason", "不予受理理由")
    app.stage, app.decided_on, app.decided_by = RepairStage.REJECTED, on, by
    app.save(update_fields=["stage", "reason", "decided_on", "decided_by"])
    clocks.stop(CASE, app.pk, on)
    step(CASE, app, "不予受理", by, on, app.reason)
    notify(app.applicant, f"信用修复申请不予受理（{app.number}）", f"{app.item}：不予受理。理由：{app.reason}")
    return app


@transaction.atomic
def review(app_id: int, *, by, grant: bool, opinion: str, on: dt.date | None = None) -> RepairApplication:
    app = _locked(app_id, RepairStage.ACCEPTED)
    may(by, app.subject, HANDLE, "审核信用修复申请")
    on = today(on)
    app.review_opinion = text(opinion, "opinion", "审核意见")
    app.stage, app.proposed_grant, app.reviewed_by = RepairStage.REVIEWED, grant, by
    app.save(update_fields=["stage", "review_opinion", "proposed_grant", "reviewed_by"])
    step(CASE, app, f"审核（建议{'准予' if grant else '不予'}修复）", by, on, app.review_opinion)
    return app


@transaction.atomic
def decide(app_id: int, *, by, grant: bool, reason: str, on: dt.date | None = None) -> RepairApplication:
    """The second officer decides. The row lock and the stage check let only one of two officers
    deciding at once succeed; the other is told the case is already decided."""
    app = _locked(app_id, RepairStage.REVIEWED)
    may(by, app.subject, DECIDE, "作出信用修复决定")
    different_officer(by, app.reviewed_by, "信用修复决定")
    on = today(on)
    app.reason = text(reason, "reason", "决定理由", "准予或不予修复都须说明理由")
    app.stage = RepairStage.GRANTED if grant else RepairStage.REFUSED
    app.decided_on, app.decided_by = on, by
    app.save(update_fields=["stage", "reason", "decided_on", "decided_by"])
    clocks.stop(CASE, app.pk, on)
    if grant:
        _grant(app, by, on)
    step(CASE, app, "准予修复" if grant else "不予修复", by, on, app.reason)
    outcome = f"准予修复，该信息自{on.isoformat()}起终止公示" if grant else "不予修复"
    notify(app.applicant, f"信用修复决定（{app.number}）",
           f"您于{app.applied_on}提出的信用修复申请（{app.item}），决定{outcome}。理由：{app.reason}。"
           f"如不服，可依法申请行政复议或者提起行政诉讼。")
    return app


def _grant(app: RepairApplication, by, on: dt.date) -> None:
    note = f"信用修复申请 {app.number} 准予修复：{app.reason}"
    if app.record_key:
        rec = records.mark_repaired(app.record_key, maker=app.reviewed_by, checker=by, on=on, reason=note)
        payload = {"record": rec.number, "decision_no": rec.decision_no, "kind": rec.kind,
                   "repaired_on": on.isoformat(), "action": "终止公示"}
    else:
        lists.remove(app.list_entry_id, by=by, method="repair", note=note, on=on)
        payload = {"list_entry": app.list_entry_id, "list": app.list_entry.list_code,
                   "decision_no": app.list_entry.decision_no, "removed_on": on.isoformat(), "action": "移出名单"}
    limit = policy().limit("repair_sync")
    SyncEntry.objects.create(action="信用修复", case_type=CASE, case_id=app.pk, subject=app.subject, item=app.item, payload=payload, created_on=on,
                             due_on=work_calendar().add_working_days(on, limit.working_days))
    clocks.start(CASE, app.pk, limit, subject=app.subject, on=on, assignee=by)
