"""Reads of the credit record store.

Two clocks: *as known* (which versions the platform held at a moment,
``effective_at``/``superseded_at``) and *as public* (which of them were
published on a day, from the publication dates and any withdrawal).
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from legalcredit.accounts.policy import Scope, filter_subjects

from .models import CreditRecord, Review, Status


def subject_side(scope: Scope) -> bool:
    """An institution's or practitioner's own view (no region, no province): not a bureau's."""
    return not scope.everything and not scope.region_prefixes and bool(scope.subject_ids)


def visible_records(scope: Scope) -> QuerySet[CreditRecord]:
    qs = filter_subjects(CreditRecord.objects.all(), scope, "subject")
    if subject_side(scope):
        # Versions a checker has not approved are the bureau's work in progress.
        qs = qs.filter(review=Review.APPROVED)
    return qs if scope.record_kinds is None else qs.filter(kind__in=scope.record_kinds)


def awaiting_check(scope: Scope, user) -> dict[str, int]:
    """What waits for this checker: versions in their scope entered by someone else, and the
    import batches holding such versions (decided whole)."""
    from .models import RecordImportBatch

    pending = awaiting_check_of(visible_records(scope), user)
    batches = RecordImportBatch.objects.filter(kind__startswith="records.").exclude(created_by=user).filter(
        pk__in=pending.exclude(import_batch=None).values("import_batch"))
    return {"versions": pending.count(), "batches": batches.count()}


def awaiting_check_of(records: QuerySet[CreditRecord], user) -> QuerySet[CreditRecord]:
    """Of ``records``, the pending versions this checker may decide: not entered by them, nor in
    a batch they imported."""
    return (records.filter(review=Review.PENDING).exclude(entered_by=user)
            .exclude(import_batch__created_by=user))


def returned_to(user) -> QuerySet[CreditRecord]:
    """Versions ``user`` entered that a checker returned and that nothing entered since has
    followed (a correction of the record, or the corrected file's row for the same decision):
    the maker's work to redo."""
    from django.db.models import Exists, OuterRef

    since = {"entered_at__gt": OuterRef("checked_at")}
    followed = CreditRecord.objects.filter(Q(key=OuterRef("key")) | Q(
        subject=OuterRef("subject"), kind=OuterRef("kind"), decision_no=OuterRef("decision_no")), **since)
    return CreditRecord.objects.filter(entered_by=user, review=Review.REJECTED).exclude(Exists(followed))


def current_records(subject_id: int) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(subject_id=subject_id, is_current=True)


def current_status(key_field: str = "record_key") -> Subquery:
    """An annotation: the status of the current version of the record whose key a row holds in
    ``key_field`` (a penalty referred or filed, which may since have been withdrawn or revoked)."""
    now = CreditRecord.objects.filter(key=OuterRef(key_field), is_current=True)
    return Subquery(now.values("status")[:1])


def approved_since(kinds, day: dt.date) -> QuerySet[CreditRecord]:
    """Current versions of ``kinds`` approved (made current) on ``day`` or later: what a nightly
    pass looks over for records a ``records_changed`` signal did not announce."""
    since = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return CreditRecord.objects.filter(kind__in=sorted(kinds), is_current=True, review=Review.APPROVED,
                                       effective_at__gte=since)


def status_since(status: str | None) -> str:
    """What a list says beside a record withdrawn or revoked since (【现已撤销】); nothing while in effect."""
    return "" if status in (None, Status.IN_EFFECT) else f"【现{Status(status).label}】"


def versions(key) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(key=key).order_by("version")


def end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def held_at(subject_id: int, at: dt.datetime) -> QuerySet[CreditRecord]:
    """The versions of the subject's records that the platform held at ``at``."""
    return CreditRecord.objects.filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=at),
                                       subject_id=subject_id, review=Review.APPROVED, effective_at__lte=at)


def known_at(subject_id: int, at: dt.datetime) -> list[CreditRecord]:
    """The subject's records exactly as the platform held them at ``at``."""
    return list(held_at(subject_id, at).defer("raw", "details"))


def public_on(rec: CreditRecord, day: dt.date) -> bool:
    if not rec.public or rec.published_from is None or day < rec.published_from:
        return False
    if rec.publication_end and day > rec.publication_end:
        return False
    if rec.withdrawn_on and day >= rec.withdrawn_on:
        return False
    if rec.repaired_on and day >= rec.repaired_on:
        return False
    return True


def public_filter(day: dt.date) -> Q:
    """``public_on`` as a query condition, for pages that list public records across subjects
    (pinned to ``public_on`` by a test over every boundary case)."""
    return (Q(public=True, published_from__isnull=False, published_from__lte=day)
            & (Q(publication_end__isnull=True) | Q(publication_end__gte=day))
            & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
            & (Q(repaired_on__isnull=True) | Q(repaired_on__gt=day)))


