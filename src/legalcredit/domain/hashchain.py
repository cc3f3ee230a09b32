"""A hash chain over audit entries: each entry's hash covers its content and
the previous entry's hash, so editing, deleting or reordering any entry breaks
every link after it and `verify` names the first place that does not hold.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(fields: dict) -> str:
    """A stable text form: sorted keys, no spaces, non-ASCII kept as is."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, fields: dict) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical(fields)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # missing | altered | relinked
    message: str


def verify(entries: Iterable[tuple[int, str, str, dict]], *, start_seq: int = 1,
           start_hash: str = GENESIS) -> tuple[int, Problem | None]:
    """Check (seq, prev_hash, hash, fields) rows in seq order.

    Returns how many entries held, and the first problem or None.
    """
    expected_seq, prev = start_seq, start_hash
    count = 0
    for seq, prev_hash, stored, fields in entries:
        if seq != expected_seq:
            return count, Problem(expected_seq, "missing",
                                  f"第 {expected_seq} 条审计记录缺失（下一条为第 {seq} 条）")
        if prev_hash != prev:
            return count, Problem(seq, "relinked",
                                  f"第 {seq} 条审计记录的前序哈希与第 {seq - 1} 条不符（记录被删除、插入或调换顺序）")
        if entry_hash(prev_hash, fields) != stored:
            return count, Problem(seq, "altered", f"第 {seq} 条审计记录的内容与其哈希不符（记录被修改）")
        prev, expected_seq = stored, seq + 1
        count += 1
    return count, None
