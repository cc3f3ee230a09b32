"""Credit lists, joint reward and punishment measures, and matter types (refdata ``credit_lists.yaml``).

Pure: no Django. ``Catalogue.triggered`` answers the question an administrative matter asks
during a credit check: given the lists a subject is on and the supervision class its grade
carries, which measures apply to this kind of matter. Every measure carries its legal basis, and
every sanction its item of the national 失信惩戒措施基础清单 (国办发〔2020〕49号 requires both).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

from .periods import add_months

POLARITIES = ("adverse", "positive")
MEASURE_KINDS = {"sanction": "惩戒措施", "incentive": "激励措施"}
REMOVALS = {"expiry": "有效期届满", "repair": "信用修复", "objection": "异议成立", "revocation": "撤销",
            "disqualified": "不再符合条件"}
ROLES = ("legal_representative", "head", "actual_controller", "directly_responsible")
SUPERVISION = ("optimized", "routine", "key")


@dataclass(frozen=True)
class MatterType:
    code: str
    name: str


@dataclass(frozen=True)
class EntryRule:
    """A record that makes a subject a candidate for a list (the proposal still goes through due process)."""
    name: str
    kind: str
    subtypes: frozenset[str] | None = None
    severities: frozenset[str] | None = None
    penalty_types: frozenset[str] | None = None

    def matches(self, kind: str, subtype: str, severity: str, penalty_types) -> bool:
        return (kind == self.kind and (self.subtypes is None or subtype in self.subtypes)
                and (self.severities is None or severity in self.severities)
                and (self.penalty_types is None or not self.penalty_types.isdisjoint(penalty_types)))


@dataclass(frozen=True)
class ListType:
    code: str
    name: str
    polarity: str
    legal_basis: str
    validity_months: int
    due_process: bool
    statement_working_days: int | None
    hearing_request_days: int | None
    hearing_notice_days: int | None
    removal: tuple[str, ...]
    propagate_to: tuple[str, ...]
    entry_rules: tuple[EntryRule, ...] = ()

    @property
    def removal_names(self) -> list[str]:
        """The ways off the list, named (到期自动移出, 信用修复 ...), in the rule set's order."""
        return [REMOVALS[r] for r in self.removal]


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    kind: str
    category: str
    legal_basis: str
    list_item: str
    lists: frozenset[str]
    supervision: frozenset[str]
    matters: frozenset[str]
    # An incentive for a subject with no adverse record for this many months (国发〔2016〕33号:
    # 连续三年无不良信用记录 → 绿色通道、容缺受理).
    clean_months: int | None = None


@dataclass(frozen=True)
class Clean:
    """Since when a subject has gone without an adverse credit record: the later of the day it was
    licensed (a subject licensed a year ago has not gone three years without one) and the decision
    date of its latest adverse record."""
    since: dt.date
    after_adverse: bool

    @classmethod
    def of(cls, licensed_on: dt.date | None, last_adverse_on: dt.date | None) -> "Clean | None":
        if licensed_on is None:
            return None
        if last_adverse_on is not None and last_adverse_on >= licensed_on:
            return cls(last_adverse_on, True)
        return cls(licensed_on, False)

    def lasted(self, months: int, on: dt.date) -> bool:
        """Whether ``months`` whole months without an adverse record have run by ``on`` (counted
        from the day after ``since``, 民法典 Art 201)."""
        return add_months(self.since, months) <= on

    def reason(self, months: int) -> str:
        start = f"最近一条不良信用记录决定于{self.since}" if self.after_adverse else f"自{self.since}取得执业许可起"
        return f"连续{months}个月无不良信用记录（{start}）"


@dataclass(frozen=True)
class Catalogue:
    version: str
    matter_types: Mapping[str, MatterType]
    lists: Mapping[str, ListType]
    measures: tuple[Measure, ...]

    def triggered(self, matter: str, active_lists: Iterable[str], supervision_class: str | None,
                  clean: Clean | None = None, on: dt.date | None = None) -> list[tuple[Measure, str]]:
        """(measure, what triggered it) for a matter type, in catalogue order. A clean record
        (``clean``, as of ``on``) earns its incentives only while no adverse list is in force."""
        active = set(active_lists)
        adverse = any(self.lists[c].polarity == "adverse" for c in active if c in self.lists)
        out = []
        for m in self.measures:
            if matter not in m.matters:
                continue
            lists_on = sorted(m.lists & active)
            if lists_on:
                out.append((m, "、".join(self.lists[c].name for c in lists_on)))
            elif supervision_class and supervision_class in m.supervision:
                out.append((m, f"信用等级对应的监管类别（{supervision_class}）"))
            elif (m.clean_months and clean is not None and on is not None and not adverse
                  and clean.lasted(m.clean_months, on)):
                out.append((m, clean.reason(m.clean_months)))
        return out

    def needs_clean(self, matter: str) -> bool:
        """Whether a check for ``matter`` must know how long the subject has gone without an
        adverse record (only then is it read)."""
        return any(m.clean_months and matter in m.matters for m in self.measures)

    def triggers(self, m: Measure, supervision_names: Mapping[str, str] | None = None) -> list[str]:
        """What can trigger ``m``, named, as the public standards page lists it."""
        names = supervision_names or {}
        return ([self.lists[c].name for c in sorted(m.lists) if c in self.lists]
                + [names.get(c, c) for c in sorted(m.supervision)]
                + ([f"连续{m.clean_months}个月无不良信用记录"] if m.clean_months else []))


