"""Writes for evaluation: scheme drafts and publication, and (re)computing grades.

Grades are computed in chunks of subjects by id range: one query for the
subjects, one for their evidence, one for their current grades, then bulk
writes of only what changed. Memory stays flat whatever the registry size.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.domain import scoring, yamlpos
from legalcredit.registry.models import Subject

from . import selectors, writer
from .models import Evaluation, EvaluationRun, Scheme, SubjectGrade

SHIPPED = Path(__file__).resolve().parent / "schemes"
PUBLISH_PERMISSION = "evaluation.publish_scheme"
CHUNK = 5000


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "原因", "必须填写（每一项变更都须说明原因）")
    return reason


def check(text: str) -> scoring.Scheme:
    """The parsed scheme, or a ValidationError listing each problem with its line."""
    try:
        return selectors.parse(text)
    except scoring.SchemeError as exc:
        raise ValidationError({"document": [str(p) for p in exc.problems]}) from None
    except yamlpos.YamlError as exc:
        raise ValidationError({"document": [str(exc)]}) from None


@transaction.atomic
def save_draft(text: str, *, by=None, origin: str = Scheme.Origin.PROVINCE) -> Scheme:
    """Store a scheme document as a draft; it must already be valid to be stored."""
    parsed = check(text)
    row = Scheme.objects.filter(code=parsed.code, version=parsed.version).first()
    if row and row.state != Scheme.State.DRAFT:
        raise field_error("document", "方案文件", f"{parsed.code} 版本 {parsed.version} 已{row.get_state_display()}，"
                                                 "修改须使用新的版本号")
    row = row or Scheme(code=parsed.code, version=parsed.version, created_by=by, origin=origin)
    row.name, row.document = parsed.name, text
    row.subject_types, row.region, row.problems = sorted(parsed.subject_types), parsed.region, []
    row.save()
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="evaluation.scheme", object_id=row.pk,
          summary=f"保存评价方案草稿 {row.code} {row.version}")
    return row


def _conflicts(row: Scheme, parsed: scoring.Scheme) -> list[str]:
    out = []
    for other_row, other in selectors.published():
        if other.code == parsed.code:
            continue
        shared = parsed.subject_types & other.subject_types
        if shared and other.region == parsed.region:
            out.append(f"与已发布方案“{other.name}”（{other.code}）同时适用于 "
                       f"{'、'.join(sorted(shared))}、区划“{parsed.region or '全部'}”")
    return out


@transaction.atomic
def publish(row: Scheme, *, by, reason: str) -> Scheme:
    """Make a draft the scheme in force for its subject types (retiring its earlier version)."""
    reason = _reason(reason)
    if by is not None and not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("您没有发布评价方案的权限")
    row = Scheme.objects.select_for_update().get(pk=row.pk)
    if row.state != Scheme.State.DRAFT:
        raise ValidationError(f"该方案已{row.get_state_display()}，只能发布草稿")
    parsed = check(row.document)
    problems = _conflicts(row, parsed)
    if problems:
        raise ValidationError({"document": problems})
    now = timezone.now()
    Scheme.objects.filter(code=row.code, state=Scheme.State.PUBLISHED).update(
        state=Scheme.State.RETIRED, retired_at=now)
    row.state, row.published_by, row.published_at = Scheme.State.PUBLISHED, by, now
    row.save(update_fields=["state", "published_by", "published_at"])
    audit(action=AuditEntry.Action.PUBLISH, actor=by, object_type="evaluation.scheme", object_id=row.pk,
          summary=f"发布评价方案 {row.code} {row.version}", reason=reason)
    _recompute_later(parsed.subject_types)
    return row


def _recompute_later(types) -> None:
    from .tasks import recompute_for_types

    types = sorted(types)
    transaction.on_commit(lambda: recompute_for_types(types))


@transaction.atomic
def retire(row: Scheme, *, by, reason: str) -> Scheme:
    reason = _reason(reason)
    if by is not None and not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("您没有停用评价方案的权限")
    row = Scheme.objects.select_for_update().get(pk=row.pk)
    if row.state != Scheme.State.PUBLISHED:
        raise ValidationError("只能停用已发布的方案")
    row.state, row.retired_at = Scheme.State.RETIRED, timezone.now()
    row.save(update_fields=["state", "retired_at"])
    _recompute_later(row.subject_types)
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="evaluation.scheme", object_id=row.pk,
          summary=f"停用评价方案 {row.code} {row.version}", reason=reason)
    return row


def load_shipped(force: bool = False) -> int:
    """Publish the package's schemes; a code with a province edition in force is left alone."""
    count = 0
    for path in sorted(SHIPPED.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        parsed = check(text)
        current = Scheme.objects.filter(code=parsed.code, state=Scheme.State.PUBLISHED).first()
        if current and (current.version == parsed.version
                        or (current.origin == Scheme.Origin.PROVINCE and not force)):
            continue
        with transaction.atomic():
            row = Scheme.objects.filter(code=parsed.code, version=parsed.version).first()
            if row is None or row.state == Scheme.State.DRAFT:
                row = save_draft(text, origin=Scheme.Origin.PACKAGE)
            if row.state == Scheme.State.RETIRED:
                continue
            publish(row, by=None, reason="随软件发布的评价方案（refdata load）")
        count += 1
    return count


# --- computing grades --------------------------------------------------------

def digest(result: scoring.Result, data: dict | None = None) -> str:
    """Identifies an outcome regardless of the day it was computed on (``data``: its JSON, if made)."""
    data = dict(data or result.to_json())
    del data["as_of"]
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@dataclass
class Tally:
    subjects: int = 0
    changed: int = 0
    not_evaluated: int = 0
    grades: Counter = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        self.subjects += other.subjects
        self.changed += other.changed
        self.not_evaluated += other.not_evaluated
        self.grades.update(other.grades)


def _subjects(lo: int, hi: int | None, ids: Iterable[int] | None, types: frozenset[str] | None):
    qs = Subject.objects.order_by("pk").filter(pk__gte=lo)
    if hi is not None:
        qs = qs.filter(pk__lte=hi)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    if types is not None:
        qs = qs.filter(subject_type_id__in=types)
    return qs.values_list("pk", "subject_type_id", "region_id")


def _chunks(ids: list[int] | None, types: frozenset[str] | None, size: int, lo: int = 0, hi: int | None = None):
    """Lists of (id, type, region), CHUNK at a time, in id order (keyset pagination), ids in [lo, hi]."""
    if ids is not None:
        ids = sorted(set(ids))
        for i in range(0, len(ids), size):
            part = ids[i:i + size]
            yield list(_subjects(part[0], part[-1], part, types))
        return
    while True:
        rows = list(_subjects(lo, hi, None, types)[:size])
        if not rows:
            return
        yield rows
        lo = rows[-1][0] + 1


def snapshot(subject_id: int, row: Scheme, result: scoring.Result, trigger: str, dig: str = "") -> Evaluation:
    """An unsaved Evaluation holding ``result`` exactly as it will be explained."""
    return Evaluation(subject_id=subject_id, scheme=row, as_of=result.as_of, score=result.score, grade=result.grade,
                      score_grade=result.score_grade, vetoed=bool(result.vetoes), explanation=result.to_json(),
                      digest=dig or digest(result), trigger=trigger)


def _evaluate_chunk(rows, choose: selectors.Chooser, as_of: dt.date, trigger: str, tally: Tally) -> None:
    lo, hi = rows[0][0], rows[-1][0]
    evidence = selectors.evidence(lo, hi, choose.penalty_types)
    current = {sid: (state, scheme_id, grade, dig) for sid, state, scheme_id, grade, dig in
               SubjectGrade.objects.filter(subject_id__gte=lo, subject_id__lte=hi).order_by()
               .values_list("subject_id", "state", "scheme_id", "grade", "digest")}
    now = timezone.now()
    new_evals, grades = [], []
    for sid, stype, region in rows:
        tally.subjects += 1
        picked = choose(stype, region)
        old = current.get(sid)
        if picked is None:
            tally.not_evaluated += 1
            tally.grades["未评价"] += 1
            if old is None or old[0] != SubjectGrade.State.NOT_EVALUATED:
                grades.append(writer.Current(sid, SubjectGrade.State.NOT_EVALUATED, None, None, "", None, "", "", now,
                                             new=old is None))
                tally.changed += 1
            continue
        row, scheme = picked
        result = scoring.evaluate(scheme, evidence.get(sid, ()), as_of)
        tally.grades[f"{scheme.code}:{result.grade}"] += 1
        data = result.to_json()
        dig = digest(result, data)
        if old is not None and old[3] == dig and old[1] == row.pk:
            continue
        tally.changed += 1
        snap = writer.Snapshot(sid, row.pk, result.as_of, result.score, result.grade, result.score_grade,
                               bool(result.vetoes), data, dig, trigger)
        new_evals.append(snap)
        sup = scheme.band(result.grade).supervision
        same_grade = old is not None and old[2] == result.grade and old[1] == row.pk
        grades.append(writer.Current(sid, SubjectGrade.State.EVALUATED, row.pk, snap, result.grade, result.score,
                                     sup.klass if sup else "", dig, None if same_grade else now, new=old is None))
    writer.store(new_evals, grades, now)


def evaluate_subjects(ids: Iterable[int] | None = None, *, trigger: str = Evaluation.Trigger.RECORD_CHANGE,
                      as_of: dt.date | None = None, progress: Callable[[int], None] | None = None,
                      types: frozenset[str] | None = None, workers: int | None = None) -> Tally:
    """Recompute current grades for ``ids`` (all subjects when None); store only changed outcomes.

    A pass over all subjects is spread over ``workers`` processes (default: the setting
    EVALUATION_WORKERS, one per core) when the registry is large enough to repay starting them."""
    as_of = as_of or timezone.localdate()
    if ids is None:
        from . import workers as pool

        parts = pool.ranges(types, workers)
        if parts:
            return pool.evaluate_ranges(parts, as_of=as_of, trigger=trigger, types=types, progress=progress,
                                        workers=workers)
    return evaluate_range(list(ids) if ids is not None else None, as_of=as_of, trigger=trigger, types=types,
                          progress=progress)


def evaluate_range(ids: list[int] | None, *, as_of: dt.date, trigger: str, types: frozenset[str] | None,
                   lo: int = 0, hi: int | None = None, progress: Callable[[int], None] | None = None) -> Tally:
    """One process's share of an evaluation: ``ids``, or every subject with an id in [lo, hi]."""
    choose = selectors.Chooser(selectors.published())
    tally = Tally()
    for rows in _chunks(ids, types, CHUNK, lo, hi):
        if rows:
            _evaluate_chunk(rows, choose, as_of, trigger, tally)
            if progress:
                progress(len(rows))
    return tally


def recompute_all(*, by=None, trigger: str = Evaluation.Trigger.FULL,
                  progress: Callable[[int], None] | None = None, workers: int | None = None) -> EvaluationRun:
    run = EvaluationRun.objects.create(kind=EvaluationRun.Kind.FULL, started_by=by, as_of=timezone.localdate())
    tally = evaluate_subjects(None, trigger=trigger, as_of=run.as_of, progress=progress, workers=workers)
    run.subjects, run.changed, run.finished_at = tally.subjects, tally.changed, timezone.now()
    run.summary = {"not_evaluated": tally.not_evaluated, "grades": dict(sorted(tally.grades.items()))}
    run.save(update_fields=["subjects", "changed", "finished_at", "summary"])
    return run


def evaluate_on(subject: Subject, day: dt.date, *, known_then: bool = True,
                picked: tuple[Scheme, scoring.Scheme] | None = None) -> scoring.Result | None:
    """The grade ``subject`` had (or would have had) on ``day``; nothing is stored.

    ``known_then`` uses the records as the platform held them that day, which
    reproduces the grade shown then; otherwise today's corrected records are
    judged as of that day. The scheme is the one in force now.
    """
    picked = picked or selectors.scheme_for(subject)
    if picked is None:
        return None
    if known_then:
        evidence = selectors.evidence_known_on(subject.pk, day)
    else:
        evidence = selectors.evidence(subject.pk, subject.pk).get(subject.pk, [])
    return scoring.evaluate(picked[1], evidence, day)


SAMPLE = 200


def what_if(row: Scheme, *, by=None, progress: Callable[[int], None] | None = None) -> EvaluationRun:
    """Apply a draft to every subject it would cover and compare with the grades in force. Nothing changes."""
    if by is not None and not by.has_perm("evaluation.run_evaluation"):
        raise PermissionDenied("您没有运行模拟评价的权限")
    draft = check(row.document)
    as_of = timezone.localdate()
    run = EvaluationRun.objects.create(kind=EvaluationRun.Kind.WHAT_IF, scheme=row, started_by=by, as_of=as_of)
    before, after, moves = Counter(), Counter(), Counter()
    sample, changed, total = [], 0, 0
    for rows in _chunks(None, frozenset(draft.subject_types), CHUNK):
        rows = [r for r in rows if r[2].startswith(draft.region)]
        if not rows:
            continue
        lo, hi = rows[0][0], rows[-1][0]
        evidence = selectors.evidence(lo, hi)
        current = dict(SubjectGrade.objects.filter(subject_id__gte=lo, subject_id__lte=hi)
                       .values_list("subject_id", "grade"))
        scores = dict(SubjectGrade.objects.filter(subject_id__gte=lo, subject_id__lte=hi)
                      .values_list("subject_id", "score"))
        for sid, _, _ in rows:
            result = scoring.evaluate(draft, evidence.get(sid, ()), as_of)
            old = current.get(sid) or "未评价"
            total += 1
            before[old] += 1
            after[result.grade] += 1
            if old != result.grade:
                changed += 1
                moves[f"{old}→{result.grade}"] += 1
                if len(sample) < SAMPLE:
                    sample.append([sid, old, result.grade, str(scores.get(sid) or ""), str(result.score)])
        if progress:
            progress(len(rows))
    names = dict(Subject.objects.filter(pk__in=[s[0] for s in sample]).values_list("pk", "name"))
    run.subjects, run.changed, run.finished_at = total, changed, timezone.now()
    run.summary = {"before": dict(before), "after": dict(after), "moves": dict(moves.most_common()),
                   "grades": [b.code for b in draft.bands],
                   "sample": [[sid, names.get(sid, ""), *rest] for sid, *rest in sample]}
    run.save(update_fields=["subjects", "changed", "finished_at", "summary"])
    return run
