"""Rule documents: which files exist, how each is checked, and reading the current edition.

Each rule set is parsed by a pure function from ``legalcredit.domain``; a
document that the parser refuses is never stored, so a bad edit cannot reach
a running platform.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from typing import Any, Callable

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from legalcredit.domain import (access_review, complaints, credit_lists, credit_reports, draws, dual_publication,
                                filings, legal_aid, publication, purposes, record_kinds, referrals, remedies, sanctions,
                                satisfaction)

from .models import RuleSet

PARSERS: dict[str, tuple[str, Callable[[dict], Any]]] = {
    "publication_policies": ("publication_policies.yaml", publication.parse_policy),
    "dual_publication": ("dual_publication.yaml", dual_publication.load),
    "record_templates": ("record_templates.yaml", dual_publication.load),
    "penalty_catalogue": ("penalty_catalogue.yaml", sanctions.parse_catalogue),
    "record_kinds": ("record_kinds.yaml", record_kinds.parse_kinds),
    "credit_lists": ("credit_lists.yaml", credit_lists.parse),
    "remedies": ("remedies.yaml", remedies.parse),
    "query_purposes": ("query_purposes.yaml", purposes.parse),
    "credit_reports": ("credit_reports.yaml", credit_reports.parse),
    "inspections": ("inspections.yaml", draws.parse),
    "complaints": ("complaints.yaml", complaints.parse),
    "legal_aid_quality": ("legal_aid_quality.yaml", legal_aid.parse),
    "satisfaction": ("satisfaction.yaml", satisfaction.parse),
    "discipline_referrals": ("discipline_referrals.yaml", referrals.parse),
    "access_review": ("access_review.yaml", access_review.parse),
    "penalty_filings": ("penalty_filings.yaml", filings.parse),
}

_lock = threading.Lock()
_parsed: dict[str, tuple[int, Any, float]] = {}   # code -> (edition id, parsed, ask again after)


def _checksum(doc: dict) -> str:
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False,
                                     default=str).encode()).hexdigest()


def parse(code: str, doc: dict) -> Any:
    if code not in PARSERS:
        raise ValidationError(f"未知的规则集“{code}”")
    if not isinstance(doc, dict) or "version" not in doc:
        raise ValidationError("规则文件须为 YAML 映射，且含 version")
    try:
        return PARSERS[code][1](doc)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValidationError(f"规则集“{code}”有误：{exc}") from None


def _plain(doc):
    """YAML dates → ISO strings, so the document round-trips through JSON."""
    if isinstance(doc, dict):
        return {str(k): _plain(v) for k, v in doc.items()}
    if isinstance(doc, list):
        return [_plain(v) for v in doc]
    if isinstance(doc, (dt.date, dt.datetime)):
        return doc.isoformat()
    return doc


@transaction.atomic
def install(code: str, text: str | bytes, *, origin: str = "province", by: str = "") -> RuleSet:
    """Check a YAML document and make it the current edition of ``code``."""
    try:
        doc = _plain(yaml.safe_load(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark else ""
        raise ValidationError(f"规则文件不是有效的 YAML：{where}{getattr(exc, 'problem', exc)}") from None
    parse(code, doc)
    checksum = _checksum(doc)
    current = RuleSet.objects.select_for_update().filter(code=code, active=True).first()
    if current and current.checksum == checksum:
        return current
    RuleSet.objects.filter(code=code, active=True).update(active=False)
    rs = RuleSet.objects.create(code=code, version=str(doc["version"]),
                                source=str(doc.get("source", "")).strip(), document=doc,
                                checksum=checksum, origin=origin, loaded_by=by)
    clear_cache()   # this transaction reads its own edition at once, and the next after commit
    transaction.on_commit(clear_cache)
    return rs


def load_shipped(force: bool = False) -> int:
    """Install the package's editions; a province's own edition is kept unless forced."""
    from .services import _data_file

    count = 0
    for code, (filename, _) in PARSERS.items():
        current = RuleSet.objects.filter(code=code, active=True).first()
        if current and current.origin != "package" and not force:
            continue
        rs = install(code, _data_file(filename), origin="package", by="refdata load")
        count += current is None or rs.pk != current.pk
    return count


def current(code: str) -> Any:
    """The parsed current edition of a rule set (cached per process by edition).

    Which edition is current is asked of the database again once ``RULESET_RECHECK_SECONDS`` have
    passed since this process last asked (default 2): a credit check reads three rule sets, and
    asking each time cost it three round trips. A new edition installed by another process is
    therefore used here within that time; the installing process uses it at once."""
    now, recheck = time.monotonic(), float(getattr(settings, "RULESET_RECHECK_SECONDS", 2))
    with _lock:
        hit = _parsed.get(code)
        if hit and recheck > 0 and now < hit[2]:
            return hit[1]
    row = RuleSet.objects.filter(code=code, active=True).values_list("id", flat=True).first()
    if row is None:
        raise ValidationError(f"规则集“{code}”尚未加载，请运行 legalcredit refdata load")
    fresh_until = now + recheck
    if hit and hit[0] == row:
        parsed = hit[1]
    else:
        parsed = parse(code, RuleSet.objects.get(pk=row).document)
    with _lock:
        _parsed[code] = (row, parsed, fresh_until)
    return parsed


def current_edition(code: str) -> RuleSet:
    return RuleSet.objects.get(code=code, active=True)


def clear_cache() -> None:
    with _lock:
        _parsed.clear()
