import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from legalcredit.domain import synthetic
from legalcredit.domain.identifiers import id_number, license_no, uscc
from legalcredit.domain.text import bigrams, normalize_name, pinyin_initials


def test_pinyin_initials_per_character():
    assert pinyin_initials("湖南省长沙市") == "hnscss"
    assert pinyin_initials("北京德恒律师事务所") == "bjdhlssws"
    assert pinyin_initials("德恒 Law") == "dhlaw"


def test_bigrams_of_a_name():
    assert bigrams("德恒律师") == ["律师", "德恒", "恒律"]


@given(st.text(max_size=40))
def test_name_normalisation_is_idempotent(raw):
    assert normalize_name(normalize_name(raw)) == normalize_name(raw)


def _province():
    prov = synthetic.Region("320000", "江苏省", "province", None)
    cities = [synthetic.Region("320800", "淮安市", "city", "320000"),
              synthetic.Region("320100", "南京市", "city", "320000")]
    counties = [synthetic.Region("320812", "清江浦区", "county", "320800"),
                synthetic.Region("320102", "玄武区", "county", "320100"),
                synthetic.Region("320831", "金湖县", "county", "320800")]
    return synthetic.Province(prov, cities, counties, ["110101", "440113", "360426"])


def _profile():
    from importlib import resources

    import yaml
    return yaml.safe_load(resources.files("legalcredit.refdata").joinpath(
        "data", "demo_profile.yaml").read_bytes())


def test_generated_province_is_valid_unique_and_shaped_like_the_sector():
    gen = synthetic.Generator(_province(), _profile(), seed=5, today=dt.date(2026, 11, 1))
    subjects, affs = [], []
    for s, a in gen.generate(4000):
        subjects += s
        affs += a
    assert len(subjects) == 4000
    ids = [s.id for s in subjects]
    assert len(set(ids)) == len(ids)
    for field in ("uscc", "id_number"):
        values = [getattr(s, field) for s in subjects if getattr(s, field)]
        assert len(values) == len(set(values)), field
    for s in subjects:
        if s.uscc:
            assert uscc.validate(s.uscc).warnings == ()
        if s.id_number:
            parts = id_number.validate(s.id_number, today=dt.date(2026, 11, 1)).parts
            assert (parts["birth_date"], parts["sex"]) == (s.birth_date, s.gender)
        if s.license_no:
            license_no.validate(s.license_no, "lawyer" if s.subject_type == "lawyer" else "free")
        assert s.region in {"320812", "320102", "320831"}
    counts = Counter(s.subject_type for s in subjects)
    firms, lawyers = counts["law_firm"], counts["lawyer"]
    assert 8 <= lawyers / firms <= 16, "about a dozen lawyers per law firm"
    assert counts["lawyer"] > counts["notary"] > 0
    born_in_province = sum(s.id_number.startswith("32") for s in subjects if s.id_number)
    assert born_in_province > 0.6 * sum(1 for s in subjects if s.id_number)


def test_affiliations_have_consistent_history():
    gen = synthetic.Generator(_province(), _profile(), seed=9, today=dt.date(2026, 11, 1))
    subjects, affs = {}, []
    for s, a in gen.generate(3000):
        subjects.update({x.id: x for x in s})
        affs += a
    by_person = {}
    for a in affs:
        assert a.valid_to is None or a.valid_to >= a.valid_from
        assert subjects[a.person].kind == "practitioner"
        assert subjects[a.institution].kind == "institution"
        if a.role == "member":
            by_person.setdefault(a.person, []).append(a)
    for rows in by_person.values():
        assert sum(r.valid_to is None for r in rows) == 1, "one current institution"
        rows.sort(key=lambda r: r.valid_from)
        for earlier, later in zip(rows, rows[1:]):
            assert earlier.valid_to < later.valid_from, "memberships do not overlap"
    assert any(a.valid_to is not None for a in affs if a.role == "member"), "some transfers"
    assert any(a.valid_to is not None for a in affs if a.role == "head"), "some changes of head"


def test_same_seed_same_province():
    a = [s.name for s, _ in synthetic.Generator(_province(), _profile(), seed=1,
                                                today=dt.date(2026, 1, 1)).generate(300) for s in s]
    b = [s.name for s, _ in synthetic.Generator(_province(), _profile(), seed=1,
                                                today=dt.date(2026, 1, 1)).generate(300) for s in s]
    assert a == b


@settings(max_examples=25, deadline=None)
@given(total=st.integers(1, 1200), seed=st.integers(0, 10_000), days=st.integers(0, 3000))
def test_the_demo_has_as_many_subjects_as_asked(total, seed, days):
    """``legalcredit demo --size N`` builds N subjects, whatever the seed and the day it runs."""
    gen = synthetic.Generator(_province(), _profile(), seed=seed, today=dt.date(2020, 1, 1) + dt.timedelta(days=days))
    assert sum(len(s) for s, _ in gen.generate(total)) == total
