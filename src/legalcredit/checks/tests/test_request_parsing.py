"""The check endpoint's fast reading of a well-formed body agrees with CheckRequestSerializer."""
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from legalcredit.checks.api.serializers import CheckRequestSerializer, plain_request

texts = st.one_of(st.text(max_size=12), st.sampled_from(["", " ", " procurement ", "政府采购", "a\x00b", "\ud800"]),
                  st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False), st.lists(st.text(max_size=3), max_size=2))
days = st.one_of(st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat),
                 st.sampled_from(["2026-1-1", "2026-13-01", "2026-02-30", "20261207", "2021-W01-1", "", "2026-12-07T00:00"]),
                 texts)
queries = st.one_of(st.dictionaries(st.sampled_from(["uscc", "id_number", "license_no", "other"]), texts, max_size=3),
                    texts)
bodies = st.one_of(
    st.fixed_dictionaries({"matter_type": texts, "purpose": texts, "subjects": st.lists(queries, max_size=3)},
                          optional={"on": days, "extra": texts}),
    st.dictionaries(st.sampled_from(["matter_type", "purpose", "on", "subjects"]), texts, max_size=4),
    texts)


def plain(value):
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


@settings(max_examples=400, deadline=None)
@given(bodies)
def test_a_body_read_fast_reads_as_the_serializer_validates_it(body):
    fast = plain_request(body)
    if fast is None:
        return      # the serializer decides, as before
    serializer = CheckRequestSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
    assert fast == plain(serializer.validated_data)


def test_the_usual_bodies_are_read_fast():
    assert plain_request({"matter_type": "procurement", "purpose": " 资格审查 ", "on": "2026-12-01",
                          "subjects": [{"uscc": "91320800MA1XXXXXXX"}, {"id_number": " 320812198001010017 "}]}) == {
        "matter_type": "procurement", "purpose": "资格审查", "on": dt.date(2026, 12, 1),
        "subjects": [{"uscc": "91320800MA1XXXXXXX"}, {"id_number": "320812198001010017"}]}
