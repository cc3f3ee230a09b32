"""A subject's credit file at a glance, for its registry page: grade, records, lists.

The registry is the base the other apps build on, so it reads them here, lazily, and only what
the officer's role may see; each part links to the page that holds the detail.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from legalcredit.accounts import policy
from legalcredit.domain.periods import months_before


@dataclass
class CreditProfile:
    grade: str | None = None               # "AA级（诚信）（优化监管）", "未评价", or None when not shown
    grade_url: str = ""
    records: int | None = None              # current, approved versions
    public: int | None = None               # of those, public today
    pending: int | None = None
    records_url: str = ""
    as_of_url: str = ""
    lists: list[str] = field(default_factory=list)
    lists_url: str = ""
    show_lists: bool = False
    complaints: str = ""                   # the last year's complaints and open alerts, when shown
    complaints_url: str = ""
    satisfaction: str = ""                 # the last year's ratings and 满意率, when shown
    satisfaction_url: str = ""


def credit_profile(subject, user) -> CreditProfile:
    today = timezone.localdate()
    p = CreditProfile()
    if user.has_perm("evaluation.view_subjectgrade"):
        from legalcredit.domain.scoring import SUPERVISION_CLASSES
        from legalcredit.evaluation.selectors import grade_name, grade_of

        g = grade_of(subject.pk, with_evaluation=False)
        if g is None or not g.grade:
            p.grade = "未评价"
        else:
            sup = SUPERVISION_CLASSES.get(g.supervision_class, "")
            name = grade_name(g.scheme, g.grade)
            p.grade = f"{name}（{sup}）" if sup else name
        if g is not None:
            p.grade_url = reverse("admin:evaluation_subjectgrade_change", args=[subject.pk])
    if user.has_perm("records.view_creditrecord"):
        from legalcredit.records import selectors as records
        from legalcredit.records.models import Review

        mine = records.visible_records(policy.scope_for(user)).filter(subject=subject)
        current = list(mine.filter(is_current=True))
        p.records = len(current)
        p.public = sum(records.public_on(r, today) for r in current)
        p.pending = mine.filter(review=Review.PENDING).count()
        p.records_url = reverse("admin:records_creditrecord_changelist") + f"?subject__id__exact={subject.pk}"
        p.as_of_url = reverse("admin:records_as_of", args=[subject.pk])
    if user.has_perm("lists.view_listentry"):
        from legalcredit.lists.selectors import in_force_on
        from legalcredit.lists.services import list_name

        p.show_lists = True
        p.lists = [f"{list_name(e.list_code)}（至{e.listed_until}）"
                   for e in in_force_on([subject.pk], today)]
        p.lists_url = reverse("admin:lists_listentry_changelist") + f"?subject__id__exact={subject.pk}"
    year_ago = months_before(today, 12)
    if user.has_perm("complaints.view_complaint"):
        from legalcredit.complaints.models import Complaint, ComplaintAlert

        n = Complaint.objects.filter(subject=subject, received_on__gt=year_ago).count()
        alerts = ComplaintAlert.objects.filter(subject=subject, state=ComplaintAlert.State.OPEN).count()
        p.complaints = f"近一年收到 {n} 件" + (f"；待处置的投诉预警 {alerts} 个" if alerts else "")
        p.complaints_url = reverse("admin:complaints_complaint_changelist") + f"?subject__id__exact={subject.pk}"
    if user.has_perm("satisfaction.view_satisfactionrating"):
        from legalcredit.domain.satisfaction import percent
        from legalcredit.satisfaction.models import FollowUp, SatisfactionRating
        from legalcredit.satisfaction.services import rules

        rows = (SatisfactionRating.objects.filter(subject=subject, served_on__gt=year_ago)
                .values_list("level", "outcome").annotate(n=Count("id")).order_by())
        t = rules().tally_counts({(level, outcome): n for level, outcome, n in rows})
        waiting = SatisfactionRating.objects.filter(subject=subject, follow_up=FollowUp.OPEN).count()
        p.satisfaction = (f"近一年评价 {t.ratings} 次，满意率 {percent(t.rate)}，差评 {t.bad} 次"
                          + (f"；待回访 {waiting} 条" if waiting else ""))
        p.satisfaction_url = (reverse("admin:satisfaction_satisfactionrating_changelist")
                              + f"?subject__id__exact={subject.pk}")
    return p
