"""Signing pushed events and spacing the retries (domain/push.py)."""
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import push

SECRETS = st.text(min_size=1, max_size=60)
STAMPS = st.integers(1_600_000_000, 2_000_000_000)


@given(SECRETS, STAMPS, st.binary(max_size=2000), st.integers(-300, 300))
def test_a_receiver_accepts_what_was_signed_with_its_secret_within_the_tolerance(secret, ts, body, skew):
    assert push.verify(secret, str(ts), body, push.sign(secret, ts, body), now=ts + skew)


@given(SECRETS, SECRETS, STAMPS, st.binary(min_size=1, max_size=500), st.data())
def test_any_change_of_body_timestamp_or_secret_is_refused(secret, other, ts, body, data):
    signature = push.sign(secret, ts, body)
    i = data.draw(st.integers(0, len(body) - 1))
    changed = body[:i] + bytes([(body[i] + 1) % 256]) + body[i + 1:]
    assert not push.verify(secret, ts, changed, signature, now=ts)
    assert not push.verify(secret, ts + 1, body, signature, now=ts)
    if other != secret:
        assert not push.verify(other, ts, body, signature, now=ts)


@given(SECRETS, STAMPS, st.binary(max_size=100), st.integers(301, 10**6))
def test_an_old_or_future_delivery_is_refused_as_a_replay(secret, ts, body, skew):
    signature = push.sign(secret, ts, body)
    assert not push.verify(secret, ts, body, signature, now=ts + skew)
    assert not push.verify(secret, ts, body, signature, now=ts - skew)
    assert not push.verify(secret, "not a number", body, signature, now=ts)


@given(st.integers(1, 3600), st.integers(1, 86400), st.integers(1, 10_000))
def test_the_wait_after_a_failure_starts_at_the_first_grows_and_never_passes_the_longest(first, longest, failures):
    wait = push.retry_after(failures, first=first, longest=longest)
    assert push.retry_after(1, first=first, longest=longest) == min(first, longest)
    assert min(first, longest) <= wait <= longest
    assert push.retry_after(failures + 1, first=first, longest=longest) >= wait
    assert push.retry_after(0, first=first, longest=longest) == 0
