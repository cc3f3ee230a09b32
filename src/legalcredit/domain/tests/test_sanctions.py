import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain import sanctions as sx

from ._data import rule_doc

CAT = sx.parse_catalogue(rule_doc("penalty_catalogue.yaml"))
DAY = dt.date(2026, 6, 1)


def check(code, subject_type, *sanctions, level="city", priors=()):
    return sx.check(CAT, CAT.provisions[code], subject_type, sanctions, authority_level=level,
                    decision_date=DAY, priors=priors)


def test_lawful_penalty_passes():
    assert check("lawyer-48", "lawyer", sx.Sanction("停止执业", months=4),
                 sx.Sanction("罚款", fine_yuan=8000)) == []


def test_suspension_outside_the_range_cites_the_article():
    assert check("lawyer-48", "lawyer", sx.Sanction("停止执业", months=7)) == [
        "“停止执业”7个月，超过《律师法》第四十八条规定的上限6个月"]
    assert "下限3个月" in check("lawyer-48", "lawyer", sx.Sanction("停止执业", months=2))[0]


def test_fine_over_the_maximum_is_refused():
    assert "上限5,000元" in check("lawyer-47", "lawyer", sx.Sanction("罚款", fine_yuan=6000))[0]


def test_fine_range_depends_on_subject_type():
    assert check("notary-42", "notary_office", sx.Sanction("罚款", fine_yuan=20000)) == []
    assert "上限10,000元" in check("notary-42", "notary", sx.Sanction("罚款", fine_yuan=20000))[0]


def test_revocation_only_at_province_level():
    faults = check("lawyer-49", "lawyer", sx.Sanction("吊销执业证书"), level="city")
    assert faults == ["“吊销执业证书”须由省级司法行政机关决定（《律师法》第四十九条），本决定机关为设区的市级以上"]
    assert check("lawyer-49", "lawyer", sx.Sanction("吊销执业证书"), level="province") == []


def test_county_bureau_may_not_decide_lawyer_penalties():
    assert "设区的市级以上" in check("lawyer-47", "lawyer", sx.Sanction("警告"), level="county")[0]


def test_municipality_district_decides_as_a_city():
    assert CAT.level_of("110105", "county") == "city"
    assert CAT.level_of("320102", "county") == "county"


def test_sanction_not_in_the_article_is_refused():
    assert check("lawyer-47", "lawyer", sx.Sanction("吊销执业证书"), level="province") == [
        "《律师法》第四十七条未规定“吊销执业证书”"]


def test_article_not_for_this_subject_type():
    assert check("lawyer-50", "lawyer", sx.Sanction("警告")) == ["《律师法》第五十条不适用于该类主体"]


def test_warning_within_a_year_of_a_warning_needs_a_suspension():
    prior = sx.Prior(dt.date(2025, 9, 1), (sx.Sanction("警告"),))
    faults = check("lawyer-47", "lawyer", sx.Sanction("警告"), priors=[prior])
    assert faults and faults[0].startswith("依《律师法》第五十一条第一款")
    # The heavier range of Art 51 replaces Art 47's 3-month cap.
    assert check("lawyer-47", "lawyer", sx.Sanction("停止执业", months=8), priors=[prior]) == []
    old = sx.Prior(dt.date(2025, 5, 1), (sx.Sanction("警告"),))
    assert check("lawyer-47", "lawyer", sx.Sanction("警告"), priors=[old]) == []


def test_suspension_within_two_years_after_a_suspension_ends_means_revocation():
    prior = sx.Prior(dt.date(2024, 1, 1), (sx.Sanction("停止执业", months=6),), dt.date(2024, 7, 1))
    faults = check("lawyer-48", "lawyer", sx.Sanction("停止执业", months=4), priors=[prior])
    assert any("第五十一条第二款" in f for f in faults)


def test_partnership_bar_after_six_month_suspension():
    prior = sx.Prior(dt.date(2024, 1, 1), (sx.Sanction("停止执业", months=6),), dt.date(2024, 7, 1))
    assert sx.partnership_barred_until(CAT, "lawyer", [prior]) == (dt.date(2027, 7, 1), "《律师法》第五十三条")
    short = sx.Prior(dt.date(2024, 1, 1), (sx.Sanction("停止执业", months=5),), dt.date(2024, 6, 1))
    assert sx.partnership_barred_until(CAT, "lawyer", [short]) is None


def test_find_provision_from_free_text_basis():
    assert CAT.find("依据《中华人民共和国律师法》第四十八条第一项", "lawyer").code == "lawyer-48"
    assert CAT.find("《中华人民共和国律师法》第五十条第二款", "lawyer").code == "lawyer-50-head"
    assert CAT.find("《律师法》第五十条", "law_firm").code == "lawyer-50"
    assert CAT.find("其他规定", "lawyer") is None


def test_catalogue_with_inverted_range_is_refused():
    doc = rule_doc("penalty_catalogue.yaml")
    doc["provisions"][0]["sanctions"]["停止执业"] = {"min_months": 6, "max_months": 3}
    with pytest.raises(sx.CatalogueError, match="lawyer-47：“停止执业”的下限大于上限"):
        sx.parse_catalogue(doc)


@given(st.integers(0, 24), st.floats(0, 200000, allow_nan=False))
def test_every_shipped_range_is_enforced(months, fine):
    for p in CAT.provisions.values():
        for st_code in p.subject_types:
            for name, lim in p.sanctions.items():
                lim = lim.for_type(st_code)
                s = sx.Sanction(name, months=months, fine_yuan=fine if name == "罚款" else None)
                faults = sx.check(CAT, p, st_code, [s], authority_level="province", decision_date=DAY)
                inside = ((lim.min_months is None or months >= lim.min_months)
                          and (lim.max_months is None or months <= lim.max_months)
                          and (name != "罚款" or ((lim.min_yuan is None or fine >= lim.min_yuan)
                                                 and (lim.max_yuan is None or fine <= lim.max_yuan))))
                applicable = not lim.subject_types or st_code in lim.subject_types
                if inside and applicable:
                    assert faults == []
                if not inside:
                    assert faults
