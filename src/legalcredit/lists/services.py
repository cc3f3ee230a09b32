"""Due process for credit lists, one transaction per step.

proposed → notice served (告知: basis, reasons, measures, removal conditions, remedies) → statement
and defence, with a hearing when asked in time (行政处罚法 Arts 63–64) → decision by a checker who
did not propose it (决定书 with the 信用修复告知) → published → removed (expiry, repair, a
successful objection, revocation). Honor lists have no adverse due process: proposed → decided →
published. Periods and deadlines are read from the ``credit_lists`` rule set.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.domain import credit_lists
from legalcredit.domain.periods import add_months
from legalcredit.domain.remedies import TimeLimit
from legalcredit.records.signals import announce
from legalcredit.refdata import rulesets
from legalcredit.refdata.selectors import work_calendar

from .models import ListEntry, ListStep, Stage

DECIDE = "lists.decide_listentry"
PROPOSE = "lists.add_listentry"
# The party's own account (an institution's user, a practitioner) answers a notice: 陈述申辩 and
# the hearing request, as an officer may record them for it.
ANSWER = "lists.answer_listentry"
OPEN = (Stage.PROPOSED, Stage.NOTICED, Stage.HEARING, Stage.DECIDED, Stage.PUBLISHED)
IN_FORCE = (Stage.DECIDED, Stage.PUBLISHED)


def catalogue() -> credit_lists.Catalogue:
    return rulesets.current("credit_lists")


def list_name(code: str) -> str:
    """A list by its name (严重失信主体名单); the code itself for a list the rule set no longer has."""
    lt = catalogue().lists.get(code)
    return lt.name if lt else code


def matter_name(code: str) -> str:
    """A matter type by its name (政府采购), as ``list_name``."""
    m = catalogue().matter_types.get(code)
    return m.name if m else code


def _type(code: str) -> credit_lists.ListType:
    lists = catalogue().lists
    if code not in lists:
        raise field_error("list_code", "名单", f"未知的名单“{code}”（可选：{'、'.join(lists)}）")
    return lists[code]


def _text(value: str, field: str, label: str, rule: str = "必须填写") -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, label, rule)
    return value


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


def _may(by, entry_subject, perm: str) -> None:
    if not by.has_perm(perm):
        raise PermissionDenied("您没有办理信用名单的权限" if perm == PROPOSE else "您没有作出名单决定的权限")
    if not scope_for(by).covers_subject(entry_subject):
        raise PermissionDenied(f"“{entry_subject.name}”不在您的辖区内")


def _locked(entry_id: int, *stages) -> ListEntry:
    entry = ListEntry.objects.select_for_update(of=("self",)).select_related("subject").get(pk=entry_id)
    if stages and entry.stage not in stages:
        raise ValidationError(f"该名单记录处于“{entry.get_stage_display()}”环节，不能办理此事项")
    return entry


def _step(entry: ListEntry, action: str, by, on: dt.date, document: str = "") -> None:
    ListStep.objects.create(entry=entry, stage=entry.stage, action=action, officer=by, on=on, document=document)
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="lists.listentry", object_id=entry.pk,
          summary=f"{entry.subject.name}·{_type(entry.list_code).name}：{action}", reason=document[:300])


@transaction.atomic
def propose(subject, list_code: str, *, by, reasons: str, authority: str, authority_uscc: str = "",
            basis_record=None, conduct_on: dt.date | None = None, responsible: list | None = None) -> ListEntry:
    lt = _type(list_code)
    _may(by, subject, PROPOSE)
    reasons = _text(reasons, "reasons", "列入事由")
    authority = _text(authority, "authority", "认定单位")
    if ListEntry.objects.filter(subject=subject, list_code=list_code, stage__in=OPEN).exists():
        raise ValidationError(f"{subject.name}在{lt.name}上已有未办结或有效的记录")
    people = [p.pk if hasattr(p, "pk") else int(p) for p in (responsible or [])]
    if people and not subject.is_institution:
        raise field_error("responsible", "直接责任人员", "只有机构的名单记录才延伸至责任人员")
    entry = ListEntry.objects.create(list_code=list_code, subject=subject, reasons=reasons, legal_basis=lt.legal_basis,
                                     authority=authority, authority_uscc=authority_uscc, proposed_by=by,
                                     basis_record=basis_record, conduct_on=conduct_on, responsible=people)
    _step(entry, "提出拟列入", by, timezone.localdate(), reasons)
    return entry


def notice_text(entry: ListEntry, lt: credit_lists.ListType, statement_due: dt.date,
                hearing_due: dt.date | None) -> str:
    cat = catalogue()
    measures = [m for m in cat.measures if entry.list_code in m.lists]
    lines = [f"{entry.subject.name}：",
             f"本机关拟将你（单位）列入{lt.name}。",
             f"事由：{entry.reasons}",
             f"依据：{lt.legal_basis}",
             f"列入后有效期{lt.validity_months}个月，期间将依法采取以下措施：",
             *[f"  {i}. {m.name}（依据：{m.legal_basis}；{m.list_item}）" for i, m in enumerate(measures, 1)],
             "移出条件：" + "；".join(lt.removal_names) + "。",
             f"你（单位）有权进行陈述和申辩，请于{statement_due}前提出。"]
    if hearing_due:
        lines.append(f"你（单位）有权要求听证，请于{hearing_due}前提出。")
    lines.append("对列入决定不服的，可以依法申请行政复议或者提起行政诉讼；列入后可依规定申请信用修复。")
    lines.append(f"{entry.authority}")
    return "\n".join(lines)


@transaction.atomic
def serve_notice(entry_id: int, *, by, served_on: dt.date | None = None) -> ListEntry:
    entry = _locked(entry_id, Stage.PROPOSED)
    lt = _type(entry.list_code)
    _may(by, entry.subject, PROPOSE)
    if not lt.due_process:
        raise ValidationError(f"{lt.name}不适用告知程序")
    served_on = _today(served_on)
    entry.notice_served_on = served_on
    entry.statement_due = work_calendar().add_working_days(served_on, lt.statement_working_days)
    entry.hearing_request_due = (served_on + dt.timedelta(days=lt.hearing_request_days)
                                 if lt.hearing_request_days else None)
    entry.notice_text = notice_text(entry, lt, entry.statement_due, entry.hearing_request_due)
    entry.stage = Stage.NOTICED
    entry.save()
    _step(entry, "送达告知书", by, served_on, entry.notice_text)
    # On the officers' deadline queue: when the statement period ends the case is ready to decide.
    clocks.start("listing", entry.pk, TimeLimit("listing_statement", "陈述申辩期届满，待作出决定",
                                                lt.statement_working_days,
                                                f"credit_lists.yaml {lt.code}.statement_working_days；{lt.legal_basis}"),
                 subject=entry.subject, on=served_on, assignee=by)
    _tell_party(entry, f"{lt.name}列入告知（{entry.subject.name}）",
                f"{entry.notice_text}\n\n请登录公共法律服务信用监管平台查看告知书，并在{entry.statement_due}前提交陈述申辩"
                + (f"；要求听证的，请在{entry.hearing_request_due}前提出" if entry.hearing_request_due else "") + "。")
    return entry


def _tell_party(entry: ListEntry, title: str, body: str) -> None:
    """E-mail the accounts that answer for the subject (its own institution's or practitioner's
    account), once the step is committed: a notice served on paper is also waiting for them here."""
    from legalcredit.accounts.selectors import subject_accounts
    from legalcredit.remedies.services.common import notify

    for user in subject_accounts([entry.subject_id], ANSWER):
        notify(user, title, body)


def is_party(user) -> bool:
    """A user who answers notices as the party (an institution's or a practitioner's account),
    not an officer who takes or decides cases."""
    return user.has_perm(ANSWER) and not user.has_perm(PROPOSE) and not user.has_perm(DECIDE)


def _as_party(by, entry: ListEntry) -> bool:
    """True when ``by`` answers the notice as the party (its own account, or its institution's);
    False for an officer who may take the case and records what the party said."""
    if is_party(by):
        if not scope_for(by).covers_subject(entry.subject):
            raise PermissionDenied(f"“{entry.subject.name}”不在您的授权范围内")
        return True
    _may(by, entry.subject, PROPOSE)
    return False


@transaction.atomic
def record_statement(entry_id: int, *, by, text: str, on: dt.date | None = None) -> ListEntry:
    """陈述申辩, submitted by the party while its period runs (and until the hearing is recorded)
    or recorded by an officer. Each statement is added to those before it, dated and attributed."""
    entry = _locked(entry_id, Stage.NOTICED, Stage.HEARING)
    party = _as_party(by, entry)
    text = _text(text, "statement", "陈述申辩意见")
    if party:
        on = timezone.localdate()   # the party's statement is dated the day it arrives
        if entry.stage == Stage.NOTICED and on > entry.statement_due:
            raise field_error("statement", "陈述申辩意见",
                              f"陈述申辩期已于{entry.statement_due}届满；如有新的事实和理由，请与{entry.authority}联系")
        if entry.stage == Stage.HEARING and entry.hearing_record:
            raise field_error("statement", "陈述申辩意见", "听证已经举行，陈述申辩已记入听证笔录")
    on = _today(on)
    action = "当事人提交陈述申辩" if party else "记录陈述申辩"
    entry.statement = "\n\n".join(filter(None, [entry.statement, f"〔{on} {action}〕\n{text}"]))
    entry.save(update_fields=["statement"])
    _step(entry, action, by, on, text)
    return entry


@transaction.atomic
def request_hearing(entry_id: int, *, by, on: dt.date | None = None) -> ListEntry:
    """The party asks for a hearing (or an officer records that it asked) within the period the
    notice gives."""
    entry = _locked(entry_id, Stage.NOTICED)
    party = _as_party(by, entry)
    on = timezone.localdate() if party else _today(on)
    if entry.hearing_request_due is None:
        raise ValidationError(f"{_type(entry.list_code).name}不适用听证程序")
    if on > entry.hearing_request_due:
        raise field_error("hearing_requested_on", "申请听证日",
                          f"{on}已超过申请听证期限（告知书送达后{_type(entry.list_code).hearing_request_days}日，"
                          f"至{entry.hearing_request_due}）")
    entry.hearing_requested_on, entry.stage = on, Stage.HEARING
    entry.save(update_fields=["hearing_requested_on", "stage"])
    _step(entry, "当事人申请听证" if party else "申请听证", by, on)
    return entry


@transaction.atomic
def schedule_hearing(entry_id: int, *, by, hearing_on: dt.date, notice_on: dt.date | None = None) -> ListEntry:
    entry = _locked(entry_id, Stage.HEARING)
    _may(by, entry.subject, PROPOSE)
    notice_on = _today(notice_on)
    need = _type(entry.list_code).hearing_notice_days or 0
    if (hearing_on - notice_on).days < need:
        raise field_error("hearing_on", "听证日", f"应在举行听证的{need}日前通知（{notice_on}通知，最早{notice_on + dt.timedelta(days=need)}）")
    entry.hearing_on, entry.hearing_notice_on = hearing_on, notice_on
    entry.save(update_fields=["hearing_on", "hearing_notice_on"])
    _step(entry, "通知听证", by, notice_on, f"听证日期：{hearing_on}")
    return entry


@transaction.atomic
def record_hearing(entry_id: int, *, by, record: str, on: dt.date | None = None) -> ListEntry:
    entry = _locked(entry_id, Stage.HEARING)
    _may(by, entry.subject, PROPOSE)
    on = _today(on)
    if entry.hearing_on is None or on < entry.hearing_on:
        raise ValidationError("听证尚未举行，不能记录听证笔录")
    entry.hearing_record = _text(record, "hearing_record", "听证笔录")
    entry.save(update_fields=["hearing_record"])
    _step(entry, "记录听证", by, on, entry.hearing_record)
    return entry


def _repair_notice(lt: credit_lists.ListType, until: dt.date) -> str:
    ways = "；".join(lt.removal_names)
    return (f"信用修复告知：本决定有效期至{until}，期满自动移出。在此之前，纠正失信行为、履行相关义务后，"
            f"可以依规定申请信用修复，修复不收取任何费用。移出方式：{ways}。")


@transaction.atomic
def decide(entry_id: int, *, by, listed: bool, reason: str, decision_no: str = "",
           on: dt.date | None = None) -> ListEntry:
    entry = _locked(entry_id, Stage.PROPOSED, Stage.NOTICED, Stage.HEARING)
    lt = _type(entry.list_code)
    _may(by, entry.subject, DECIDE)
    if entry.proposed_by_id == by.pk:
        raise PermissionDenied("提出列入与作出决定须由不同人员完成")
    reason = _text(reason, "reason", "决定理由")
    on = _today(on)
    if lt.due_process:
        if entry.stage == Stage.PROPOSED:
            raise ValidationError(f"列入{lt.name}前须先送达告知书")
        if entry.stage == Stage.NOTICED and not entry.statement and on <= entry.statement_due:
            raise ValidationError(f"陈述申辩期尚未届满（至{entry.statement_due}），当事人也未提出意见，不能作出决定")
        if entry.stage == Stage.HEARING and not entry.hearing_record:
            raise ValidationError("当事人已申请听证，须举行听证并记录笔录后才能作出决定")
    clocks.stop("listing", entry.pk, on)
    if not listed:
        entry.stage, entry.decided_on, entry.decided_by = Stage.DROPPED, on, by
        entry.decision_text = f"不予列入{lt.name}。理由：{reason}"
        entry.save()
        _step(entry, "决定不予列入", by, on, entry.decision_text)
        if entry.notice_served_on:
            _tell_party(entry, f"{lt.name}不予列入决定（{entry.subject.name}）", entry.decision_text)
        return entry
    entry.decision_no = _text(decision_no, "decision_no", "决定书文号")
    entry.decided_on, entry.decided_by, entry.stage = on, by, Stage.DECIDED
    entry.listed_from, entry.listed_until = on, add_months(on, lt.validity_months)
    entry.decision_text = (f"{entry.decision_no}：决定将{entry.subject.name}列入{lt.name}，有效期自{on}至"
                           f"{entry.listed_until}。事由：{entry.reasons}。依据：{lt.legal_basis}。理由：{reason}。\n"
                           + _repair_notice(lt, entry.listed_until))
    entry.save()
    _step(entry, "作出列入决定", by, on, entry.decision_text)
    _tell_party(entry, f"{lt.name}列入决定（{entry.decision_no}）", entry.decision_text)
    propagate(entry, lt, by)
    announce([entry.subject_id])
    return entry


ROLE_LABELS = {"legal_representative": "法定代表人", "head": "主要负责人", "actual_controller": "实际控制人",
               "directly_responsible": "直接责任人员"}


def propagate(entry: ListEntry, lt: credit_lists.ListType, by) -> list[ListEntry]:
    """One hop to the institution's responsible persons, as the affiliations stood when the conduct
    happened: each gets a proposal of their own, with their own notice and decision (rules.md §3)."""
    from legalcredit.registry.models import Subject
    from legalcredit.registry.selectors import affiliations_on

    if not lt.propagate_to or not entry.subject.is_institution or entry.parent_id:
        return []
    day = entry.conduct_on or (entry.basis_record.decision_date if entry.basis_record_id else timezone.localdate(entry.proposed_at))
    people: dict[int, tuple[Subject, str]] = {}
    held = affiliations_on(day, institution=entry.subject).filter(role__in=lt.propagate_to).order_by("role", "person_id")
    for aff in held:
        people.setdefault(aff.person_id, (aff.person, aff.role))
    if "directly_responsible" in lt.propagate_to:
        for person in Subject.objects.filter(pk__in=entry.responsible).order_by("pk"):
            people.setdefault(person.pk, (person, "directly_responsible"))
    made = []
    for person, role in people.values():
        if ListEntry.objects.filter(subject=person, list_code=entry.list_code, stage__in=OPEN).exists():
            continue
        child = ListEntry.objects.create(
            list_code=entry.list_code, subject=person, parent=entry, role=role, legal_basis=lt.legal_basis,
            reasons=f"{entry.subject.name}被列入{lt.name}（{entry.decision_no}），你在失信行为发生时（{day}）"
                    f"为该机构的{ROLE_LABELS[role]}。机构事由：{entry.reasons}",
            authority=entry.authority, authority_uscc=entry.authority_uscc, proposed_by=by, conduct_on=day)
        _step(child, f"由机构名单延伸提出（{ROLE_LABELS[role]}）", by, entry.decided_on)
        made.append(child)
    return made


@transaction.atomic
def publish(entry_id: int, *, by, on: dt.date | None = None) -> ListEntry:
    entry = _locked(entry_id, Stage.DECIDED)
    _may(by, entry.subject, DECIDE)
    entry.stage, entry.published_on = Stage.PUBLISHED, _today(on)
    entry.save(update_fields=["stage", "published_on"])
    _step(entry, "公示", by, entry.published_on)
    return entry


@transaction.atomic
def remove(entry_id: int, *, by, method: str, note: str, on: dt.date | None = None) -> ListEntry:
    entry = _locked(entry_id, *IN_FORCE)
    lt = _type(entry.list_code)
    if by is not None:
        _may(by, entry.subject, DECIDE)
    if method not in lt.removal:
        raise field_error("removal", "移出方式", f"{lt.name}的移出方式为：{'、'.join(lt.removal_names)}")
    entry.removal_note = _text(note, "removal_note", "移出说明")
    entry.stage, entry.removal, entry.removed_on = Stage.REMOVED, method, _today(on)
    entry.save(update_fields=["stage", "removal", "removed_on", "removal_note"])
    _step(entry, f"移出（{credit_lists.REMOVALS[method]}）", by, entry.removed_on, entry.removal_note)
    if lt.due_process:
        _tell_party(entry, f"移出{lt.name}（{entry.decision_no}）",
                    f"{entry.subject.name}已于{entry.removed_on}移出{lt.name}（{credit_lists.REMOVALS[method]}）。"
                    f"{entry.removal_note}")
    announce([entry.subject_id])
    return entry


def expire(today: dt.date | None = None) -> int:
    """Entries whose period has run out leave the list (daily job); history stays."""
    today = _today(today)
    due = list(ListEntry.objects.filter(stage__in=IN_FORCE, listed_until__lt=today).values_list("pk", "listed_until"))
    for pk, until in due:
        remove(pk, by=None, method="expiry", note=f"有效期已于{until}届满", on=until + dt.timedelta(days=1))
    return len(due)


def honor_exits(record_ids: list[int], today: dt.date | None = None) -> int:
    """An honor-list entry ends when an adverse record (一般 or 严重) of its subject is approved."""
    from legalcredit.records.models import CreditRecord

    today = _today(today)
    adverse = (CreditRecord.objects.filter(pk__in=record_ids, review="approved", status="in_effect",
                                           severity__in=["general", "serious"])
               .values_list("subject_id", "decision_no", "kind"))
    done = 0
    for sid, no, kind in adverse:
        for entry in ListEntry.objects.filter(subject_id=sid, list_code__in=_positive_lists(), stage__in=IN_FORCE):
            remove(entry.pk, by=None, method="disqualified", note=f"出现失信记录 {no or kind}，不再符合守信激励条件",
                   on=today)
            done += 1
    return done


def _positive_lists() -> list[str]:
    return [c for c, lt in catalogue().lists.items() if lt.polarity == "positive" and "disqualified" in lt.removal]


def propose_by_rule(record_ids: list[int]) -> list[ListEntry]:
    """Approved records that meet a list's entry rule make the subject a proposal on that list.

    Only the proposal is automatic: the notice, the statement period and the decision by an
    officer follow as for any other proposal (国办发〔2020〕49号: no listing without due process).
    """
    from legalcredit.records.models import CreditRecord

    made = []
    lists = [lt for lt in catalogue().lists.values() if lt.entry_rules]
    if not lists:
        return made
    records = (CreditRecord.objects.filter(pk__in=record_ids, review="approved", is_current=True, status="in_effect")
               .select_related("subject").order_by("pk"))
    for rec in records:
        for lt in lists:
            rule = next((r for r in lt.entry_rules
                         if r.matches(rec.kind, rec.subtype, rec.severity, rec.penalty_types or ())), None)
            if rule is None:
                continue
            with transaction.atomic():
                if ListEntry.objects.select_for_update().filter(subject=rec.subject, list_code=lt.code,
                                                                stage__in=OPEN).exists():
                    continue
                entry = ListEntry.objects.create(
                    list_code=lt.code, subject=rec.subject, basis_record=rec, legal_basis=lt.legal_basis,
                    reasons=f"{rule.name}：{rec.authority}{rec.decision_no}（{rec.decision_date}）",
                    authority=rec.authority, authority_uscc=rec.authority_uscc, conduct_on=rec.decision_date)
                _step(entry, f"按规则提出（{rule.name}）", None, timezone.localdate(), entry.reasons)
                made.append(entry)
    return made
