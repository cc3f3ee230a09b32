"""The 双随机 draw: which subjects are inspected, and by which inspectors (rules.md §8, rule 10).

Pure and reproducible: the same seed and the same candidates (in any order) give the same draw,
so anyone holding the seed and the candidate list logged with the plan can repeat it.

* Subjects are drawn per stratum (the supervision class their grade gives, or "not graded"), each
  at its stratum's sampling rate: ceil(rate × the stratum's population) subjects, never more than
  are still eligible. A subject already inspected its yearly cap of times is not eligible.
* An inspection item may set a minimum share of the whole population (在全省司法鉴定机构中抽取10%):
  when the strata's draws fall short of it, the rest is drawn by lot among the eligible subjects
  not yet drawn, whatever their stratum. The grades still set who is drawn more often; the share
  sets how many are drawn at least.
* Each inspection gets ``per_inspection`` distinct inspectors, none with a conflict of interest
  with its subject; among those free of conflict the least loaded go first (counting what each
  already has this year), ties broken by lot, so the work spreads evenly.
* With ``areas`` (a province-wide plan whose rules say ``inspectors_from: city``), a subject's
  inspectors come from its own city only: 省级抽取检查对象、派至各州(市)，由州(市)随机抽取检查人员.
"""
from __future__ import annotations

import hashlib
import math
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping


class DrawError(ValueError):
    pass


@dataclass(frozen=True)
class Candidate:
    subject_id: int
    stratum: str
    rate: Decimal
    yearly_cap: int
    inspected_this_year: int = 0

    @property
    def eligible(self) -> bool:
        return self.inspected_this_year < self.yearly_cap


@dataclass(frozen=True)
class Drawn:
    subject_id: int
    stratum: str
    inspectors: tuple[int, ...]


def candidates_digest(candidates: Iterable[Candidate]) -> str:
    """SHA-256 over the candidate list in subject order: what the draw was made from."""
    lines = sorted(f"{c.subject_id}:{c.stratum}:{c.rate}:{c.yearly_cap}:{c.inspected_this_year}" for c in candidates)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def drawn_digest(drawn: Iterable[Drawn]) -> str:
    """SHA-256 over who was drawn and by whom, in subject order: what the audit trail keeps."""
    lines = sorted(f"{d.subject_id}:{','.join(map(str, d.inspectors))}" for d in drawn)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def pack(candidates: Iterable[Candidate]) -> dict:
    """The candidate list as logged with a plan, compactly: each distinct (stratum, rate, cap)
    once, then three numbers per candidate (a province's lawyers are hundreds of thousands)."""
    candidates = list(candidates)
    strata = sorted({(c.stratum, str(c.rate), c.yearly_cap) for c in candidates})
    index = {s: i for i, s in enumerate(strata)}
    rows: list[int] = []
    for c in candidates:
        rows += (c.subject_id, index[c.stratum, str(c.rate), c.yearly_cap], c.inspected_this_year)
    return {"strata": [list(s) for s in strata], "rows": rows}


def unpack(packed: Mapping) -> list[Candidate]:
    strata = [(name, Decimal(rate), int(cap)) for name, rate, cap in packed["strata"]]
    rows = packed["rows"]
    return [Candidate(rows[i], *strata[rows[i + 1]], rows[i + 2]) for i in range(0, len(rows), 3)]


def _rng(seed: str, *parts: str) -> random.Random:
    return random.Random(hashlib.sha256(":".join((seed, *parts)).encode()).digest())


def draw_subjects(candidates: Iterable[Candidate], seed: str, minimum_share: Decimal = Decimal(0)) -> list[Candidate]:
    """The subjects drawn, stratum by stratum (strata in name order, subjects in draw order), then
    those drawn to make up ``minimum_share`` of the population (in subject order, drawn by lot)."""
    if not Decimal(0) <= minimum_share <= Decimal(1):
        raise DrawError(f"最低抽查比例应在0至1之间（收到{minimum_share}）")
    ordered = sorted(candidates, key=lambda c: c.subject_id)
    strata: dict[str, list[Candidate]] = defaultdict(list)
    for c in ordered:
        strata[c.stratum].append(c)
    out: list[Candidate] = []
    for name in sorted(strata):
        population = strata[name]
        rates = {c.rate for c in population}
        if len(rates) != 1:
            raise DrawError(f"同一抽查类别“{name}”的抽查比例不一致：{sorted(rates)}")
        rate = rates.pop()
        if not Decimal(0) <= rate <= Decimal(1):
            raise DrawError(f"抽查类别“{name}”的抽查比例应在0至1之间（收到{rate}）")
        eligible = [c for c in population if c.eligible]
        n = min(len(eligible), math.ceil(rate * len(population)))
        out += _rng(seed, "subjects", name).sample(eligible, n)
    short = math.ceil(minimum_share * len(ordered)) - len(out)
    if short > 0:
        taken = {c.subject_id for c in out}
        rest = [c for c in ordered if c.eligible and c.subject_id not in taken]
        out += _rng(seed, "subjects", "minimum_share").sample(rest, min(short, len(rest)))
    return out


