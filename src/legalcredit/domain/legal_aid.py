"""Legal aid case quality review (法律援助案件质量评查): the rules, without Django (refdata
``legal_aid_quality.yaml``, rules.md §9; seeds 003 items 7 and 14).

A reviewer scores one closed legal aid case file on a 100-point checklist for its case type; the
score falls in a band (优秀 / 良好 / 合格 / 不合格); a veto (taking money from the recipient, never
meeting them, not reading the file, no written opinion) sets the band whatever the points; a file
in a band that needs it is reviewed again by a second reviewer, whose result stands.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Mapping

from .remedies import TimeLimit


class QualityRuleError(ValueError):
    """A rule file that cannot be applied; the message names the place."""


class ScoreError(ValueError):
    """A score sheet that cannot be scored; ``field`` names the item."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class Checklist:
    code: str
    name: str
    items: tuple[Item, ...]
    source: str


@dataclass(frozen=True)
class Band:
    name: str
    min: Decimal


@dataclass(frozen=True)
class Veto:
    code: str
    name: str
    band: str
    legal_basis: str


@dataclass(frozen=True)
class Scored:
    total: Decimal
    band: str
    vetoes: tuple[str, ...]          # the vetoes that fired, by code
    marks: Mapping[str, Decimal]     # item code -> points given


@dataclass(frozen=True)
class Rules:
    version: str
    methods: Mapping[str, str]
    checklists: Mapping[str, Checklist]
    bands: tuple[Band, ...]          # best first
    vetoes: Mapping[str, Veto]
    rereview_bands: frozenset[str]
    rereview: TimeLimit
    subject_types: frozenset[str] = frozenset()

    @property
    def band_names(self) -> list[str]:
        return [b.name for b in self.bands]

    def band_of(self, total: Decimal) -> str:
        for band in self.bands:
            if total >= band.min:
                return band.name
        return self.bands[-1].name

    def worse(self, a: str, b: str) -> str:
        names = self.band_names
        return a if names.index(a) >= names.index(b) else b

    def score(self, checklist: str, marks: Mapping[str, object], vetoes=()) -> Scored:
        """The total, band and vetoes of one score sheet; every item must be marked within its points."""
        if checklist not in self.checklists:
            raise ScoreError("case_type", f"应为 {'、'.join(c.name for c in self.checklists.values())} 之一")
        sheet = self.checklists[checklist]
        unknown = set(marks) - {i.code for i in sheet.items}
        if unknown:
            raise ScoreError(sorted(unknown)[0], f"不是{sheet.name}评查表中的项目")
        given: dict[str, Decimal] = {}
        for item in sheet.items:
            raw = marks.get(item.code)
            if raw is None or str(raw).strip() == "":
                raise ScoreError(item.code, f"{item.name}：须评分（0–{item.points}分）")
            try:
                value = Decimal(str(raw).strip())
            except InvalidOperation:
                raise ScoreError(item.code, f"{item.name}：“{raw}”不是分数") from None
            if not value.is_finite() or value < 0 or value > item.points:
                raise ScoreError(item.code, f"{item.name}：得分应在 0–{item.points} 分之间，收到 {raw}")
            if (value * 2) % 1:
                raise ScoreError(item.code, f"{item.name}：得分以0.5分为最小单位，收到 {raw}")
            given[item.code] = value
        fired = tuple(sorted(set(vetoes)))
        for code in fired:
            if code not in self.vetoes:
                raise ScoreError("vetoes", f"“{code}”不是评查规则中的否决情形")
        total = sum(given.values(), Decimal(0))
        band = self.band_of(total)
        for code in fired:
            band = self.worse(band, self.vetoes[code].band)
        return Scored(total, band, fired, given)

    def needs_rereview(self, band: str) -> bool:
        return band in self.rereview_bands


def _decimal(where: str, value) -> Decimal:
    try:
        out = Decimal(str(value))
    except InvalidOperation:
        raise QualityRuleError(f"{where}：“{value}”不是数值") from None
    if not out.is_finite() or out < 0:
        raise QualityRuleError(f"{where}：须为非负数")
    return out


def parse(doc: Mapping) -> Rules:
    try:
        methods = {str(k): str(v) for k, v in doc["methods"].items()}
        checklists = {}
        for code, body in doc["checklists"].items():
            where = f"checklists.{code}"
            if not str(body.get("source", "")).strip():
                raise QualityRuleError(f"{where}：须注明来源（source）")
            items = tuple(Item(str(i["code"]), str(i["name"]), _decimal(f"{where}.{i['code']}.points", i["points"]))
                          for i in body["items"])
            if len({i.code for i in items}) != len(items):
                raise QualityRuleError(f"{where}.items：项目代码重复")
            total = sum((i.points for i in items), Decimal(0))
            if total != 100:
                raise QualityRuleError(f"{where}.items：各项分值合计应为100分，现为{total}分")
            checklists[str(code)] = Checklist(str(code), str(body["name"]), items, str(body["source"]))
        bands = tuple(Band(str(b["name"]), _decimal(f"bands.{b['name']}.min", b["min"])) for b in doc["bands"])
        if not bands or any(a.min <= b.min for a, b in zip(bands, bands[1:])):
            raise QualityRuleError("bands：等次须从高到低排列，分数线逐级降低")
        if bands[-1].min != 0:
            raise QualityRuleError("bands：最低等次的分数线须为0")
        names = {b.name for b in bands}
        vetoes = {}
        for v in doc.get("vetoes") or ():
            if v["band"] not in names:
                raise QualityRuleError(f"vetoes.{v['code']}.band：“{v['band']}”不是已配置的等次")
            if not str(v.get("legal_basis", "")).strip():
                raise QualityRuleError(f"vetoes.{v['code']}：须注明依据（legal_basis）")
            vetoes[str(v["code"])] = Veto(str(v["code"]), str(v["name"]), str(v["band"]), str(v["legal_basis"]))
        rr = doc["rereview"]
        unknown = set(rr["bands"]) - names
        if unknown:
            raise QualityRuleError(f"rereview.bands：{'、'.join(sorted(unknown))} 不是已配置的等次")
        days = int(rr["working_days"])
        if days < 1 or not str(rr.get("source", "")).strip():
            raise QualityRuleError("rereview：须有至少1个工作日的期限，并注明来源（source）")
        types = frozenset(str(t) for t in doc.get("subject_types") or ())
        if not types:
            raise QualityRuleError("subject_types：须列出承办法律援助案件的人员类型")
        return Rules(str(doc["version"]), methods, checklists, bands, vetoes, frozenset(rr["bands"]),
                     TimeLimit("quality_rereview", str(rr["name"]), days, str(rr["source"])), types)
    except KeyError as exc:
        raise QualityRuleError(f"法律援助案件质量评查规则缺少字段 {exc}") from None
