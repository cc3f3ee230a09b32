"""公民身份号码 (GB 11643-1999).

The checksum and date rules are written out here so each fault gets its own
Chinese message; the address-code (region) table comes from python-stdnum,
which carries historical codes that are still valid on old ID cards.
"""
from __future__ import annotations

import datetime as dt
import functools

from ._text import squeeze
from .errors import Checked, IdentifierError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def normalize(raw: str) -> str:
    return squeeze(raw)


def region_name(code6: str, born: dt.date) -> str | None:
    """Name of a GB/T 2260 address code in force in the birth year, or None.

    A code is judged by the year the number was issued, since counties are
    created and abolished; stdnum's table records those year ranges.
    """
    return _region_name(code6, born.year)


def _region_name(code6: str, year: int) -> str | None:
    # The rule of stdnum.cn.ric.get_birth_place, on its own table, read once per address code:
    # its lookup walks the table on every call (0.4 ms), and a million-row import meets more
    # (code, year) pairs than any cache of answers would hold.
    info = _places(code6)
    if info is None or "county" not in info:  # no entry, or a province-only entry
        return None
    for county in info["county"].split(","):
        if not county.startswith("["):
            return info["county"] or info.get("prefecture") or info.get("province")
        years, name = county[1:].split("]")
        start, end = years.split("-")
        if (start and year < int(start)) or (end and year > int(end)):
            continue
        return name or info.get("prefecture") or info.get("province")
    return None


@functools.lru_cache(maxsize=None)
def _places(code6: str) -> dict | None:
    from stdnum import numdb

    info = {k: v for _, props in numdb.get("cn/loc").info(code6) for k, v in props.items()}
    return info or None


def codes_in_province(province2: str) -> list[str]:
    """Every address code, current or historical, that stdnum knows in a province.

    People carry the code of where and when they were registered at birth, so
    realistic test data needs the old county codes too (淮阴县 320821, 1983-2000).
    """
    from stdnum import numdb

    db = numdb.get("cn/loc")
    return [code for code in (f"{province2}{i:04d}" for i in range(10000))
            if not code.endswith("00") and any("county" in props for _, props in db.info(code))]


def _birth_date(yyyymmdd: str, label: str) -> dt.date:
    try:
        return dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        raise IdentifierError("id.birth_date", f"{label}出生日期 {yyyymmdd} 不是有效日期") from None


def upgrade_15(number15: str) -> str:
    """Convert a first-generation 15-digit number (19xx births) to 18 digits."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


def validate(raw: str, *, today: dt.date | None = None) -> Checked:
    number = normalize(raw)
    warnings: list[str] = []
    if not number:
        raise IdentifierError("id.empty", "公民身份号码为空")
    if len(number) == 15:
        if not number.isdigit():
            raise IdentifierError("id.charset", "15位公民身份号码应全部为数字")
        _birth_date("19" + number[6:12], "")
        number = upgrade_15(number)
        warnings.append(f"15位旧号码已按 GB 11643-1999 升位为 {number}")
    if len(number) != 18:
        raise IdentifierError("id.length", f"公民身份号码应为18位，实为{len(number)}位")
    if not number[:17].isdigit():
        raise IdentifierError("id.charset", "公民身份号码前17位应全部为数字")
    if number[17] not in "0123456789X":
        raise IdentifierError("id.charset", "公民身份号码第18位应为数字或 X")
    born = _birth_date(number[6:14], "")
    today = today or dt.date.today()
    if born > today:
        raise IdentifierError("id.birth_date", f"出生日期 {born.isoformat()} 晚于今天")
    if born.year < 1880:
        raise IdentifierError("id.birth_date", f"出生日期 {born.isoformat()} 早于1880年，不合理")
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdentifierError("id.checksum", f"校验码错误，应为 {expected}")
    place = region_name(number[:6], born)
    if place is None:
        raise IdentifierError("id.region", f"地址码 {number[:6]} 不是已知的行政区划代码")
    parts = {
        "region_code": number[:6],
        "region_name": place,
        "birth_date": born,
        "sequence": number[14:17],
        "sex": "male" if int(number[16]) % 2 else "female",
    }
    return Checked(number, tuple(warnings), parts)


def mask(number: str) -> str:
    """110101********1234: the form used in every output for roles that may not see it."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
