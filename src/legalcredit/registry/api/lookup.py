"""The subject an API body names by one identifier, as a system handing something over names it."""
from __future__ import annotations

from django import forms
from rest_framework.exceptions import ValidationError

from legalcredit.accounts.policy import scope_for

IDENTIFIERS = ("uscc", "id_number", "license_no")


def named_subject(request, given: dict, *, field: str = "subject", label: str):
    """The subject ``given`` names by exactly one of its USCC, ID number or licence number, within
    the caller's scope; else a 400 on ``field`` that names ``label`` and the rule."""
    from legalcredit.registry.forms import subject_by_identifier

    named = [k for k in IDENTIFIERS if (given.get(k) or "").strip()]
    if len(named) != 1 or set(given) - set(IDENTIFIERS):
        raise ValidationError({field: [f"{label}：须且只须给出 uscc、id_number 或 license_no 之一"]})
    try:
        return subject_by_identifier(given[named[0]], scope_for(request.user))
    except forms.ValidationError as exc:
        raise ValidationError({field: [f"{label}：{'；'.join(exc.messages)}"]}) from None