def assign_inspectors(drawn: list[Candidate], inspectors: Iterable[int], conflicts: Mapping[int, set[int]],
                      seed: str, per_inspection: int, prior_load: Mapping[int, int] | None = None, *,
                      areas: Mapping[int, str] | None = None,
                      subject_areas: Mapping[int, str] | None = None) -> list[Drawn]:
    """``conflicts``: subject id → the inspectors who must recuse for it; ``prior_load``: how many
    inspections each inspector already has this year, so the year's work evens out across plans;
    ``areas`` and ``subject_areas``: inspector id and subject id → area, when each subject's
    inspectors must come from its own area."""
    pool = sorted(set(inspectors))
    if per_inspection < 1:
        raise DrawError("每项检查的检查人员数应至少为1")
    if (areas is None) != (subject_areas is None):
        raise DrawError("按地区派员须同时给出检查人员和检查对象的所在地区")
    local: dict[str, list[int]] = defaultdict(list)
    for i in pool:
        if areas is not None:
            local[areas[i]].append(i)
    load: Counter[int] = Counter({i: n for i, n in (prior_load or {}).items() if i in pool})
    out = []
    for c in drawn:
        own = pool if areas is None else local.get(subject_areas[c.subject_id], [])
        free = [i for i in own if i not in conflicts.get(c.subject_id, set())]
        if len(free) < per_inspection:
            where = "" if areas is None else f"所在地区（{subject_areas[c.subject_id]}）"
            raise DrawError(f"主体 {c.subject_id}：{where}可派检查人员 {len(free)} 名（已回避 "
                            f"{len(own) - len(free)} 名），少于每项检查须有的 {per_inspection} 名")
        lots = _rng(seed, "inspectors", str(c.subject_id))
        order = {i: lots.random() for i in free}
        chosen = sorted(free, key=lambda i: (load[i], order[i]))[:per_inspection]
        load.update(chosen)
        out.append(Drawn(c.subject_id, c.stratum, tuple(sorted(chosen))))
    return out


def draw(candidates: Iterable[Candidate], inspectors: Iterable[int], conflicts: Mapping[int, set[int]],
         seed: str, per_inspection: int, prior_load: Mapping[int, int] | None = None, *,
         areas: Mapping[int, str] | None = None, subject_areas: Mapping[int, str] | None = None,
         minimum_share: Decimal = Decimal(0)) -> list[Drawn]:
    candidates = list(candidates)
    return assign_inspectors(draw_subjects(candidates, seed, minimum_share), inspectors, conflicts, seed,
                             per_inspection, prior_load, areas=areas, subject_areas=subject_areas)


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    subject_types: tuple[str, ...]
    legal_basis: str
    # The least share of the population a plan of this item draws, and where that comes from.
    minimum_share: Decimal = Decimal(0)
    minimum_share_source: str = ""


@dataclass(frozen=True)
class InspectionRules:
    version: str
    source: str
    per_inspection: int
    ungraded_rate: Decimal
    ungraded_cap: int
    result_working_days: int
    result_name: str
    result_source: str
    items: Mapping[str, Item]
    # plan: any inspector of the plan's directory; city: a province-wide plan sends each subject
    # inspectors of its own city
    inspectors_from: str = "plan"
    inspectors_source: str = ""


def parse(doc: Mapping) -> InspectionRules:
    """The ``inspections`` rule set; a mistake is refused naming its place."""
    per = doc.get("inspectors_per_inspection")
    if not isinstance(per, int) or per < 2:
        raise DrawError(f"inspectors_per_inspection 应为不少于2的整数（每项检查至少2名检查人员），收到 {per!r}")
    ungraded = doc.get("ungraded") or {}
    rate = Decimal(str(ungraded.get("sampling_rate", "")) or "-1")
    if not Decimal(0) <= rate <= Decimal(1):
        raise DrawError(f"ungraded.sampling_rate 应在0至1之间，收到 {ungraded.get('sampling_rate')!r}")
    cap = ungraded.get("yearly_cap")
    if not isinstance(cap, int) or cap < 1:
        raise DrawError(f"ungraded.yearly_cap 应为正整数，收到 {cap!r}")
    pub = doc.get("result_publication") or {}
    days = pub.get("working_days")
    if not isinstance(days, int) or days < 1:
        raise DrawError(f"result_publication.working_days 应为正整数，收到 {days!r}")
    items = {}
    for i, it in enumerate(doc.get("items") or (), 1):
        if not it.get("code") or not it.get("name") or not it.get("subject_types") or not it.get("legal_basis"):
            raise DrawError(f"items 第{i}项：须有 code、name、subject_types 和 legal_basis")
        if it["code"] in items:
            raise DrawError(f"items 第{i}项：code “{it['code']}”重复")
        share = Decimal(str(it.get("minimum_share", 0)))
        if not Decimal(0) <= share <= Decimal(1):
            raise DrawError(f"items 第{i}项：minimum_share 应在0至1之间，收到 {it.get('minimum_share')!r}")
        if share and not str(it.get("minimum_share_source") or "").strip():
            raise DrawError(f"items 第{i}项：minimum_share 须注明依据（minimum_share_source）")
        items[it["code"]] = Item(it["code"], it["name"], tuple(it["subject_types"]), it["legal_basis"], share,
                                 str(it.get("minimum_share_source") or ""))
    if not items:
        raise DrawError("items：至少须有一个抽查事项")
    origin = doc.get("inspectors_from", "plan")
    if origin not in ("plan", "city"):
        raise DrawError(f"inspectors_from 应为 plan（抽查范围内的检查人员）或 city（检查对象所在市的检查人员），收到 {origin!r}")
    if origin == "city" and not str(doc.get("inspectors_source") or "").strip():
        raise DrawError("inspectors_source：按地区派员须注明依据")
    return InspectionRules(str(doc["version"]), str(doc.get("source", "")), per, rate, cap, days,
                           str(pub.get("name") or "公示抽查检查结果"), str(pub.get("source") or ""), items,
                           origin, str(doc.get("inspectors_source") or ""))
