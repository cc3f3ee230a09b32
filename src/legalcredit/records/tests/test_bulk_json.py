"""The bulk writer's JSON columns hold what json.dumps(ensure_ascii=False, default=str) held."""
import datetime as dt
import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from legalcredit.records.bulk import _json

scalars = (st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats(allow_nan=False, allow_infinity=False)
           | st.text() | st.decimals(allow_nan=False, allow_infinity=False) | st.dates()
           | st.datetimes(timezones=st.just(dt.timezone.utc)))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=6) | st.integers(0, 99), inner, max_size=4), max_leaves=12)


@given(values)
def test_a_value_is_stored_as_the_standard_library_would_store_it(value):
    assert json.loads(_json(value)) == json.loads(json.dumps(value, ensure_ascii=False, default=str))


def test_chinese_text_is_kept_as_written():
    assert _json({"CF_NR": "停止执业六个月", "fine": Decimal("3.5")}) == '{"CF_NR":"停止执业六个月","fine":"3.5"}'
