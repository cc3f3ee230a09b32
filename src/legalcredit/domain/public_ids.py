"""Opaque references to subjects in public addresses, without Django.

The portal's pages of a subject (its credit information, the complaint form, the credit report)
are addressed by a token instead of the subject's number, so the public registry cannot be walked
page by page from 1 upwards (a scraper must search by name, as any visitor does, within the
per-address cap). The token is the number with an HMAC of it: anyone may follow a link, nobody
without the installation's key can make one for a number. The same subject keeps the same
address while the key is unchanged.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Iterable

NUMBER_BYTES = 6      # subject numbers below 2**48
MAC_BYTES = 6
LENGTH = 16           # base64 of 12 bytes, no padding
PATTERN = "[A-Za-z0-9_-]{16}"


def _mac(key: bytes, raw: bytes) -> bytes:
    return hmac.new(key, raw, hashlib.sha256).digest()[:MAC_BYTES]


def encode(pk: int, key: bytes) -> str:
    if not 0 < pk < 2 ** (8 * NUMBER_BYTES):
        raise ValueError(f"主体编号 {pk} 超出范围")
    raw = pk.to_bytes(NUMBER_BYTES, "big")
    return base64.urlsafe_b64encode(raw + _mac(key, raw)).decode()


def decode(token: str, keys: Iterable[bytes]) -> int:
    """The subject number, if ``token`` was made with one of ``keys`` (the current key first, then
    those it replaced); ValueError otherwise."""
    if len(token) != LENGTH:
        raise ValueError("地址无效")
    try:
        data = base64.urlsafe_b64decode(token.encode())
    except (ValueError, TypeError):
        raise ValueError("地址无效") from None
    raw, mac = data[:NUMBER_BYTES], data[NUMBER_BYTES:]
    if not any(hmac.compare_digest(mac, _mac(key, raw)) for key in keys):
        raise ValueError("地址无效")
    return int.from_bytes(raw, "big")
