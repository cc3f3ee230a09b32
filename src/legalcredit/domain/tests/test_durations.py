import pytest
from hypothesis import given
from hypothesis import strategies as st

from legalcredit.domain.durations import months_after, number

DIGITS = "零一二三四五六七八九"


def chinese(n: int, *, two: str = "二") -> str:
    """How a decision writes 1-99 in words (二十四, 十二, 两)."""
    digit = lambda d: two if d == 2 else DIGITS[d]  # noqa: E731
    if n < 10:
        return digit(n)
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


@given(st.integers(0, 99))
def test_numbers_in_words_digits_and_full_width(n):
    assert number(chinese(n)) == n
    assert number(str(n)) == n
    assert number(str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == n


def spellings(years: int, months: int, write) -> list[str]:
    out = []
    if years and months:
        out += [f"{write(years)}年{write(months)}个月", f"{write(years)}年零{write(months)}个月",
                f"{write(years)}年又{write(months)}个月"]
    elif years:
        out.append(f"{write(years)}年")
    if not years or not months:
        out += [f"{write(years * 12 + months)}个月", f"{write(years * 12 + months)}月"]
    return out


@given(st.integers(0, 5), st.integers(0, 11), st.sampled_from([chinese, str, lambda n: chinese(n, two="两")]),
       st.sampled_from(["停止执业", "停业整顿"]), st.sampled_from(["", "处", "，并处罚款二万元"]))
def test_a_term_in_years_and_months_is_read_as_months(years, months, write, name, tail):
    if years == months == 0:
        return
    for term in spellings(years, months, write):
        assert months_after(f"给予{name}{term}{tail}的处罚", name) == years * 12 + months, term


@pytest.mark.parametrize("text, months", [
    ("停止执业半年", 6), ("停止执业一年半", 18), ("停止执业 1 年", 12), ("停止执业两年", 24),
    ("警告；停止执业三个月以上", 3),
    # The first mention with a term counts: the name may appear in the basis before the term.
    ("依法应当停止执业，决定停止执业九个月", 9),
])
def test_common_forms(text, months):
    assert months_after(text, "停止执业") == months


@pytest.mark.parametrize("text", ["停止执业", "停止执业，期限另行通知", "停止执业十十个月", "吊销执业证书"])
def test_no_term_is_none_not_a_guess(text):
    assert months_after(text, "停止执业") is None
