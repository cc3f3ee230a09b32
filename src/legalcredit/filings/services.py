"""Writes of penalty filings (处罚报送): open a filing for each approved penalty a city files, the
city's filing and its updates of rectification, and the province's signature or return. Rules:
the ``penalty_filings`` rule set (domain/filings.py)."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from legalcredit.accounts.policy import may_in_region
from legalcredit.audit.models import AuditEntry
from legalcredit.audit.services import record as audit
from legalcredit.core.errors import field_error
from legalcredit.deadlines import services as clocks
from legalcredit.deadlines.models import CaseType, Clock
from legalcredit.domain import filings as rules_of
from legalcredit.records.models import CreditRecord, Review, Status
from legalcredit.records.selectors import approved_since
from legalcredit.records.signals import CHUNK
from legalcredit.refdata.models import Region
from legalcredit.refdata.rulesets import current
from legalcredit.refdata.selectors import work_calendar
from legalcredit.remedies.services import materials
from legalcredit.remedies.services.common import step, text, today

from .models import PenaltyFiling, Stage

CASE = CaseType.FILING
FILE = "filings.file_penaltyfiling"
RECEIVE = "filings.receive_penaltyfiling"
# The nightly pass looks back this far for approved penalties a signal missed.
SWEEP_DAYS = 7


def rules() -> rules_of.Rules:
    return current("penalty_filings")


def _city(code: str) -> Region | None:
    """The region right under the province that ``code`` lies in (a city, or a county the
    province governs directly); None for the province itself or an unknown code."""
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None or region.level == Region.Level.PROVINCE:
        return None
    while region.parent is not None and region.parent.level != Region.Level.PROVINCE:
        region = Region.objects.select_related("parent").get(pk=region.parent_id)
    return region


def filing_region(rec: CreditRecord, cities: dict[str, Region | None] | None = None) -> Region | None:
    """The city whose bureau files ``rec``: where the deciding authority is (its USCC's region
    code), else where the subject is registered. ``cities`` remembers codes already looked up
    (an import's penalties share a few authorities)."""
    cities = {} if cities is None else cities

    def city(code: str) -> Region | None:
        if code not in cities:
            cities[code] = _city(code)
        return cities[code]

    return (city(rec.authority_uscc[2:8]) if len(rec.authority_uscc) == 18 else None) or city(rec.subject.region_id)


def open_filings(record_ids, on: dt.date | None = None) -> list[PenaltyFiling]:
    """A filing for each approved, current record among ``record_ids`` that the rule set files,
    once per record (a correction keeps the filing), its clock running from the day the penalty
    took effect."""
    r = rules()
    on = on or timezone.localdate()
    recs = list(CreditRecord.objects.filter(pk__in=list(record_ids), is_current=True, review=Review.APPROVED,
                                            kind__in=sorted(r.record_kinds))
                .exclude(status__in=[Status.WITHDRAWN, Status.REVOKED]).select_related("subject"))
    opened = set(PenaltyFiling.objects.filter(record_key__in=[rec.key for rec in recs])
                 .values_list("record_key", flat=True))
    made, cities = [], {}
    for rec in recs:
        effective = rec.effective_from or rec.decision_date
        if rec.key in opened or not r.files(rec.kind, rec.authority_level) or (
                effective < on - dt.timedelta(days=r.open_within_days)):
            continue
        region = filing_region(rec, cities)
        if region is None:
            continue
        try:
            with transaction.atomic():
                filing = PenaltyFiling.objects.create(
                    record_key=rec.key, record=rec, subject=rec.subject, region=region, effective_on=effective,
                    opened_on=on, due_on=r.due(work_calendar(), effective))
                clocks.start(CASE, filing.pk, r.deadline, subject=rec.subject, on=effective)
                audit(action=AuditEntry.Action.CREATE, actor=None, object_type="filings.penaltyfiling",
                      object_id=filing.pk, summary=f"列入报送{r.receiver}：{region.name} {filing}")
        except IntegrityError:      # opened at the same moment by another worker
            continue
        made.append(filing)
    return made


def open_recent(on: dt.date | None = None) -> int:
    """The nightly pass: approved penalties of the last SWEEP_DAYS with no filing yet (a batch's
    records are not announced one by one; a signal lost to a crash is caught here)."""
    on = on or timezone.localdate()
    ids = list(approved_since(rules().record_kinds, on - dt.timedelta(days=SWEEP_DAYS))
               .exclude(key__in=PenaltyFiling.objects.values("record_key")).values_list("pk", flat=True))
    return sum(len(open_filings(ids[i:i + CHUNK], on)) for i in range(0, len(ids), CHUNK))


def _locked(filing_id: int) -> PenaltyFiling:
    return PenaltyFiling.objects.select_for_update(of=("self",)).select_related("subject", "record").get(pk=filing_id)


def _rectification(r: rules_of.Rules, state: str, note: str) -> tuple[str, str]:
    if state not in r.rectification:
        raise field_error("rectification", "整改情况", f"须为{'、'.join(r.rectification.values())}之一")
    note = (note or "").strip()
    if not note and state not in r.without_note:
        raise field_error("rectification_note", "整改情况说明", "须写明整改的措施、进度或未整改的原因")
    return state, note


@transaction.atomic
def file(filing_id: int, *, by, facts: str, legal_basis: str, rectification: str, rectification_note: str = "",
         document: tuple[str, bytes] | None = None, on: dt.date | None = None) -> PenaltyFiling:
    """The city's filing (or, once returned, its filing again): the decision document, the facts,
    the legal basis and the state of rectification. The first filing stops the clock and says
    whether it came in time; a filing again after a return does not change that."""
    f = _locked(filing_id)
    may_in_region(by, FILE, f.region_id, "行政处罚报送")
    if f.stage not in (Stage.DUE, Stage.RETURNED):
        raise ValidationError(f"该行政处罚已于 {f.filed_on} 报送（{f.get_stage_display()}），整改情况可另行更新")
    r = rules()
    day = today(on)
    if day < f.record.decision_date:
        raise field_error("on", "报送日期", f"早于处罚决定日 {f.record.decision_date}")
    f.facts = text(facts, "facts", "违规事实")
    f.legal_basis = text(legal_basis, "legal_basis", "法律依据")
    f.rectification, f.rectification_note = _rectification(r, rectification, rectification_note)
    f.rectification_updated_on = day
    if document is not None:
        materials.attach(CASE, f, by=by, kind="decision", name=document[0], content=document[1], on=day)
    elif not materials.has(CASE, f.pk, "decision"):
        raise field_error("file", "行政处罚决定书", "首次报送须上传行政处罚决定书（PDF、OFD 或图片）")
    again = f.stage == Stage.RETURNED
    if again:
        clocks.stop(CASE, f.pk, day, step=r.refile.key)
    else:
        clocks.stop(CASE, f.pk, day)
        f.filed_on, f.filed_by = day, by
        f.late = Clock.objects.filter(case_type=CASE, case_id=f.pk, step=r.deadline.key).values_list(
            "late", flat=True).first()
    f.stage, f.return_reason = Stage.FILED, ""
    f.save()
    step(CASE, f, "补报" if again else ("报送（逾期）" if f.late else "报送"), by, day,
         f"违规事实：{f.facts}\n法律依据：{f.legal_basis}\n"
         f"整改情况：{r.rectification[f.rectification]}{'：' + f.rectification_note if f.rectification_note else ''}")
    return f


@transaction.atomic
def rectify(filing_id: int, *, by, rectification: str, note: str, on: dt.date | None = None) -> PenaltyFiling:
    """A later state of rectification for a filed penalty (正在整改 → 已整改到位), kept as a step."""
    f = _locked(filing_id)
    may_in_region(by, FILE, f.region_id, "行政处罚报送")
    if f.filed_on is None:
        raise ValidationError("该行政处罚尚未报送，整改情况随报送一并填写")
    r = rules()
    state, note = _rectification(r, rectification, note)
    if (state, note) == (f.rectification, f.rectification_note):
        raise field_error("rectification", "整改情况", "与已报送的整改情况相同")
    before = r.rectification.get(f.rectification, f.rectification)
    f.rectification, f.rectification_note, f.rectification_updated_on = state, note, today(on)
    f.save(update_fields=["rectification", "rectification_note", "rectification_updated_on"])
    step(CASE, f, "更新整改情况", by, f.rectification_updated_on,
         f"{before} → {r.rectification[state]}{'：' + note if note else ''}")
    return f


@transaction.atomic
def receive(filing_id: int, *, by, note: str = "", on: dt.date | None = None) -> PenaltyFiling:
    """The provincial bureau signs for a filing."""
    f = _locked(filing_id)
    may_in_region(by, RECEIVE, f.region_id, "行政处罚报送签收")
    if f.stage != Stage.FILED:
        raise ValidationError(f"只能签收已报送的行政处罚（当前：{f.get_stage_display()}）")
    f.stage, f.received_on, f.received_by = Stage.RECEIVED, today(on), by
    f.save(update_fields=["stage", "received_on", "received_by"])
    step(CASE, f, "签收", by, f.received_on, (note or "").strip())
    return f


@transaction.atomic
def send_back(filing_id: int, *, by, reason: str, on: dt.date | None = None) -> PenaltyFiling:
    """The provincial bureau returns a filing that lacks something, saying what; the city files again."""
    f = _locked(filing_id)
    may_in_region(by, RECEIVE, f.region_id, "行政处罚报送签收")
    if f.stage != Stage.FILED:
        raise ValidationError(f"只能退回已报送待签收的行政处罚（当前：{f.get_stage_display()}）")
    f.return_reason = text(reason, "reason", "退回原因", "须写明缺少或需更正的内容")
    f.stage = Stage.RETURNED
    f.save(update_fields=["stage", "return_reason"])
    day = today(on)
    # The city files again on a clock of its own, which the deadline queue reminds and escalates.
    clocks.start(CASE, f.pk, rules().refile, subject=f.subject, on=day, assignee=f.filed_by)
    step(CASE, f, "退回补报", by, day, f.return_reason)
    return f
