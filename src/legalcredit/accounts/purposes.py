"""Purpose of use: every API read of non-public credit data states a registered purpose.

The catalogue is the ``query_purposes`` rule set; a department's token may be registered for
some purposes only. The purpose goes into the audit entry of the read.
"""
from __future__ import annotations

from rest_framework.exceptions import PermissionDenied, ValidationError

from legalcredit.domain.purposes import Purpose
from legalcredit.refdata import rulesets

from .models import ApiToken


def catalogue():
    return rulesets.current("query_purposes")


def stated(request) -> Purpose:
    """The registered purpose the request states (``?purpose=`` code or name), or a 400 / 403."""
    raw = (request.query_params.get("purpose") or "").strip()
    cat = catalogue()
    purpose = cat.find(raw)
    if purpose is None:
        problem = "必须填写" if not raw else f"“{raw[:50]}”不是已登记的查询用途"
        raise ValidationError({"purpose": f"purpose（查询用途）：{problem}。查阅非公开信用信息须说明已登记的用途："
                                          f"{cat.listing()}"})
    token = request.auth
    if isinstance(token, ApiToken) and token.purposes and purpose.code not in token.purposes:
        registered = "、".join(cat.purposes[c].name for c in token.purposes if c in cat.purposes)
        raise PermissionDenied(f"本接口令牌登记的查询用途为：{registered}；不含“{purpose.name}”")
    return purpose


def audit_reason(purpose: Purpose) -> str:
    return f"{purpose.name}（{purpose.code}）"


def check_registration(codes: list[str]) -> list[str]:
    """Purposes named when a token is issued: each must be in the catalogue."""
    cat = catalogue()
    unknown = [c for c in codes if c not in cat.purposes]
    if unknown:
        raise ValueError(f"查询用途 {', '.join(unknown)} 未登记；可选：{cat.listing()}")
    return sorted(set(codes))