class RecordState(NamedTuple):
    """One record version as an as-of view shows it: what it says, and its publication dates."""
    id: int
    key: uuid.UUID
    version: int
    kind: str
    subtype: str
    status: str
    severity: str
    authority: str
    decision_no: str
    decision_date: dt.date
    effective_from: dt.date | None
    effective_until: dt.date | None
    content: str
    public: bool
    published_from: dt.date | None
    publication_end: dt.date | None
    withdrawn_on: dt.date | None
    repaired_on: dt.date | None
    effective_at: dt.datetime
    superseded_at: dt.datetime | None

    @property
    def pk(self) -> int:
        return self.id


@dataclass
class AsOf:
    day: dt.date
    records: list[RecordState]
    public: list[RecordState]


def as_of(subject_id: int, day: dt.date, kinds: frozenset[str] | None = None) -> AsOf:
    """The subject's records as they stood at the end of ``day``, and which were public.

    Rows, not model instances: a subject with 200 records took 24 ms to build as instances of a
    50-column model, most of it in Django's per-field set-up."""
    qs = held_at(subject_id, end_of(day)).order_by("-decision_date", "-id")
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    records = [RecordState._make(row) for row in qs.values_list(*RecordState._fields)]
    return AsOf(day, records, [r for r in records if public_on(r, day)])


def public_records(subject_id: int, day: dt.date | None = None) -> list[CreditRecord]:
    day = day or timezone.localdate()
    return [r for r in current_records(subject_id) if public_on(r, day)]


def partnership_bar(person) -> tuple[dt.date, str] | None:
    """(last barred day, article) when a past suspension bars ``person`` from being a partner (律师法 Art 53)."""
    from legalcredit.domain.sanctions import partnership_barred_until

    from . import rules
    from .prepare import priors_by_subject

    return partnership_barred_until(rules.catalogue(), person.subject_type_id,
                                    priors_by_subject([person.pk]).get(person.pk, []))


def pending(scope: Scope) -> QuerySet[CreditRecord]:
    return visible_records(scope).filter(review=Review.PENDING)


@dataclass
class Timeliness:
    unit: str
    decisions: int
    reported: int
    compliant: int
    on_time: int

    @staticmethod
    def _rate(n: int, d: int) -> float | None:
        return round(100.0 * n / d, 2) if d else None

    @property
    def reporting_rate(self):   # 上报率
        return self._rate(self.reported, self.decisions)

    @property
    def compliance_rate(self):  # 合规率
        return self._rate(self.compliant, self.reported)

    @property
    def timeliness_rate(self):  # 及时率
        return self._rate(self.on_time, self.decisions)


def dual_publication_timeliness(start: dt.date, end: dt.date, *, scope: Scope,
                                kinds=("license", "penalty")) -> list[Timeliness]:
    """上报率、合规率、及时率 per source unit for decisions dated in [start, end].

    上报率: decisions reported to the sharing platform / decisions held;
    合规率: reported decisions with no data-quality flag / reported;
    及时率: decisions published within the deadline / decisions held.
    """
    qs = visible_records(scope).filter(is_current=True, kind__in=kinds,
                                       decision_date__range=(start, end)).exclude(status=Status.REVOKED)
    rows = (qs.values("source_unit")
            .annotate(decisions=Count("id"),
                      reported=Count("id", filter=Q(reported_at__isnull=False)),
                      compliant=Count("id", filter=Q(reported_at__isnull=False, warnings=[])),
                      on_time=Count("id", filter=Q(on_time=True)))
            .order_by("source_unit"))
    return [Timeliness(r["source_unit"], r["decisions"], r["reported"], r["compliant"], r["on_time"])
            for r in rows]


def import_batches(scope: Scope, user) -> QuerySet:
    """The record import batches an officer may see: their own, and those with a record of a
    subject in their scope; with how many of each batch's versions are pending, approved, returned."""
    from .models import RecordImportBatch

    qs = RecordImportBatch.objects.filter(kind__startswith="records.")
    if not scope.everything:
        qs = qs.filter(Q(created_by=user) | Q(pk__in=visible_records(scope).values("import_batch")))
    return qs.annotate(pending=_batch_count(Review.PENDING), approved=_batch_count(Review.APPROVED),
                       rejected=_batch_count(Review.REJECTED), deciding=_open_decision())


def _open_decision():
    from django.db.models import OuterRef, Subquery

    from .models import DecisionJob

    return Subquery(DecisionJob.objects.filter(batch=OuterRef("pk"), state__in=["queued", "running"])
                    .order_by("-requested_at").values("pk")[:1])


def _batch_count(review: str):
    # A correlated count per listed batch, on the (review, import_batch) index: the page counts
    # its own batches only, not every imported record.
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    return Coalesce(Subquery(CreditRecord.objects.filter(import_batch=OuterRef("pk"), review=review)
                             .order_by().values("import_batch").annotate(n=Count("*")).values("n")), 0)


class ImportProgress(NamedTuple):
    rows: int
    estimated: int | None
    percent: int | None
    updated_at: dt.datetime | None
    stalled: bool


