"""A subject's public address: the number comes back from its token, and no token can be made or
altered without the key (the registry cannot be walked page by page)."""
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.public_ids import LENGTH, PATTERN, decode, encode

KEY, OLD = b"k" * 32, b"o" * 32
numbers = st.integers(1, 2**48 - 1)


@given(numbers)
def test_the_number_comes_back_from_its_token(pk):
    token = encode(pk, KEY)
    assert len(token) == LENGTH and decode(token, [KEY]) == pk and re.fullmatch(PATTERN, token)


@given(numbers, st.integers(0, LENGTH - 1), st.sampled_from("AbZ09_-"))
def test_a_token_altered_anywhere_does_not_verify(pk, at, char):
    token = encode(pk, KEY)
    altered = token[:at] + char + token[at + 1:]
    if altered != token:
        with pytest.raises(ValueError):
            decode(altered, [KEY])


@given(numbers)
def test_a_token_of_another_key_does_not_verify_unless_that_key_is_kept(pk):
    token = encode(pk, OLD)
    with pytest.raises(ValueError):
        decode(token, [KEY])
    assert decode(token, [KEY, OLD]) == pk, "a replaced key, kept as a fallback, still opens old links"


def test_malformed_tokens_and_numbers_are_refused():
    for token in ("", "1", "x" * 15, "x" * 17, "!" * 16, "123"):
        with pytest.raises(ValueError):
            decode(token, [KEY])
    for pk in (0, -1, 2**48):
        with pytest.raises(ValueError):
            encode(pk, KEY)
