"""Whatever a visitor types into the address bar, the portal answers with a page or a refusal,
never a server error: a NUL (which PostgreSQL refuses in any text), a lone surrogate, text where a
number or date belongs, a page number past the end, a parameter given twice or very long."""
import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

HOSTILE = ["\x00", "a\x00b", "-1", "0", "9" * 30, "null", "2026-13-45", "１２", "<script>", "%", "_",
           "'", "字" * 500]
RAW = ["%FF", "%ED%B3%BF", "%C0%80", "%00%00"]     # bytes that are not UTF-8: an encoded surrogate among them

PAGES = {
    "/public/": ["q"],
    "/public/decisions/": ["kind", "party", "decision_no", "authority", "start", "end", "page"],
    "/public/lists/": ["list", "name", "page"],
    "/public/commitments/": ["type", "fulfilment", "page"],
    "/public/verify/": ["receipt", "digest"],
    "/public/inspections/": ["page"],
    "/public/bulletins/": ["page"],
    "/public/forensic-grades/": ["year", "stage", "name", "region", "page"],
    "/public/reports/verify/": ["serial", "code"],
    "/public/complaints/status/": ["number", "code"],
    "/public/display/": ["mode", "next"],
}


@pytest.fixture
def visitor(client, settings, lawyer, law_firm):
    settings.PUBLIC_RATE_PER_MINUTE = 0
    client.raise_request_exception = True     # a server error fails the test with its trace
    return client


@pytest.mark.parametrize("path", sorted(PAGES))
def test_no_query_string_makes_a_public_page_fail(visitor, path):
    for name in PAGES[path]:
        for value in HOSTILE:
            r = visitor.get(path, {name: value})
            assert r.status_code in (200, 302, 400, 404), (path, name, value, r.status_code)
        for raw in [*RAW, f"1&{name}=2"]:
            r = visitor.get(f"{path}?{name}={raw}")
            assert r.status_code in (200, 302, 400, 404), (path, name, raw, r.status_code)


def test_a_subject_is_not_found_by_its_number_nor_by_an_altered_address(visitor, law_firm):
    # The registry cannot be walked from 1 upwards: the address is a token only the platform makes.
    from django.urls import reverse

    url = reverse("portal:subject", args=[law_firm.pk])
    assert visitor.get(url).status_code == 200
    token = url.split("/")[-2]
    altered = url.replace(token, ("A" if token[0] != "A" else "B") + token[1:])
    for path in (f"/public/subjects/{law_firm.pk}/", altered, f"/public/complaints/subjects/{law_firm.pk}/",
                 f"/public/reports/subjects/{law_firm.pk}/"):
        assert visitor.get(path).status_code == 404, path


def test_a_subject_page_and_its_report_take_no_hostile_id(visitor, law_firm):
    for path in ("/public/subjects/99999999999999999999/", f"/public/subjects/{law_firm.pk}/?page=\x00",
                 "/public/reports/subjects/99999999999999999999/", "/public/bulletins/99999999999999999999/",
                 "/public/decisions/00000000-0000-0000-0000-000000000000/", "/public/standards/no-such-rule/"):
        assert visitor.get(path).status_code in (200, 400, 404, 405), path


def test_an_address_made_before_the_key_was_replaced_still_opens(visitor, law_firm, settings):
    from django.urls import reverse

    old = reverse("portal:subject", args=[law_firm.pk])
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "x" * 40, [settings.SECRET_KEY]
    assert reverse("portal:subject", args=[law_firm.pk]) != old
    assert visitor.get(old).status_code == 200
    settings.SECRET_KEY_FALLBACKS = []
    assert visitor.get(old).status_code == 404