def import_jobs(user) -> QuerySet:
    """The back-office imports an officer has submitted, newest first."""
    from .models import ImportJob

    return ImportJob.objects.filter(requested_by=user).select_related("batch")


def import_progress(job) -> ImportProgress:
    """How far a running import has got; ``stalled`` when the worker has said nothing for longer
    than IMPORT_STALL_SECONDS (it was stopped: its batch rolled back, nothing was applied)."""
    from .flows import progress_key

    return _progress(job, progress_key(job.pk))


def export_jobs(user) -> QuerySet:
    """The back-office exports an officer has asked for, newest first."""
    from .models import ExportJob

    return ExportJob.objects.filter(requested_by=user)


def export_progress(job) -> ImportProgress:
    """How far a running export has got, as ``import_progress`` tells it of an import."""
    from .flows import export_progress_key

    return _progress(job, export_progress_key(job.pk))


def decision_progress(job) -> ImportProgress:
    """Whether a batch decision's worker is alive: it beats while it runs (``flows.heartbeat``)."""
    from .flows import decision_progress_key

    return _progress(job, decision_progress_key(job.pk))


def decision_jobs(batch) -> QuerySet:
    """The decisions asked on one batch, newest first."""
    from .models import DecisionJob

    return DecisionJob.objects.filter(batch=batch).select_related("requested_by")


def _progress(job, key: str) -> ImportProgress:
    from django.conf import settings
    from django.core.cache import cache

    seen = cache.get(key) or {}
    rows = int(seen.get("rows", 0))
    at = dt.datetime.fromisoformat(seen["at"]) if seen.get("at") else None
    estimated = getattr(job, "rows_estimated", None)    # a decision has no row count to follow
    # Below 100 until the job has finished: an import's estimate counts line breaks, not rows.
    percent = None if not estimated else 100 if job.finished else min(99, rows * 100 // estimated)
    since = at or job.started_at
    stalled = bool(job.state == job.State.RUNNING and since
                   and (timezone.now() - since).total_seconds() > settings.IMPORT_STALL_SECONDS)
    return ImportProgress(rows, estimated, percent, at, stalled)


@dataclass
class CoverageRow:
    label: str
    subjects: int
    covered: int

    @property
    def rate(self) -> float | None:
        return self.covered / self.subjects if self.subjects else None


@dataclass
class CoverageReport:
    kind: str
    kind_name: str
    since: dt.date
    years: int
    source: str
    by_type: list[CoverageRow]
    by_region: list[CoverageRow]
    uncovered: list          # subjects with no record of the kind since ``since``, the first UNCOVERED_SHOWN
    uncovered_total: int


UNCOVERED_SHOWN = 200


def coverage(kind: str, scope: Scope, today: dt.date) -> CoverageReport | None:
    """Of the practising subjects a kind should cover (rule set: ``coverage``), how many have an
    approved record of it decided within the last years, per subject type and per city (per
    county within a city), and who has none; None for a kind without a coverage rule."""
    from django.db.models import Exists, OuterRef

    from legalcredit.domain.periods import months_before
    from legalcredit.refdata.models import Region, SubjectType
    from legalcredit.registry.selectors import visible_subjects

    from . import rules

    k = rules.kinds().get(kind)
    if k is None or k.coverage is None:
        return None
    since = months_before(today, 12 * k.coverage.years) + dt.timedelta(days=1)
    held = CreditRecord.objects.filter(subject=OuterRef("pk"), kind=kind, is_current=True, review=Review.APPROVED,
                                       decision_date__gte=since, decision_date__lte=today)
    subjects = (visible_subjects(scope).filter(subject_type_id__in=k.coverage.subject_types, status__may_practise=True)
                .annotate(covered=Exists(held)))
    # Per city for the province, per county within a city or county.
    width = 6 if scope.region_prefixes and min(len(p) for p in scope.region_prefixes) >= 4 else 4
    rows = list(subjects.values_list("subject_type_id", "region_id", "covered"))
    types = dict(SubjectType.objects.filter(code__in=k.coverage.subject_types).values_list("code", "name"))
    by_type = {t: CoverageRow(types.get(t, t), 0, 0) for t in k.coverage.subject_types}
    by_region: dict[str, CoverageRow] = {}
    for type_code, region, covered in rows:
        area = region[:width].ljust(6, "0")
        for row in (by_type[type_code], by_region.setdefault(area, CoverageRow(area, 0, 0))):
            row.subjects += 1
            row.covered += covered
    names = dict(Region.objects.filter(code__in=by_region).values_list("code", "name"))
    for code, row in by_region.items():
        row.label = names.get(code, code)
    missing = subjects.filter(covered=False).select_related("subject_type", "region").order_by("region_id", "name")
    return CoverageReport(kind, k.name, since, k.coverage.years, k.coverage.source, list(by_type.values()),
                          [by_region[c] for c in sorted(by_region)], list(missing[:UNCOVERED_SHOWN]), missing.count())
