"""Credit commitments (信用承诺): made, printed as a 承诺书, and judged fulfilled or breached.

A breach (部分履行 / 全部未履行) is judged by one officer and confirmed by another; confirming it
writes a credit record of kind ``commitment`` and applies the consequence the commitment's type
carries (remedies.yaml): for a 信用修复型 commitment, the repaired record is published again for its
maximum period.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from legalcredit.core.errors import field_error, identifier_error
from legalcredit.deadlines import services as clocks
from legalcredit.domain import remedies as rules
from legalcredit.domain.identifiers import IdentifierError, uscc
from legalcredit.domain.remedies import TimeLimit
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft
from legalcredit.refdata.selectors import work_calendar

from ..models import Commitment, RepairApplication, RepairStage
from .common import current_record, different_officer, may, policy, step, text, today

CASE = "commitment"
ADD, DECIDE = "remedies.add_commitment", "remedies.decide_commitment"
BREACH = {"partial": "部分履行", "none": "全部未履行"}


def committer_category(subject) -> str:
    return "person" if subject.kind == "practitioner" else "organization"


def _next_code(region: str, made_on: dt.date) -> str:
    prefix = f"{region}{made_on:%Y%m%d}"
    last = (Commitment.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True)
            .first())
    return rules.commitment_code(region, made_on, int(last[-6:]) + 1 if last else 1)


def letter(c: Commitment) -> str:
    """The standard 承诺书 for signing, from the commitment's own fields."""
    who = c.subject
    ident = who.uscc or who.license_no or ""
    return (f"信用承诺书\n\n承诺编码：{c.code}\n承诺人：{who.name}（{rules.COMMITTER[c.committer_category]}"
            f"{'，' + ident if ident else ''}）\n承诺类型：{rules.COMMITMENT_TYPES[c.commitment_type]}\n"
            f"承诺事由：{c.cause}\n\n本人（单位）郑重承诺：\n{c.content}\n\n"
            + (f"容缺材料于{c.materials_due.isoformat()}前补交。\n" if c.materials_due else "")
            + (f"关联事项：{c.matter}\n" if c.matter else "")
            + f"如违反上述承诺，自愿承担以下责任：\n{c.liability}\n"
            f"并同意将违诺情况记入信用记录、依法依规公开。承诺受理单位有权对承诺内容进行核查。\n\n"
            f"公开类型：{rules.DISCLOSURE[c.disclosure]}\n承诺受理单位：{c.accepting_unit}\n"
            f"承诺日期：{c.made_on.isoformat()}"
            + (f"　有效期至：{c.valid_until.isoformat()}" if c.valid_until else "")
            + "\n\n承诺人（签章）：　　　　　　　　日期：")


