"""Blank import templates a clerk fills in: the field set a file of a kind is read with, as
headers of Chinese labels (the importer takes labels or codes), with a second sheet on XLSX that
says, per column, whether it is required and what it takes."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from . import rules
from .importer import ImportRefused, importable_kinds

REQUIRED = {"always": "必填", "never": "选填", "organisation": "主体为法人及非法人组织时必填",
            "natural_person": "主体为自然人时必填"}


def columns(kind: str) -> list[tuple[str, str, str, str]]:
    """(code, label, required, what it takes) for every column of ``kind``'s template."""
    kinds = importable_kinds()
    if kind not in kinds:
        raise ImportRefused(f"未知的导入类别“{kind}”（可选：{'、'.join(f'{c}（{n}）' for c, n in kinds.items())}）")
    ctx = rules.snapshot()
    schema = rules.import_schema(ctx, kind)
    k = ctx.kinds[kind]
    subtypes = list(k.subtypes) or sorted({o for outs in k.outcomes.values() for o in outs})
    out = []
    for f in schema.fields:
        takes = "、".join(f.values) if f.values else {"date": "日期 YYYY-MM-DD", "money": "金额（万元）",
                                                      "uscc": "18位统一社会信用代码",
                                                      "uscc_or_placeholder": "18位统一社会信用代码",
                                                      "id_number": "证件号码"}.get(f.type, "文本")
        if f.code == "XY_XLJG" and subtypes:
            takes = "、".join(subtypes)
        required = REQUIRED.get(f.required, f"处罚类别含{'/'.join(sorted(schema.groups.get(f.required, ())))}时必填")
        if f.code == schema.role["decision_no"] and not ctx.schemas.get(kind):
            required = ("选填（仅" + "、".join(sorted(k.decision_no_optional)) + "）；其余必填") \
                if k.decision_no_optional else "必填"
        out.append((f.code, f.label, required, takes))
    return out


def blank_csv(kind: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerow([label for _, label, _, _ in columns(kind)])
    return buf.getvalue().encode("utf-8-sig")


def write_blank(kind: str, path: str | Path) -> int:
    path = Path(path)
    cols = columns(kind)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.title = importable_kinds()[kind][:31]
        ws.append([label for _, label, _, _ in cols])
        notes = wb.create_sheet("填写说明")
        notes.append(["字段代码", "字段名称", "是否必填", "取值"])
        for row in cols:
            notes.append(list(row))
        wb.save(path)
    else:
        path.write_bytes(blank_csv(kind))
    return len(cols)
