"""Identifiers of the sector, validated and decoded without Django.

uscc        统一社会信用代码 (GB 32100-2015)
id_number   公民身份号码 (GB 11643-1999)
license_no  执业证号
"""
from .errors import Checked, IdentifierError

__all__ = ["Checked", "IdentifierError"]
