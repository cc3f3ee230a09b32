"""Handling a complaint: intake (by an officer, or by the complainant on the public portal),
补正, acceptance or not, investigation, review by one officer, decision by another, the 投诉查实
credit record, and the notice of the result to both sides; every step with its working-day clock.
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction

from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.domain import complaints as rules_of
from legalcredit.domain.identifiers import IdentifierError, uscc
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft
from legalcredit.refdata.rulesets import current
from legalcredit.remedies.services.common import (different_officer, may, notify, number, pause_for_supplement,
                                                  resume_after_supplement, step, text, today)

from . import alerts
from .models import Complaint, Stage

CASE = "complaint"
ADD, HANDLE, DECIDE = "complaints.add_complaint", "complaints.handle_complaint", "complaints.decide_complaint"
RESPOND = "complaints.respond_complaint"
# The query code a complainant on the portal gets: no 0/O/1/I, read out over the phone without doubt.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def rules() -> rules_of.Rules:
    return current("complaints")


def _locked(pk: int, *stages) -> Complaint:
    c = Complaint.objects.select_for_update(of=("self",)).select_related("subject").get(pk=pk)
    if c.stage not in stages:
        raise ValidationError(f"投诉 {c.number} 当前为“{c.get_stage_display()}”，不能办理此事项")
    return c


def _choice(value: str, choices: dict, field: str, label: str) -> str:
    if value not in choices:
        raise field_error(field, label, f"应为 {'、'.join(choices.values())} 之一")
    return value


def _register(subject, *, by, channel: str, received_on: dt.date, complainant_name: str, complainant_contact: str,
              interest: str, facts: str, requests: str, known_on: dt.date | None,
              referred_by: str) -> tuple[Complaint, str]:
    r = rules()
    _choice(channel, r.channels, "channel", "投诉渠道")
    if channel == "referral" and not referred_by.strip():
        raise field_error("referred_by", "转办单位", "转办的投诉须填写转办单位")
    if known_on is not None and known_on > received_on:
        raise field_error("known_on", "知道或应当知道之日", f"不能晚于收到投诉的日期 {received_on}")
    if subject.subject_type_id is None:
        raise field_error("subject", "被投诉对象", "主体类型未登记")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    sector = r.sector_for(subject.subject_type_id)
    c = Complaint(channel=channel, referred_by=referred_by.strip(), received_on=received_on,
                  complainant_name=text(complainant_name, "complainant_name", "投诉人"),
                  complainant_contact=(complainant_contact or "").strip(),
                  interest=text(interest, "interest", "利害关系", "须说明与投诉事项的利害关系（当事人、委托人等）"),
                  subject=subject, sector=sector.code, facts=text(facts, "facts", "投诉事实和理由"),
                  requests=(requests or "").strip(), known_on=known_on, filed_by=by,
                  query_code_hash=Complaint.code_hash(code))
    c.save(force_insert=True)
    c.number = number("TS", received_on, c.pk)
    c.save(update_fields=["number"])
    step(CASE, c, f"登记投诉（{r.channels[channel]}）", by, received_on, c.facts)
    clocks.start(CASE, c.pk, sector.limit("accept"), subject=subject, on=received_on, assignee=by)
    alerts.assess([subject])
    return c, code


@transaction.atomic
def file(subject, *, by, channel: str, complainant_name: str, interest: str, facts: str, complainant_contact: str = "",
         requests: str = "", known_on: dt.date | None = None, referred_by: str = "",
         received_on: dt.date | None = None) -> tuple[Complaint, str]:
    """An officer registers a complaint received by phone, letter, visit or referral; returns it and
    the query code the complainant may use on the portal."""
    may(by, subject, ADD, "登记投诉")
    return _register(subject, by=by, channel=channel, received_on=today(received_on),
                     complainant_name=complainant_name, complainant_contact=complainant_contact, interest=interest,
                     facts=facts, requests=requests, known_on=known_on, referred_by=referred_by)


@transaction.atomic
def file_public(subject, *, complainant_name: str, complainant_contact: str, interest: str, facts: str,
                requests: str = "", known_on: dt.date | None = None) -> tuple[Complaint, str]:
    """A complaint made on the public portal: received today, waiting for an officer's review."""
    if not (complainant_contact or "").strip():
        raise field_error("complainant_contact", "联系电话", "必须填写，以便告知受理和处理结果")
    return _register(subject, by=None, channel="portal", received_on=today(), complainant_name=complainant_name,
                     complainant_contact=complainant_contact, interest=interest, facts=facts, requests=requests,
                     known_on=known_on, referred_by="")


