"""A few credit checks for the demo, asked as a handling unit would once the demo lists exist: a
procurement check of the listed institution (a measure triggered, and its feedback), an approval
check of an honor-list subject (incentives, no feedback yet, so the rate is below 100%), and one
of a code nobody holds (a receipted "not found")."""
from __future__ import annotations

import random

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from legalcredit.domain.identifiers import generate
from legalcredit.lists.models import ListEntry, Stage
from legalcredit.registry.models import Subject

from . import services


def _query(subject) -> dict:
    return {"uscc": subject.uscc} if subject.uscc else {"id_number": subject.id_number}


def build() -> int:
    checker = get_user_model().objects.filter(username="checker").first()
    if checker is None:
        return 0
    made = 0
    try:
        listed = (ListEntry.objects.filter(list_code="serious_dishonesty", stage=Stage.PUBLISHED, parent=None)
                  .select_related("subject").first())
        if listed is not None:
            [check] = services.run(by=checker, queries=[_query(listed.subject)], matter="procurement",
                                   purpose="政府采购供应商资格审查（演示）")
            made += 1
            for m in check.answer.get("measures", [])[:1]:
                services.feedback(check.pk, by=checker, measure=m["code"], applied=True)
        honored = (ListEntry.objects.filter(list_code="honor", stage=Stage.PUBLISHED).select_related("subject")
                   .first())
        if honored is not None:
            services.run(by=checker, queries=[_query(honored.subject)], matter="approval",
                         purpose="执业许可变更审批（演示）")
            made += 1
        rng = random.Random(2260)
        nobody = next(code for code in (generate.uscc_code(rng, authority="3", category="1", region="320200")
                                        for _ in range(100)) if not Subject.objects.filter(uscc=code).exists())
        services.run(by=checker, queries=[{"uscc": nobody}], matter="bidding", purpose="招标投标资格审查（演示）")
        made += 1
    except (ValidationError, PermissionDenied):
        pass    # the demo registry may lack a suitable case; the platform works without these
    return made
