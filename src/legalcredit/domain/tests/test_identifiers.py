import datetime as dt
import random
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.identifiers import IdentifierError, generate, id_number, license_no, uscc

VECTORS = [line.strip() for line in
           (Path(__file__).with_name("uscc_valid_vectors.txt")).read_text().splitlines()
           if line.strip() and not line.startswith("#")]


# --- USCC --------------------------------------------------------------------------

@pytest.mark.parametrize("code", VECTORS)
def test_published_valid_codes_pass(code):
    assert uscc.validate(code).value == code


@pytest.mark.parametrize("code", ["31110000E00000125T", "323100004250000062", "34440000MD0000016Q"])
def test_justice_administration_codes_pass_and_decode(code):
    parts = uscc.validate(code).parts
    assert parts["authority_name"] == "司法行政"
    assert parts["category_name"] in {"律师执业机构", "公证处", "司法鉴定机构"}


def test_wrong_check_character_names_the_right_one():
    with pytest.raises(IdentifierError) as exc:
        uscc.validate("91110000600037341N")
    assert exc.value.message == "校验码错误，应为 L"
    assert exc.value.code == "uscc.checksum"


def test_forbidden_characters_are_named_with_position():
    with pytest.raises(IdentifierError) as exc:
        uscc.validate("9111000060003IOZSV")
    assert "第14位" in exc.value.message and "I" in exc.value.message


def test_letter_authorities_are_accepted():
    """stdnum rejects A/N/Y first characters; GB 32100 allows them."""
    rng = random.Random(7)
    for authority, category in [("A", "1"), ("N", "2"), ("Y", "1")]:
        code = generate.uscc_code(rng, authority=authority, category=category)
        assert uscc.validate(code).parts["authority"] == authority


def test_unknown_authority_and_category_rejected():
    rng = random.Random(1)
    good = generate.uscc_code(rng, authority="3", category="1")
    bad_cat = "37" + good[2:17]
    with pytest.raises(IdentifierError) as exc:
        uscc.validate(bad_cat + uscc.check_character(bad_cat))
    assert "第2位机构类别代码" in exc.value.message
    bad_auth = "B1" + good[2:17]
    with pytest.raises(IdentifierError) as exc:
        uscc.validate(bad_auth + uscc.check_character(bad_auth))
    assert "第1位登记管理部门代码" in exc.value.message


def test_embedded_org_code_failure_is_a_warning_not_an_error():
    first17 = "31110000" + "12345678" + "0"  # GB 11714 check for 12345678 is not 0
    assert uscc.org_code_check_character("12345678") != "0"
    checked = uscc.validate(first17 + uscc.check_character(first17))
    assert checked.warnings and "GB 11714" in checked.warnings[0]


def test_normalisation_of_case_spaces_and_full_width():
    assert uscc.validate(" 9111 0000 6000 3734 1l ").value == "91110000600037341L"
    assert uscc.validate("９１１１００００６０００３７３４１Ｌ").value == "91110000600037341L"


def test_length_error_says_how_long():
    with pytest.raises(IdentifierError) as exc:
        uscc.validate("12345")
    assert exc.value.message == "统一社会信用代码应为18位，实为5位"


uscc_codes = st.builds(
    lambda seed, auth: generate.uscc_code(random.Random(seed), authority=auth[0], category=auth[1],
                                          region="320800"),
    st.integers(0, 2**32), st.sampled_from(["31", "32", "33", "34", "35", "39", "12", "51", "91",
                                             "A1", "N2", "Y1"]))


@given(uscc_codes)
def test_every_generated_uscc_validates_without_warnings(code):
    checked = uscc.validate(code)
    assert checked.value == code and checked.warnings == ()


@given(uscc_codes, st.integers(0, 17), st.sampled_from(uscc.ALPHABET))
def test_any_single_character_change_is_detected(code, pos, ch):
    if code[pos] == ch:
        return
    with pytest.raises(IdentifierError):
        uscc.validate(code[:pos] + ch + code[pos + 1:])


@given(uscc_codes, st.integers(0, 16))
def test_any_adjacent_swap_is_detected(code, pos):
    if code[pos] == code[pos + 1]:
        return
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:]
    with pytest.raises(IdentifierError):
        uscc.validate(swapped)


@given(st.integers(0, 31**8 - 1), st.integers(0, 31**8 - 1))
def test_distinct_serials_give_distinct_codes(a, b):
    rng = random.Random(0)
    if a != b:
        assert generate.uscc_code(rng, serial=a) != generate.uscc_code(rng, serial=b)


@given(st.text(alphabet=string.printable + "９Ａ　ａ", max_size=30))
def test_uscc_normalisation_is_idempotent(raw):
    once = uscc.normalize(raw)
    assert uscc.normalize(once) == once


# --- ID numbers ---------------------------------------------------------------------

