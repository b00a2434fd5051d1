"""Tests of resident ID numbers (居民身份证号码): check character, refusals, legacy upgrade, generator."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanwang.domain.errors import ValidationError
from sanwang.domain.idnumber import IdNumber, check_digit, is_valid, make_id_number
from sanwang.domain.regions import region_table

TODAY = dt.date(2024, 6, 1)
# The worked example printed in GB 11643-1999.
GB_EXAMPLE = "11010519491231002X"

CURRENT_CODES = sorted(region_table().current_codes)
KNOWN_CODES = sorted(region_table().known_codes)

regions = st.sampled_from(KNOWN_CODES)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
serials = st.integers(min_value=0, max_value=999)
sexes = st.sampled_from(["男", "女", None])


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    return make_id_number(draw(regions), draw(births), draw(serials), draw(sexes))


def refusal(text: str, *, today: dt.date = TODAY) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        IdNumber.parse(text, today=today, field="身份证号", line=7)
    err = caught.value
    assert err.field == "身份证号"
    assert err.line == 7
    return err


# ------------------------------------------------------------------------------------------- known examples


def test_gb_worked_example_parses() -> None:
    n = IdNumber.parse(GB_EXAMPLE, today=TODAY)
    assert n.value == GB_EXAMPLE
    assert n.region_code == "110105"
    assert n.birth_date == dt.date(1949, 12, 31)
    assert n.sex == "女"  # serial 002 is even
    assert n.serial == 2
    assert str(n) == GB_EXAMPLE


def test_check_digit_of_gb_example_is_x() -> None:
    assert check_digit(GB_EXAMPLE[:17]) == "X"


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),
        ("44030419851010001", "0"),
        ("53060219800101001", "2"),
        ("11010119900307001", "1"),
    ],
)
def test_check_digit_values(first17: str, expected: str) -> None:
    # Computed independently: weights 2^(17-i) mod 11, then "10X98765432"[sum mod 11].
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(w * int(d) for w, d in zip(weights, first17, strict=True))
    assert "10X98765432"[total % 11] == expected
    assert check_digit(first17) == expected


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_digit_agrees_with_id_validator(first17: str) -> None:
    from id_validator import helper

    assert check_digit(first17) == helper.generator_check_bit(first17)


def test_check_digit_refuses_wrong_input() -> None:
    with pytest.raises(ValidationError):
        check_digit("1101051949123100")
    with pytest.raises(ValidationError):
        check_digit("1101051949123100A")


def test_male_serial_is_odd() -> None:
    n = IdNumber.parse(make_id_number("530602", dt.date(1980, 1, 1), 1), today=TODAY)
    assert n.sex == "男"
    assert n.value == "530602198001010012"


def test_lower_case_x_spaces_and_full_width_are_normalised() -> None:
    assert IdNumber.parse(" 110105 19491231 002x ", today=TODAY).value == GB_EXAMPLE
    assert IdNumber.parse("１１０１０５１９４９１２３１００２Ｘ", today=TODAY).value == GB_EXAMPLE
    assert IdNumber.parse("110105\u300019491231002X\t", today=TODAY).value == GB_EXAMPLE


def test_is_valid() -> None:
    assert is_valid(GB_EXAMPLE)
    assert not is_valid("110105194912310021")
    assert not is_valid("")
    assert not is_valid(None)


def test_masked_and_age() -> None:
    n = IdNumber.parse(GB_EXAMPLE, today=TODAY)
    assert n.masked() == "110105***********X"
    assert n.age_on(dt.date(2019, 12, 30)) == 69
    assert n.age_on(dt.date(2019, 12, 31)) == 70


def test_parse_result_is_frozen() -> None:
    n = IdNumber.parse(GB_EXAMPLE, today=TODAY)
    with pytest.raises(AttributeError):
        n.sex = "男"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "text",
    ["", "1101051949123100", "1101051949123100211", "11010519491231002Y", "1101051949123100X2", "11010A19491231002X"],
)
def test_wrong_length_or_characters(text: str) -> None:
    err = refusal(text)
    assert "18位" in err.zh
    assert "18 characters" in err.en


def test_unknown_region() -> None:
    body = "99010519491231002"
    err = refusal(body + check_digit(body))
    assert "990105" in err.zh and "行政区划" in err.zh
    assert "region code 990105" in err.en


def test_impossible_birth_date() -> None:
    body = "11010519990230002"
    err = refusal(body + check_digit(body))
    assert "19990230" in err.zh and "不存在" in err.zh
    assert "does not exist" in err.en


def test_birth_date_after_today() -> None:
    n = make_id_number("110105", dt.date(2024, 6, 2), 2)
    err = refusal(n)
    assert "晚于今天" in err.zh
    assert "future" in err.en
    # The same number is fine once that day has come.
    assert IdNumber.parse(n, today=dt.date(2024, 6, 2)).birth_date == dt.date(2024, 6, 2)


def test_birth_date_defaults_to_the_real_today() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError):
        IdNumber.parse(make_id_number("110105", tomorrow, 2))
    assert IdNumber.parse(make_id_number("110105", dt.date.today(), 2)).birth_date == dt.date.today()


def test_birth_date_before_1900() -> None:
    err = refusal(make_id_number("110105", dt.date(1899, 12, 31), 2))
    assert "1900" in err.zh and "before 1900" in err.en


def test_wrong_check_digit_says_what_it_should_be() -> None:
    err = refusal("110105194912310021")
    assert "应为 X" in err.zh and "实为 1" in err.zh
    assert "should be X" in err.en


# ------------------------------------------------------------------------------------------- 15-digit numbers


def test_fifteen_digit_number_is_upgraded() -> None:
    n = IdNumber.parse("110105491231002", today=TODAY)
    assert n.value == GB_EXAMPLE
    assert n.birth_date == dt.date(1949, 12, 31)
    assert n.sex == "女"


def test_fifteen_digit_number_with_bad_parts_is_refused() -> None:
    assert "不存在" in refusal("110105490230002").zh
    assert "行政区划" in refusal("990105491231002").zh
    assert "18位" in refusal("11010549123100X").zh


# ------------------------------------------------------------------------------------ historical region codes


def test_historical_region_code_is_accepted() -> None:
    # 532101 was 昭通市 (county-level, under 昭通地区) until 2000; cards issued then still carry it.
    assert not region_table().is_current("532101")
    n = IdNumber.parse(make_id_number("532101", dt.date(1975, 3, 8), 13), today=TODAY)
    assert n.region_code == "532101"
    assert n.sex == "男"


def test_region_known_even_if_born_after_it_was_retired() -> None:
    # 110103 崇文区 ended 2009; the code describes the place of issue, not of birth, so no year check.
    assert IdNumber.parse(make_id_number("110103", dt.date(2015, 1, 1), 20), today=TODAY).sex == "女"


# ----------------------------------------------------------------------------------------------- generator


def test_make_id_number_fixes_serial_parity_to_sex() -> None:
    assert make_id_number("110105", dt.date(1949, 12, 31), 2, "女")[14:17] == "002"
    assert make_id_number("110105", dt.date(1949, 12, 31), 2, "男")[14:17] == "003"
    assert make_id_number("110105", dt.date(1949, 12, 31), 999, "女")[14:17] == "998"
    assert make_id_number("110105", dt.date(1949, 12, 31), 0, "男")[14:17] == "001"
    assert make_id_number("110105", dt.date(1949, 12, 31), 2) == GB_EXAMPLE


@pytest.mark.parametrize(
    ("region", "serial", "sex"),
    [("11010", 1, None), ("11010A", 1, None), ("110105", -1, None), ("110105", 1000, None), ("110105", 1, "M")],
)
def test_make_id_number_refuses_bad_input(region: str, serial: int, sex: str | None) -> None:
    with pytest.raises(ValidationError):
        make_id_number(region, dt.date(1980, 1, 1), serial, sex)


# -------------------------------------------------------------------------------------------------- properties


@settings(max_examples=300)
@given(regions, births, serials, sexes)
def test_generated_numbers_parse_back(region: str, born: dt.date, serial: int, sex: str | None) -> None:
    text = make_id_number(region, born, serial, sex)
    n = IdNumber.parse(text, today=TODAY)
    assert n.value == text
    assert n.region_code == region
    assert n.birth_date == born
    assert n.sex == (sex if sex is not None else ("男" if serial % 2 else "女"))
    assert n.serial % 2 == (1 if n.sex == "男" else 0)


@settings(max_examples=300)
@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_any_single_substitution_is_caught(text: str, position: int, shift: int) -> None:
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(text[position])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == text[position]:
        return
    changed = text[:position] + new + text[position + 1 :]
    assert not is_valid(changed, today=TODAY)


def test_every_single_substitution_of_the_gb_example_is_caught() -> None:
    # Exhaustive on one number: all 17 * 9 + 10 substitutions.
    count = 0
    for i, ch in enumerate(GB_EXAMPLE):
        for new in "0123456789X" if i == 17 else "0123456789":
            if new != ch:
                assert not is_valid(GB_EXAMPLE[:i] + new + GB_EXAMPLE[i + 1 :], today=TODAY)
                count += 1
    assert count == 17 * 9 + 10


@given(valid_numbers(), st.integers(min_value=0, max_value=15))
def test_adjacent_transposition_is_caught(text: str, position: int) -> None:
    a, b = text[position], text[position + 1]
    if a == b:
        return
    swapped = text[:position] + b + a + text[position + 2 :]
    assert not is_valid(swapped, today=TODAY)


@settings(max_examples=500)
@given(st.one_of(st.text(), st.text(alphabet="0123456789xX \u3000１２", min_size=14, max_size=19)))
def test_parse_only_ever_raises_validation_error(text: str) -> None:
    try:
        n = IdNumber.parse(text, today=TODAY)
    except ValidationError as err:
        assert err.zh and err.en
    else:
        assert len(n.value) == 18


@given(st.one_of(st.none(), st.integers(max_value=10**13), st.floats(allow_nan=True)))
def test_parse_of_non_text_raises_validation_error(value: object) -> None:
    with pytest.raises(ValidationError):
        IdNumber.parse(value, today=TODAY)


def test_integer_cell_with_a_legacy_number_parses() -> None:
    # A spreadsheet can hold a 15-digit number exactly as an integer.
    assert IdNumber.parse(110105491231002, today=TODAY).value == GB_EXAMPLE
