"""Practice certificate numbers (执业证号).

Only the lawyer's number has a published structure (17 digits, no check
digit; rules.md §5). Other practitioner types' numbers are provincial and
unpublished, so they are checked as free strings.
"""
from __future__ import annotations

import re

from ._text import squeeze
from .errors import Checked, IdentifierError

# pos 10 of the 17-digit lawyer licence number. Codes 6+ for 公职/公司/法律援助
# are not confirmed (rules.md §5 [U]), so they decode as "其他" rather than fail.
LAWYER_CATEGORIES = {
    "1": "专职律师",
    "2": "兼职律师",
    "3": "香港居民律师",
    "4": "澳门居民律师",
    "5": "台湾居民律师",
}

_FREE = re.compile(r"^[0-9A-Z()（）\-〔〕\[\]第号字]{4,40}$")


def normalize(raw: str) -> str:
    return squeeze(raw)


def validate_lawyer(raw: str, *, this_year: int | None = None) -> Checked:
    number = normalize(raw)
    if not number:
        raise IdentifierError("license.empty", "律师执业证号为空")
    if not number.isdigit():
        raise IdentifierError("license.charset", "律师执业证号应全部为数字")
    if len(number) == 12:
        return Checked(number, ("12位旧版律师执业证号，请在换证后更新为17位",), {"legacy": True})
    if len(number) != 17:
        raise IdentifierError("license.length", f"律师执业证号应为17位（旧版12位），实为{len(number)}位")
    if number[0] != "1":
        raise IdentifierError("license.kind", f"第1位证书类别应为 1（律师执业证），实为 {number[0]}")
    year = int(number[5:9])
    if year < 1950 or (this_year is not None and year > this_year):
        raise IdentifierError("license.year", f"第6-9位首次执业年度 {year} 不合理")
    if number[10] not in "01":
        raise IdentifierError("license.sex", f"第11位性别码应为 1（男）或 0（女），实为 {number[10]}")
    parts = {
        "province_code": number[1:3],
        "city_code": number[3:5],
        "first_licensed_year": year,
        "category": number[9],
        "category_name": LAWYER_CATEGORIES.get(number[9], "其他"),
        "sex": "male" if number[10] == "1" else "female",
        "sequence": number[11:17],
    }
    return Checked(number, (), parts)


def validate_free(raw: str, label: str = "执业证号") -> Checked:
    number = normalize(raw)
    if not number:
        raise IdentifierError("license.empty", f"{label}为空")
    if not _FREE.match(number):
        raise IdentifierError(
            "license.format", f"{label}应为4-40位数字、字母或括号、连字符，含有不允许的字符"
        )
    return Checked(number)


def validate(raw: str, practitioner_type: str, **kw) -> Checked:
    if practitioner_type == "lawyer":
        return validate_lawyer(raw, **kw)
    return validate_free(raw)
