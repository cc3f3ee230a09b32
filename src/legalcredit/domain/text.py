"""Text helpers for searching Chinese names (no Django)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from .identifiers._text import fixed_point

_KEEP = re.compile(r"[\w]+", re.UNICODE)


def clean_name(name: str) -> str:
    """A name as stored: NFC, trimmed, inner whitespace runs collapsed to one space.

    Full-width brackets stay: 北京德恒（淮安）律师事务所 is the registered form.
    """
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", name or "")).strip()


def normalize_name(name: str) -> str:
    """A name as searched: NFKC (full-width to half-width), all whitespace removed.

    Chinese names carry no meaningful spaces, and pasted text brings stray ones.
    """
    return fixed_point(lambda t: re.sub(r"\s+", "", unicodedata.normalize("NFKC", t)), name or "")


def search_chars(text: str) -> list[str]:
    """The characters of a name that take part in search, lower-cased."""
    return [c for c in normalize_name(text).lower() if _KEEP.match(c)]


def bigrams(text: str) -> list[str]:
    chars = search_chars(text)
    return sorted({a + b for a, b in zip(chars, chars[1:])})


_PARTS = re.compile(r"(?<=[省市县区州盟旗镇乡村所])")


def pinyin_initials(name: str) -> str:
    """First letters of the pinyin of a name: 湖南省长沙市 -> hnscss.

    Converted part by part, split after administrative suffixes: whole-string
    conversion lets pypinyin's phrase segmentation run across the boundary
    (湖南省长沙市 -> "sheng zhang"), while single characters lose the phrase
    readings (长沙 -> "chang sha"). A convenience for search, never a key.
    """
    return "".join(_part_initials(part) for part in _PARTS.split(normalize_name(name)) if part)


@lru_cache(maxsize=50000)
def _part_initials(part: str) -> str:
    # Memoised: bulk loads convert millions of names made of far fewer parts.
    out = []
    for py in lazy_pinyin(part, style=Style.FIRST_LETTER, errors=lambda s: list(s)):
        for ch in py:
            if ch.isascii() and ch.isalnum():
                out.append(ch.lower())
    return "".join(out)
