"""The platform's keyring and the model field that keeps personal data sealed at rest.

The keyring lives in a file outside the database (``LEGALCREDIT_DATA_KEYS_FILE``, by default
``var/data_keys``), made on first use, so a database copy alone reveals no ID number. Back the
file up apart from the database: without it the sealed values cannot be read.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import models

from legalcredit.domain.sealing import Keyring, is_sealed


def keyring_path() -> Path:
    return Path(settings.DATA_KEYS_FILE)


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    path = keyring_path()
    try:
        return Keyring.from_dict(json.loads(path.read_text()))
    except FileNotFoundError:
        ring = Keyring.fresh()
        save_keyring(ring)
        return ring


def save_keyring(ring: Keyring) -> None:
    """Write atomically (temp file, then rename), readable by the owner only."""
    path = keyring_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(ring.to_dict(), fh, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    keyring.cache_clear()


def seal(value):
    return keyring().seal(value)


def unseal(value):
    return keyring().open(value)


def seal_fields(data: dict, codes) -> dict:
    """A JSON object with the values under ``codes`` sealed (for details and raw payloads)."""
    ring = keyring()
    return {k: ring.seal(v) if k in codes and isinstance(v, str) else v for k, v in data.items()}


def unseal_fields(data: dict, codes) -> dict:
    ring = keyring()
    return {k: ring.open(v) if k in codes else v for k, v in data.items()}


class SealedCharField(models.CharField):
    """A CharField stored sealed. Exact and ``__in`` lookups work (the lookup value is sealed
    the same way); substring lookups cannot and must not be used on it."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return seal(value) if isinstance(value, str) and not is_sealed(value) else value

    def from_db_value(self, value, expression, connection):
        return unseal(value)

    def to_python(self, value):
        return unseal(super().to_python(value))

    def get_lookup(self, lookup_name):
        if lookup_name not in ("exact", "in", "isnull"):
            raise ValueError(f"加密字段 {self.name} 只能按完整值查找，不支持 {lookup_name}")
        return super().get_lookup(lookup_name)
