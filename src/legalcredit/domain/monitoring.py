"""Continuous monitoring of a watched subject: what of a credit check's answer counts as a change
worth telling the department that watches it, and how to say what changed. Pure: no Django.

The standing is the part of an answer a handling unit acts on: the subject's status, its grade and
supervision class, the lists in force, the measures triggered for the watch's matter type, the
objection and repair flags, and 告知承诺 eligibility. The score and the data version move with every
record and are left out, so a new commendation that changes nothing a unit acts on is not news.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any, Mapping


def standing(answer: Mapping[str, Any]) -> dict:
    if not answer.get("found"):
        return {"found": False}
    grade = answer.get("grade") or {}
    bar = answer.get("notification_commitment")
    return {
        "found": True,
        "status": answer["subject"]["status"],
        "status_name": answer["subject"].get("status_name", ""),
        "grade": grade.get("grade"),
        "supervision": grade.get("supervision"),
        "lists": sorted(f"{e['list']}|{e['decision_no']}|{e['name']}" for e in answer.get("lists", [])),
        "measures": sorted(f"{m['code']}|{m['name']}" for m in answer.get("measures", [])),
        "flags": sorted(f"{f.get('flag')}|{f.get('case')}|{f.get('label')}" for f in answer.get("flags", [])),
        **({"commitment_eligible": bool(bar.get("eligible"))} if bar is not None else {}),
    }


def digest(answer: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(standing(answer), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _names(items: list[str]) -> list[str]:
    return [i.rsplit("|", 1)[-1] for i in items]


def changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict]:
    """What changed between two answers, in the order a unit reads it; empty when the standing is
    the same."""
    a, b = standing(before), standing(after)
    if a == b:
        return []
    if a.get("found") != b.get("found"):
        return [{"what": "found", "text": "主体已登记" if b.get("found") else "主体不再登记"}]
    out = []
    if a["status"] != b["status"]:
        out.append({"what": "status", "before": a["status_name"], "after": b["status_name"],
                    "text": f"执业状态：{a['status_name']} → {b['status_name']}"})
    if a["grade"] != b["grade"] or a["supervision"] != b["supervision"]:
        out.append({"what": "grade", "before": a["grade"], "after": b["grade"],
                    "text": f"信用等级：{a['grade'] or '未评价'} → {b['grade'] or '未评价'}"})
    for key, label in (("lists", "信用名单"), ("measures", "应采取的措施"), ("flags", "异议、修复标注")):
        added = [x for x in b[key] if x not in a[key]]
        removed = [x for x in a[key] if x not in b[key]]
        if added:
            out.append({"what": key, "added": _names(added), "text": f"{label}新增：{'、'.join(_names(added))}"})
        if removed:
            out.append({"what": key, "removed": _names(removed), "text": f"{label}解除：{'、'.join(_names(removed))}"})
    if a.get("commitment_eligible") != b.get("commitment_eligible"):
        out.append({"what": "commitment", "after": b.get("commitment_eligible"),
                    "text": "告知承诺：" + ("可以适用" if b.get("commitment_eligible") else "不予适用")})
    return out