def test_stdnum_vectors():
    assert id_number.validate("360426199101010071").parts["sex"] == "male"
    assert id_number.validate("44011320141005001x").value == "44011320141005001X"
    with pytest.raises(IdentifierError, match="校验码错误，应为 3"):
        id_number.validate("36042619910102009X")
    with pytest.raises(IdentifierError, match="出生日期 19911301 不是有效日期"):
        id_number.validate("360426199113010079")
    with pytest.raises(IdentifierError, match="地址码 990426"):
        id_number.validate("990426199112010074")


def test_legacy_15_digit_number_is_upgraded_with_a_warning():
    checked = id_number.validate("110101850101001")
    assert checked.value == "110101198501010017"
    assert "15位旧号码" in checked.warnings[0]


def test_future_birth_date_rejected():
    number = generate.id_number_for("110101", dt.date(2030, 1, 1), 11)
    with pytest.raises(IdentifierError, match="晚于今天"):
        id_number.validate(number, today=dt.date(2026, 1, 1))


def test_region_must_have_existed_in_birth_year():
    # 110103 崇文区 was merged into 东城区 in 2010: valid for 1980 births, not for 2015.
    assert id_number.validate(generate.id_number_for("110103", dt.date(1980, 5, 1), 21))
    with pytest.raises(IdentifierError, match="地址码"):
        id_number.validate(generate.id_number_for("110103", dt.date(2015, 5, 1), 21))


def _stdnum_region(code6: str, year: int):
    from stdnum.cn import ric
    from stdnum.exceptions import ValidationError

    try:
        place = ric.get_birth_place(f"{code6}{year:04d}01010000")
    except (ValidationError, KeyError):
        return None
    return place.get("county") or place.get("prefecture") or place.get("province")


def _address_codes():
    """Codes of four provinces that stdnum knows, half of them with counties valid only for
    some years (the case the lookup's year rule is for)."""
    from stdnum import numdb

    db = numdb.get("cn/loc")
    known = {c: "".join(p.get("county", "") for _, p in db.info(c))
             for c in (f"{p}{i:04d}" for p in ("11", "32", "44", "65") for i in range(10000))}
    dated = [c for c, county in known.items() if "[" in county]
    plain = [c for c, county in known.items() if county and "[" not in county]
    return dated + plain[:len(dated)]


@given(st.sampled_from(_address_codes()), st.integers(1900, 2030))
def test_region_lookup_gives_stdnums_answer(code, year):
    # The address-code table is read once per code; the answer must stay stdnum's.
    assert id_number.region_name(code, dt.date(year, 6, 1)) == _stdnum_region(code, year)


def test_mask():
    assert id_number.mask("110101198501010017") == "110101********0017"
    assert id_number.mask("") == ""


id_numbers = st.builds(
    lambda born, seq: generate.id_number_for("110101", born, seq),
    st.dates(dt.date(1950, 1, 1), dt.date(2005, 12, 31)), st.integers(0, 999))


@given(id_numbers)
def test_generated_id_numbers_validate(number):
    assert id_number.validate(number).value == number


@given(id_numbers, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_id_single_character_change_detected(number, pos, ch):
    if number[pos] == ch:
        return
    with pytest.raises(IdentifierError):
        id_number.validate(number[:pos] + ch + number[pos + 1:])


@given(id_numbers, st.integers(0, 16))
def test_id_adjacent_swap_detected(number, pos):
    if number[pos] == number[pos + 1]:
        return
    with pytest.raises(IdentifierError):
        id_number.validate(number[:pos] + number[pos + 1] + number[pos] + number[pos + 2:])


@given(st.text(max_size=25))
def test_id_normalisation_is_idempotent(raw):
    assert id_number.normalize(id_number.normalize(raw)) == id_number.normalize(raw)


# --- licence numbers ---------------------------------------------------------------------

def test_lawyer_licence_decodes():
    no = generate.lawyer_license_no(province="32", city="08", year=2015, category="1", sex="female",
                                    sequence=42)
    parts = license_no.validate_lawyer(no).parts
    assert parts == {"province_code": "32", "city_code": "08", "first_licensed_year": 2015,
                     "category": "1", "category_name": "专职律师", "sex": "female",
                     "sequence": "000042"}


def test_legacy_12_digit_lawyer_licence_warns():
    assert license_no.validate_lawyer("132081995001").warnings


@pytest.mark.parametrize("raw,fault", [
    ("1320820151", "应为17位"), ("13208201510A0004", "全部为数字"),
    ("23208201510000042", "第1位证书类别"), ("13208180010000042", "首次执业年度"),
    ("13208201512000042", "第11位性别码"),
])
def test_lawyer_licence_faults_are_named(raw, fault):
    with pytest.raises(IdentifierError, match=fault):
        license_no.validate_lawyer(raw, this_year=2026)


def test_other_licences_are_checked_free_strings():
    assert license_no.validate("GZ32201500001", "notary").value == "GZ32201500001"
    with pytest.raises(IdentifierError, match="不允许的字符"):
        license_no.validate("GZ#1", "notary")
