"""The ``subject`` path converter: a subject's public address carries an opaque token
(domain/public_ids.py) keyed by the installation's secret key, not its number."""
from __future__ import annotations

import hashlib

from django.conf import settings
from django.urls import register_converter

from legalcredit.domain import public_ids


def _key(secret: str) -> bytes:
    return hashlib.sha256(f"legalcredit.portal.subject:{secret}".encode()).digest()


class SubjectConverter:
    regex = public_ids.PATTERN

    def to_python(self, value: str) -> int:
        # A token that does not verify is no match: the page answers 404, as for an unknown subject.
        keys = [_key(settings.SECRET_KEY), *(_key(s) for s in getattr(settings, "SECRET_KEY_FALLBACKS", ()))]
        return public_ids.decode(value, keys)

    def to_url(self, value) -> str:
        return public_ids.encode(int(value), _key(settings.SECRET_KEY))


register_converter(SubjectConverter, "subject")
