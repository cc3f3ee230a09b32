"""Credit evaluation schemes and the scoring engine (pure: no Django).

A scheme is a YAML document: a base score, indicators in categories (each a
deduction or a bonus tied to record kinds, subtypes and severities, with an
amount, caps, a scoring window and optional decay), veto rules, grade bands
and, per grade, the supervision that follows from it.

``evaluate(scheme, evidence, as_of)`` is deterministic: every point in the
result is a ``Line`` naming the record that caused it, and every veto that
fired names its record too. Scores are Decimals rounded to 0.01.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable, Mapping, NamedTuple

from .periods import add_months, months_before
from .record_kinds import SEVERITIES, Kind
from .yamlpos import YamlError, dotted, line_of

CENT = Decimal("0.01")
DIRECTIONS = {"deduction": "扣分", "bonus": "加分"}
SUPERVISION_CLASSES = {"optimized": "优化监管", "routine": "常规监管", "key": "重点监管"}
# List entries (issue: lists) feed the engine as evidence of these kinds.
LIST_KINDS = {"list:serious_dishonesty": "adverse", "list:watch": "adverse", "list:honor": "positive"}


class SchemeError(ValueError):
    """Every problem found in a scheme document, each with its line."""

    def __init__(self, problems: list[YamlError]):
        self.problems = problems
        super().__init__("；".join(str(p) for p in problems))


class Evidence(NamedTuple):
    """One fact the engine may count: a credit record version, or a list entry."""
    record_id: int
    ref: str              # what the explanation shows: record number, decision number
    kind: str
    subtype: str
    severity: str
    penalty_types: tuple[str, ...]
    decided: dt.date
    until: dt.date | None = None          # end of effect; None while open-ended
    repaired_on: dt.date | None = None    # credit repair granted on this day


@dataclass(frozen=True)
class Match:
    kinds: frozenset[str]
    subtypes: frozenset[str] | None = None
    severities: frozenset[str] | None = None
    penalty_types: frozenset[str] | None = None

    def __call__(self, e: Evidence) -> bool:
        return (e.kind in self.kinds
                and (self.subtypes is None or e.subtype in self.subtypes)
                and (self.severities is None or e.severity in self.severities)
                and (self.penalty_types is None or not self.penalty_types.isdisjoint(e.penalty_types)))


@dataclass(frozen=True)
class Window:
    """Which decision dates count on ``as_of``: the last N months, or the evaluation year."""
    months: int | None = None
    evaluation_year: bool = False
    while_in_effect: bool = False

    def bounds(self, as_of: dt.date, year_offset: int) -> tuple[dt.date, dt.date]:
        if self.evaluation_year:
            year = as_of.year + year_offset
            return dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of)
        if self.months:
            return months_before(as_of, self.months) + dt.timedelta(days=1), as_of
        return dt.date.min, as_of

    def describe(self) -> str:
        parts = []
        if self.evaluation_year:
            parts.append("评价年度内")
        elif self.months:
            parts.append(f"近{self.months // 12}年内" if self.months % 12 == 0 else f"近{self.months}个月内")
        if self.while_in_effect:
            parts.append("且仍在效力期内" if parts else "在效力期内")
        return "".join(parts) or "不限期"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    category: str
    direction: str
    points: Decimal
    cap: Decimal | None
    match: Match
    window: Window
    decay_months: int | None = None
    evidence: str = ""


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    direction: str
    cap: Decimal | None
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True)
class Veto:
    code: str
    name: str
    match: Match
    window: Window
    grade: str


@dataclass(frozen=True)
class Supervision:
    klass: str
    sampling_rate: Decimal
    yearly_cap: int
    honor_candidate: bool = False
    watch_candidate: bool = False

    @property
    def label(self) -> str:
        return SUPERVISION_CLASSES[self.klass]


@dataclass(frozen=True)
class Band:
    code: str
    name: str
    min: Decimal
    max: Decimal
    supervision: Supervision | None


@dataclass(frozen=True)
class Scheme:
    code: str
    version: str
    name: str
    source: str
    assumptions: str
    subject_types: frozenset[str]
    region: str
    base: Decimal
    min: Decimal
    max: Decimal
    year_offset: int
    categories: tuple[Category, ...]
    vetoes: tuple[Veto, ...]
    bands: tuple[Band, ...]            # best first
    publicity_working_days: int | None = None   # forensic grading: how long grades are shown before final
    index: Mapping[str, tuple[Indicator, ...]] = field(default_factory=dict, init=False, compare=False, repr=False)
    veto_kinds: frozenset[str] = field(default=frozenset(), init=False, repr=False)
    _bounds: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self):
        # Built once per scheme: which indicators each record kind can feed.
        index: dict[str, list[Indicator]] = defaultdict(list)
        for ind in self.indicators:
            for k in ind.match.kinds:
                index[k].append(ind)
        object.__setattr__(self, "index", {k: tuple(v) for k, v in index.items()})
        object.__setattr__(self, "veto_kinds", frozenset(k for v in self.vetoes for k in v.match.kinds))
        object.__setattr__(self, "_bounds", {})

    def bounds_on(self, as_of: dt.date) -> dict[int, tuple[dt.date, dt.date]]:
        """Each indicator's and veto's window on ``as_of``, keyed by id(rule); computed once per day."""
        got = self._bounds.get(as_of)
        if got is None:
            got = {id(r): r.window.bounds(as_of, self.year_offset) for r in (*self.indicators, *self.vetoes)}
            if len(self._bounds) > 64:
                self._bounds.clear()
            self._bounds[as_of] = got
        return got

    @property
    def penalty_types_used(self) -> frozenset[str]:
        return frozenset(t for r in (*self.indicators, *self.vetoes) for t in (r.match.penalty_types or ()))

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for c in self.categories for i in c.indicators)

    @property
    def lowest(self) -> Band:
        return self.bands[-1]

    def band(self, code: str) -> Band:
        return next(b for b in self.bands if b.code == code)

    def rank(self, code: str) -> int:
        """0 for the best grade; larger is worse."""
        return next(i for i, b in enumerate(self.bands) if b.code == code)

    def grade_for(self, score: Decimal) -> Band:
        for b in self.bands:
            if b.min <= score < b.max or (score == b.max and b is self.bands[0]):
                return b
        return self.lowest

    def kinds_used(self) -> frozenset[str]:
        kinds = set()
        for i in self.indicators:
            kinds |= i.match.kinds
        for v in self.vetoes:
            kinds |= v.match.kinds
        return frozenset(kinds)


# --- the engine -------------------------------------------------------------

class Line(NamedTuple):
    indicator: str
    category: str
    record_id: int
    ref: str
    points: Decimal       # signed: negative for a deduction
    note: str = ""


class VetoHit(NamedTuple):
    veto: str
    name: str
    grade: str
    record_id: int
    ref: str


@dataclass(frozen=True)
class Result:
    scheme: str
    version: str
    as_of: dt.date
    base: Decimal
    score: Decimal
    grade: str
    score_grade: str              # the band the score falls in, before any veto
    lines: tuple[Line, ...]
    vetoes: tuple[VetoHit, ...]

    def to_json(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "version": self.version, "as_of": self.as_of.isoformat(),
                "base": str(self.base), "score": str(self.score), "grade": self.grade,
                "score_grade": self.score_grade,
                "lines": [[ln.indicator, ln.category, ln.record_id, ln.ref, str(ln.points), ln.note]
                          for ln in self.lines],
                "vetoes": [list(v) for v in self.vetoes]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Result:
        return cls(data["scheme"], data["version"], dt.date.fromisoformat(data["as_of"]),
                   Decimal(data["base"]), Decimal(data["score"]), data["grade"], data["score_grade"],
                   tuple(Line(a, b, c, d, Decimal(e), f) for a, b, c, d, e, f in data["lines"]),
                   tuple(VetoHit(*v) for v in data["vetoes"]))


def _weight(ind: Indicator, e: Evidence, as_of: dt.date) -> Decimal:
    if not ind.decay_months:
        return Decimal(1)
    span = (add_months(e.decided, ind.decay_months) - e.decided).days
    age = (as_of - e.decided).days
    return max(Decimal(0), Decimal(span - age) / Decimal(span))


def _counts(window: Window, lo: dt.date, hi: dt.date, e: Evidence, as_of: dt.date) -> bool:
    if not lo <= e.decided <= hi:
        return False
    return not (window.while_in_effect and e.until is not None and e.until < as_of)


def _key(e: Evidence):
    return (e.decided, e.record_id)


def evaluate(scheme: Scheme, evidence: Iterable[Evidence], as_of: dt.date) -> Result:
    # One pass over the evidence, each item offered only to the indicators of its kind.
    index, veto_kinds, bounds = scheme.index, scheme.veto_kinds, scheme.bounds_on(as_of)
    hits: dict[str, list[Evidence]] = {}
    vetoable: list[Evidence] = []
    for e in evidence:
        if e.decided > as_of:
            continue
        for ind in index.get(e.kind, ()):
            if ind.match(e):
                lo, hi = bounds[id(ind)]
                if _counts(ind.window, lo, hi, e, as_of):
                    hits.setdefault(ind.code, []).append(e)
        if e.kind in veto_kinds:
            vetoable.append(e)
    lines: list[Line] = []
    total = Decimal(0)
    if hits:
        for cat in scheme.categories:
            sign = -1 if cat.direction == "deduction" else 1
            cat_left = cat.cap
            for ind in cat.indicators:
                found = hits.get(ind.code)
                if not found:
                    continue
                found.sort(key=_key)
                ind_left = ind.cap
                for e in found:
                    if sign < 0 and e.repaired_on is not None and e.repaired_on <= as_of:
                        lines.append(Line(ind.code, cat.code, e.record_id, e.ref, Decimal(0), "已信用修复，不再扣分"))
                        continue
                    full = ind.points if not ind.decay_months else \
                        (ind.points * _weight(ind, e, as_of)).quantize(CENT, ROUND_HALF_UP)
                    pts, note = full, ("按时间衰减" if full != ind.points else "")
                    for left, what in ((ind_left, "本项"), (cat_left, "本类")):
                        if left is not None and pts > left:
                            pts, note = left, f"{what}已达上限"
                    if ind_left is not None:
                        ind_left -= pts
                    if cat_left is not None:
                        cat_left -= pts
                    total += sign * pts
                    lines.append(Line(ind.code, cat.code, e.record_id, e.ref, sign * pts, note))
    score = min(scheme.max, max(scheme.min, scheme.base + total)).quantize(CENT, ROUND_HALF_UP)
    band = scheme.grade_for(score)
    grade, fired = band.code, []
    if vetoable:
        vetoable.sort(key=lambda e: (e.kind, e.decided, e.record_id))
        for veto in scheme.vetoes:
            lo, hi = bounds[id(veto)]
            hit = next((e for e in vetoable if veto.match(e) and _counts(veto.window, lo, hi, e, as_of)
                        and not (e.repaired_on is not None and e.repaired_on <= as_of)), None)
            if hit is not None:
                fired.append(VetoHit(veto.code, veto.name, veto.grade, hit.record_id, hit.ref))
                if scheme.rank(veto.grade) > scheme.rank(grade):
                    grade = veto.grade
    return Result(scheme.code, scheme.version, as_of, scheme.base, score, grade, band.code,
                  tuple(lines), tuple(fired))


# --- parsing and checking a scheme document ---------------------------------

class _Reader:
    """Collects every problem with its line instead of stopping at the first."""

    def __init__(self, lines: Mapping):
        self.lines = lines
        self.problems: list[YamlError] = []

    def fail(self, path: tuple, message: str) -> None:
        where = dotted(path)
        self.problems.append(YamlError(f"{where}：{message}" if where else message,
                                       line_of(self.lines, path)))

    def number(self, node: Mapping, key: str, path: tuple, *, required=True, minimum=None) -> Decimal | None:
        if key not in node or node[key] is None:
            if required:
                self.fail(path + (key,), "必填")
            return None
        try:
            value = Decimal(str(node[key]))
        except InvalidOperation:
            self.fail(path + (key,), f"“{node[key]}”不是数字")
            return None
        if minimum is not None and value < minimum:
            self.fail(path + (key,), f"不能小于{minimum}（收到{value}）")
            return None
        return value

    def text(self, node: Mapping, key: str, path: tuple, *, required=True) -> str:
        value = node.get(key)
        if value is None or str(value).strip() == "":
            if required:
                self.fail(path + (key,), "必填")
            return ""
        return str(value).strip()

    def mapping(self, node: Any, path: tuple) -> Mapping:
        if not isinstance(node, Mapping):
            self.fail(path, "应为映射（键: 值）")
            return {}
        return node

    def sequence(self, node: Any, path: tuple) -> list:
        if node is None:
            return []
        if not isinstance(node, list):
            self.fail(path, "应为列表")
            return []
        return node


def _as_set(value) -> frozenset[str] | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return frozenset(str(v) for v in value)
    return frozenset([str(value)])


def _match(r: _Reader, node: Any, path: tuple, kinds: Mapping[str, Kind], bonus: bool) -> Match:
    node = r.mapping(node, path)
    names = _as_set(node.get("kind"))
    if not names:
        r.fail(path + ("kind",), "须指定信息类别")
        return Match(frozenset())
    for k in sorted(names):
        if k not in kinds and k not in LIST_KINDS:
            r.fail(path + ("kind",), f"未知的信息类别“{k}”（可用：{'、'.join(sorted(kinds) + sorted(LIST_KINDS))}）")
    subtypes = _as_set(node.get("subtype"))
    severities = _as_set(node.get("severity"))
    for s in sorted(severities or ()):
        if s not in SEVERITIES:
            r.fail(path + ("severity",), f"“{s}”不是严重程度（{'/'.join(SEVERITIES)}）")
    for k in sorted(n for n in names if n in kinds):
        kind = kinds[k]
        known = set(kind.subtypes) | {o for v in kind.outcomes.values() for o in v}
        for s in sorted((subtypes or set()) - known):
            if known:
                r.fail(path + ("subtype",), f"“{s}”不是{kind.name}的细类（{'、'.join(sorted(known))}）")
        if bonus:
            if kind.polarity == "adverse":
                r.fail(path + ("kind",), f"加分指标不能以失信信息“{kind.name}”为依据")
            bad = sorted((subtypes if subtypes is not None else known) & set(kind.adverse_subtypes))
            if bad:
                r.fail(path + ("subtype",), f"加分指标匹配了失信结果“{'、'.join(bad)}”")
    for k in sorted(n for n in names if n in LIST_KINDS):
        if bonus and LIST_KINDS[k] == "adverse":
            r.fail(path + ("kind",), f"加分指标不能以失信名单“{k}”为依据")
    return Match(names, subtypes, severities, _as_set(node.get("penalty_type")))


def _window(r: _Reader, node: Any, path: tuple, default: Window) -> Window:
    if node is None:
        return default
    node = r.mapping(node, path)
    years, months = node.get("years"), node.get("months")
    total = None
    try:
        if years is not None:
            total = int(years) * 12
        if months is not None:
            total = (total or 0) + int(months)
    except (TypeError, ValueError):
        r.fail(path, "years / months 应为整数")
    if total is not None and total <= 0:
        r.fail(path, "期间须大于0")
        total = None
    year = bool(node.get("evaluation_year", False))
    if year and total:
        r.fail(path, "evaluation_year 与 years/months 只能选一")
    return Window(total, year, bool(node.get("while_in_effect", False)))


def _supervision(r: _Reader, node: Any, path: tuple) -> Supervision | None:
    if node is None:
        return None
    node = r.mapping(node, path)
    klass = r.text(node, "class", path)
    if klass and klass not in SUPERVISION_CLASSES:
        r.fail(path + ("class",), f"“{klass}”不是监管类别（{'/'.join(SUPERVISION_CLASSES)}）")
        klass = ""
    rate = r.number(node, "sampling_rate", path, minimum=Decimal(0))
    if rate is not None and rate > 1:
        r.fail(path + ("sampling_rate",), f"抽查比例应在0至1之间（收到{rate}）")
    cap = r.number(node, "yearly_cap", path, minimum=Decimal(0))
    if not klass or rate is None or cap is None:
        return None
    return Supervision(klass, rate, int(cap), bool(node.get("honor_candidate", False)),
                       bool(node.get("watch_candidate", False)))


def parse_scheme(doc: Any, lines: Mapping, kinds: Mapping[str, Kind],
                 subject_types: Iterable[str]) -> Scheme:
    """A checked ``Scheme``, or ``SchemeError`` listing every problem with its line."""
    r = _Reader(lines)
    doc = r.mapping(doc, ())
    if r.problems:
        raise SchemeError(r.problems)
    code, version, name = r.text(doc, "code", ()), r.text(doc, "version", ()), r.text(doc, "name", ())
    source = r.text(doc, "source", ())
    types = _as_set(doc.get("subject_types")) or frozenset()
    if not types:
        r.fail(("subject_types",), "须列出适用的主体类型")
    known_types = set(subject_types)
    for t in sorted(types - known_types):
        r.fail(("subject_types",), f"未知的主体类型“{t}”")
    region = str(doc.get("region") or "")
    if region and not (region.isdigit() and len(region) in (2, 4, 6)):
        r.fail(("region",), f"“{region}”应为行政区划代码前缀（省2位、市4位或县6位）")
    base = r.number(doc, "base", ())
    bounds = r.mapping(doc.get("bounds") or {}, ("bounds",))
    lo = r.number(bounds, "min", ("bounds",), required=False)
    hi = r.number(bounds, "max", ("bounds",), required=False)
    lo = Decimal(0) if lo is None else lo
    if hi is None:
        hi = base if base is not None else Decimal(0)
    if base is not None and not lo <= base <= hi:
        r.fail(("base",), f"基础分{base}不在分值范围{lo}至{hi}之内")
    if lo >= hi:
        r.fail(("bounds",), f"分值范围下限{lo}应小于上限{hi}")
    year_offset = -1 if doc.get("evaluation_year", "previous") == "previous" else 0
    default_window = _window(r, doc.get("window"), ("window",), Window())

    categories, seen = [], set()
    for ci, c in enumerate(r.sequence(doc.get("categories"), ("categories",))):
        cp = ("categories", ci)
        c = r.mapping(c, cp)
        ccode = r.text(c, "code", cp)
        direction = r.text(c, "direction", cp)
        if direction and direction not in DIRECTIONS:
            r.fail(cp + ("direction",), f"应为 deduction（扣分）或 bonus（加分），收到“{direction}”")
        ccap = r.number(c, "cap", cp, required=False, minimum=Decimal(0))
        inds = []
        for ii, i in enumerate(r.sequence(c.get("indicators"), cp + ("indicators",))):
            ip = cp + ("indicators", ii)
            i = r.mapping(i, ip)
            icode = r.text(i, "code", ip)
            if icode in seen:
                r.fail(ip + ("code",), f"指标代码“{icode}”重复")
            seen.add(icode)
            points = r.number(i, "points", ip, minimum=Decimal(0))
            if points is not None and points == 0:
                r.fail(ip + ("points",), "分值须大于0（扣分或加分由所在类别决定）")
            cap = r.number(i, "cap", ip, required=False, minimum=Decimal(0))
            decay = i.get("decay_months")
            if decay is not None and (not isinstance(decay, int) or decay <= 0):
                r.fail(ip + ("decay_months",), "衰减期应为正整数（月）")
                decay = None
            inds.append(Indicator(icode, r.text(i, "name", ip), ccode, direction, (points or Decimal(0)).quantize(CENT),
                                  cap, _match(r, i.get("match"), ip + ("match",), kinds, direction == "bonus"),
                                  _window(r, i.get("window"), ip + ("window",), default_window),
                                  decay, str(i.get("evidence") or "")))
        if not inds:
            r.fail(cp + ("indicators",), "类别下至少须有一个指标")
        categories.append(Category(ccode, r.text(c, "name", cp), direction, ccap, tuple(inds)))
    if not categories:
        r.fail(("categories",), "至少须有一个指标类别")

    bands = []
    for bi, b in enumerate(r.sequence(doc.get("grades"), ("grades",))):
        bp = ("grades", bi)
        b = r.mapping(b, bp)
        bmin, bmax = r.number(b, "min", bp), r.number(b, "max", bp)
        if bmin is not None and bmax is not None and bmin >= bmax:
            r.fail(bp, f"下限{bmin}应小于上限{bmax}")
        bcode = r.text(b, "code", bp)
        bands.append((bp, Band(bcode, r.text(b, "name", bp, required=False) or bcode,
                               bmin if bmin is not None else Decimal(0), bmax if bmax is not None else Decimal(0),
                               _supervision(r, b.get("supervision"), bp + ("supervision",)))))
    if not bands:
        r.fail(("grades",), "至少须有一个等级")
    ordered = sorted(bands, key=lambda pb: pb[1].min, reverse=True)
    if [b for _, b in ordered] != [b for _, b in bands]:
        r.fail(("grades",), "等级须从高到低排列（分数高的在前）")
    codes = [b.code for _, b in bands]
    for c in sorted({c for c in codes if codes.count(c) > 1}):
        r.fail(("grades",), f"等级代码“{c}”重复")
    for (p_hi, upper), (p_lo, lower) in zip(ordered, ordered[1:]):
        if lower.max > upper.min:
            r.fail(p_lo, f"等级“{lower.code}”（{lower.min}–{lower.max}）与“{upper.code}”"
                         f"（{upper.min}–{upper.max}）重叠")
        elif lower.max < upper.min:
            r.fail(p_lo, f"等级“{lower.code}”与“{upper.code}”之间有空档（{lower.max}–{upper.min}）")
    if ordered and not r.problems:
        if ordered[0][1].max != hi:
            r.fail(ordered[0][0], f"最高等级上限应为分值上限{hi}")
        if ordered[-1][1].min != lo:
            r.fail(ordered[-1][0], f"最低等级下限应为分值下限{lo}")

    vetoes = []
    for vi, v in enumerate(r.sequence(doc.get("vetoes"), ("vetoes",))):
        vp = ("vetoes", vi)
        v = r.mapping(v, vp)
        grade = str(v.get("grade") or (codes[-1] if codes else ""))
        if codes and grade not in codes:
            r.fail(vp + ("grade",), f"“{grade}”不是本方案的等级（{'、'.join(codes)}）")
        vetoes.append(Veto(r.text(v, "code", vp), r.text(v, "name", vp),
                           _match(r, v.get("match"), vp + ("match",), kinds, False),
                           _window(r, v.get("window"), vp + ("window",), default_window), grade))
    workflow = r.mapping(doc.get("workflow") or {}, ("workflow",))
    publicity = r.number(workflow, "publicity_working_days", ("workflow",), required=False, minimum=Decimal(1))
    if r.problems:
        raise SchemeError(r.problems)
    return Scheme(code, version, name, source, str(doc.get("assumptions") or "").strip(), types, region,
                  base, lo, hi, year_offset, tuple(categories), tuple(vetoes), tuple(b for _, b in bands),
                  int(publicity) if publicity is not None else None)


def covers(scheme: Scheme, subject_type: str, region_code: str) -> bool:
    return subject_type in scheme.subject_types and region_code.startswith(scheme.region)


def choose(schemes: Iterable[Scheme], subject_type: str, region_code: str) -> Scheme | None:
    """The scheme for a subject: the one whose region is the most specific match."""
    fitting = [s for s in schemes if covers(s, subject_type, region_code)]
    return max(fitting, key=lambda s: (len(s.region), s.code), default=None)
