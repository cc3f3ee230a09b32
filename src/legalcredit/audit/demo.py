"""The access review for the demo: last month's reads by the demo officers, ordinary ones in office
hours and a few that stand out (the county maker reading late one evening, the city checker
opening many practitioners' full ID numbers one day), and the review of that month opened, its
findings waiting for the administrator (demo login ``admin``)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from legalcredit.accounts.services import demo_officers
from legalcredit.refdata.selectors import work_calendar
from legalcredit.registry.models import Subject

from . import reviews
from .models import AccessReview, AuditEntry


def _read(user, at: dt.datetime, subject: Subject, *, full: bool = False, purpose: str) -> AuditEntry:
    data = {"ids": [str(subject.pk)], "count": 1, "path": f"/admin/registry/practitioner/{subject.pk}/change/"}
    if full:
        data["full_id_number"] = True
    return AuditEntry(at=timezone.make_aware(at), actor_id=user.pk, actor=user.get_username(),
                      action=AuditEntry.Action.READ, object_type="registry.subject", object_id=str(subject.pk),
                      summary=f"（演示）后台查阅从业人员“{subject.name}”" + ("（完整身份证号）" if full else ""),
                      reason=purpose, ip="10.32.8.15", data=data)


def build() -> int:
    """The number of findings waiting; 0 when the demo officers are missing or the month is done."""
    officers = demo_officers()
    if officers is None:
        return 0
    maker, checker, county = officers
    first, _ = reviews.month_of(timezone.localdate().replace(day=1) - dt.timedelta(days=1))
    if AccessReview.objects.filter(month=first).exists():
        return 0
    people = list(Subject.objects.filter(kind="practitioner", region_id=county.code).order_by("pk")[:30])
    if len(people) < 22:
        return 0
    cal = work_calendar()
    day = first + dt.timedelta(days=7)        # two working days in a row: the findings are the ones above
    while not (cal.is_working_day(day) and cal.is_working_day(day + dt.timedelta(days=1))):
        day += dt.timedelta(days=1)
    base = dt.datetime.combine(day, dt.time(9, 0))
    entries = [_read(maker, base + dt.timedelta(minutes=7 * i), s, purpose="日常监管（supervision）")
               for i, s in enumerate(people[:8])]
    entries += [_read(maker, base.replace(hour=22, minute=40) + dt.timedelta(minutes=i), s,
                      purpose="投诉举报处理（complaint）") for i, s in enumerate(people[8:11])]
    entries += [_read(checker, base + dt.timedelta(days=1, minutes=5 * i), s, full=True,
                      purpose="行政许可审查（licensing）") for i, s in enumerate(people[:22])]
    AuditEntry.objects.bulk_create(entries)
    return reviews.open_review(first).findings.count()
