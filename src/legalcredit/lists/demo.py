"""A few list cases for the demo, taken through the services as the demo officers would, so the
back office opens with a published serious-dishonesty entry (and its responsible persons' own
proposals), a notice whose statement period is running, a watch-list proposal and a published
honor list. The province administrator proposes and the city checker decides: a listing needs two
officers (lists/services.py)."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from legalcredit.evaluation.models import SubjectGrade
from legalcredit.records.models import CreditRecord
from legalcredit.registry.models import Affiliation, Subject
from legalcredit.registry.selectors import affiliations_on

from . import services
from .models import ListEntry

# How long before today the demo's first notice was served: past its statement period.
NOTICE_AGO = dt.timedelta(days=20)


def _adverse(prefix: str, severity: str, kind: str):
    return (CreditRecord.objects.filter(is_current=True, review="approved", status="in_effect", kind="penalty",
                                        severity=severity, subject__region__code__startswith=prefix,
                                        subject__kind=kind)
            .select_related("subject").order_by("-decision_date", "pk"))


def _propose(rec: CreditRecord, list_code: str, by, authority: str, responsible=()) -> ListEntry:
    return services.propose(rec.subject, list_code, by=by, authority=authority, basis_record=rec,
                            reasons=f"{rec.authority}{rec.decision_no}（{rec.decision_date}）：{rec.content[:60]}",
                            conduct_on=rec.decision_date, responsible=list(responsible))


def build() -> int:
    User = get_user_model()
    proposer = User.objects.filter(username="admin").first()
    checker = User.objects.filter(username="checker").select_related("officer__region").first()
    if proposer is None or checker is None or getattr(checker, "officer", None) is None:
        return 0
    city = checker.officer.region
    prefix = city.jurisdiction_prefix
    authority = f"{city.name}司法局"
    today = timezone.localdate()
    year = today.year
    made = 0
    try:
        # An institution with people on record, so the listing reaches a responsible person: its
        # head by the affiliation, or one of its practitioners named as directly responsible. It
        # holds a USCC, so the demo's procurement check (checks/demo.py) can name it: a people's
        # mediation committee may have no identifier a department could ask by.
        staffed = Affiliation.objects.filter(institution=OuterRef("subject"), valid_from__lte=OuterRef("decision_date")
                                             ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("decision_date")))
        coded = Q(subject__uscc__isnull=False)
        firm = (_adverse(prefix, "serious", "institution").filter(coded, Exists(staffed)).first()
                or _adverse(prefix, "general", "institution").filter(coded, Exists(staffed)).first()
                or _adverse(prefix, "serious", "institution").filter(coded).first())
        if firm is not None:
            held = affiliations_on(firm.decision_date, institution=firm.subject).order_by("person_id")
            named = [a.person_id for a in held.exclude(role="head")[:1]]
            entry = _propose(firm, "serious_dishonesty", proposer, authority, responsible=named)
            services.serve_notice(entry.pk, by=proposer, served_on=today - NOTICE_AGO)
            services.decide(entry.pk, by=checker, listed=True, reason="当事人在陈述申辩期内未提出意见",
                            decision_no=f"{city.name[:2]}司信决〔{year}〕1号")
            services.publish(entry.pk, by=checker)
            made += 1 + ListEntry.objects.filter(parent=entry).count()
        person = _adverse(prefix, "serious", "practitioner").first()
        if person is not None:
            services.serve_notice(_propose(person, "serious_dishonesty", proposer, authority).pk, by=proposer)
            made += 1
        watched = _adverse(prefix, "general", "institution").exclude(subject=getattr(firm, "subject", None)).first()
        if watched is not None:
            _propose(watched, "watch", proposer, authority)
            made += 1
        # The demo firm's own account gets a notice to answer (below), so it is not among the honored.
        firm_user = User.objects.filter(username="firm").select_related("officer__subject").first()
        own = getattr(getattr(firm_user, "officer", None), "subject", None)
        adverse = CreditRecord.objects.filter(subject=OuterRef("pk"), is_current=True, severity__in=["general", "serious"])
        best = (Subject.objects.filter(region__code__startswith=prefix,
                                       pk__in=SubjectGrade.objects.filter(grade="AAA").values("subject"))
                .exclude(Exists(adverse)).exclude(pk=getattr(own, "pk", None)).order_by("pk")[:3])
        for subject in best:
            entry = services.propose(subject, "honor", by=proposer, authority=authority,
                                     reasons=f"{year - 1}年度信用等级评定为AAA，无不良信用记录")
            services.decide(entry.pk, by=checker, listed=True, reason="经审核符合守信激励对象条件",
                            decision_no=f"{city.name[:2]}司信励〔{year}〕{subject.pk}号")
            services.publish(entry.pk, by=checker)
            made += 1
        # The demo firm's own account has a notice to answer (陈述申辩) in its back office.
        if own is not None and not ListEntry.objects.filter(subject=own, stage__in=services.OPEN).exists():
            entry = services.propose(own, "watch", by=proposer, authority=authority,
                                     reasons="一年内被投诉查实三次：未按约定告知委托人办案进展（演示）")
            services.serve_notice(entry.pk, by=proposer)
            made += 1
    except (ValidationError, PermissionDenied):
        # The demo registry may lack a suitable case; the platform works without these.
        pass
    return made
