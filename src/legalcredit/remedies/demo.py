"""A few remedy cases for the demo, made through the services as the demo officers would, so the
back office opens with something in the repair, objection, commitment and deadline queues."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legalcredit.domain import remedies as rules
from legalcredit.records.models import CreditRecord

from .services import commitments, objections, repair
from .services.common import policy

# The smallest well-formed PDF: a demo proof of fulfilment.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"


def _repairable(region_prefix: str, limit: int) -> list[CreditRecord]:
    today, out = timezone.localdate(), []
    qs = (CreditRecord.objects.filter(is_current=True, public=True, status="in_effect", severity__in=["general", "minor"],
                                      subject__region__code__startswith=region_prefix, publication_end__gte=today,
                                      repair_from__lte=today)
          .select_related("subject").order_by("-decision_date"))
    for rec in qs[:200]:
        if rules.eligibility(repair.record_item(rec, today), today, policy()).eligible:
            out.append(rec)
        if len(out) == limit:
            break
    return out


def build() -> int:
    User = get_user_model()
    maker = User.objects.filter(username="county").select_related("officer__region").first()
    firm_user = User.objects.filter(username="firm").select_related("officer__subject").first()
    if maker is None or getattr(maker, "officer", None) is None:
        return 0
    made = 0
    region = maker.officer.region.code
    try:
        recs = _repairable(region, 3)
        if recs:
            app = repair.apply(recs[0].subject, by=maker, statement="已缴纳罚款并完成整改（当事人书面申请，代为录入）",
                               record_number=recs[0].number)
            repair.attach(app.pk, by=maker, kind="proof", name="缴款凭证.pdf", content=PDF)
            repair.accept(app.pk, by=maker)
            made += 1
        if len(recs) > 1:
            repair.apply(recs[1].subject, by=maker, statement="已履行处罚决定", record_number=recs[1].number)
            made += 1
        if len(recs) > 2:
            obj = objections.file(recs[2].subject, by=maker, record_number=recs[2].number, applicant_name=recs[2].subject.name,
                                  interest="信息主体本人", grounds="决定书文号登记有误")
            objections.accept(obj.pk, by=maker)
            made += 1
        firm = firm_user.officer.subject if firm_user and getattr(firm_user, "officer", None) else None
        if firm is not None:
            commitments.make(firm, by=maker, commitment_type="accept_missing", cause="律师事务所变更住所（容缺受理）",
                             content="十个工作日内补交新住所租赁合同原件", liability="逾期未补交的，撤销变更登记",
                             disclosure="public", accepting_unit=maker.officer.unit or "司法局")
            # And one of its own making, from its account (主动向社会作出信用承诺).
            commitments.make(firm, by=firm_user, commitment_type="voluntary", cause="主动向社会作出信用承诺",
                             content="依法诚信执业，不以不正当手段承揽业务，不违规收费", disclosure="public",
                             liability="违反承诺的，自愿接受行业惩戒并记入信用记录",
                             accepting_unit=maker.officer.unit or "司法局")
            made += 2
    except (ValidationError, PermissionDenied):
        # The demo registry may lack a suitable case; the platform works without these.
        pass
    return made
