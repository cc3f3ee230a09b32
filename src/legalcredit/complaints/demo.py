"""Complaints for the demo, in the county maker's region: one made on the portal waiting for the
acceptance review, one under investigation, one found true (its record approved, both sides told)
and one not accepted; and two more about the first lawyer, whose three complainants within 90 days
raise a 投诉集中 alert."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
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
                   .order_by("pk")[:4])
    if len(lawyers) < 4:
        return 0
    rng = random.Random(12348)
    uscc = generate.uscc_code(rng, authority="1", category="1", region=county.code, serial=9)
    bureau = f"{county.name}司法局"
    today = timezone.localdate()
    base = dict(complainant_contact="13800000000", requests="依法处理")
    try:
        services.file_public(lawyers[0], complainant_name="赵女士", interest="委托人", **base,
                             facts="委托其代理离婚诉讼，收费后长期联系不上，也未告知开庭时间（演示）")
        for name, days, facts in (("周先生", 40, "收取代理费后未按约定出庭，由实习人员代为出庭（演示）"),
                                  ("吴女士", 12, "代理合同纠纷案件期间长期不回复，未告知案件进展（演示）")):
            c, _ = services.file(lawyers[0], by=maker, channel="hotline_12348", complainant_name=name,
                                 interest="委托人", received_on=today - dt.timedelta(days=days), facts=facts, **base)
            services.accept(c.pk, by=maker, authority=bureau, authority_uscc=uscc,
                            on=today - dt.timedelta(days=days - 3))
        # Under investigation: against the demo law-firm user's firm where there is one, so `firm`
        # sees it and may state its side.
        firm_user = get_user_model().objects.filter(username="firm").select_related("officer__subject").first()
        firm = getattr(getattr(firm_user, "officer", None), "subject", None)
        c, _ = services.file(firm or lawyers[1], by=maker, channel="hotline_12348", complainant_name="钱先生",
                             interest="案件当事人", facts="承办律师在庭审中泄露调解方案给对方当事人（演示）", **base)
        services.accept(c.pk, by=maker, authority=bureau, authority_uscc=uscc)
        services.record_investigation(c.pk, by=maker, findings="已调取庭审笔录，约谈被投诉律师（演示）",
                                      statement="否认泄露，称方案系对方自行推测（演示）")
        c, _ = services.file(lawyers[2], by=maker, channel="letter", complainant_name="孙先生", interest="委托人",
                             facts="未签订书面委托合同即收取代理费，且未出具票据（演示）", **base)
        services.accept(c.pk, by=maker, authority=bureau, authority_uscc=uscc)
        services.record_investigation(c.pk, by=maker, findings="收费未开具票据属实，已补签合同（演示）")
        services.review(c.pk, by=maker, finding="substantiated", handling="correction",
                        opinion="违反律师收费管理规定，责令改正")
        c = services.decide(c.pk, by=checker, reason="收费未出具合法票据，违反《律师服务收费管理办法》（演示）")
        services.notify_parties(c.pk, by=maker, on=today)
        c, _ = services.file(lawyers[3], by=maker, channel="visit", complainant_name="李女士", interest="对方当事人",
                             facts="对方律师在诉讼中代理对方，损害了我的利益（演示）", **base)
        services.not_accept(c.pk, by=maker, reason_code="no_interest",
                            reason="律师依法为对方当事人代理，投诉人对其代理行为无委托关系（演示）")
        return 6
    except (ValidationError, PermissionDenied):
        return 0    # the demo registry may lack a suitable case; the platform works without it
