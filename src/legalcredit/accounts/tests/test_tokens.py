import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from legalcredit.accounts import tokens
from legalcredit.accounts.models import ApiToken
from legalcredit.registry import services

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def firm(officer, codes):
    return services.register_institution(actor=officer, reason="登记", name="江苏德恒律师事务所",
                                         subject_type="law_firm", region="320812",
                                         uscc_code=codes.uscc())[0]


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_department_system_reads_with_its_token(client, department, firm):
    token, key = tokens.issue(owner=department, name="政府采购系统", scopes=["subjects:read"])
    resp = client.get("/api/v1/subjects/", {"q": firm.uscc, "purpose": "joint_measures"}, **bearer(key))
    assert resp.status_code == 200 and [r["name"] for r in resp.json()] == [firm.name]
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert key not in str(ApiToken.objects.values_list()), "only a digest is stored"


def test_expired_revoked_and_wrong_tokens_are_refused_in_chinese(client, department, firm):
    token, key = tokens.issue(owner=department, name="采购", scopes=["subjects:read"])
    assert client.get("/api/v1/subjects/?q=德恒&purpose=supervision", **bearer(key[:-2] + "xx")).json()["detail"] == "接口令牌无效"
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    resp = client.get("/api/v1/subjects/?q=德恒&purpose=supervision", **bearer(key))
    assert resp.status_code == 401 and "过期" in resp.json()["detail"]
    token2, key2 = tokens.issue(owner=department, name="采购", scopes=["subjects:read"])
    tokens.revoke(token2, actor=None, reason="系统下线")
    resp = client.get("/api/v1/subjects/?q=德恒&purpose=supervision", **bearer(key2))
    assert resp.status_code == 401 and "吊销" in resp.json()["detail"]


def test_a_token_reaches_only_its_scopes(client, department, firm, monkeypatch):
    monkeypatch.setitem(tokens.SCOPES, "checks:write", "信用核查")
    _, key = tokens.issue(owner=department, name="采购", scopes=["checks:write"])
    resp = client.get(f"/api/v1/subjects/{firm.pk}/", {"purpose": "supervision"}, **bearer(key))
    assert resp.status_code == 403 and resp.json()["detail"] == "接口令牌未获授权访问此接口"


def test_rate_limit_per_token(client, department, firm, monkeypatch, counting_cache):
    clock = [1_800_000_000.0 + 10]  # ten seconds into a minute
    monkeypatch.setattr(tokens.TokenRateThrottle, "timer", lambda self: clock[0])
    _, key = tokens.issue(owner=department, name="采购", scopes=["subjects:read"], rate_per_minute=3)
    _, other = tokens.issue(owner=department, name="名录", scopes=["subjects:read"], rate_per_minute=3)

    def call(k):
        return client.get("/api/v1/subjects/?q=德恒&purpose=supervision", **bearer(k))

    codes = [call(key).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    refused = call(key)
    assert refused["Retry-After"] == "50", "the wait until the next minute"
    assert call(other).status_code == 200, "each token counts on its own"
    clock[0] += 50
    assert call(key).status_code == 200, "a new minute, a new allowance"


def test_issue_rules(db):
    with pytest.raises(ValueError, match="授权范围"):
        tokens.issue(owner=None, name="x", scopes=["everything"])
    with pytest.raises(ValueError, match="有效期"):
        tokens.issue(owner=None, name="x", scopes=["subjects:read"], days=5000)


def test_token_command_issues_once_and_revokes(department, capsys):
    call_command("token", "issue", user="procurement", name="采购系统")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("lc_") and tokens.check(key).name == "采购系统"
    call_command("token", "revoke", id=ApiToken.objects.get().pk, reason="到期更换")
    with pytest.raises(Exception, match="吊销"):
        tokens.check(key)


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_the_token_read_on_every_call_is_what_the_orm_gives(department, django_user_model, django_assert_num_queries):
    from legalcredit.accounts import policy
    from legalcredit.accounts.models import Role
    from legalcredit.accounts.services import assign

    bare = django_user_model.objects.create_user("no_profile", password="x-Strong-pass-1")
    assign(department, "city_checker", unit="省财政厅政府采购系统")   # a second role: both count
    for owner in (department, bare):
        token, _ = tokens.issue(owner=owner, name="系统", scopes=["subjects:read", "checks:run"], purposes=[])
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now(), revoked_reason="")
        expected = ApiToken.objects.select_related("owner", "owner__officer").get(pk=token.pk)
        got = tokens._by_prefix(token.prefix)
        assert _fields(got) == _fields(expected) and _fields(got.owner) == _fields(expected.owner)
        assert isinstance(got.scopes, list) and got.expires_at.tzinfo is not None
        with django_assert_num_queries(0):   # the profile came with the token, or its absence did
            profile = getattr(got.owner, "officer", None)
        wanted = getattr(expected.owner, "officer", None)
        assert (profile and _fields(profile)) == (wanted and _fields(wanted))
        roles = sorted((_fields(r) for r in Role.objects.filter(group__user=owner)), key=lambda f: f["code"])
        assert sorted((_fields(r) for r in policy._roles(owner.pk)), key=lambda f: f["code"]) == roles
        # The roles came with the token, in the same statement: the scope needs no other query.
        assert [_fields(r) for r in got.owner._legalcredit_roles] == roles
        with django_assert_num_queries(0):
            scope = policy.scope_for(got.owner)
        assert scope == policy._compute(expected.owner)
    assert len(policy._roles(department.pk)) == 2 and policy._roles(bare.pk) == []
    assert tokens._by_prefix("00000000") is None
