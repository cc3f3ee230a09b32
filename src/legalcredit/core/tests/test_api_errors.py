"""A department's system is told what is wrong in JSON and in Chinese, each message naming its
field, and the OpenAPI document lists every refusal an operation can give."""
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ErrorDetail

from legalcredit.accounts import tokens
from legalcredit.core.api_errors import name_fields

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def key(department):
    return tokens.issue(owner=department, name="政府采购系统", scopes=["subjects:read", "checks:run", "grades:read"])[1]


def call(client, method, path, key, **kw):
    return getattr(client, method)(path, HTTP_AUTHORIZATION=f"Bearer {key}", **kw)


def test_a_path_under_api_that_matches_nothing_answers_json(client, key):
    for path in ("/api/v1/checks/a/b/c/", "/api/v1/no-such-endpoint/", "/api/v2/checks/"):
        r = call(client, "get", path, key)
        assert r.status_code == 404 and r["Content-Type"].startswith("application/json"), path
        assert r.json() == {"detail": f"接口地址不存在：{path}（接口说明见 /api/docs/）"}
    page = client.get("/public/no-such-page/")
    assert page.status_code == 404 and "页面不存在" in page.content.decode()


def test_a_record_not_found_is_said_in_chinese(client, key):
    r = call(client, "get", "/api/v1/subjects/987654/", key, data={"purpose": "supervision"})
    assert r.status_code == 404 and r.json() == {"detail": "信用主体不存在，或不在您的查看范围内"}
    r = call(client, "post", "/api/v1/watches/987654/end/", key)
    assert r.status_code == 404 and r.json() == {"detail": "关注不存在，或不是本单位的关注"}


def test_a_mistyped_receipt_is_answered_as_one_that_does_not_verify(client):
    r = client.get("/api/v1/checks/3f2b8c1e-0000-4000-8000-00000000000/", {"digest": "ab"})
    assert r.status_code == 404 and r.json() == {"valid": False, "reason": "回执编号格式不正确（应为 36 位，如 3f2b8c1e-…）"}


def test_a_page_out_of_range_is_refused_not_replaced_by_the_first(client):
    assert client.get("/api/v1/public/forensic-grades/", {"limit": "1000", "offset": "0"}).status_code == 200
    for name, value in (("offset", "null"), ("offset", "-1"), ("limit", "0"), ("limit", "1001")):
        r = client.get("/api/v1/public/forensic-grades/", {name: value})
        assert r.status_code == 400, (name, value)
        assert r.json()[name][0].startswith(f"{name}（"), r.json()


def test_a_body_that_is_not_json_is_said_so(client, key):
    r = call(client, "post", "/api/v1/checks/", key, data='{"matter_type": "procurement",\n oops}',
             content_type="application/json")
    assert r.status_code == 400 and r.json() == {"detail": "请求体：不是有效的 JSON（第 2 行第 2 列）"}


def test_each_message_names_its_field_down_to_the_list_item(client, key, law_firm):
    r = call(client, "post", "/api/v1/checks/", key, content_type="application/json",
             data={"matter_type": "procurement", "subjects": [{"uscc": law_firm.uscc}, {"uscc": ["不是文本"]}]})
    assert r.status_code == 400
    body = r.json()
    assert body["purpose"] == ["purpose：该字段是必填项。"]
    assert body["subjects"] == {"1": {"uscc": ["subjects[1].uscc：不是有效的字符串。"]}}


def test_a_message_that_names_its_field_is_left_as_it_is(client, key):
    r = call(client, "get", "/api/v1/grades/distribution/", key, data={"level": "3"})
    assert r.status_code == 400 and r.json() == {"level": ["level：应为 2、4 或 6"]}
    r = call(client, "get", "/api/v1/subjects/", key, data={"q": "德恒"})
    assert r.json()["purpose"][0].startswith("purpose（查询用途）：必须填写")


