"""Pushing monitoring events to a department's system (变动推送): how a delivery is signed, how the
receiver checks it, and when a failed delivery is tried again. Pure: no Django.

The signature is an HMAC-SHA256 over ``"<timestamp>.<body>"`` with the endpoint's secret, sent as
``sha256=<hex>``, the way most webhook senders do it (Stripe, GitHub): the body cannot be changed
without the secret, and the timestamp inside the signature lets the receiver refuse a replay of an
old delivery.
"""
from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Legalcredit-Signature"
TIMESTAMP_HEADER = "X-Legalcredit-Timestamp"
DELIVERY_HEADER = "X-Legalcredit-Delivery"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def verify(secret: str, timestamp: int | str, body: bytes, signature: str, *, now: float,
           tolerance: int = 300) -> bool:
    """What a receiver does: the signature matches and the delivery is no older (or newer) than
    ``tolerance`` seconds. The platform's own tests and the receiver example in docs/api.md use it."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, ts, body), signature or "")


def retry_after(failures: int, *, first: int, longest: int) -> int:
    """Seconds to wait after the ``failures``-th failure in a row: ``first``, doubling each time,
    never more than ``longest``. A receiver down for a day is tried about once every ``longest``
    seconds, and nothing is dropped: the events wait behind the endpoint's cursor."""
    if failures < 1:
        return 0
    # Doubling stops once past the cap, so a long outage does not grow an enormous integer.
    wait = first
    for _ in range(failures - 1):
        if wait >= longest:
            break
        wait *= 2
    return min(wait, longest)