@transaction.atomic
def ask_supplement(pk: int, *, by, what: str, on: dt.date | None = None) -> Complaint:
    """材料不全: the complainant is told once what to supply, and the acceptance clock pauses."""
    c = _locked(pk, Stage.RECEIVED)
    may(by, c.subject, HANDLE, "办理投诉")
    if rules().supplement_once and c.supplements:
        raise ValidationError("补正应一次性告知，本投诉已通知过补正")
    c.supplements += 1
    c.save(update_fields=["supplements"])
    pause_for_supplement(CASE, c, by=by, what=what, on=today(on))
    return c


@transaction.atomic
def supplement_received(pk: int, *, by, on: dt.date | None = None) -> Complaint:
    c = _locked(pk, Stage.SUPPLEMENT)
    may(by, c.subject, HANDLE, "办理投诉")
    resume_after_supplement(CASE, c, by=by, on=today(on), back_to=Stage.RECEIVED)
    return c


@transaction.atomic
def not_accept(pk: int, *, by, reason_code: str, reason: str, on: dt.date | None = None) -> Complaint:
    """不予受理, with the case it falls under and the reason; the complainant is told at once."""
    c = _locked(pk, Stage.RECEIVED, Stage.SUPPLEMENT)
    may(by, c.subject, HANDLE, "办理投诉")
    r, on = rules(), today(on)
    _choice(reason_code, r.not_accepted, "reason_code", "不予受理情形")
    c.not_accepted_reason, c.reason = reason_code, text(reason, "reason", "不予受理理由")
    c.stage, c.decided_on, c.decided_by, c.notified_on = Stage.NOT_ACCEPTED, on, by, on
    c.notice_complainant = (f"{c.complainant_name}：您于{c.received_on}对{c.subject.name}的投诉（{c.number}），"
                            f"经审查不予受理。情形：{r.not_accepted[reason_code]}。理由：{c.reason}。")
    c.save(update_fields=["not_accepted_reason", "reason", "stage", "decided_on", "decided_by", "notified_on",
                          "notice_complainant"])
    clocks.stop(CASE, c.pk, on)
    step(CASE, c, "不予受理（告知投诉人）", by, on, c.notice_complainant)
    alerts.not_accepted(c, by=by, on=on)
    return c


@transaction.atomic
def accept(pk: int, *, by, authority: str, authority_uscc: str, on: dt.date | None = None) -> Complaint:
    """受理: the decision clock starts. A complaint past its time bar cannot be accepted."""
    c = _locked(pk, Stage.RECEIVED)
    may(by, c.subject, HANDLE, "受理投诉")
    on = today(on)
    sector = rules().sectors[c.sector]
    barred = rules_of.time_barred(sector, c.known_on, c.received_on)
    if barred is not None:
        raise field_error("known_on", "投诉时效", f"应于{barred}前提出（{sector.limitation_source}），"
                                                 f"已超过时效，应不予受理")
    try:
        code = uscc.validate(authority_uscc).value
    except IdentifierError as exc:
        raise field_error("authority_uscc", "处理机关统一社会信用代码", exc.message) from None
    c.authority, c.authority_uscc = text(authority, "authority", "处理机关"), code
    c.stage, c.accepted_on = Stage.ACCEPTED, on
    c.save(update_fields=["authority", "authority_uscc", "stage", "accepted_on"])
    clocks.stop(CASE, c.pk, on, "complaint_accept")
    clocks.start(CASE, c.pk, sector.limit("decide"), subject=c.subject, on=on, assignee=by)
    step(CASE, c, f"受理（{c.authority}）", by, on)
    for user in _respondent_accounts(c.subject):
        notify(user, f"投诉受理通知（{c.number}）",
               f"{c.authority}已于{on}受理对{c.subject.name}的投诉（{c.number}）。可登录平台查看投诉事实，"
               f"并在调查期间提交陈述申辩。")
    return c


def _respondent_accounts(subject) -> list:
    """Active accounts that act for the subject complained about: its own, and for a practitioner
    those of the institution it practises in."""
    from legalcredit.accounts.selectors import subject_accounts
    from legalcredit.registry.selectors import current_institution

    subjects = [subject.pk]
    if subject.kind == "practitioner":
        institution = current_institution(subject)
        if institution is not None:
            subjects.append(institution.pk)
    return subject_accounts(subjects, RESPOND)


