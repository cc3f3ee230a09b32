"""Satisfaction ratings: taking a rating (from a service system through the API, or entered at the
window by an officer), following up a bad review within its time limit, and tallying a round's
ratings into one 满意度评价 credit record per subject, in one batch a checker approves whole.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from legalcredit.accounts.policy import scope_for
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.core.models import ImportBatch
from legalcredit.deadlines import services as clocks
from legalcredit.domain import satisfaction as rules_of
from legalcredit.domain.identifiers import IdentifierError, uscc
from legalcredit.records import rules as record_rules
from legalcredit.records.bulk import RecordWriter
from legalcredit.records.models import CreditRecord, Review
from legalcredit.records.prepare import Draft, prepare
from legalcredit.refdata.rulesets import current
from legalcredit.registry.models import Subject
from legalcredit.remedies.services.common import may, text, today

from .models import FollowUp, SatisfactionRating

CASE = "rating"
ADD, FOLLOW_UP = "satisfaction.add_satisfactionrating", "satisfaction.follow_up_satisfactionrating"
TALLY = "satisfaction.tally_satisfactionrating"
BATCH_KIND = "records.satisfaction"


def rules() -> rules_of.Rules:
    return current("satisfaction")


@transaction.atomic
def rate(subject, *, by, channel: str, service: str, service_ref: str, served_on: dt.date, level: int,
         comment: str = "", rater_name: str = "", rater_contact: str = "") -> tuple[SatisfactionRating, bool]:
    """One rating of one service; returns it and whether it is new. The same service rated again
    through the same channel is refused (服务一次、评价一次), except an identical resend, which
    returns the first (a system retrying after a lost answer)."""
    r = rules()
    may(by, subject, ADD, "登记满意度评价")
    if service not in r.services:
        raise field_error("service", "服务事项", f"应为 {'、'.join(f'{k}（{v}）' for k, v in r.services.items())} 之一")
    if level not in r.levels:
        raise field_error("level", "评价等级", "应为 " + "、".join(f"{v.value}（{v.name}）" for v in
                                                           sorted(r.levels.values(), key=lambda v: -v.value)) + " 之一")
    service_ref = text(service_ref, "service_ref", "办件编号")
    channel = text(channel, "channel", "评价渠道")
    if served_on > today():
        raise field_error("served_on", "服务日期", "不能晚于今天")
    comment = (comment or "").strip()
    if r.levels[level].bad and not comment:
        raise field_error("comment", "评价意见", "差评须说明不满意的原因，以便回访核实")
    earlier = SatisfactionRating.objects.filter(channel=channel, service_ref=service_ref).first()
    if earlier is not None:
        if (earlier.subject_id, earlier.service, earlier.level, earlier.served_on, earlier.comment) == \
                (subject.pk, service, level, served_on, comment):
            return earlier, False
        raise field_error("service_ref", "办件编号", f"{service_ref} 已于{timezone.localdate(earlier.rated_at)}评价"
                                                     "（服务一次、评价一次）")
    rating = SatisfactionRating(subject=subject, service=service, service_ref=service_ref, channel=channel,
                                served_on=served_on, rated_at=timezone.now(), level=level, comment=comment,
                                rater_name=(rater_name or "").strip(), rater_contact=(rater_contact or "").strip(),
                                submitted_by=by, follow_up=FollowUp.OPEN if r.levels[level].bad else FollowUp.NONE)
    try:
        with transaction.atomic():
            rating.save(force_insert=True)
    except IntegrityError:   # the same service rated at the same moment through the same channel
        raise field_error("service_ref", "办件编号", f"{service_ref} 已评价（服务一次、评价一次）") from None
    if rating.follow_up == FollowUp.OPEN:
        clocks.start(CASE, rating.pk, r.follow_up, subject=subject, on=today())
    audit(action=AuditEntry.Action.CREATE, actor=by, object_type="satisfaction.satisfactionrating",
          object_id=rating.pk, summary=f"满意度评价：{subject.name} {r.services[service]} {r.levels[level].name}")
    return rating, True


@transaction.atomic
def follow_up(pk: int, *, by, outcome: str, note: str, on: dt.date | None = None) -> SatisfactionRating:
    """差评回访: the officer records what the check found and what was done; the clock stops."""
    rating = SatisfactionRating.objects.select_for_update(of=("self",)).select_related("subject").get(pk=pk)
    may(by, rating.subject, FOLLOW_UP, "办理差评回访")
    if rating.follow_up != FollowUp.OPEN:
        raise ValidationError("该评价不是待回访的差评")
    r = rules()
    if outcome not in r.outcomes:
        raise field_error("outcome", "核实结果", f"应为 {'、'.join(r.outcomes.values())} 之一")
    on = today(on)
    if on < timezone.localdate(rating.rated_at):
        raise field_error("on", "办结日期", "不能早于评价日期")
    rating.outcome, rating.follow_up_note = outcome, text(note, "note", "回访核实和整改情况")
    rating.follow_up, rating.followed_up_on, rating.followed_up_by = FollowUp.DONE, on, by
    rating.save(update_fields=["outcome", "follow_up_note", "follow_up", "followed_up_on", "followed_up_by"])
    clocks.stop(CASE, rating.pk, on)
    audit(action=AuditEntry.Action.UPDATE, actor=by, object_type="satisfaction.satisfactionrating",
          object_id=rating.pk, summary=f"差评回访办结：{r.outcomes[outcome]}", reason=rating.follow_up_note[:300])
    return rating


class _Subject(NamedTuple):
    """What a record's preparation needs of its subject, without loading (and unsealing) it whole."""
    pk: int
    subject_type_id: str
    name: str


