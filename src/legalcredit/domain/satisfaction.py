"""Satisfaction ratings (满意度评价, 好差评), without Django (refdata ``satisfaction.yaml``).

Every service a legal service institution or practitioner gives may be rated once, on five
levels (国办发〔2019〕51号), by the person served: at the window, through the 12348 platform or
a service system (seeds 004 item 9: 随时评价、随单评价，服务一次、接受服务对象评价一次). A bad
review is followed up within a time limit: verified, and rectified or explained, or found
unfounded. Each rating round (a quarter, say) tallies each subject's ratings into one 满意度评价
credit record, whose subtype (满意, 基本满意, 不满意) is what the evaluation schemes score.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Iterable, Mapping

from .remedies import TimeLimit, parse_limit


class SatisfactionRuleError(ValueError):
    """A satisfaction rule file that cannot be applied; the message names the place."""


@dataclass(frozen=True)
class Level:
    value: int
    name: str
    satisfied: bool     # counts towards the 满意率
    bad: bool           # a 差评: followed up


@dataclass(frozen=True)
class Band:
    min_rate: Decimal   # the 满意率 from which a round's record takes this subtype
    subtype: str


@dataclass(frozen=True)
class Tally:
    ratings: int        # counted (a bad review found unfounded is not)
    satisfied: int
    bad: int
    rate: Decimal | None      # 满意率, 4 places; None when nothing counts
    subtype: str | None       # the round's record subtype; None below the minimum of ratings

    def describe(self) -> str:
        return (f"评价{self.ratings}次，其中满意{self.satisfied}次、差评{self.bad}次，"
                f"满意率{percent(self.rate)}")


@dataclass(frozen=True)
class Rules:
    version: str
    source: str
    levels: Mapping[int, Level]
    services: Mapping[str, str]
    follow_up: TimeLimit
    outcomes: Mapping[str, str]
    unfounded: str                 # the outcome that takes a bad review out of the tally
    round_months: int
    min_ratings: int
    bands: tuple[Band, ...]        # highest first
    record_kind: str
    legal_basis: str               # what a round's record cites

    def tally(self, ratings: Iterable[tuple[int, str]]) -> Tally:
        """``ratings``: (level, follow-up outcome or "")."""
        return self.tally_counts(Counter(ratings))

    def tally_counts(self, counts: Mapping[tuple[int, str], int]) -> Tally:
        """The same from how many ratings there are of each (level, outcome), as a database
        groups them."""
        kept = {level: 0 for level in self.levels}
        for (level, outcome), n in counts.items():
            # A level a later edition dropped is not counted (ratings are checked when taken).
            if outcome != self.unfounded and level in kept:
                kept[level] += n
        total = sum(kept.values())
        satisfied = sum(n for v, n in kept.items() if self.levels[v].satisfied)
        bad = sum(n for v, n in kept.items() if self.levels[v].bad)
        rate = (Decimal(satisfied) / Decimal(total)).quantize(Decimal("0.0001"), ROUND_HALF_UP) if total else None
        subtype = None
        if rate is not None and total >= self.min_ratings:
            subtype = next(b.subtype for b in self.bands if rate >= b.min_rate)
        return Tally(total, satisfied, bad, rate, subtype)

    def round_of(self, day: dt.date) -> tuple[dt.date, dt.date]:
        """The rating round ``day`` falls in: rounds of ``round_months`` months from January."""
        first_month = (day.month - 1) // self.round_months * self.round_months + 1
        start = dt.date(day.year, first_month, 1)
        end_month = first_month + self.round_months
        end = (dt.date(day.year + 1, 1, 1) if end_month > 12 else dt.date(day.year, end_month, 1)) \
            - dt.timedelta(days=1)
        return start, end

    def round_name(self, start: dt.date) -> str:
        n = (start.month - 1) // self.round_months + 1
        return {3: f"{start.year}年第{n}季度", 6: f"{start.year}年{'上' if n == 1 else '下'}半年",
                12: f"{start.year}年度", 1: f"{start.year}年{start.month}月"}.get(
            self.round_months, f"{start.year}年第{n}期")


def percent(rate: Decimal | None) -> str:
    return "—" if rate is None else f"{(rate * 100).quantize(Decimal('0.01'))}%"


def parse(doc: Mapping) -> Rules:
    try:
        levels = {}
        for body in doc["levels"]:
            value = body["value"]
            if not isinstance(value, int) or isinstance(value, bool) or value in levels:
                raise SatisfactionRuleError(f"levels：value 须为不重复的整数，收到“{value}”")
            levels[value] = Level(value, str(body["name"]), bool(body.get("satisfied")), bool(body.get("bad")))
        if not any(v.bad for v in levels.values()) or not any(v.satisfied for v in levels.values()):
            raise SatisfactionRuleError("levels：须既有计入满意的等级，也有差评等级")
        if any(v.bad and v.satisfied for v in levels.values()):
            raise SatisfactionRuleError("levels：差评等级不能同时计入满意")
        services = {str(k): str(v) for k, v in doc["services"].items()}
        limit = parse_limit("follow_up", "rating_follow_up", doc["follow_up"], SatisfactionRuleError)
        outcomes = {str(k): str(v) for k, v in doc["outcomes"].items()}
        unfounded = str(doc["unfounded_outcome"])
        if unfounded not in outcomes:
            raise SatisfactionRuleError(f"unfounded_outcome：“{unfounded}”不在 outcomes 中")
        rnd = doc["round"]
        months = rnd.get("months")
        if months not in (1, 3, 6, 12):
            raise SatisfactionRuleError(f"round.months：须为 1、3、6 或 12，收到“{months}”")
        minimum = rnd.get("min_ratings")
        if not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 1:
            raise SatisfactionRuleError(f"round.min_ratings：须为正整数，收到“{minimum}”")
        bands = []
        for i, body in enumerate(rnd["bands"]):
            try:
                rate = Decimal(str(body["min_rate"]))
            except ArithmeticError:
                raise SatisfactionRuleError(f"round.bands[{i}].min_rate：须为0到1之间的小数") from None
            if not Decimal(0) <= rate <= Decimal(1):
                raise SatisfactionRuleError(f"round.bands[{i}].min_rate：须为0到1之间的小数，收到“{rate}”")
            bands.append(Band(rate, str(body["subtype"])))
        bands.sort(key=lambda b: b.min_rate, reverse=True)
        if not bands or bands[-1].min_rate != 0:
            raise SatisfactionRuleError("round.bands：最低一档的 min_rate 须为 0，使每个满意率都有对应结果")
        if len({b.min_rate for b in bands}) != len(bands):
            raise SatisfactionRuleError("round.bands：min_rate 不能重复")
        return Rules(str(doc["version"]), str(doc.get("source", "")), levels, services, limit, outcomes, unfounded,
                     months, minimum, tuple(bands), str(doc["record_kind"]), str(doc["legal_basis"]))
    except KeyError as exc:
        raise SatisfactionRuleError(f"满意度评价规则缺少字段 {exc}") from None
    except (AttributeError, TypeError):
        raise SatisfactionRuleError("满意度评价规则的结构有误：levels、round.bands 须为列表，services、outcomes 须为映射") \
            from None
