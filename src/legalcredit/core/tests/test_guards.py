"""A text longer than its column is refused naming the field, on both databases alike."""
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.core.guards import too_long
from legalcredit.remedies.models import Commitment

LIMIT = Commitment._meta.get_field("cause").max_length


@given(st.text(max_size=LIMIT * 2))
def test_a_text_is_refused_exactly_when_it_exceeds_its_column(cause):
    faults = too_long(Commitment(cause=cause))
    if len(cause) > LIMIT:
        assert faults == {"cause": f"承诺事由：不能超过 {LIMIT} 个字（收到 {len(cause)} 个）"}
    else:
        assert "cause" not in faults


@pytest.mark.django_db
def test_a_save_past_the_column_is_refused_and_nothing_written(law_firm):
    name = law_firm.name
    law_firm.name = "所" * (type(law_firm)._meta.get_field("name").max_length + 1)
    with pytest.raises(ValidationError) as refused:
        law_firm.save()
    assert list(refused.value.message_dict) == ["name"]
    law_firm.refresh_from_db()
    assert law_firm.name == name