def _uscc_or_blank(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return uscc.validate(value).value
    except IdentifierError as exc:
        raise identifier_error(field, label, exc) from None


@transaction.atomic
def make(subject, *, by, commitment_type: str, cause: str, content: str, liability: str, disclosure: str,
         accepting_unit: str, accepting_unit_uscc: str = "", made_on: dt.date | None = None,
         valid_until: dt.date | None = None, note: str = "", region: str | None = None,
         matter_record: str = "") -> Commitment:
    if by is not None:
        may(by, subject, ADD, "登记信用承诺")
    if made_on is not None and made_on > timezone.localdate():
        raise field_error("made_on", "承诺作出日期", "不能晚于今天")
    made_on = today(made_on)
    if commitment_type not in rules.COMMITMENT_TYPES:
        raise field_error("commitment_type", "承诺类型", f"须为{'、'.join(rules.COMMITMENT_TYPES.values())}之一")
    own = getattr(getattr(by, "officer", None), "subject_id", None)
    if own is not None:
        # A subject's own account commits for itself only, to what a subject may promise on its own.
        if own != subject.pk:
            raise PermissionDenied("只能以本人（本机构）名义作出信用承诺")
        if not policy().commitment_types[commitment_type].by_subject:
            # In the national enumeration's order (a rule set read back from PostgreSQL's jsonb
            # keeps no key order).
            types = policy().commitment_types
            allowed = "、".join(name for c, name in rules.COMMITMENT_TYPES.items() if types[c].by_subject)
            raise field_error("commitment_type", "承诺类型",
                              f"本人（本机构）可作出{allowed}承诺；{rules.COMMITMENT_TYPES[commitment_type]}承诺由办理事项的"
                              "司法行政机关登记")
        if made_on != timezone.localdate():
            raise field_error("made_on", "承诺作出日期", "本人（本机构）作出的承诺以提交之日为承诺作出日期")
    if disclosure not in rules.DISCLOSURE:
        raise field_error("disclosure", "公开类型", f"须为{'、'.join(rules.DISCLOSURE.values())}之一")
    if valid_until is not None and valid_until < made_on:
        raise field_error("valid_until", "承诺有效期", "不能早于承诺作出日期")
    accepting_unit_uscc = _uscc_or_blank(accepting_unit_uscc, "accepting_unit_uscc", "承诺受理单位统一社会信用代码")
    ctype = policy().commitment_types[commitment_type]
    c = Commitment(subject=subject, committer_category=committer_category(subject),
                   commitment_type=commitment_type, cause=text(cause, "cause", "承诺事由"),
                   content=text(content, "content", "承诺内容"), liability=text(liability, "liability", "违诺责任"),
                   made_on=made_on, valid_until=valid_until, disclosure=disclosure,
                   accepting_unit=text(accepting_unit, "accepting_unit", "承诺受理单位"),
                   accepting_unit_uscc=accepting_unit_uscc, note=note, created_by=by)
    if matter_record:
        rec = current_record(subject, matter_record)
        c.matter_record_key, c.matter = rec.key, f"{rec.decision_no or rec.number}（{rec.content[:60]}）"
    if ctype.materials_working_days:
        c.materials_due = work_calendar().add_working_days(made_on, ctype.materials_working_days)
    region = region or (getattr(getattr(by, "officer", None), "region_id", None) or subject.region_id)
    for _ in range(3):          # two officers numbering the same day at once: the loser takes the next serial
        c.code = _next_code(region, made_on)
        c.letter = letter(c)
        try:
            with transaction.atomic():
                c.save(force_insert=True)
            break
        except IntegrityError:
            c.pk = None
    else:
        raise ValidationError("承诺编码分配冲突，请重试")
    step(CASE, c, "作出信用承诺", by, made_on, c.letter)
    if ctype.materials_working_days:
        clocks.start(CASE, c.pk, TimeLimit("commitment_materials", "容缺受理材料补交",
                                           ctype.materials_working_days, "remedies.yaml commitment_types.accept_missing"),
                     subject=subject, on=made_on, assignee=by)
    return c


@transaction.atomic
def propose_fulfilment(commitment_id: int, *, by, status: str, unfulfilled: str = "",
                       liability_pursued: str = "") -> Commitment:
    c = Commitment.objects.select_for_update(of=("self",)).select_related("subject").get(pk=commitment_id)
    may(by, c.subject, ADD, "认定承诺履行状态")
    if c.fulfilment != "pending":
        raise ValidationError(f"该承诺已认定为“{c.get_fulfilment_display()}”")
    if status not in ("full", "partial", "none"):
        raise field_error("fulfilment", "承诺履行状态", "须为全部履行、部分履行或全部未履行")
    if status != "full":
        unfulfilled = text(unfulfilled, "unfulfilled", "未履行的承诺内容", "未全部履行的须填写")
        liability_pursued = text(liability_pursued, "liability_pursued", "违诺责任追究内容", "未全部履行的须填写")
    c.proposed_fulfilment, c.fulfilment_proposed_by = status, by
    c.unfulfilled, c.liability_pursued = unfulfilled, liability_pursued
    c.save(update_fields=["proposed_fulfilment", "fulfilment_proposed_by", "unfulfilled", "liability_pursued"])
    step(CASE, c, f"拟认定为{rules.FULFILMENT[status]}", by, today(), unfulfilled)
    return c


@transaction.atomic
def confirm_fulfilment(commitment_id: int, *, by, unit: str, unit_uscc: str = "",
                       on: dt.date | None = None) -> Commitment:
    c = Commitment.objects.select_for_update(of=("self",)).select_related("subject").get(pk=commitment_id)
    may(by, c.subject, DECIDE, "确认承诺履行状态")
    if c.fulfilment != "pending":
        raise ValidationError(f"该承诺已认定为“{c.get_fulfilment_display()}”")
    if not c.proposed_fulfilment:
        raise ValidationError("尚未拟认定履行状态")
    different_officer(by, c.fulfilment_proposed_by, "履行状态认定")
    on = today(on)
    c.fulfilment, c.fulfilment_decided_on, c.fulfilment_decided_by = c.proposed_fulfilment, on, by
    c.fulfilment_unit = text(unit, "fulfilment_unit", "履行状态认定单位")
    c.fulfilment_unit_uscc = _uscc_or_blank(unit_uscc, "fulfilment_unit_uscc", "履行状态认定单位统一社会信用代码")
    if c.fulfilment in BREACH:
        c.breach_record, c.consequence = _breach(c, by, on)
    c.save()
    clocks.stop(CASE, c.pk, on)
    step(CASE, c, f"认定为{c.get_fulfilment_display()}", by, on, c.consequence)
    return c


def _breach(c: Commitment, checker, on: dt.date):
    ctype = policy().commitment_types[c.commitment_type]
    maker = c.fulfilment_proposed_by
    draft = Draft(kind="commitment", decision_date=on, subtype=BREACH[c.fulfilment], severity=ctype.breach_severity,
                  authority=c.fulfilment_unit, authority_uscc=c.fulfilment_unit_uscc, decision_no=c.code,
                  source_unit=c.fulfilment_unit, source_unit_uscc=c.fulfilment_unit_uscc,
                  content=f"违反{rules.COMMITMENT_TYPES[c.commitment_type]}信用承诺（{c.cause}）：{c.unfulfilled}；"
                          f"违诺责任追究：{c.liability_pursued}",
                  legal_basis="国办发〔2020〕42号；信用承诺书")
    rec = records.submit(c.subject, draft, actor=maker, reason=f"信用承诺 {c.code} 认定为{BREACH[c.fulfilment]}")
    rec = records.approve(rec.pk, checker=checker, note="违诺认定经复核")
    consequence = rules.CONSEQUENCES[ctype.breach_consequence]
    if ctype.breach_consequence in rules.MATTER_CONSEQUENCES:
        # The licence or approval granted on the commitment is flagged wherever it appears until the
        # competent authority decides on it (remedies.selectors.record_flags).
        consequence += f"：{c.matter}" if c.matter else "（承诺未关联具体许可或审批记录，请人工处理）"
    if ctype.breach_consequence == "restore_publication":
        restored = []
        for app in RepairApplication.objects.filter(commitment=c, stage=RepairStage.GRANTED, record_key__isnull=False):
            records.restore_publication(app.record_key, maker=maker, checker=checker,
                                        reason=f"违反信用修复承诺 {c.code}，恢复公示至最长公示期")
            restored.append(app.number)
        consequence += f"（修复申请 {'、'.join(restored)} 所涉记录已恢复公示）" if restored else "（无已修复的记录）"
    return rec, consequence