def _int(value, where: str, problems: list[str], *, minimum: int = 1) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or value < minimum:
        problems.append(f"{where}：应为不小于{minimum}的整数（收到{value!r}）")
        return None
    return value


def parse(doc: Mapping) -> Catalogue:
    problems: list[str] = []
    matters = {}
    for m in doc.get("matter_types") or []:
        if m.get("code") in matters:
            problems.append(f"事项类型“{m.get('code')}”重复")
        matters[m["code"]] = MatterType(m["code"], m["name"])
    lists = {}
    for item in doc.get("lists") or []:
        code = item.get("code", "")
        where = f"名单“{code}”"
        if item.get("polarity") not in POLARITIES:
            problems.append(f"{where}：polarity 应为 adverse 或 positive")
        if not str(item.get("legal_basis") or "").strip():
            problems.append(f"{where}：须写明列入依据（legal_basis）")
        validity = _int(item.get("validity_months"), f"{where} validity_months", problems)
        if validity is None:
            problems.append(f"{where}：须规定有效期（validity_months）")
        removal = tuple(item.get("removal") or ())
        for r in removal:
            if r not in REMOVALS:
                problems.append(f"{where}：未知的移出方式“{r}”（{'/'.join(REMOVALS)}）")
        if "expiry" not in removal:
            problems.append(f"{where}：须包含期满移出（expiry）")
        propagate = tuple(item.get("propagate_to") or ())
        for r in propagate:
            if r not in ROLES:
                problems.append(f"{where}：未知的责任人身份“{r}”")
        rules = []
        for rule in item.get("entry_rules") or []:
            if not rule.get("kind"):
                problems.append(f"{where}：entry_rules 每条须有 kind")
                continue
            sets = {k: frozenset(rule[k]) if rule.get(k) is not None else None
                    for k in ("subtype", "severity", "penalty_type")}
            rules.append(EntryRule(str(rule.get("name") or rule["kind"]), rule["kind"], sets["subtype"],
                                   sets["severity"], sets["penalty_type"]))
        due = bool(item.get("due_process", True))
        if item.get("polarity") == "adverse" and not due:
            problems.append(f"{where}：失信类名单必须经过告知、陈述申辩程序（due_process: true）")
        lists[code] = ListType(code, item.get("name", code), item.get("polarity", ""),
                               str(item.get("legal_basis") or ""), validity or 0, due,
                               _int(item.get("statement_working_days"), f"{where} statement_working_days", problems),
                               _int(item.get("hearing_request_days"), f"{where} hearing_request_days", problems),
                               _int(item.get("hearing_notice_days"), f"{where} hearing_notice_days", problems),
                               removal, propagate, tuple(rules))
        if due and lists[code].statement_working_days is None:
            problems.append(f"{where}：须规定陈述申辩期限（statement_working_days）")
    measures, seen = [], set()
    for m in doc.get("measures") or []:
        code = m.get("code", "")
        where = f"措施“{code}”"
        if code in seen:
            problems.append(f"{where}：代码重复")
        seen.add(code)
        kind = m.get("kind")
        if kind not in MEASURE_KINDS:
            problems.append(f"{where}：kind 应为 sanction 或 incentive")
        if not str(m.get("legal_basis") or "").strip():
            problems.append(f"{where}：须写明法律依据（legal_basis）")
        if kind == "sanction" and not str(m.get("list_item") or "").strip():
            problems.append(f"{where}：惩戒措施须对应失信惩戒措施基础清单条目（list_item）")
        on = frozenset(m.get("lists") or ())
        for c in sorted(on - set(lists)):
            problems.append(f"{where}：未知的名单“{c}”")
        for c in sorted(on & set(lists)):
            wanted = "adverse" if kind == "sanction" else "positive"
            if lists[c].polarity != wanted:
                problems.append(f"{where}：{MEASURE_KINDS.get(kind, kind)}不能由名单“{lists[c].name}”触发")
        sup = frozenset(m.get("supervision") or ())
        for c in sorted(sup - set(SUPERVISION)):
            problems.append(f"{where}：未知的监管类别“{c}”")
        clean = _int(m.get("clean_months"), f"{where} clean_months", problems)
        if clean is not None and kind != "incentive":
            problems.append(f"{where}：无不良信用记录的期限（clean_months）只能触发激励措施")
        if not on and not sup and clean is None:
            problems.append(f"{where}：须指明触发的名单（lists）、监管类别（supervision）或无不良信用记录的期限（clean_months）")
        mt = frozenset(m.get("matters") or ())
        for c in sorted(mt - set(matters)):
            problems.append(f"{where}：未知的事项类型“{c}”")
        if not mt:
            problems.append(f"{where}：须指明适用的事项类型（matters）")
        measures.append(Measure(code, m.get("name", code), kind or "", str(m.get("category") or ""),
                                str(m.get("legal_basis") or ""), str(m.get("list_item") or ""), on, sup, mt,
                                clean))
    if problems:
        raise ValueError("；".join(problems))
    return Catalogue(str(doc["version"]), matters, lists, tuple(measures))
