"""Orchestration of evaluation work: the annual forensic grading, and reactions to record changes.

The forensic grading (司规〔2021〕4号 and provincial 实施细则, rules.md §1):
机构自评 → 市级初评 (with on-site check notes) → 省级审定 → 公示 → 公布. Every
step is a ``GradingStep`` with officer, date and opinion; a later stage may
send the case back one stage. A serious adverse record approved for an
institution that has been graded opens an event-driven re-evaluation at the
市级初评 stage.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.domain import scoring
from legalcredit.records.models import CreditRecord, Review, Severity
from legalcredit.refdata.selectors import work_calendar
from legalcredit.registry.models import Subject

from . import selectors, services
from .models import Evaluation, ForensicGrading, GradingStep

Stage = ForensicGrading.Stage
FORENSIC = "forensic_institution"
NEXT = {Stage.SELF: Stage.CITY, Stage.CITY: Stage.PROVINCE, Stage.PROVINCE: Stage.PUBLICITY}
BACK = {Stage.CITY: Stage.SELF, Stage.PROVINCE: Stage.CITY}
PERMISSION = {Stage.SELF: "evaluation.self_assess_forensicgrading",
              Stage.CITY: "evaluation.review_forensicgrading",
              Stage.PROVINCE: "evaluation.decide_forensicgrading"}


def _scheme_for(institution: Subject):
    picked = selectors.scheme_for(institution)
    if picked is None:
        raise ValidationError("司法鉴定机构没有已发布的评价方案，不能发起等级评估")
    return picked


def _system_evaluation(institution: Subject, year: int, day: dt.date) -> Evaluation:
    """The engine's score for ``year`` as the record stands on ``day``; stored, the current grade untouched."""
    row, scheme = _scheme_for(institution)
    if year == day.year:
        # An event-driven re-evaluation judges the current year to date, the event included.
        scheme, as_of = dataclasses.replace(scheme, year_offset=0), day
    else:
        as_of = min(day, dt.date(year - scheme.year_offset, 12, 31))
    evidence = selectors.evidence(institution.pk, institution.pk).get(institution.pk, [])
    result = scoring.evaluate(scheme, evidence, as_of)
    ev = services.snapshot(institution.pk, row, result, Evaluation.Trigger.WORKFLOW)
    ev.save(force_insert=True)
    return ev


@transaction.atomic
def open_annual(institution: Subject, year: int, *, by) -> ForensicGrading:
    if institution.subject_type_id != FORENSIC:
        raise ValidationError(f"“{institution.name}”不是司法鉴定机构")
    if by is not None:
        if not (by.has_perm(PERMISSION[Stage.CITY]) or by.has_perm(PERMISSION[Stage.PROVINCE])):
            raise PermissionDenied("您没有发起诚信等级评估的权限")
        if not scope_for(by).covers_subject(institution):
            raise PermissionDenied(f"“{institution.name}”不在您的辖区内")
    today = timezone.localdate()
    if year >= today.year:
        raise field_error("year", "评估年度", f"{year}年度尚未结束，评估对象是上一自然年度的执业情况")
    if ForensicGrading.objects.filter(institution=institution, year=year, round=ForensicGrading.Round.ANNUAL).exists():
        raise field_error("year", "评估年度", f"{institution.name} {year}年度的评估已经发起")
    system = _system_evaluation(institution, year, today)
    g = ForensicGrading.objects.create(institution=institution, year=year, scheme=system.scheme,
                                       system_evaluation=system)
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="evaluation.forensicgrading", object_id=g.pk,
          summary=f"发起{institution.name} {year}年度诚信等级评估（系统计分 {system.score}，{system.grade}）")
    return g


def open_all(year: int, *, by) -> int:
    """Open the year's grading for every forensic institution in the officer's jurisdiction."""
    from legalcredit.accounts.policy import filter_subjects

    done = 0
    qs = filter_subjects(Subject.objects.filter(subject_type_id=FORENSIC), scope_for(by)) if by else \
        Subject.objects.filter(subject_type_id=FORENSIC)
    for inst in qs.exclude(forensic_gradings__year=year, forensic_gradings__round=ForensicGrading.Round.ANNUAL):
        open_annual(inst, year, by=by)
        done += 1
    return done


def _locked(grading_id: int) -> ForensicGrading:
    return ForensicGrading.objects.select_for_update(of=("self",)).select_related("institution", "scheme") \
        .get(pk=grading_id)


def _may_act(g: ForensicGrading, by, stage: str) -> None:
    if not by.has_perm(PERMISSION[stage]):
        raise PermissionDenied(f"您没有“{Stage(stage).label}”的权限")
    if not scope_for(by).covers_subject(g.institution):
        raise PermissionDenied(f"“{g.institution.name}”不在您的辖区内")
    if stage != Stage.SELF and g.steps.filter(officer=by, action="submit").exclude(stage=Stage.SELF).exists():
        raise PermissionDenied("同一人员不能既初评又审定同一机构（初评与审定须由不同人员完成）")


