from legalcredit.core.openapi import GROUPS


def test_api_docs_group_every_operation_under_a_chinese_area(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    names = {name for name, _ in GROUPS.values()}
    tags = {op["tags"][0] for item in schema["paths"].values() for op in item.values() if isinstance(op, dict)}
    assert tags <= names, tags - names
    assert schema["paths"]["/api/v1/checks/"]["post"]["tags"] == ["信用核查"]
    assert [t["name"] for t in schema["tags"]][:2] == ["信用核查", "主体名录"]
