"""Terms written in Chinese decisions: 停止执业六个月, 停业整顿1年, 停止执业一年六个月, 半年, 两年.

A pure module. Decisions write the term of a suspension in words or digits, in months or years
or both; a term that cannot be read is None, and the statutory check then asks for it, rather
than the importer taking a wrong number.
"""
from __future__ import annotations

import re

_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
_NUMBER = r"[0-9０-９]+|[零〇一二两三四五六七八九十]+"
_TERM = re.compile(
    rf"\s*(?:(?P<half_year>半年)|(?:(?P<years>{_NUMBER})\s*年(?P<and_half>半)?)?\s*(?:零|又)?\s*"
    rf"(?:(?P<months>{_NUMBER})\s*个?月)?)")


def number(text: str) -> int | None:
    """0-99 in digits (half- or full-width) or Chinese numerals (十二, 二十四, 两)."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, units = text.partition("十")
        if "十" in units or (tens and tens not in _DIGITS) or (units and units not in _DIGITS):
            return None
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)
    return _DIGITS.get(text) if len(text) == 1 else None


def months_after(text: str, name: str) -> int | None:
    """The term in months written right after ``name`` in ``text`` (the first mention that has
    one); None when no term follows it."""
    start = 0
    while (i := text.find(name, start)) >= 0:
        start = i + len(name)
        m = _TERM.match(text, start)
        if m.group("half_year"):
            return 6
        years = number(m.group("years")) if m.group("years") else None
        months = number(m.group("months")) if m.group("months") else None
        if m.group("years") and years is None or m.group("months") and months is None:
            continue
        if years is None and months is None:
            continue
        return (years or 0) * 12 + (6 if m.group("and_half") else 0) + (months or 0)
    return None