@transaction.atomic
def record_investigation(pk: int, *, by, findings: str = "", statement: str = "",
                         on: dt.date | None = None) -> Complaint:
    """What the investigation found and what the respondent said in its defence, each dated."""
    c = _locked(pk, Stage.ACCEPTED)
    may(by, c.subject, HANDLE, "调查投诉")
    on = today(on)
    findings, statement = (findings or "").strip(), (statement or "").strip()
    if not findings and not statement:
        raise field_error("text", "调查情况", "须填写调查情况或被投诉人的陈述申辩")
    if findings:
        c.investigation = "\n".join(filter(None, [c.investigation, f"{on}：{findings}"]))
        step(CASE, c, "记录调查情况", by, on, findings)
    if statement:
        c.respondent_statement = "\n".join(filter(None, [c.respondent_statement, f"{on}：{statement}"]))
        step(CASE, c, "记录被投诉人陈述申辩", by, on, statement)
    c.save(update_fields=["investigation", "respondent_statement"])
    return c


@transaction.atomic
def respond(pk: int, *, by, statement: str, on: dt.date | None = None) -> Complaint:
    """The respondent (the institution's or practitioner's own account) states its side online
    while the complaint is under investigation; it is added, dated, to what the officers recorded."""
    c = _locked(pk, Stage.ACCEPTED)
    may(by, c.subject, RESPOND, "提交陈述申辩")
    on = today(on)
    statement = text(statement, "statement", "陈述申辩")
    c.respondent_statement = "\n".join(filter(None, [c.respondent_statement, f"{on}（被投诉人提交）：{statement}"]))
    c.save(update_fields=["respondent_statement"])
    step(CASE, c, "被投诉人提交陈述申辩", by, on, statement)
    return c


@transaction.atomic
def extend(pk: int, *, by, reason: str, on: dt.date | None = None) -> Complaint:
    """情况复杂: a checker approves the longer limit once; it counts from acceptance."""
    c = _locked(pk, Stage.ACCEPTED, Stage.REVIEWED)
    may(by, c.subject, DECIDE, "批准延长投诉处理期限")
    if c.extended_days:
        raise ValidationError("处理期限已延长过一次，不能再次延长")
    sector = rules().sectors[c.sector]
    try:
        longer = sector.extended()
    except rules_of.ComplaintRuleError as exc:
        raise ValidationError(str(exc)) from None
    on = today(on)
    c.extension_reason = text(reason, "reason", "延长理由", "须说明情况复杂、需要延长的理由")
    c.extended_days = sector.extension.working_days
    c.save(update_fields=["extension_reason", "extended_days"])
    clocks.extend(CASE, c.pk, "complaint_decide", longer, on=on)
    step(CASE, c, f"批准延长处理期限{sector.extension.working_days}日", by, on, c.extension_reason)
    return c


def _outcome(finding: str, handling: str) -> tuple[str, str]:
    r = rules()
    _choice(finding, {k: f.name for k, f in r.findings.items()}, "finding", "认定结论")
    _choice(handling, r.handlings, "handling", "处理方式")
    if not r.findings[finding].upheld and handling != "none":
        raise field_error("handling", "处理方式", f"投诉{r.findings[finding].name}的，处理方式应为“{r.handlings['none']}”")
    if r.findings[finding].upheld and handling == "none":
        raise field_error("handling", "处理方式", "投诉查实的，须写明处理方式")
    return finding, handling


@transaction.atomic
def review(pk: int, *, by, finding: str, handling: str, opinion: str, on: dt.date | None = None) -> Complaint:
    """The officer who investigated proposes the finding and what follows; another decides."""
    c = _locked(pk, Stage.ACCEPTED)
    may(by, c.subject, HANDLE, "审核投诉")
    if not c.investigation.strip():
        raise field_error("text", "调查情况", "提出处理意见前须记录调查情况")
    c.proposed_finding, c.proposed_handling = _outcome(finding, handling)
    c.review_opinion = text(opinion, "opinion", "审核意见")
    c.stage, c.reviewed_by = Stage.REVIEWED, by
    c.save(update_fields=["proposed_finding", "proposed_handling", "review_opinion", "stage", "reviewed_by"])
    r = rules()
    step(CASE, c, f"审核（拟{r.findings[finding].name}，{r.handlings[handling]}）", by, today(on), c.review_opinion)
    return c


