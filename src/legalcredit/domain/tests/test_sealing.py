import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.sealing import Keyring, SealingError, is_sealed

RING = Keyring.fresh()
text = st.text(min_size=1, max_size=60)


@given(st.text(min_size=8, max_size=60))  # shorter strings can occur in base64 by chance
def test_sealing_round_trips_and_hides_the_value(value):
    token = RING.seal(value)
    assert is_sealed(token) and value not in token.split(":", 2)[2]
    assert RING.open(token) == value


@given(text, text)
def test_sealing_is_deterministic_so_lookups_and_unique_indexes_work(a, b):
    assert RING.seal(a) == RING.seal(a)
    assert (RING.seal(a) == RING.seal(b)) == (a == b)


@given(text)
def test_a_rotated_keyring_opens_old_tokens_and_reseals_under_the_new_key(value):
    old = RING.seal(value)
    ring = RING.rotated()
    assert ring.current != RING.current and ring.open(old) == value
    new = ring.reseal(old)
    assert new != old and new.startswith(f"enc:{ring.current}:") and ring.open(new) == value
    assert ring.reseal(new) == new


def test_empty_and_missing_values_stay_as_they_are():
    assert RING.seal(None) is None and RING.seal("") == ""
    assert RING.open(None) is None and RING.open("plain") == "plain"


def test_an_altered_token_or_a_lost_key_is_an_error_not_garbage():
    token = RING.seal("110101199003074477")
    body = token.split(":", 2)[2]
    tampered = token[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(SealingError, match="数据被改动或密钥不符"):
        RING.open(tampered)
    with pytest.raises(SealingError, match="没有密钥"):
        Keyring.fresh().open(token.replace(":k1:", ":k9:"))


def test_a_malformed_keyring_is_refused():
    with pytest.raises(SealingError, match="不在密钥环中"):
        Keyring(current="k2", keys=RING.keys)
    with pytest.raises(SealingError, match="格式错误"):
        Keyring(current="k1", keys={"k1": "c2hvcnQ"})
