"""Non-public credit data is read only for a registered purpose (查询使用登记)."""
import pytest
from django.core.management import CommandError, call_command

from legalcredit.accounts import tokens
from legalcredit.audit.models import AuditEntry

pytestmark = pytest.mark.usefixtures("fresh_cache")


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("path", ["/api/v1/subjects/?q=德恒", "/api/v1/subjects/{pk}/",
                                  "/api/v1/subjects/{pk}/affiliations/", "/api/v1/subjects/{pk}/grade/"])
@pytest.mark.parametrize("purpose", [None, "", "随便看看"])
def test_every_non_public_read_needs_a_registered_purpose(client, checker, law_firm, path, purpose):
    client.force_login(checker)
    before = AuditEntry.objects.filter(action="read").count()
    params = {} if purpose is None else {"purpose": purpose}
    response = client.get(path.format(pk=law_firm.pk), params)
    assert response.status_code == 400
    message = response.json()["purpose"]
    message = message[0] if isinstance(message, list) else message
    assert message.startswith("purpose（查询用途）：") and "supervision（日常监管）" in message
    assert ("必须填写" in message) == (not purpose)
    assert AuditEntry.objects.filter(action="read").count() == before, "nothing was read"


def test_a_purpose_may_be_stated_by_code_or_name_and_is_audited(client, checker, law_firm):
    client.force_login(checker)
    for stated in ("licensing", "行政许可审查"):
        assert client.get(f"/api/v1/subjects/{law_firm.pk}/", {"purpose": stated}).status_code == 200
        entry = AuditEntry.objects.filter(action="read").latest("id")
        assert entry.reason == "行政许可审查（licensing）" and entry.actor == checker.username


def test_a_token_registered_for_some_purposes_reads_for_those_only(client, department, law_firm):
    token, key = tokens.issue(owner=department, name="政府采购系统", scopes=["subjects:read"],
                              purposes=["joint_measures"])
    assert token.purposes == ["joint_measures"]
    ok = client.get(f"/api/v1/subjects/{law_firm.pk}/", {"purpose": "联合奖惩"}, **bearer(key))
    assert ok.status_code == 200
    refused = client.get(f"/api/v1/subjects/{law_firm.pk}/", {"purpose": "supervision"}, **bearer(key))
    assert refused.status_code == 403 and "不含“日常监管”" in refused.json()["detail"]


def test_a_token_cannot_be_registered_for_an_unknown_purpose(department, capsys):
    with pytest.raises(ValueError, match="查询用途 shopping 未登记"):
        tokens.issue(owner=department, name="某系统", scopes=["subjects:read"], purposes=["shopping"])
    with pytest.raises(CommandError, match="未登记"):
        call_command("token", "issue", "--user", department.username, "--name", "某系统",
                     "--purposes", "shopping")
    call_command("token", "issue", "--user", department.username, "--name", "采购系统",
                 "--purposes", "joint_measures,licensing")
    capsys.readouterr()
    call_command("token", "list")
    assert "用途:joint_measures,licensing" in capsys.readouterr().out


def test_the_catalogue_is_a_rule_set_a_province_can_replace(db):
    from django.core.exceptions import ValidationError

    from legalcredit.refdata import rulesets

    with pytest.raises(ValidationError, match="代码或名称重复"):
        rulesets.install("query_purposes", "version: x\npurposes:\n"
                         "  - {code: a_b, name: 甲, basis: 依据}\n  - {code: a_b, name: 乙, basis: 依据}\n")
    rulesets.install("query_purposes", "version: js-2027\npurposes:\n"
                     "  - {code: supervision, name: 日常监管, basis: 江苏省规定}\n")
    assert list(rulesets.current("query_purposes").purposes) == ["supervision"]
