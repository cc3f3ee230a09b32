"""统一社会信用代码 (GB 32100-2015).

python-stdnum's cn.uscc requires positions 1-8 to be digits and so rejects
valid codes issued by the A/N/Y registration authorities; it also ignores the
embedded GB 11714 organisation code. Hence this hand-written validator.
"""
from __future__ import annotations

from functools import lru_cache

from ._text import squeeze
from .errors import Checked, IdentifierError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

# GB 11714 organisation code: digits then A-Z valued 10-35.
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# Registration authority (登记管理部门) codes and their category codes, GB 32100 Annex.
AUTHORITIES = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": ("司法行政", {"1": "律师执业机构", "2": "公证处", "3": "基层法律服务所",
                      "4": "司法鉴定机构", "5": "仲裁委员会", "9": "其他"}),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": ("旅游", {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"}),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": None}),
}

# Used in practice for a missing code (rules.md §4); accepted by the 双公示
# importer with a flag, never as a registry identifier.
PLACEHOLDER = "00000000000000000X"


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def org_code_check_character(first8: str) -> str:
    total = sum(_ORG_VALUE[c] * w for c, w in zip(first8, _ORG_WEIGHTS))
    c = 11 - total % 11
    return {10: "X", 11: "0"}.get(c, str(c))


def normalize(raw: str) -> str:
    return squeeze(raw)


def validate(raw: str) -> Checked:
    """Return the normalised code or raise IdentifierError naming the fault."""
    return _validate(normalize(raw))


@lru_cache(maxsize=65536)
def _validate(code: str) -> Checked:
    # Cached: an import file repeats the same bureau and source-unit codes on every row.
    if not code:
        raise IdentifierError("uscc.empty", "统一社会信用代码为空")
    if len(code) != 18:
        raise IdentifierError("uscc.length", f"统一社会信用代码应为18位，实为{len(code)}位")
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            raise IdentifierError(
                "uscc.charset",
                f"第{pos}位字符“{ch}”不在统一社会信用代码字符集内（不使用 I、O、Z、S、V）",
            )
    authority = AUTHORITIES.get(code[0])
    if authority is None:
        raise IdentifierError("uscc.authority", f"第1位登记管理部门代码“{code[0]}”不存在")
    authority_name, categories = authority
    if code[1] not in categories:
        raise IdentifierError(
            "uscc.category",
            f"第2位机构类别代码“{code[1]}”不属于登记管理部门“{authority_name}”",
        )
    if not code[2:8].isdigit():
        raise IdentifierError("uscc.region", "第3-8位登记管理机关行政区划码应为6位数字")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise IdentifierError("uscc.checksum", f"校验码错误，应为 {expected}")

    warnings = []
    org = code[8:17]
    if all(c in _ORG_VALUE for c in org[:8]):
        if org_code_check_character(org[:8]) != org[8]:
            warnings.append(
                f"内嵌组织机构代码 {org[:8]}-{org[8]} 的校验码不符（GB 11714 应为 "
                f"{org_code_check_character(org[:8])}），请核实"
            )
    parts = {
        "authority": code[0],
        "authority_name": authority_name,
        "category": code[1],
        "category_name": categories[code[1]],
        "region_code": code[2:8],
        "org_code": org,
    }
    return Checked(code, tuple(warnings), parts)
