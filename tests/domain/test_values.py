"""Tests of the small value types (值类型): phones, clue numbers, dates, yes/no cells."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sanwang.domain.errors import ValidationError
from sanwang.domain.values import ClueNumber, Phone, parse_date, parse_yes_no

# --------------------------------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("text", "digits", "kind"),
    [
        ("13812345678", "13812345678", "mobile"),
        ("138-1234-5678", "13812345678", "mobile"),
        ("138 1234 5678", "13812345678", "mobile"),
        ("+86 138 1234 5678", "13812345678", "mobile"),
        ("+8613812345678", "13812345678", "mobile"),
        ("8613812345678", "13812345678", "mobile"),
        ("0086-13812345678", "13812345678", "mobile"),
        ("１９９１２３４５６７８", "19912345678", "mobile"),
        ("0870-1234567", "08701234567", "landline"),
        ("087012345678", "087012345678", "landline"),
        ("0870-12345678", "087012345678", "landline"),
        ("(0870)1234567", "08701234567", "landline"),
        ("（0870）1234567", "08701234567", "landline"),
        ("010-12345678", "01012345678", "landline"),
        ("021 6123 4567", "02161234567", "landline"),
        ("+86 870 1234567", "08701234567", "landline"),
        ("+86 10 12345678", "01012345678", "landline"),
    ],
)
def test_valid_phones(text: str, digits: str, kind: str) -> None:
    phone = Phone.parse(text)
    assert phone.value == digits
    assert phone.kind == kind
    assert str(phone) == digits


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits starting 1
        "12812345678",  # 12x is not a mobile prefix
        "+1 555 123 4567",  # foreign country code
        "0870-0234567",  # local part starting 0
        "010-1234567",  # Beijing numbers have 8 digits
        "0870-123456",  # too short
        "0870-1234567-801",  # extension
        "1381234567a",
        "电话13812345678",
    ],
)
def test_invalid_phones(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Phone.parse(text, field="联系电话", line=12)
    err = caught.value
    assert err.field == "联系电话" and err.line == 12
    assert "电话" in err.zh and "phone" in err.en


@given(st.text())
def test_phone_parse_only_raises_validation_error(text: str) -> None:
    try:
        phone = Phone.parse(text)
    except ValidationError:
        return
    assert phone.value.isdigit()


# ------------------------------------------------------------------------------------------------ clue numbers


def test_clue_number_format_and_parse() -> None:
    text = ClueNumber.format("530600", 2019, "XF", 123)
    assert text == "530600-2019-XF-00123"
    clue = ClueNumber.parse(text)
    assert clue == ClueNumber("530600", 2019, "XF", 123)
    assert str(clue) == text


def test_clue_number_parse_tolerates_case_and_spaces() -> None:
    assert ClueNumber.parse(" 530600-2019-xf-00123 ") == ClueNumber("530600", 2019, "XF", 123)


@given(
    st.sampled_from(["530600", "530602", "110101", "530000"]),
    st.integers(min_value=1900, max_value=2099),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    st.integers(min_value=1, max_value=99_999),
)
def test_clue_number_round_trip(region: str, year: int, channel: str, seq: int) -> None:
    assert ClueNumber.parse(ClueNumber.format(region, year, channel, seq)) == ClueNumber(region, year, channel, seq)


@pytest.mark.parametrize(
    ("text", "zh_part", "en_part"),
    [
        ("530600-2019-XF-0123", "格式错误", "malformed"),
        ("530600-19-XF-00123", "格式错误", "malformed"),
        ("530600-2019-X1-00123", "格式错误", "malformed"),
        ("530600_2019_XF_00123", "格式错误", "malformed"),
        ("", "格式错误", "malformed"),
        ("999999-2019-XF-00123", "地区代码", "region part"),
        ("530600-1899-XF-00123", "年份", "year"),
        ("530600-2019-XF-00000", "序号", "sequence"),
    ],
)
def test_clue_number_refusals(text: str, zh_part: str, en_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ClueNumber.parse(text, line=4)
    err = caught.value
    assert zh_part in err.zh and en_part in err.en
    assert err.field == "线索编号" and err.line == 4


@pytest.mark.parametrize(
    ("region", "year", "channel", "seq"),
    [
        ("53060", 2019, "XF", 1),
        ("530600", 2019, "XFX", 1),
        ("530600", 2019, "xf", 1),
        ("530600", 2019, "XF", 0),
        ("530600", 2019, "XF", 100_000),
        ("530600", 12019, "XF", 1),
    ],
)
def test_clue_number_format_refuses_parts_it_could_not_read_back(
    region: str, year: int, channel: str, seq: int
) -> None:
    with pytest.raises(ValidationError):
        ClueNumber.format(region, year, channel, seq)


# ------------------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    "value",
    [
        "2019-04-24",
        "2019/4/24",
        "2019.4.24",
        "2019年4月24日",
        "2019 年 4 月 24 日",
        "2019年04月24号",
        "20190424",
        "2019-04-24 00:00:00",
        "２０１９－０４－２４",
        dt.date(2019, 4, 24),
        dt.datetime(2019, 4, 24, 15, 30),
        20190424,
    ],
)
def test_dates_accepted(value: object) -> None:
    assert parse_date(value) == dt.date(2019, 4, 24)


def test_datetime_becomes_a_plain_date() -> None:
    day = parse_date(dt.datetime(2019, 4, 24, 15, 30))
    assert type(day) is dt.date


@pytest.mark.parametrize(
    ("value", "zh_part", "en_part"),
    [
        ("2019-02-30", "不存在", "does not exist"),
        ("2019年13月1日", "不存在", "does not exist"),
        ("2019-4", "不是日期", "not a date"),
        ("19-4-24", "不是日期", "not a date"),
        ("4/24/2019", "不是日期", "not a date"),
        ("昨天", "不是日期", "not a date"),
        (True, "不是日期", "not a date"),
        (43579, "不是日期", "not a date"),
        ("", "为空", "empty"),
        (None, "为空", "empty"),
        ("1899-12-31", "1900", "1900-2099"),
        (dt.date(2150, 1, 1), "1900", "1900-2099"),
    ],
)
def test_dates_refused(value: object, zh_part: str, en_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_date(value, field="收件日期", line=9)
    err = caught.value
    assert zh_part in err.zh and en_part in err.en
    assert err.field == "收件日期" and err.line == 9


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_date_round_trips_through_each_format(day: dt.date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        f"{day.year}.{day.month}.{day.day}",
        f"{day.year}年{day.month}月{day.day}日",
    ):
        assert parse_date(text) == day


@given(st.text())
def test_parse_date_only_raises_validation_error(text: str) -> None:
    try:
        day = parse_date(text)
    except ValidationError as err:
        assert err.zh and err.en
    else:
        assert 1900 <= day.year <= 2099


# --------------------------------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize("value", ["是", " 是 ", "Y", "y", "yes", "1", "true", "TRUE", "实名", "實名", "√", 1, True])
def test_yes(value: object) -> None:
    assert parse_yes_no(value) is True


@pytest.mark.parametrize("value", ["否", "N", "n", "no", "0", "false", "False", "匿名", "×", 0, False])
def test_no(value: object) -> None:
    assert parse_yes_no(value) is False


@pytest.mark.parametrize(
    ("value", "zh_part"), [("", "为空"), (None, "为空"), ("也许", "也许"), (2, "2"), ("是否", "是否")]
)
def test_yes_no_refused(value: object, zh_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_yes_no(value, field="是否实名", line=2)
    err = caught.value
    assert zh_part in err.zh and "是" in err.en
    assert err.field == "是否实名" and err.line == 2
