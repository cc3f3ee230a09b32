"""The 双随机 draw (rules.md rule 10): reproducible, at each stratum's rate, within the yearly cap,
at least the required number of inspectors per inspection and none with a conflict."""
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from legalcredit.domain.draws import Candidate, DrawError, assign_inspectors, draw, draw_subjects, pack, unpack

RATES = {"优": Decimal("0.05"), "中": Decimal("0.2"), "差": Decimal("1"), "未评价": Decimal("0.1")}
CAPS = {"优": 1, "中": 1, "差": 2, "未评价": 2}


@st.composite
def populations(draw_):
    n = draw_(st.integers(1, 120))
    strata = draw_(st.lists(st.sampled_from(sorted(RATES)), min_size=n, max_size=n))
    done = draw_(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    return [Candidate(i + 1, s, RATES[s], CAPS[s], d) for i, (s, d) in enumerate(zip(strata, done))]


@st.composite
def inspector_setups(draw_, candidates):
    pool = list(range(1000, 1000 + draw_(st.integers(4, 12))))
    conflicts = {c.subject_id: set(draw_(st.lists(st.sampled_from(pool), max_size=2)))
                 for c in candidates if draw_(st.booleans())}
    return pool, conflicts


SEEDS = st.text(alphabet="0123456789abcdef", min_size=8, max_size=32)


@given(populations(), SEEDS, st.randoms())
def test_the_same_seed_and_candidates_in_any_order_give_the_same_draw(candidates, seed, rnd):
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert draw_subjects(candidates, seed) == draw_subjects(shuffled, seed)


@given(populations(), SEEDS)
def test_each_stratum_is_drawn_at_its_rate_and_nobody_over_the_cap(candidates, seed):
    drawn = draw_subjects(candidates, seed)
    assert len({c.subject_id for c in drawn}) == len(drawn)
    assert all(c.inspected_this_year < c.yearly_cap for c in drawn)
    for stratum, rate in RATES.items():
        population = [c for c in candidates if c.stratum == stratum]
        eligible = [c for c in population if c.eligible]
        got = [c for c in drawn if c.stratum == stratum]
        assert len(got) == min(len(eligible), math.ceil(rate * len(population)))


SHARES = st.decimals(0, 1, places=2)


@given(populations(), SEEDS, SHARES, st.randoms())
def test_a_minimum_share_tops_the_draw_up_and_keeps_each_stratums_draw(candidates, seed, share, rnd):
    # 在全省司法鉴定机构中抽取10%: at least the share of the population, as far as the eligible go;
    # what each stratum's rate drew is drawn all the same, and the top-up only adds to it.
    by_rate = draw_subjects(candidates, seed)
    drawn = draw_subjects(candidates, seed, share)
    assert drawn[:len(by_rate)] == by_rate
    eligible = [c for c in candidates if c.eligible]
    assert len(drawn) == max(len(by_rate), min(len(eligible), math.ceil(share * len(candidates))))
    assert len({c.subject_id for c in drawn}) == len(drawn) and all(c.eligible for c in drawn)
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert draw_subjects(shuffled, seed, share) == drawn


def test_ten_per_cent_of_a_population_of_excellent_institutions():
    # 40 institutions graded 优 (5%: 2 drawn) under an item that draws at least 10%: 4 in all.
    top = [Candidate(i, "优", RATES["优"], CAPS["优"]) for i in range(1, 41)]
    assert len(draw_subjects(top, "seed")) == 2 and len(draw_subjects(top, "seed", Decimal("0.1"))) == 4
    with pytest.raises(DrawError, match="最低抽查比例应在0至1之间"):
        draw_subjects(top, "seed", Decimal("1.5"))


@given(st.data(), populations(), SEEDS)
@settings(max_examples=60)
def test_every_inspection_has_its_inspectors_and_none_must_recuse(data, candidates, seed):
    pool, conflicts = data.draw(inspector_setups(candidates))
    try:
        result = draw(candidates, pool, conflicts, seed, per_inspection=2)
    except DrawError as exc:
        # Only when some drawn subject has fewer than two inspectors free of conflict.
        assert "少于每项检查须有的 2 名" in str(exc)
        return
    for d in result:
        assert len(set(d.inspectors)) == 2 and set(d.inspectors) <= set(pool)
        assert not set(d.inspectors) & conflicts.get(d.subject_id, set())
    assert result == draw(list(reversed(candidates)), list(reversed(pool)), conflicts, seed, per_inspection=2)


def test_work_is_spread_evenly_when_nobody_must_recuse():
    candidates = [Candidate(i, "差", Decimal(1), 2) for i in range(1, 31)]
    result = assign_inspectors(candidates, range(1, 7), {}, "seed", 2)
    load = {i: sum(i in d.inspectors for d in result) for i in range(1, 7)}
    assert set(load.values()) == {10}


def test_a_different_seed_draws_differently():
    candidates = [Candidate(i, "中", Decimal("0.2"), 1) for i in range(1, 201)]
    assert draw_subjects(candidates, "a") != draw_subjects(candidates, "b")


def test_too_few_inspectors_free_of_conflict_is_refused_naming_the_subject():
    with pytest.raises(DrawError, match="主体 7：可派检查人员 1 名（已回避 2 名）"):
        assign_inspectors([Candidate(7, "差", Decimal(1), 2)], [1, 2, 3], {7: {1, 2}}, "s", 2)


@given(populations())
def test_the_logged_candidate_list_reads_back_as_it_was(candidates):
    assert unpack(pack(candidates)) == candidates


def test_an_inspector_busy_earlier_in_the_year_is_sent_last():
    candidates = [Candidate(i, "差", Decimal(1), 2) for i in range(1, 5)]
    result = assign_inspectors(candidates, [1, 2, 3, 4], {}, "seed", 2, prior_load={1: 10, 2: 10})
    assert all(set(d.inspectors) == {3, 4} for d in result[:1])
    load = {i: 0 for i in range(1, 5)}
    for d in result:
        for i in d.inspectors:
            load[i] += 1
    assert load[3] == load[4] == 4 and load[1] == load[2] == 0


@given(st.data(), populations(), SEEDS)
@settings(max_examples=60)
def test_with_areas_every_inspector_comes_from_the_subjects_own_area_and_the_draw_repeats(data, candidates, seed):
    pool, conflicts = data.draw(inspector_setups(candidates))
    areas = {i: data.draw(st.sampled_from(["3201", "3208"])) for i in pool}
    subject_areas = {c.subject_id: data.draw(st.sampled_from(["3201", "3208"])) for c in candidates}
    try:
        result = draw(candidates, pool, conflicts, seed, 2, areas=areas, subject_areas=subject_areas)
    except DrawError as exc:
        # Only when some drawn subject's own area has too few inspectors free of conflict.
        assert "所在地区" in str(exc)
        short = [c for c in draw_subjects(candidates, seed)
                 if len([i for i in pool if areas[i] == subject_areas[c.subject_id]
                         and i not in conflicts.get(c.subject_id, set())]) < 2]
        assert short
        return
    for d in result:
        assert all(areas[i] == subject_areas[d.subject_id] for i in d.inspectors)
        assert len(d.inspectors) == 2 and not set(d.inspectors) & conflicts.get(d.subject_id, set())
    assert result == draw(list(reversed(candidates)), pool, conflicts, seed, 2, areas=areas,
                          subject_areas=subject_areas)


def test_areas_come_for_both_sides_or_neither():
    with pytest.raises(DrawError, match="同时给出"):
        assign_inspectors([Candidate(1, "差", Decimal(1), 2)], [1, 2], {}, "s", 2, areas={1: "3201", 2: "3201"})


@pytest.mark.parametrize("change, message", [({"inspectors_from": "county"}, "inspectors_from"),
                                             ({"inspectors_source": ""}, "inspectors_source")])
def test_where_inspectors_come_from_is_checked(change, message):
    from legalcredit.domain.draws import parse

    from ._data import rule_doc

    doc = {**rule_doc("inspections.yaml"), **change}
    assert parse(rule_doc("inspections.yaml")).inspectors_from == "city"
    with pytest.raises(DrawError, match=message):
        parse(doc)
