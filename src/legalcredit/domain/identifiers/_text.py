import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\-_]+")


def squeeze(raw: str) -> str:
    """Full-width to half-width, drop spaces and dashes, upper-case.

    Officers paste codes from Word documents and PDFs, which bring
    full-width characters (９１Ａ) and separators with them.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    return _SPACES.sub("", text).upper()