def _notices(c: Complaint) -> tuple[str, str]:
    r = rules()
    outcome = f"经调查，{r.findings[c.finding].name}，处理方式：{r.handlings[c.handling]}。理由：{c.reason}。"
    remedy = "如对处理结果不服，可依法申请行政复议或者提起行政诉讼。"
    return (f"{c.complainant_name}：您于{c.received_on}对{c.subject.name}的投诉（{c.number}），{outcome}{remedy}",
            f"{c.subject.name}：{c.received_on}收到的对你（单位）的投诉（{c.number}），{outcome}{remedy}")


@transaction.atomic
def decide(pk: int, *, by, reason: str, finding: str = "", handling: str = "", on: dt.date | None = None) -> Complaint:
    """处理决定 by an officer other than the reviewer. A complaint found true becomes a 投诉查实
    record, entered in the reviewer's name and approved by the deciding officer (the decision is
    the check); the clock to tell both sides starts."""
    c = _locked(pk, Stage.REVIEWED)
    may(by, c.subject, DECIDE, "作出投诉处理决定")
    different_officer(by, c.reviewed_by, "投诉处理决定")
    on = today(on)
    r = rules()
    c.finding, c.handling = _outcome(finding or c.proposed_finding, handling or c.proposed_handling)
    c.reason = text(reason, "reason", "处理决定理由")
    c.stage, c.decided_on, c.decided_by = Stage.DECIDED, on, by
    if r.findings[c.finding].upheld:
        sector = r.sectors[c.sector]
        c.record = records.submit(c.subject, Draft(
            kind=r.record_kind, decision_date=on, authority=c.authority, authority_uscc=c.authority_uscc,
            source_unit=c.authority, source_unit_uscc=c.authority_uscc, decision_no=f"投诉处理〔{on.year}〕{c.number}号",
            legal_basis=sector.legal_basis,
            content=f"{r.findings[c.finding].name}：{c.facts}\n处理方式：{r.handlings[c.handling]}。{c.reason}"),
            actor=c.reviewed_by, reason=f"投诉处理决定 {c.number}")
        c.record = records.approve(c.record.pk, checker=by, note=f"投诉处理决定 {c.number}")
    c.notice_complainant, c.notice_respondent = _notices(c)
    c.save()
    if r.findings[c.finding].upheld:
        alerts.assess([c.subject])
    clocks.stop(CASE, c.pk, on)
    clocks.start(CASE, c.pk, r.sectors[c.sector].limit("notify"), subject=c.subject, on=on, assignee=c.reviewed_by)
    step(CASE, c, f"决定：{r.findings[c.finding].name}，{r.handlings[c.handling]}", by, on, c.reason)
    return c


@transaction.atomic
def notify_parties(pk: int, *, by, on: dt.date | None = None) -> Complaint:
    """Both sides told of the result (送达): the complaint is closed."""
    c = _locked(pk, Stage.DECIDED)
    may(by, c.subject, HANDLE, "告知投诉处理结果")
    on = today(on)
    if on < c.decided_on:
        raise field_error("on", "告知日", f"不能早于决定日 {c.decided_on}")
    c.stage, c.notified_on = Stage.CLOSED, on
    c.save(update_fields=["stage", "notified_on"])
    clocks.stop(CASE, c.pk, on)
    step(CASE, c, "告知投诉人", by, on, c.notice_complainant)
    step(CASE, c, "告知被投诉人", by, on, c.notice_respondent)
    return c


@transaction.atomic
def link_record(pk: int, *, by, record_number: str) -> Complaint:
    """The penalty or industry discipline that followed a complaint referred for it."""
    from legalcredit.remedies.services.common import current_record

    c = _locked(pk, Stage.DECIDED, Stage.CLOSED)
    may(by, c.subject, HANDLE, "关联投诉处理结果")
    if c.handling not in ("penalty", "discipline"):
        raise field_error("record", "关联记录", "只有移送立案查处或移交行业协会处理的投诉才关联处罚或处分记录")
    rec = current_record(c.subject, record_number)
    wanted = {"penalty": "penalty", "discipline": "discipline"}[c.handling]
    if rec.kind != wanted:
        raise field_error("record", "关联记录", f"应为{'行政处罚' if wanted == 'penalty' else '行业处分'}记录")
    c.linked_record_key = rec.key
    c.save(update_fields=["linked_record_key"])
    step(CASE, c, f"关联{'行政处罚' if wanted == 'penalty' else '行业处分'}记录 {rec.decision_no or rec.number}", by,
         today(), "")
    return c
