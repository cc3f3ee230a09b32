"""Case quality reviews for the demo, in the county maker's region: one good file waiting for the
city checker to confirm, one confirmed, and one failed file waiting for its re-review."""
from __future__ import annotations

import datetime as dt
import random

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.services import demo_officers
from legalcredit.domain.identifiers import generate
from legalcredit.registry.models import Subject

from . import services


def build() -> int:
    officers = demo_officers()
    if officers is None:
        return 0
    maker, checker, county = officers
    lawyers = list(Subject.objects.filter(region=county, subject_type_id="lawyer", status__may_practise=True)
                   .order_by("-pk")[:3])
    if len(lawyers) < 3:
        return 0
    uscc = generate.uscc_code(random.Random(1235), authority="1", category="1", region=county.code, serial=7)
    today = timezone.localdate()
    r = services.rules()
    full = {c: {i.code: i.points for i in sheet.items} for c, sheet in r.checklists.items()}
    common = dict(case_closed_on=today - dt.timedelta(days=40), authority=f"{county.name}司法局", authority_uscc=uscc,
                  reviewer_unit=f"{county.name}律师协会")
    try:
        services.score(lawyers[0], by=maker, case_no=f"{county.name}法援〔{today.year}〕刑21号", case_type="criminal",
                       method="file_review", reviewer_name="陈律师", opinion="会见及时，辩护意见被法院部分采纳（演示）",
                       marks={**full["criminal"], "investigation": 7, "court": 13}, **common)
        done = services.score(lawyers[1], by=maker, case_no=f"{county.name}法援〔{today.year}〕民8号",
                              case_type="civil_admin", method="recipient_visit", reviewer_name="陈律师",
                              opinion="受援人满意，文书规范（演示）", marks={**full["civil_admin"], "evidence": 10},
                              **common)
        services.confirm(done.pk, by=checker)
        services.score(lawyers[2], by=maker, case_no=f"{county.name}法援〔{today.year}〕刑30号", case_type="criminal",
                       method="court_observation", reviewer_name="陈律师", vetoes=["no_written_opinion"],
                       opinion="庭审中仅作口头辩护，未提交书面辩护意见（演示）",
                       marks={**full["criminal"], "written_opinion": 5}, **common)
        return 3
    except (ValidationError, PermissionDenied):
        return 0    # the demo registry may lack a suitable case; the platform works without it
