"""Penalty filings for the demo: three warnings the demo city's bureau gave lawyers of the county
maker's county (entered by the county maker, approved by the city checker). The oldest was filed
in time and signed for by the province, rectification still under way; the next was filed late,
waiting for the province's signature; the newest waits to be filed by the city (demo login
``checker``)."""
from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from legalcredit.accounts.services import demo_officers
from legalcredit.domain.identifiers import generate
from legalcredit.records import services as records
from legalcredit.records.prepare import Draft
from legalcredit.registry.models import Subject

from . import services

# A minimal PDF: the demo's stand-in for a scanned decision document.
DOCUMENT = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def build() -> int:
    """How many filings were made; 0, and nothing written, when the demo's penalties cannot be
    entered again (a demo run a second time: the same lawyers' second warning within a year is
    refused under 律师法 Art 51)."""
    try:
        return _build()
    except ValidationError:
        return 0


@transaction.atomic
def _build() -> int:
    officers = demo_officers()
    admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
    if officers is None or admin is None:
        return 0
    maker, checker, county = officers
    city = county.parent
    lawyers = list(Subject.objects.filter(region=county, subject_type_id="lawyer").order_by("-pk")[:3])
    if len(lawyers) < 3:
        return 0
    bureau = f"{city.name}司法局"
    code = generate.uscc_code(random.Random(21), authority="1", category="1", region=city.code, serial=3)
    today = timezone.localdate()
    made = []
    for i, (lawyer, days) in enumerate(zip(lawyers, (40, 15, 1))):
        day = today - dt.timedelta(days=days)
        rec = records.submit(lawyer, Draft(
            kind="penalty", decision_date=day, effective_from=day, authority=bureau, authority_uscc=code,
            source_unit=bureau, source_unit_uscc=code, decision_no=f"{city.name[:2]}司罚决〔{day.year}〕报{i + 1}号",
            severity="minor", legal_basis="《中华人民共和国律师法》第四十七条第（一）项",
            content="同时在两个律师事务所执业，给予警告（演示）", penalty_types=["警告"],
            sanctions=[{"type": "警告"}]), actor=maker, reason="演示：行政处罚报送")
        made.append(records.approve(rec.pk, checker=checker))
    filings = {f.record_key: f for f in services.open_filings([r.pk for r in made])}
    first, second, third = (filings.get(r.key) for r in made)
    if first is None or second is None or third is None:
        return 0
    note = "已责令其解除与另一律师事务所的聘用关系，正在办理执业机构变更（演示）"
    services.file(first.pk, by=checker, facts=made[0].content, legal_basis=made[0].legal_basis,
                  rectification="ongoing", rectification_note=note, document=("决定书.pdf", DOCUMENT),
                  on=first.effective_on + dt.timedelta(days=1))
    services.receive(first.pk, by=admin, note="已收悉（演示）", on=first.effective_on + dt.timedelta(days=3))
    services.file(second.pk, by=checker, facts=made[1].content, legal_basis=made[1].legal_basis,
                  rectification="done", rectification_note="已解除与另一律师事务所的聘用关系（演示）",
                  document=("决定书.pdf", DOCUMENT), on=second.effective_on + dt.timedelta(days=14))
    return len(filings)