@dataclass
class TallyResult:
    round_name: str
    batch: ImportBatch | None
    written: list[str] = field(default_factory=list)      # subjects with a new record or version
    unchanged: int = 0
    too_few: int = 0
    open_follow_ups: int = 0     # bad reviews of the round still being followed up (counted as they stand)


def _decision_no(r: rules_of.Rules, start: dt.date) -> str:
    return f"满意度评价（{r.round_name(start)}）"


@transaction.atomic
def tally(*, by, day_in_round: dt.date, authority: str, authority_uscc: str) -> TallyResult:
    """Tally a finished round for every subject in the officer's scope rated in it: one 满意度评价
    record per subject with enough ratings (a changed tally of a round already tallied is a new
    version), all in one batch for a checker; nothing is written if any subject cannot be."""
    if not by.has_perm(TALLY):
        raise ValidationError("您没有汇总满意度评价的权限")
    r = rules()
    start, end = r.round_of(day_in_round)
    if end >= today():
        raise field_error("round", "评价期", f"{r.round_name(start)}至{end}结束，结束后才能汇总")
    authority = text(authority, "authority", "决定机关")
    try:
        authority_uscc = uscc.validate(authority_uscc).value
    except IdentifierError as exc:
        raise field_error("authority_uscc", "决定机关统一社会信用代码", exc.message) from None
    from legalcredit.accounts.policy import filter_subjects

    # Counted by the database: a province's quarter may hold millions of ratings.
    ratings = filter_subjects(SatisfactionRating.objects.filter(served_on__gte=start, served_on__lte=end),
                              scope_for(by), "subject")
    counts: dict[int, Counter] = defaultdict(Counter)
    services_of: dict[int, set] = defaultdict(set)
    result = TallyResult(r.round_name(start), None)
    for subject_id, level, outcome, follow_up, service, n in (
            ratings.values_list("subject_id", "level", "outcome", "follow_up", "service")
            .annotate(n=Count("id")).order_by()):
        counts[subject_id][(level, outcome)] += n
        services_of[subject_id].add(service)
        result.open_follow_ups += n if follow_up == FollowUp.OPEN else 0
    tallies = {sid: r.tally_counts(c) for sid, c in counts.items()}
    result.too_few = sum(1 for t in tallies.values() if t.subtype is None)
    due = sorted(sid for sid, t in tallies.items() if t.subtype is not None)
    decision_no = _decision_no(r, start)
    scope = scope_for(by)
    if not scope.covers_kind(r.record_kind):
        raise PermissionDenied(f"您的角色不能录入{record_rules.kind_name(r.record_kind)}信息")
    newest: dict[int, dict] = {}
    tops: dict = {}
    subjects = {}
    for chunk in range(0, len(due), 1000):    # SQLite caps a statement's parameters
        part = due[chunk:chunk + 1000]
        for rec in (CreditRecord.objects.filter(subject_id__in=part, kind=r.record_kind, decision_no=decision_no)
                    .order_by("version", "pk").values("subject_id", "key", "version", "review", "is_current",
                                                       "subtype", "content")):
            newest[rec["subject_id"]] = rec
            tops[rec["key"]] = max(tops.get(rec["key"], 0), rec["version"])
        subjects.update({pk: _Subject(pk, kind, name) for pk, kind, name in Subject.objects.filter(
            pk__in=part).values_list("pk", "subject_type_id", "name")})
    reason = f"满意度评价汇总（{result.round_name}）"
    ctx, day, rows = record_rules.snapshot(), today(), []
    for sid in due:
        subject, t, last = subjects[sid], tallies[sid], newest.get(sid)
        names = sorted(r.services.get(code, code) for code in services_of[sid])
        content = f"{result.round_name}满意度评价：{t.describe()}。服务事项：{'、'.join(names)}。"
        if last is not None and last["review"] == Review.PENDING:
            raise ValidationError(f"{subject.name}的{decision_no}记录有待审核的版本，请先完成审核再汇总")
        if last is not None and last["is_current"] and (last["subtype"], last["content"]) == (t.subtype, content):
            result.unchanged += 1
            continue
        prepared = prepare(subject, Draft(kind=r.record_kind, decision_date=end, subtype=t.subtype,
                                          authority=authority, authority_uscc=authority_uscc, source_unit=authority,
                                          source_unit_uscc=authority_uscc, decision_no=decision_no,
                                          content=content, legal_basis=r.legal_basis),
                           today=day, ctx=ctx, priors=lambda pk, on: ())
        if not prepared.ok:
            raise ValidationError(f"{subject.name}：" + "；".join(f"{f}：{m}" for f, m in prepared.errors))
        values = prepared.values
        if last is not None and last["is_current"]:    # the round tallied again: the record's next version
            values["key"], values["version"] = last["key"], tops[last["key"]] + 1
        rows.append(values)
        result.written.append(subject.name)
    if rows:
        # Written as an import writes a file (COPY on PostgreSQL), for the checker to decide whole.
        result.batch = ImportBatch.objects.create(kind=BATCH_KIND, source=reason, created_by=by, rows=len(rows),
                                                  parameters={"round": start.isoformat(), "reason": reason})
        writer = RecordWriter(result.batch.pk, by, reason)
        for chunk in range(0, len(rows), 2000):
            writer.write(rows[chunk:chunk + 2000])
        writer.finish()
        audit(action=AuditEntry.Action.BULK, actor=by, object_type="core.importbatch", object_id=result.batch.pk,
              reason=reason, summary=f"{reason}：{len(rows)}条满意度评价记录（待审核）")
    return result