def test_a_server_error_under_api_answers_json(client, monkeypatch):
    from legalcredit.checks import services

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "verify", broken)
    client.raise_request_exception = False
    r = client.get(f"/api/v1/checks/{uuid.uuid4()}/", {"digest": "x"})
    assert r.status_code == 500 and r["Content-Type"].startswith("application/json")
    assert "服务器内部错误" in r.json()["detail"] and "database" not in r.content.decode()


def test_the_public_api_shares_the_portals_per_visitor_cap(client, key, settings, counting_cache):
    settings.PUBLIC_RATE_PER_MINUTE = 2
    codes = [client.get("/api/v1/lists/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    refused = client.get(f"/api/v1/checks/{uuid.uuid4()}/", {"digest": "x"})
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 60
    assert "detail" in refused.json()
    assert client.get("/public/").status_code == 429, "one budget for pages and calls"
    # A department's token has its own limit, not the visitor's.
    assert call(client, "get", "/api/v1/lists/", key).status_code == 200


def test_every_operation_documents_its_refusals(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert set(schema["components"]["schemas"]["ApiError"]["properties"]) == {"detail"}
    for path, item in schema["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert "429" in codes, (method, path)
            if op.get("security") != [{}]:
                assert {"401", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if "requestBody" in op:
                assert {"400", "415"} <= codes, (method, path)
    verify = schema["paths"]["/api/v1/checks/{receipt}/"]["get"]["responses"]
    assert {"404", "409"} <= set(verify)
    assert verify["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/CheckReceiptNotValid")
    assert "404" in schema["paths"]["/api/v1/watches/push/"]["get"]["responses"]


messages = st.text(min_size=1, max_size=20).filter(lambda m: "：" not in m)
keys = st.from_regex(r"[a-z_]{1,12}", fullmatch=True).filter(lambda k: k not in ("detail", "non_field_errors"))
details = st.recursive(
    st.lists(messages, min_size=1, max_size=3),
    lambda inner: st.dictionaries(keys, inner, min_size=1, max_size=3)
    | st.lists(st.dictionaries(keys, inner, max_size=2), min_size=1, max_size=3)
    | st.dictionaries(st.integers(0, 99), st.dictionaries(keys, inner, min_size=1, max_size=2), min_size=1),
    max_leaves=8)


def _leaves(detail, path=""):
    if isinstance(detail, dict):
        for k, v in detail.items():
            yield from _leaves(v, f"{path}[{k}]" if isinstance(k, int) else f"{path}.{k}" if path else k)
    elif isinstance(detail, list) and any(isinstance(x, (dict, list)) for x in detail):
        for i, v in enumerate(detail):
            yield from _leaves(v, f"{path}[{i}]")
    else:
        for m in detail if isinstance(detail, list) else [detail]:
            yield path, m


@given(st.dictionaries(keys, details, min_size=1, max_size=3))
def test_naming_prefixes_each_message_with_its_path_once(detail):
    named = name_fields(detail)
    before, after = list(_leaves(detail)), list(_leaves(named))
    assert [p for p, _ in after] == [p for p, _ in before], "the shape is kept"
    assert all(m == f"{p}：{old}" for (p, m), (_, old) in zip(after, before))
    assert name_fields(named) == named, "a named message is not named twice"


def test_the_code_of_a_message_is_kept():
    [named] = name_fields({"on": [ErrorDetail("日期格式错误。请从这些格式中选择：YYYY-MM-DD。", code="invalid")]})["on"]
    assert named == "on：日期格式错误。请从这些格式中选择：YYYY-MM-DD。" and named.code == "invalid"


def test_a_nul_anywhere_in_the_parameters_is_refused_before_any_view(client, key, maker):
    r = call(client, "get", "/api/v1/subjects/?q=%00&purpose=supervision", key)
    assert r.status_code == 400 and "空字符" in r.json()["detail"]
    client.force_login(maker)
    page = client.get("/admin/registry/subject/?q=德恒%00")
    assert page.status_code == 400 and "空字符" in page.content.decode()
    form = client.post("/admin/registry/subject/?q=x", {"name": "a\x00b"})
    assert form.status_code == 400
