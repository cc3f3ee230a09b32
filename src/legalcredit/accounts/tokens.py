"""Issuing, revoking and checking API tokens; the DRF authentication, scope
permission and throttle that use them."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from rest_framework import authentication, exceptions, permissions, throttling

from legalcredit.core import counters, sql

from .models import ApiToken

SCOPES = {"subjects:read": "主体名录查询", "grades:read": "信用等级与得分明细查询",
          "records:read": "信用记录查询（含历史日期与版本）",
          "checks:run": "信用核查（联合奖惩）与措施反馈",
          "lists:read": "公示名单查询与增量同步（含移出记录）",
          "remedies:apply": "代为提交信用修复申请、异议及材料（如政务服务一网通办）",
          "complaints:submit": "投诉转入及办理进度查询（如12348公共法律服务平台）",
          "ratings:submit": "满意度评价（好差评）转入：服务一次、评价一次"}
_PREFIX = "lc_"


LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _digest(key: str) -> str:
    # The key carries 256 random bits, so a plain SHA-256 cannot be brute-forced.
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue(*, owner, name: str, scopes: list[str], days: int = 365,
          rate_per_minute: int = 60, purposes: list[str] = ()) -> tuple[ApiToken, str]:
    unknown = set(scopes) - set(SCOPES)
    if unknown or not scopes:
        raise ValueError(f"授权范围应为 {', '.join(SCOPES)} 中的一项或多项，收到 {sorted(unknown) or '空'}")
    if not 1 <= days <= 3 * 365:
        raise ValueError("有效期应为 1 至 1095 天")
    from .purposes import check_registration
    purposes = check_registration(list(purposes))
    prefix = secrets.token_hex(4)
    key = f"{_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, owner=owner, prefix=prefix, key_hash=_digest(key), scopes=sorted(scopes),
        purposes=purposes, rate_per_minute=rate_per_minute, expires_at=timezone.now() + dt.timedelta(days=days))
    from legalcredit.audit import services as audit
    audit.record(action="create", actor=owner, object_type="accounts.apitoken", object_id=token.pk,
                 summary=f"签发接口令牌 {token}", reason=",".join(token.scopes),
                 data={"purposes": purposes})
    return token, key


@transaction.atomic
def revoke(token: ApiToken, *, actor, reason: str) -> ApiToken:
    if not reason.strip():
        raise ValueError("吊销原因必须填写")
    token.revoked_at, token.revoked_reason = timezone.now(), reason.strip()[:200]
    token.save(update_fields=["revoked_at", "revoked_reason"])
    from legalcredit.audit import services as audit
    audit.record(action="update", actor=actor, object_type="accounts.apitoken", object_id=token.pk,
                 summary=f"吊销接口令牌 {token}", reason=reason)
    return token


def check(key: str) -> ApiToken:
    """The live token for a key, or AuthenticationFailed with the reason in Chinese."""
    if not key.startswith(_PREFIX) or key.count("_") < 2:
        raise exceptions.AuthenticationFailed("接口令牌格式不正确")
    prefix = key[len(_PREFIX):].split("_", 1)[0]
    token = _by_prefix(prefix)
    if token is None or not secrets.compare_digest(token.key_hash, _digest(key)):
        raise exceptions.AuthenticationFailed("接口令牌无效")
    if token.revoked_at is not None:
        raise exceptions.AuthenticationFailed(f"接口令牌已于 {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M} 吊销")
    if token.expires_at <= timezone.now():
        raise exceptions.AuthenticationFailed(f"接口令牌已于 {timezone.localtime(token.expires_at):%Y-%m-%d} 过期")
    if not token.owner.is_active:
        raise exceptions.AuthenticationFailed("接口令牌所属账号已停用")
    return token


_statement: tuple | None = None


def _by_prefix(prefix: str) -> ApiToken | None:
    """The token with its owner, the owner's officer profile and roles (the scope of every call
    reads them), as ``select_related("owner", "owner__officer")`` and ``policy._roles`` give them,
    from one hand-written statement, a row per role: every API call makes it, and the ORM took
    longer to build it than to run it."""
    global _statement
    if _statement is None:
        from django.contrib.auth import get_user_model

        from .models import OfficerProfile, Role

        User = get_user_model()
        through = User.groups.through._meta
        t, u, o, r = (sql.Loader(ApiToken, "t"), sql.Loader(User, "u"), sql.Loader(OfficerProfile, "o"),
                      sql.Loader(Role, "r"))
        owner, user = ApiToken._meta.get_field("owner").column, OfficerProfile._meta.get_field("user").column
        pk = User._meta.pk.column
        _statement = (t, u, o, r, (
            f"SELECT {t.columns}, {u.columns}, {o.columns}, {r.columns} FROM {ApiToken._meta.db_table} t "
            f"JOIN {User._meta.db_table} u ON u.{pk} = t.{owner} "
            f"LEFT JOIN {OfficerProfile._meta.db_table} o ON o.{user} = u.{pk} "
            f"LEFT JOIN ({through.db_table} ug JOIN {Role._meta.db_table} r "
            f"ON r.{Role._meta.get_field('group').column} = ug.{through.get_field('group').column}) "
            f"ON ug.{through.get_field('user').column} = u.{pk} "
            f"WHERE t.prefix = %s ORDER BY r.{Role._meta.pk.column}"))
    t, u, o, r, statement = _statement
    found = sql.rows(statement, [prefix])
    if not found:
        return None
    row = found[0]
    token, owner = t.load(row[:t.width]), u.load(row[t.width:t.width + u.width])
    officer = o.load(row[t.width + u.width:t.width + u.width + o.width])
    token.owner = owner
    # Cached as select_related caches it: no profile is an answer too, not a query on access.
    type(owner).officer.related.set_cached_value(owner, officer)
    if officer is not None:
        type(officer).user.field.set_cached_value(officer, owner)
    from .policy import cache_roles

    cache_roles(owner, [role for role in (r.load(each[-r.width:]) for each in found) if role is not None])
    return token


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer lc_...``"""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(self.keyword + " "):
            return None
        token = check(header[len(self.keyword) + 1:].strip())
        now = timezone.now()
        # "Last used" to the minute: a write per call would cost every call a round trip.
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.owner, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScope(permissions.BasePermission):
    """A token reaches only the endpoints its scopes name (views set ``required_scope``).

    Back-office sessions are governed by their role's permissions instead.
    """

    message = "接口令牌未获授权访问此接口"

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        return getattr(view, "required_scope", None) in token.scopes


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Calls per minute per token, as set when the token was issued.

    A counter per token and calendar minute (one increment per call, core/counters.py), not
    DRF's sliding window, whose list of every call's time is read and rewritten on each call and
    grows with the rate: a system allowed 100,000 calls a minute would move a list that long
    every call.
    """

    scope = "api_token"

    def allow_request(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        self.now = self.timer()
        minute = int(self.now // 60)
        self.wait_for = 60 - (self.now - minute * 60)
        return counters.increment(f"throttle_token_{token.pk}_{minute}", ttl=120) <= token.rate_per_minute

    def wait(self):
        return self.wait_for

    def get_rate(self):
        return None  # set per token in allow_request
