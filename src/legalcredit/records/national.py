"""A record's licensing or penalty decision in the national 双公示 fields, from its own columns.

For records entered by hand or migrated (they hold no values as received), and for a correction
to carry its changed columns into the national values an import brought.
"""
from __future__ import annotations

from decimal import Decimal

from . import rules


def _iso(day) -> str:
    return day.isoformat() if day else ""


def _money(value) -> str:
    return "" if value is None else format(Decimal(str(value)).normalize(), "f")


def derived(kind: str, rec, subject, *, fill: bool = True) -> dict[str, str]:
    """The national fields a record holds in its own columns. ``fill`` adds stand-ins for fields
    no column holds (违法行为类型 and 违法事实 from the content, a default 文书名称), which a record
    entered by hand needs to make a complete row, but which a correction must not write back."""
    p = "CF" if kind == "penalty" else "XK"
    person = not subject.is_institution
    out = {f"{p}_XDR_MC": subject.name, f"{p}_XDR_LB": "自然人" if person else "法人及非法人组织",
           f"{p}_WSH": rec.decision_no, f"{p}_NR": rec.content, f"{p}_JDRQ": _iso(rec.decision_date)}
    if person:
        if subject.id_number:
            out |= {f"{p}_XDR_ZJLX": "身份证", f"{p}_XDR_ZJHM": subject.id_number}
    else:
        out |= {f"{p}_XDR_SHXYM": subject.uscc or "", f"{p}_FRDB": subject.legal_representative}
    if kind == "penalty":
        if fill:
            out |= {"CF_WFXW": rec.subtype or rec.content, "CF_SY": rec.content}
        out |= {"CF_YJ": rec.legal_basis,
                "CF_CFLB": "、".join(rec.penalty_types or []) or rec.subtype,
                "CF_NR_FK": _money(rec.fine_amount), "CF_NR_WFFF": _money(rec.confiscation_amount),
                "CF_NR_ZKDX": rec.certificate, "CF_YXQ": _iso(rec.effective_until), "CF_CFJG": rec.authority,
                "CF_CFJGDM": rec.authority_uscc, "CF_SJLY": rec.source_unit, "CF_SJLYDM": rec.source_unit_uscc}
    else:
        if fill:
            out["XK_XKWS"] = "行政许可决定书"
        # An imported licence keeps its 许可类别 as its subtype; a subtype typed by hand (its
        # category went into the national values) is no category.
        category = rules.schemas()["license"].by_code["XK_XKLB"].values
        out |= {"XK_XKLB": rec.subtype if rec.subtype in category else "", "XK_YXQZ": _iso(rec.effective_from),
                "XK_YXQZI": _iso(rec.effective_until), "XK_XKJG": rec.authority, "XK_XKJGDM": rec.authority_uscc,
                "XK_LYDW": rec.source_unit, "XK_LYDWDM": rec.source_unit_uscc}
    return {k: v for k, v in out.items() if v not in (None, "")}
