"""Validation of 双公示 rows (行政许可 XK_*, 行政处罚 CF_*), without Django.

The field sets, value sets and conditional rules are data
(refdata ``dual_publication.yaml``); ``Schema.from_document`` compiles them
once, and ``Schema.validate`` checks one row of raw strings, returning typed
values and every fault, each naming the field, the value and the rule. The
importer calls it a million times, so the per-row path stays plain Python.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from .identifiers import IdentifierError
from .identifiers import id_number as id_numbers
from .identifiers import uscc as usccs

ORGANISATION = "法人及非法人组织"
NATURAL_PERSON = "自然人"
RESIDENT_ID = "身份证"
_LIST_SPLIT = re.compile(r"[;；、,，/\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")


class SchemaError(ValueError):
    pass


@dataclass(frozen=True)
class Issue:
    field: str
    label: str
    value: str
    message: str

    def __str__(self):
        return f"{self.label}（{self.field}）：{self.message}"


@dataclass
class Row:
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    type: str
    required: str = "never"
    max: int | None = None
    values: tuple[str, ...] = ()
    decimals: int = 6
    of: str | None = None
    after: str | None = None
    not_future: bool = False


def parse_date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        # The national templates' own form, and nearly every row: strptime costs ten times more.
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("不是有效日期（应为 YYYY-MM-DD）")


def parse_money(raw: Any, decimals: int) -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError("不是有效金额（单位：万元）") from None
    if not value.is_finite() or value < 0:
        raise ValueError("金额不能为负数")
    if -value.as_tuple().exponent > decimals:
        raise ValueError(f"单位为万元，最多{decimals}位小数")
    return value


class Schema:
    def __init__(self, kind: str, prefix: str, specs: list[FieldSpec], *, placeholder_uscc: str,
                 groups: Mapping[str, frozenset[str]], deadline_working_days: int,
                 roles: Mapping[str, str] | None = None):
        self.kind = kind
        self.prefix = prefix
        self.fields = specs
        self.by_code = {s.code: s for s in specs}
        self.by_label = {s.label: s for s in specs}
        self.placeholder_uscc = placeholder_uscc
        self.groups = groups
        self.deadline_working_days = deadline_working_days
        p = prefix
        # Canonical roles of the kind's fields, so callers need not know the prefix.
        self.role = {
            "party_name": f"{p}_XDR_MC", "party_category": f"{p}_XDR_LB",
            "uscc": f"{p}_XDR_SHXYM", "id_type": f"{p}_XDR_ZJLX", "id_number": f"{p}_XDR_ZJHM",
            "decision_no": f"{p}_WSH", "decision_date": f"{p}_JDRQ",
            "authority": f"{p}_CFJG" if p == "CF" else f"{p}_XKJG",
            "authority_uscc": f"{p}_CFJGDM" if p == "CF" else f"{p}_XKJGDM",
            "source_unit": f"{p}_SJLY" if p == "CF" else f"{p}_LYDW",
            "source_unit_uscc": f"{p}_SJLYDM" if p == "CF" else f"{p}_LYDWDM",
        } | dict(roles or {})

    @classmethod
    def from_document(cls, doc: Mapping, kind: str) -> "Schema":
        try:
            body = doc["kinds"][kind]
            value_sets = {k: tuple(str(v) for v in vs) for k, vs in doc["value_sets"].items()}
            specs = []
            for f in body["fields"]:
                values = ()
                if f["type"] in ("enum", "enum_list"):
                    if f["values"] not in value_sets:
                        raise SchemaError(f"字段 {f['code']} 引用了不存在的取值集合“{f['values']}”")
                    values = value_sets[f["values"]]
                specs.append(FieldSpec(f["code"], f["label"], f["type"], f.get("required", "never"),
                                       f.get("max"), values, int(f.get("decimals", 6)), f.get("of"),
                                       f.get("after"), bool(f.get("not_future", False))))
            groups = {k: frozenset(v) for k, v in (doc.get("penalty_type_groups") or {}).items()}
            known = {"always", "never", "organisation", "natural_person", *groups}
            for s in specs:
                if s.required not in known:
                    raise SchemaError(f"字段 {s.code} 的必填条件“{s.required}”未定义")
            roles = dict(body.get("roles") or {})
            for role, code in roles.items():
                if code not in {s.code for s in specs}:
                    raise SchemaError(f"角色 {role} 指向不存在的字段 {code}")
            return cls(kind, body["prefix"], specs, placeholder_uscc=doc["placeholder_uscc"],
                       groups=groups, deadline_working_days=int(doc["deadline_working_days"]), roles=roles)
        except KeyError as exc:
            raise SchemaError(f"双公示字段定义缺少 {exc}") from None

    def header_map(self, headers: list[str]) -> tuple[dict[int, str], list[str]]:
        """Column index → field code, from field codes or Chinese labels; unknown headers."""
        mapping, unknown = {}, []
        for i, raw in enumerate(headers):
            h = (raw or "").strip().lstrip("\ufeff")
            # "行政相对人名称(CF_XDR_MC)" style headers carry both.
            m = re.search(r"[A-Z]{2}_[A-Z0-9_]+|\bBZ\b", h)
            spec = self.by_code.get(h) or self.by_label.get(h) or (self.by_code.get(m.group(0)) if m else None)
            if spec is None and h:
                label = re.sub(r"[（(].*?[)）]", "", h).strip()
                spec = self.by_label.get(label)
            if spec is None:
                if h:
                    unknown.append(h)
                continue
            mapping[i] = spec.code
        return mapping, unknown

    def validate(self, raw: Mapping[str, Any], today: dt.date) -> Row:
        row = Row()
        values, errors, warnings = row.values, row.errors, row.warnings
        category = str(raw.get(self.role["party_category"]) or "").strip()
        types: frozenset[str] = frozenset()
        cflb = raw.get(f"{self.prefix}_CFLB")
        if cflb:
            types = frozenset(self._base_type(t) for t in _LIST_SPLIT.split(str(cflb)) if t)

        for spec in self.fields:
            value = raw.get(spec.code)
            text = "" if value is None else (value if not isinstance(value, str) else value.strip())
            if text == "" or text is None:
                if self._required(spec, category, types):
                    errors.append(Issue(spec.code, spec.label, "", self._why_required(spec, category)))
                continue
            try:
                values[spec.code] = self._convert(spec, text, values, today, warnings)
            except ValueError as exc:
                errors.append(Issue(spec.code, spec.label, str(text), str(exc)))

        if category == NATURAL_PERSON and values.get(self.role["uscc"]):
            errors.append(Issue(self.role["uscc"], self.by_code[self.role["uscc"]].label,
                                values[self.role["uscc"]], "行政相对人类别为自然人时应为空"))
        return row

    def _base_type(self, t: str) -> str:
        return "其他" if t.startswith("其他") else t

    def _required(self, spec: FieldSpec, category: str, types: frozenset[str]) -> bool:
        req = spec.required
        if req == "always":
            return True
        if req == "never":
            return False
        if req == "organisation":
            return category == ORGANISATION
        if req == "natural_person":
            return category == NATURAL_PERSON
        return bool(types & self.groups.get(req, frozenset()))

    def _why_required(self, spec: FieldSpec, category: str) -> str:
        req = spec.required
        if req == "always":
            return "必填"
        if req == "organisation":
            return f"行政相对人类别为{ORGANISATION}时必填"
        if req == "natural_person":
            return "行政相对人类别为自然人时必填"
        return f"处罚类别含{'/'.join(sorted(self.groups[req]))}时必填"

    def _convert(self, spec: FieldSpec, text: Any, values: dict, today: dt.date,
                 warnings: list[Issue]) -> Any:
        t = spec.type
        if t == "text":
            text = str(text)
            if spec.max and len(text) > spec.max:
                raise ValueError(f"长度{len(text)}超过上限{spec.max}")
            return text
        if t == "date":
            day = parse_date(text)
            if day.year < 1949:
                raise ValueError(f"{day} 早于1949年，不合理")
            if spec.not_future and day > today:
                raise ValueError(f"{day} 晚于今天")
            if spec.after and values.get(spec.after) and day < values[spec.after]:
                raise ValueError(f"{day} 早于{self.by_code[spec.after].label} {values[spec.after]}")
            return day
        if t == "money":
            return parse_money(text, spec.decimals)
        if t == "enum":
            text = str(text)
            if text not in spec.values:
                raise ValueError(f"“{text}”不在取值范围内（{'、'.join(spec.values)}）")
            return text
        if t == "enum_list":
            items = [i for i in _LIST_SPLIT.split(str(text)) if i]
            bad = [i for i in items if self._base_type(i) not in spec.values]
            if bad:
                raise ValueError(f"“{'、'.join(bad)}”不在取值范围内（行政处罚法第九条：{'、'.join(spec.values)}）")
            return items
        if t in ("uscc", "uscc_or_placeholder"):
            code = usccs.normalize(str(text))
            if t == "uscc_or_placeholder" and code == self.placeholder_uscc:
                warnings.append(Issue(spec.code, spec.label, code, "为占位代码，请尽快补录真实代码"))
                return code
            try:
                checked = usccs.validate(code)
            except IdentifierError as exc:
                raise ValueError(exc.message) from None
            for w in checked.warnings:
                warnings.append(Issue(spec.code, spec.label, code, w))
            return checked.value
        if t == "id_number":
            id_type = values.get(spec.of) if spec.of else RESIDENT_ID
            if id_type not in (None, RESIDENT_ID):
                return str(text)
            try:
                return id_numbers.validate(str(text), today=today).value
            except IdentifierError as exc:
                raise ValueError(exc.message) from None
        raise SchemaError(f"未知字段类型 {t}")


def personal_codes(schemas: Mapping[str, Schema]) -> frozenset[str]:
    """Fields that hold a person's ID number: sealed at rest, masked on screen."""
    return frozenset(f.code for schema in schemas.values() for f in schema.fields if f.type == "id_number")


def load(doc: Mapping) -> dict[str, Schema]:
    return {kind: Schema.from_document(doc, kind) for kind in doc["kinds"]}


