"""A published bulletin for the demo: the county's lawyers over the past year, drafted by the
county maker and published by the city checker."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.accounts.services import demo_officers

from . import services


def build() -> int:
    officers = demo_officers()
    if officers is None:
        return 0
    maker, checker, county = officers
    today = timezone.localdate()
    try:
        b = services.draft(by=maker, title=f"{county.name}律师行业违法违规执业和服务质量问题通报（演示）", region=county.code,
                           subject_types=["law_firm", "lawyer"], period_from=today - dt.timedelta(days=365),
                           period_until=today, issuer=f"{county.name}司法局",
                           body="一、典型案例\n某律师事务所律师未签订书面委托合同即收取代理费且未出具票据，经投诉查实，责令改正。\n\n"
                                "二、服务质量问题\n部分法律援助案件未按要求提交书面辩护意见，已列为不合格案卷复查。\n\n"
                                "三、工作要求\n各律师事务所应加强收费管理和执业档案管理。（演示）")
        services.publish(b.pk, by=checker)
        return 1
    except (ValidationError, PermissionDenied):
        return 0