@transaction.atomic
def submit(grading_id: int, *, by, opinion: str, grade: str, score: Decimal | None = None,
           onsite_notes: str = "") -> ForensicGrading:
    g = _locked(grading_id)
    if g.stage not in NEXT:
        raise ValidationError(f"该评估处于“{g.get_stage_display()}”环节，不能再提交")
    _may_act(g, by, g.stage)
    opinion = (opinion or "").strip()
    if not opinion:
        raise field_error("opinion", "意见", "必须填写")
    scheme = selectors.parsed(g.scheme)
    if grade not in {b.code for b in scheme.bands}:
        raise field_error("grade", "等级", f"“{grade}”不是本方案的等级（{'、'.join(b.code for b in scheme.bands)}）")
    if score is not None and not scheme.min <= Decimal(score) <= scheme.max:
        raise field_error("score", "评分", f"应在{scheme.min}至{scheme.max}之间")
    if g.stage == Stage.CITY and not (onsite_notes or "").strip():
        raise field_error("onsite_notes", "现场核查情况", "市级初评须记录现场核查情况")
    today = timezone.localdate()
    GradingStep.objects.create(grading=g, stage=g.stage, action="submit", officer=by, on=today, score=score,
                               grade=grade, opinion=opinion, onsite_notes=(onsite_notes or "").strip())
    if g.stage == Stage.PROVINCE:
        g.final_grade = grade
        g.publicity_from = today
        g.publicity_until = work_calendar().add_working_days(today, scheme.publicity_working_days or 5)
    g.stage = NEXT[g.stage]
    g.save()
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="evaluation.forensicgrading", object_id=g.pk,
          summary=f"{g.institution.name} {g.year}年度评估：提交，进入“{g.get_stage_display()}”", reason=opinion)
    return g


@transaction.atomic
def send_back(grading_id: int, *, by, opinion: str) -> ForensicGrading:
    g = _locked(grading_id)
    if g.stage not in BACK:
        raise ValidationError(f"“{g.get_stage_display()}”环节不能退回")
    _may_act(g, by, g.stage)
    opinion = (opinion or "").strip()
    if not opinion:
        raise field_error("opinion", "意见", "退回须说明理由")
    GradingStep.objects.create(grading=g, stage=g.stage, action="return", officer=by,
                               on=timezone.localdate(), opinion=opinion)
    g.stage = BACK[g.stage]
    g.save(update_fields=["stage"])
    audit(action=AuditEntry.Action.REJECT, actor=by, object_type="evaluation.forensicgrading", object_id=g.pk,
          summary=f"{g.institution.name} {g.year}年度评估：退回“{g.get_stage_display()}”", reason=opinion)
    return g


@transaction.atomic
def end_publicity(today: dt.date | None = None) -> int:
    """Grades whose publicity period has run out become final (daily job)."""
    today = today or timezone.localdate()
    due = list(ForensicGrading.objects.select_for_update().filter(stage=Stage.PUBLICITY, publicity_until__lt=today))
    for g in due:
        g.stage, g.published_on = Stage.PUBLISHED, today
        g.save(update_fields=["stage", "published_on"])
        audit(action=AuditEntry.Action.PUBLISH, object_type="evaluation.forensicgrading", object_id=g.pk,
              summary=f"公布{g.institution_id}号机构 {g.year}年度诚信等级 {g.final_grade}（公示期满）")
    return len(due)


@transaction.atomic
def reopen_on_event(record_ids: list[int]) -> list[ForensicGrading]:
    """A serious adverse record for a graded forensic institution opens a re-evaluation."""
    opened = []
    serious = (CreditRecord.objects.filter(pk__in=record_ids, review=Review.APPROVED, severity=Severity.SERIOUS,
                                           subject__subject_type_id=FORENSIC).select_related("subject"))
    for rec in serious:
        last = ForensicGrading.objects.filter(institution=rec.subject).order_by("-year", "-opened_at").first()
        if last is None or ForensicGrading.objects.filter(
                institution=rec.subject, round=ForensicGrading.Round.EVENT,
                stage__in=[Stage.SELF, Stage.CITY, Stage.PROVINCE]).exists():
            continue
        today = timezone.localdate()
        system = _system_evaluation(rec.subject, today.year, today)
        g = ForensicGrading.objects.create(institution=rec.subject, year=today.year, round=ForensicGrading.Round.EVENT,
                                           stage=Stage.CITY, scheme=system.scheme, system_evaluation=system,
                                           trigger_record=rec)
        audit(action=AuditEntry.Action.CREATE, object_type="evaluation.forensicgrading", object_id=g.pk,
              summary=f"因严重失信记录 {rec.number} 对{rec.subject.name}启动重新评估")
        opened.append(g)
    return opened
