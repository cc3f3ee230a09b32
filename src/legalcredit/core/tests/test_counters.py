"""Counts shared by the web workers (API calls per token and minute)."""
import time

from legalcredit.core import counters


def test_a_count_starts_at_one_counts_up_and_expires(counting_cache):
    assert [counters.increment("calls_a", ttl=2) for _ in range(3)] == [1, 2, 3]
    assert counters.increment("calls_b", ttl=2) == 1, "each key counts on its own"
    if counting_cache == "redis":
        ttl = counters._redis().ttl("legalcredit:calls_a")
        assert 0 < ttl <= 2, "a count never outlives its window"
        time.sleep(2.1)
        assert counters.increment("calls_a", ttl=2) == 1
