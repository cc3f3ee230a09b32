import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"[\s\u3000\-_]+")


@lru_cache(maxsize=65536)
def squeeze(raw: str) -> str:
    """Full-width to half-width, drop spaces and dashes, upper-case.

    Officers paste codes from Word documents and PDFs, which bring
    full-width characters (９１Ａ) and separators with them. Cached: an import file repeats
    the same bureau and source-unit codes on every row.
    """
    return fixed_point(lambda t: _SPACES.sub("", unicodedata.normalize("NFKC", t)).upper(), raw or "")


def fixed_point(step, text: str, limit: int = 8) -> str:
    """Apply ``step`` until the text stops changing.

    NFKC, upper-casing and removing spaces can each expose work for another
    (a spacing diaeresis becomes space + combining mark), so one pass is not
    always idempotent; normalising must be, or stored keys drift.
    """
    for _ in range(limit):
        new = step(text)
        if new == text:
            return new
        text = new
    return text
