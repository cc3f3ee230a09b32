"""Search behaviour users rely on; runs on SQLite and on PostgreSQL in CI."""
import datetime as dt

import pytest

from legalcredit.accounts.policy import NOTHING, Scope
from legalcredit.registry import search_index, selectors, services

D = dt.date


@pytest.fixture
def world(officer, codes):
    def inst(name, region="320812", prefix="31", stype="law_firm"):
        return services.register_institution(actor=officer, reason="登记", name=name, subject_type=stype,
                                             region=region, uscc_code=codes.uscc(prefix=prefix, region=region))[0]

    def person(name, at, region="320812"):
        return services.register_practitioner(actor=officer, reason="登记", name=name, subject_type="lawyer",
                                              region=region, id_number_raw=codes.id_number(),
                                              license_number=None, institution=at)[0]
    a = inst("江苏德恒律师事务所")
    b = inst("北京德恒（淮安）律师事务所", region="320831")
    c = inst("南京长江公证处", region="320102", prefix="32", stype="notary_office")
    li = person("李明", a)
    li2 = person("李明华", b, region="320831")
    return locals()


def region(prefix):
    return Scope(region_prefixes=(prefix,))


def names(hits):
    return sorted(h.name for h in hits)


def test_two_character_queries(world):
    assert names(selectors.search_subjects("德恒")) == ["北京德恒（淮安）律师事务所", "江苏德恒律师事务所"]
    assert names(selectors.search_subjects("李明")) == ["李明", "李明华"]
    assert names(selectors.search_subjects("长江")) == ["南京长江公证处"]


def test_substring_means_contiguous_characters(world):
    assert names(selectors.search_subjects("德律")) == []
    assert names(selectors.search_subjects("恒律师")) == ["江苏德恒律师事务所"]


def test_single_character_is_too_short(world):
    assert selectors.search_subjects("德") == []


def test_kind_and_jurisdiction_filters(world):
    assert names(selectors.search_subjects("李明", kind="institution")) == []
    assert names(selectors.search_subjects("德恒", scope=region("320812"))) == ["江苏德恒律师事务所"]
    assert names(selectors.search_subjects("德恒", scope=region("3208"))) == [
        "北京德恒（淮安）律师事务所", "江苏德恒律师事务所"]
    assert selectors.search_subjects("德恒", scope=NOTHING) == []
    both = Scope(region_prefixes=("320812", "320831"))
    assert len(selectors.search_subjects("德恒", scope=both)) == 2
    own = Scope(subject_ids=frozenset({world["b"].pk}))
    assert names(selectors.search_subjects("德恒", scope=own)) == ["北京德恒（淮安）律师事务所"]


def test_identifier_lookups_are_exact(world):
    a, li = world["a"], world["li"]
    assert selectors.search_subjects(a.uscc) == [a]
    assert selectors.search_subjects(a.uscc.lower()) == [a]
    assert selectors.search_subjects(li.id_number) == [li]
    assert selectors.search_subjects(li.id_number[:-1]) == []


def test_licence_and_pinyin(world, officer, codes):
    p, _ = services.register_practitioner(actor=officer, reason="登记", name="王芳", subject_type="lawyer",
                                          region="320812", id_number_raw=codes.id_number("female"),
                                          license_number="13208201520000007")
    assert selectors.search_subjects("13208201520000007") == [p]
    assert "江苏德恒律师事务所" in names(selectors.search_subjects("jsdh"))


def test_rebuild_reproduces_the_index(world):
    before = names(selectors.search_subjects("德恒"))
    assert search_index.rebuild() >= 5
    assert names(selectors.search_subjects("德恒")) == before


def test_non_lawyer_licence_numbers_are_looked_up_exactly(officer, codes):
    n, _ = services.register_practitioner(actor=officer, reason="登记", name="周敏", subject_type="notary",
                                          region="320812", id_number_raw=codes.id_number("female"),
                                          license_number="gz-3220150000007")
    assert selectors.search_subjects("GZ-3220150000007") == [n]
    assert selectors.search_subjects("GZ-3220150000008") == []


def test_fifteen_digit_id_number_finds_the_upgraded_one(officer, codes):
    p, _ = services.register_practitioner(actor=officer, reason="登记", name="吴刚", subject_type="lawyer",
                                          region="320812", id_number_raw="110101850101001")
    assert selectors.search_subjects("110101850101001") == [p]


def test_moving_a_subject_to_another_county_moves_its_search_scope(world, officer):
    a = world["a"]
    services.update_subject(a, actor=officer, reason="住所变更", region="320831")
    assert "江苏德恒律师事务所" not in names(selectors.search_subjects("德恒", scope=region("320812")))
    assert "江苏德恒律师事务所" in names(selectors.search_subjects("德恒", scope=region("320831")))
