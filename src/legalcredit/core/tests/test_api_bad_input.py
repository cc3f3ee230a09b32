"""Every operation of the API, as its OpenAPI document lists it, answers bad input without a
server error: path parameters that do not exist or are malformed, query strings of the wrong
kind, bodies that are empty, not objects, of the wrong shape or not JSON at all; with a token of
every scope, and with none."""
import json
import re
import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

from legalcredit.accounts import tokens

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

BODIES = [None, {}, [], "not json", {"subjects": "x"}, {"subjects": [{}], "matter_type": "procurement", "purpose": "x"},
          {"subjects": [{"uscc": "1" * 18}], "matter_type": "x", "purpose": ""}, {"a": {"b": [1, 2]}},
          {"reason": ["x"], "measure": 1, "applied": "maybe", "rating": "x", "service_ref": None}]
QUERIES = [{}, {"purpose": "supervision"},
           {"q": "律", "limit": "x", "offset": "-1", "start": "x", "end": "2026-13-40", "after": "x", "on": "x",
            "digest": "x", "code": "x", "purpose": "no-such-purpose"}]


def test_no_operation_fails_on_bad_input(client, department, law_firm):
    key = tokens.issue(owner=department, name="接口测试", scopes=list(tokens.SCOPES), rate_per_minute=10**7)[1]
    samples = {"pk": [law_firm.pk, 0, 999_999_999], "receipt": [uuid.uuid4(), "x"], "key": [uuid.uuid4(), "x"]}
    schema = SchemaGenerator().get_schema(request=None, public=True)
    client.raise_request_exception = False
    failed, calls = [], 0
    for path, operations in schema["paths"].items():
        fills = [{}]
        for name in re.findall(r"{(\w+)}", path):
            fills = [{**f, name: v} for f in fills for v in samples.get(name, [1, "x"])]
        for fill in fills:
            url = path
            for name, value in fill.items():
                url = url.replace(f"{{{name}}}", str(value))
            for method in operations:
                for auth in ({"HTTP_AUTHORIZATION": f"Bearer {key}"}, {}):
                    if method == "get":
                        tries = [client.get(url, q, **auth) for q in QUERIES]
                    else:
                        tries = [getattr(client, method)(url, "" if b is None else b if isinstance(b, str)
                                                         else json.dumps(b), content_type="application/json", **auth)
                                 for b in BODIES]
                    calls += len(tries)
                    failed += [(method, url, r.status_code) for r in tries if r.status_code >= 500]
    assert calls > 300, "the document listed the operations"
    assert not failed
