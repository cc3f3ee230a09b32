"""Text helpers for searching Chinese names (no Django)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[\w]+", re.UNICODE)


def normalize_name(name: str) -> str:
    """NFKC (full-width to half-width), trimmed, inner whitespace removed.

    Chinese names carry no meaningful spaces, and pasted text brings stray ones.
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).strip()


def search_chars(text: str) -> list[str]:
    """The characters of a name that take part in search, lower-cased."""
    return [c for c in normalize_name(text).lower() if _KEEP.match(c)]


def bigrams(text: str) -> list[str]:
    chars = search_chars(text)
    return sorted({a + b for a, b in zip(chars, chars[1:])})


def pinyin_initials(name: str) -> str:
    """First letters of the pinyin of each character: 德恒律师事务所 -> dhlsswsu.

    Converted character by character on purpose: whole-string conversion lets
    pypinyin's phrase segmentation change readings across word boundaries
    (湖南省长沙市 -> "sheng zhang"). A convenience for search, never a key.
    """
    out = []
    for ch in normalize_name(name):
        if ch.isascii():
            if ch.isalnum():
                out.append(ch.lower())
            continue
        out.append(_initial(ch))
    return "".join(out)


@lru_cache(maxsize=20000)
def _initial(ch: str) -> str:
    # Memoised: bulk loads convert millions of names drawn from a few thousand characters.
    py = lazy_pinyin(ch, style=Style.FIRST_LETTER, errors="ignore")
    return py[0][0].lower() if py and py[0] else ""
