"""A text longer than its column is refused naming the field, before the database sees it.

PostgreSQL refuses such a value with a DataError that names no column, which reaches the user as a
server error; SQLite stores it whole. Every form and serializer should bound its fields, and most
do, but a missed one (a back-office form's free-text field, an API field) is found by a user, not
a test. Checked on every save of the platform's own models (pre_save), so the two databases agree
and the refusal says which field and how long it may be. Bulk writes (imports) check their rows
themselves. Sealed fields are left out: what is stored is the sealed text, whose length their
callers bound."""
from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import models

from .sealing import SealedCharField


@functools.cache
def _bounded(model) -> tuple[tuple[str, str, str, int], ...]:
    return tuple((f.attname, f.name, str(f.verbose_name), f.max_length) for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField) and not isinstance(f, SealedCharField) and f.max_length)


def too_long(instance) -> dict[str, str]:
    """The fields of ``instance`` whose text exceeds the column, with the message for each."""
    faults = {}
    for attname, name, label, limit in _bounded(type(instance)):
        value = getattr(instance, attname)
        if isinstance(value, str) and len(value) > limit:
            faults[name] = f"{label}：不能超过 {limit} 个字（收到 {len(value)} 个）"
    return faults


def refuse_too_long(sender, instance, raw=False, **kwargs):
    """pre_save receiver for the platform's models (connected in CoreConfig.ready)."""
    if raw or not sender.__module__.startswith("legalcredit."):
        return
    faults = too_long(instance)
    if faults:
        raise ValidationError(faults)
