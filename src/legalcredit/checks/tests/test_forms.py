"""Which identifier a typed line is, for the back-office check form."""
import datetime as dt
import random

import pytest
from hypothesis import given, settings, strategies as st

from legalcredit.checks.forms import query_for
from legalcredit.domain.identifiers import generate


pytestmark = pytest.mark.django_db


@settings(deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(["31", "32", "33", "34", "91", "12"]))
def test_a_valid_uscc_is_asked_as_one(seed, prefix):
    code = generate.uscc_code(random.Random(seed), authority=prefix[0], category=prefix[1], region="320812")
    assert query_for(f"  {code.lower()} ") == {"uscc": code}


@settings(deadline=None)
@given(st.dates(dt.date(1940, 1, 1), dt.date(2005, 12, 31)), st.integers(0, 999))
def test_a_valid_id_number_is_asked_as_one(born, seq):
    number = generate.id_number_for("110101", born, seq)
    assert query_for(number) == {"id_number": number}


@settings(deadline=None)
@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=1, max_size=20))
def test_anything_else_is_a_licence_number(text):
    got = query_for(text)
    assert list(got) in (["uscc"], ["id_number"], ["license_no"])
    if list(got) == ["license_no"]:
        assert got["license_no"] == text


def test_a_number_valid_as_both_is_the_uscc_a_subject_holds(maker):
    from legalcredit.registry import services as registry

    both = "11010120000106131X"     # an ID number whose last character also passes the USCC check
    assert query_for(both) == {"id_number": both}
    registry.register_institution(actor=maker, reason="登记", name="某机构", subject_type="law_firm",
                                  region="320812", uscc_code=both)
    assert query_for(both) == {"uscc": both}
