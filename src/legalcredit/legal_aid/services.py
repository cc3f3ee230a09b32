"""Scoring a legal aid case file, re-reviewing a failed one, and confirming the result, which
enters it as a 法律援助案件质量评查 credit record (maker: the officer who entered the score sheet;
checker: the one who confirms)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.domain import legal_aid as rules_of
from legalcredit.domain.identifiers import IdentifierError, uscc
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft
from legalcredit.refdata.rulesets import current
from legalcredit.remedies.services.common import different_officer, may, number, step, text, today

from .models import CaseQualityReview, Stage

CASE = "aid_review"
ADD, CONFIRM = "legal_aid.add_casequalityreview", "legal_aid.confirm_casequalityreview"
RECORD_KIND = "legal_aid_review"


def rules() -> rules_of.Rules:
    return current("legal_aid_quality")


def _scored(case_type: str, marks: dict, vetoes) -> rules_of.Scored:
    try:
        return rules().score(case_type, marks, vetoes)
    except rules_of.ScoreError as exc:
        raise field_error(exc.field, {"case_type": "案件类别", "vetoes": "否决情形"}.get(exc.field, "评查表"),
                          str(exc)) from None


def _plain(scored: rules_of.Scored) -> tuple[dict, list]:
    return {k: str(v) for k, v in scored.marks.items()}, list(scored.vetoes)


@transaction.atomic
def score(subject, *, by, case_no: str, case_type: str, case_closed_on: dt.date, method: str, authority: str,
          authority_uscc: str, reviewer_name: str, marks: dict, opinion: str, vetoes=(), reviewer_unit: str = "",
          institution=None, reviewed_on: dt.date | None = None) -> CaseQualityReview:
    """A reviewer's score sheet for one closed case, entered by a maker. A file in a band that must
    be re-reviewed waits for a second reviewer, on a working-day clock."""
    may(by, subject, ADD, "录入法律援助案件质量评查结果")
    r = rules()
    if subject.subject_type_id not in r.subject_types:
        raise field_error("subject", "承办人员", "只有承办法律援助案件的律师、法律援助人员或基层法律服务工作者可以评查")
    if institution is not None and institution.subject_type_id != "legal_aid_office":
        raise field_error("institution", "指派的法律援助机构", f"{institution.name} 不是法律援助机构")
    case_no = text(case_no, "case_no", "法律援助案号")
    if CaseQualityReview.objects.filter(subject=subject, case_no=case_no).exists():
        raise field_error("case_no", "法律援助案号", f"{subject.name} 承办的 {case_no} 已评查，更正请在评查结果记录中提出")
    if method not in r.methods:
        raise field_error("method", "评查方式", f"应为 {'、'.join(r.methods.values())} 之一")
    on = today(reviewed_on)
    if case_closed_on is None or case_closed_on > on:
        raise field_error("case_closed_on", "结案日期", f"必须填写，且不能晚于评查日期 {on}")
    try:
        code = uscc.validate(authority_uscc).value
    except IdentifierError as exc:
        raise field_error("authority_uscc", "组织机关统一社会信用代码", exc.message) from None
    result = _scored(case_type, marks, vetoes)
    given, fired = _plain(result)
    review = CaseQualityReview(
        subject=subject, institution=institution, case_no=case_no, case_type=case_type, case_closed_on=case_closed_on,
        method=method, authority=text(authority, "authority", "组织评查的机关"), authority_uscc=code,
        reviewer_name=text(reviewer_name, "reviewer_name", "评查人"), reviewer_unit=(reviewer_unit or "").strip(),
        reviewed_on=on, marks=given, vetoes=fired, total=result.total, band=result.band,
        opinion=text(opinion, "opinion", "评查意见"), entered_by=by,
        stage=Stage.REREVIEW if r.needs_rereview(result.band) else Stage.SCORED)
    review.save(force_insert=True)
    review.number = number("PC", on, review.pk)
    review.save(update_fields=["number"])
    step(CASE, review, f"评查：{result.total}分，{result.band}", by, on, review.opinion)
    if review.stage == Stage.REREVIEW:
        clocks.start(CASE, review.pk, r.rereview, subject=subject, on=on, assignee=by)
    return review


@transaction.atomic
def rereview(pk: int, *, by, reviewer_name: str, marks: dict, opinion: str, vetoes=(), reviewer_unit: str = "",
             on: dt.date | None = None) -> CaseQualityReview:
    """A second reviewer scores the failed file again; that result stands."""
    review = CaseQualityReview.objects.select_for_update().select_related("subject").get(pk=pk)
    may(by, review.subject, ADD, "录入复查结果")
    if review.stage != Stage.REREVIEW:
        raise ValidationError(f"评查 {review.number} 当前为“{review.get_stage_display()}”，无需复查")
    name = text(reviewer_name, "reviewer_name", "复查人")
    if name == review.reviewer_name:
        raise field_error("reviewer_name", "复查人", "复查须由原评查人以外的人员进行")
    on = today(on)
    result = _scored(review.case_type, marks, vetoes)
    review.rereview_marks, review.rereview_vetoes = _plain(result)
    review.rereviewer_name, review.rereviewer_unit, review.rereviewed_on = name, (reviewer_unit or "").strip(), on
    review.rereview_total, review.rereview_band = result.total, result.band
    review.rereview_opinion, review.stage = text(opinion, "opinion", "复查意见"), Stage.SCORED
    review.save()
    clocks.stop(CASE, review.pk, on)
    step(CASE, review, f"复查：{result.total}分，{result.band}", by, on, review.rereview_opinion)
    return review


@transaction.atomic
def confirm(pk: int, *, by, on: dt.date | None = None) -> CaseQualityReview:
    """A checker other than the officer who entered it confirms the result: it becomes the
    practitioner's 法律援助案件质量评查 record (entered in the maker's name, approved by the checker)."""
    review = CaseQualityReview.objects.select_for_update().select_related("subject", "entered_by").get(pk=pk)
    may(by, review.subject, CONFIRM, "确认评查结果")
    different_officer(by, review.entered_by, "评查结果确认")
    if review.stage != Stage.SCORED:
        raise ValidationError(f"评查 {review.number} 当前为“{review.get_stage_display()}”，不能确认")
    on = today(on)
    r = rules()
    sheet = r.checklists[review.case_type]
    vetoes = review.rereview_vetoes if review.rereview_band else review.vetoes
    content = (f"{sheet.name} {review.case_no}（{review.case_closed_on}结案），{r.methods[review.method]}，"
               f"得分{review.final_total}，等次{review.final_band}"
               + (f"；否决情形：{'、'.join(r.vetoes[v].name for v in vetoes)}" if vetoes else "")
               + (f"；经复查（原评{review.total}分，{review.band}）" if review.rereview_band else ""))
    basis = "《法律援助法》第五十七条、第五十九条"
    if vetoes:
        basis += "；" + "；".join(r.vetoes[v].legal_basis for v in vetoes)
    rec = records.submit(review.subject, Draft(
        kind=RECORD_KIND, subtype=review.final_band, decision_date=on, authority=review.authority,
        authority_uscc=review.authority_uscc, source_unit=review.authority, source_unit_uscc=review.authority_uscc,
        decision_no=f"法援评查〔{on.year}〕{review.number}号", legal_basis=basis, content=content),
        actor=review.entered_by, reason=f"法律援助案件质量评查 {review.number}")
    review.record = records.approve(rec.pk, checker=by, note=f"确认评查结果 {review.number}")
    review.stage, review.confirmed_by, review.confirmed_on = Stage.CONFIRMED, by, on
    review.save(update_fields=["record", "stage", "confirmed_by", "confirmed_on"])
    step(CASE, review, f"确认评查结果：{review.final_band}", by, on, content)
    return review
