"""No public page or public API response shows a full ID number: every URL the platform
serves is requested without logging in (GET, and POST where it takes one), and every body is
searched for any valid 18-character ID number, not only the ones the test planted."""
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from legalcredit.checks import services as checks
from legalcredit.domain.identifiers import IdentifierError, id_number

ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def full_id_numbers(text: str) -> set[str]:
    found = set()
    for candidate in ID_LIKE.findall(text):
        try:
            id_number.validate(candidate)
        except IdentifierError:
            continue
        found.add(candidate)
    return found


def routes(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def filled(route: str, values: dict) -> str | None:
    path = "/" + route.lstrip("^").rstrip("$").replace("\\Z", "").replace("\\/", "/")
    if "(?P<" in path:  # the admin's regex routes: one object per model is enough
        path = re.sub(r"\(\?P<app_label>[^)]*\)", "registry", path)
        path = re.sub(r"\(\?P<url>.*\)", "", path)
        if "(?P<" in path:
            return None
    for name, value in values.items():
        path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
    path = re.sub(r"<(?:\w+:)?\w*(object_id|pk|id)>", str(values["pk"]), path)
    return None if "<" in path else path


@pytest.fixture
def world(lawyer, law_firm, department):
    [check] = checks.run(by=department, queries=[{"id_number": lawyer.id_number}], matter="awards",
                         purpose="评优")
    return {"pk": lawyer.pk, "receipt": check.pk, "number": "XF2026000001", "digest": check.digest,
            "content_type_id": 1, "user_id": lawyer.pk, "token": "x"}


def test_no_anonymous_response_contains_a_full_id_number(client, world, lawyer):
    seen = 0
    for route in sorted(set(routes())):
        path = filled(route, world)
        if path is None:
            continue
        # Nothing sent holds an ID number, so any found in a body came from stored data.
        for response in (client.get(path, {"digest": world["digest"], "q": lawyer.name,
                                           "purpose": "supervision"}),
                         client.post(path, {"q": lawyer.name})):
            body = response.content.decode("utf-8", "replace")
            assert not full_id_numbers(body), f"{path} ({response.status_code}) shows a full ID number"
            seen += 1
    assert seen > 50, "the walk reached the platform's URLs"


def test_the_public_receipt_check_masks_the_id_number_it_was_asked_about(client, world, lawyer):
    response = client.get(f"/api/v1/checks/{world['receipt']}/", {"digest": world["digest"]})
    body = response.json()
    assert response.status_code == 200 and body["valid"] is True
    assert body["query"]["id_number"] == id_number.mask(lawyer.id_number)
    assert lawyer.id_number not in response.content.decode()


def test_the_detector_finds_what_it_must():
    number = "11010519491231002X"
    assert full_id_numbers(f"证件号码：{number}。") == {number}
    assert full_id_numbers("110105********002X 和 91320000MA1XXXXX0X") == set()
