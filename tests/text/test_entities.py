"""Entity extraction by rules (sanwang.text.entities / patterns / numerals): every type, positive and negative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanwang.domain.idnumber import make_id_number
from sanwang.text.entities import Entity, Gazetteer, extract, resolve_overlaps
from sanwang.text.numerals import parse_integer, parse_number, to_chinese, year_to_chinese
from sanwang.text.patterns import luhn_ok, rule_entities

VALID_ID = make_id_number("530602", dt.date(1990, 1, 1), 123)  # 530602199001011239


def _with_check(prefix: str) -> str:
    """``prefix`` plus the digit that makes it pass Luhn."""
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def _failing_luhn(prefix: str) -> str:
    return next(prefix + str(d) for d in range(10) if not luhn_ok(prefix + str(d)))


CARD_16 = _with_check("622202123456789")
CARD_19 = _with_check("621700001234567890")


def found(text: str, kind: str) -> list[tuple[str, object]]:
    return [(e.text, e.value) for e in extract(text) if e.type == kind]


def one(text: str, kind: str) -> Entity:
    hits = [e for e in extract(text) if e.type == kind]
    assert len(hits) == 1, hits
    return hits[0]


# ------------------------------------------------------------------------------------------------ numerals

NUMERAL_TABLE = [
    ("零", 0),
    ("五", 5),
    ("十", 10),
    ("十五", 15),
    ("二十", 20),
    ("一百零五", 105),
    ("一百一十五", 115),
    ("两千", 2000),
    ("三千零五十", 3050),
    ("一万零一十五", 10015),
    ("三十五万", 350_000),
    ("一百二十万", 1_200_000),
    ("壹万伍仟", 15_000),
    ("壹拾万", 100_000),
    ("三亿五千万", 350_000_000),
    ("一万亿", 10**12),
    ("二〇一九", 2019),
]


@pytest.mark.parametrize(("text", "value"), NUMERAL_TABLE)
def test_chinese_numerals_table(text: str, value: int) -> None:
    assert parse_integer(text) == value


@pytest.mark.parametrize(
    "text", ["", "百千", "五五十", "一百零", "万", "三千五", "一万五", "五万三千万", "十十", "abc"]
)
def test_malformed_chinese_numerals_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_integer(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("3.5万", 35_000), ("三点五万", 35_000), ("二点五", Decimal("2.5")), ("120,000", 120_000), ("1.2亿", 120_000_000)],
)
def test_parse_number_mixes_arabic_and_units(text: str, value: int | Decimal) -> None:
    assert parse_number(text) == value


@given(st.integers(min_value=0, max_value=10**16 - 1), st.booleans())
def test_rendered_chinese_parses_back(n: int, financial: bool) -> None:
    assert parse_integer(to_chinese(n, financial=financial)) == n


@given(st.integers(min_value=1, max_value=10**12))
def test_colloquial_two_parses_like_er(n: int) -> None:
    # 两 is written for 2 before 千, 万 and 亿 in speech; the parser must read both forms alike.
    text = to_chinese(n)
    assert parse_integer(text.replace("二千", "两千").replace("二万", "两万")) == n


def test_rendering_is_the_standard_form() -> None:
    assert to_chinese(15) == "十五"
    assert to_chinese(115) == "一百一十五"
    assert to_chinese(100_010) == "十万零一十"
    assert to_chinese(15_000, financial=True) == "壹万伍仟"
    assert year_to_chinese(2019) == "二〇一九"


# ------------------------------------------------------------------------------------------ ID numbers, cards


def test_valid_id_number_is_found_with_its_value() -> None:
    e = one(f"被反映人身份证号{VALID_ID}，住昭阳区", "id_number")
    assert e.value == VALID_ID and e.text == VALID_ID


def test_id_number_with_bad_checksum_is_not_an_id() -> None:
    bad = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    assert found(f"身份证号{bad}", "id_number") == []
    # Shaped like an ID (real region, real birth date) and without a card word: not a card either.
    assert found(f"身份证号{bad}", "bank_card") == []


def test_lower_case_x_check_character_is_upper_cased() -> None:
    born = dt.date(1985, 6, 1)
    x_id = next(n for n in (make_id_number("530602", born, s) for s in range(1000)) if n.endswith("X"))
    e = one(f"身份证{x_id.lower()}", "id_number")
    assert e.value == x_id and e.text == x_id.lower()


def test_id_inside_a_longer_digit_run_is_not_found() -> None:
    assert found(f"{VALID_ID}7", "id_number") == []
    assert found(f"9{VALID_ID}", "id_number") == []


def test_id_in_parentheses_and_full_width() -> None:
    assert found(f"（{VALID_ID}）", "id_number") == [(VALID_ID, VALID_ID)]
    full = VALID_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert found(f"身份证：{full}", "id_number") == [(full, VALID_ID)]


def test_bank_cards_pass_luhn() -> None:
    assert found(f"卡号{CARD_16}", "bank_card") == [(CARD_16, CARD_16)]
    assert found(f"转入{CARD_19}账户", "bank_card") == [(CARD_19, CARD_19)]


def test_sixteen_digits_failing_luhn_are_not_a_card() -> None:
    bad = _failing_luhn("622202123456789")
    assert found(f"卡号{bad}", "bank_card") == []


def test_grouped_card_with_spaces_or_dashes() -> None:
    spaced = " ".join(CARD_19[i : i + 4] for i in range(0, 19, 4))
    dashed = "-".join(CARD_16[i : i + 4] for i in range(0, 16, 4))
    assert found(f"卡号：{spaced}。", "bank_card") == [(spaced, CARD_19)]
    assert found(f"卡号{dashed}", "bank_card") == [(dashed, CARD_16)]
    # Five groups of four is 20 digits: no card, and no 16-digit card cut out of it either.
    assert found(f"{dashed}-1234", "bank_card") == []


def test_id_shaped_number_failing_checksum_is_a_card_only_with_a_card_word() -> None:
    card_like = _with_check(VALID_ID[:17])
    assert card_like != VALID_ID  # passes Luhn, fails the ID check
    assert found(f"身份证{card_like}", "bank_card") == []
    assert found(f"银行卡号{card_like}", "bank_card") == [(card_like, card_like)]


# --------------------------------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("电话13812345678。", "13812345678"),
        ("手机：138 1234 5678", "13812345678"),
        ("联系+86 138-1234-5678", "13812345678"),
        ("座机0870-2123456", "08702123456"),
        ("（0870）2123456", "08702123456"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_phones(text: str, value: str) -> None:
    e = one(text, "phone")
    assert e.value == value


@pytest.mark.parametrize("text", ["12345678901", "1381234567", "138123456789", "编号213812345678", "0010-1234567"])
def test_not_phones(text: str) -> None:
    assert found(text, "phone") == []


# --------------------------------------------------------------------------------------------------- plates


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("驾驶云C·12345车辆", "云C12345"),
        ("云CD12345", "云CD12345"),
        ("京A12345", "京A12345"),
        ("川A12345D", "川A12345D"),
        ("云c·1234警", "云C1234警"),
    ],
)
def test_plates(text: str, value: str) -> None:
    assert one(text, "plate").value == value


@pytest.mark.parametrize("text", ["京ABCDE", "云C1234", "云C1234567", "云南A12345X", "京I12345"])
def test_not_plates(text: str) -> None:
    assert found(text, "plate") == []


# --------------------------------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("text", "span", "value", "precision"),
    [
        ("收受3.5万元", "3.5万元", 35_000, "exact"),
        ("共计120,000元", "120,000元", 120_000, "exact"),
        ("索要5000余元", "5000余元", 5000, "more_than"),
        ("送人民币20万元", "人民币20万元", 200_000, "exact"),
        ("三十五万元", "三十五万元", 350_000, "exact"),
        ("两千余元", "两千余元", 2000, "more_than"),
        ("收受贿赂一百二十万，", "一百二十万", 1_200_000, "exact"),
        ("壹万伍仟元整", "壹万伍仟元整", 15_000, "exact"),
        ("十余万元", "十余万元", 100_000, "more_than"),
        ("1.2亿元", "1.2亿元", 120_000_000, "exact"),
        ("3千元", "3千元", 3000, "exact"),
        ("12.5元", "12.5元", Decimal("12.5"), "exact"),
    ],
)
def test_amounts(text: str, span: str, value: int | Decimal, precision: str) -> None:
    e = one(text, "amount")
    assert (e.text, e.value, e.precision) == (span, value, precision)


@pytest.mark.parametrize("text", ["一万个理由", "一百二十万人", "5万亩", "3千米", "共12388次", "万一出事", "千万不要"])
def test_not_amounts(text: str) -> None:
    assert found(text, "amount") == []


# ------------------------------------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2019年4月24日", "2019-04-24", "day"),
        ("2019-04-24", "2019-04-24", "day"),
        ("2019/4/24", "2019-04-24", "day"),
        ("2019年4月", "2019-04-01", "month"),
        ("二〇一九年四月", "2019-04-01", "month"),
        ("二〇一九年四月二十四日", "2019-04-24", "day"),
        ("2019年", "2019-01-01", "year"),
    ],
)
def test_dates(text: str, value: str, precision: str) -> None:
    e = one(f"于{text}，", "date")
    assert (e.text, e.value, e.precision) == (text, value, precision)


@pytest.mark.parametrize("text", ["2019年2月30日", "2019-13-01", "2019/2/29", "1850年4月"])
def test_impossible_dates_are_not_dates(text: str) -> None:
    assert found(text, "date") == []


def test_relative_date_has_no_value() -> None:
    e = one("去年他收了钱", "date")
    assert (e.text, e.value, e.precision) == ("去年", None, "relative")
    assert found("过去年代", "date") == []


# ------------------------------------------------------------------------------------ positions and units


def test_position_with_its_unit() -> None:
    entities = extract("反映某镇派出所所长张三收受贿赂")
    kinds = [(e.type, e.text) for e in entities]
    assert kinds[:3] == [("org", "某镇派出所"), ("position", "所长"), ("person", "张三")]
    org, position = entities[0], entities[1]
    assert org.end == position.start and position.value == "所长"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("副县长李四", "副县长"),
        ("村支书王五", "村支书"),
        ("检察长", "检察长"),
        ("辅警", "辅警"),
        ("刑侦大队大队长", "大队长"),
    ],
)
def test_positions(text: str, title: str) -> None:
    assert title in [e.value for e in extract(text) if e.type == "position"]


@pytest.mark.parametrize("text", ["该局长期不作为", "居民警惕", "移交警方", "非常委屈", "医院长达三年", "主任务"])
def test_not_positions(text: str) -> None:
    assert found(text, "position") == []


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("反映昭通市公安局民警", "昭通市公安局"),
        ("（昭通市公安局）", "昭通市公安局"),
        ("和平区人民法院", "和平区人民法院"),
        ("王清波控制的云南某某建材有限公司", "云南某某建材有限公司"),
        ("李四在镇政府上班", "镇政府"),
        ("昭通市公安局昭阳分局刑侦大队大队长", "昭通市公安局昭阳分局刑侦大队"),
        ("某村村委会主任", "某村村委会"),
    ],
)
def test_orgs(text: str, org: str) -> None:
    assert [t for t, _ in found(text, "org")] == [org]


@pytest.mark.parametrize("text", ["开设赌局", "他的公司", "所以", "政府", "住所"])
def test_not_orgs(text: str) -> None:
    assert found(text, "org") == []


def test_org_does_not_span_punctuation() -> None:
    assert [t for t, _ in found("张三，李四公司", "org")] == ["李四公司"]


# ------------------------------------------------------------------------------------------------------ places


@pytest.mark.parametrize(
    ("text", "place", "code"),
    [
        ("昭通市", "昭通市", "530600"),
        ("家住巧家县", "巧家县", "530622"),
        ("昭阳区", "昭阳区", "530602"),
        ("在巧家工作", "巧家", "530622"),
        ("福州市鼓楼区", "鼓楼区", "350102"),
    ],
)
def test_places_resolve_to_codes(text: str, place: str, code: str) -> None:
    assert (place, code) in found(text, "place")


def test_ambiguous_region_name_has_no_code() -> None:
    assert found("鼓楼区", "place") == [("鼓楼区", None)]


@pytest.mark.parametrize("text", ["重大关切", "赵县长说", "和平共处", "新华社"])
def test_not_places(text: str) -> None:
    assert found(text, "place") == []


def test_towns_and_villages_without_code() -> None:
    assert found("巧家县白鹤滩镇", "place") == [("巧家县", "530622"), ("白鹤滩镇", None)]
    assert found("家住大寨子村的", "place") == [("大寨子村", None)]
    assert found("某镇镇长", "place") == [("某镇", None)]
    assert found("农村", "place") == [] and found("城乡结合部", "place") == []


# ------------------------------------------------------------------------------------------------------ persons


@pytest.mark.parametrize("name", ["陈某", "陈某某", "张某1", "李某甲", "欧阳某某"])
def test_partial_names(name: str) -> None:
    assert found(f"反映{name}，", "person") == [(name, None)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("反映某镇派出所所长张三", "张三"),
        ("黑恶势力头目王清波", "王清波"),
        ("村民李四反映", "李四"),
        ("所长张三多次索要", "张三"),
        ("村民李四说", "李四"),
        ("王清波，男，1975年生", "王清波"),
        ("犯罪嫌疑人欧阳明，", "欧阳明"),
    ],
)
def test_names_introduced_by_title_or_role(text: str, name: str) -> None:
    assert [t for t, _ in found(text, "person")] == [name]


@pytest.mark.parametrize(
    "text", ["向某镇政府反映", "于某日", "某某", "村民张贴告示", "村民都说", "张三丰富了生活", "陈述"]
)
def test_not_persons(text: str) -> None:
    # The rules hold back on all of these. The name model reads a bare 陈述 or 张三丰富 as names (both are real
    # readings without context), so it is held to the same only in sentences.
    assert [e for e in extract(text, model=False) if e.type == "person"] == []


@pytest.mark.parametrize(
    "text",
    # After a role or title, a rare surname that is also an everyday character starting an everyday word, or a
    # pronoun where a given name would be: words, not people.
    ["成员国经济政策", "交警时刻在你身边", "规范司机和乘客的行为", "村民向他们反映", "副县长平静地说"],
)
def test_role_followed_by_words_is_not_a_person(text: str) -> None:
    assert [e for e in rule_entities(text) if e.type == "person"] == []


def test_a_rare_surname_still_names_a_person_after_a_role() -> None:
    assert [e.text for e in rule_entities("村民冉光荣说") if e.type == "person"] == ["冉光荣"]


@pytest.mark.parametrize(
    "text", ["向某镇政府反映", "村民张贴告示", "村民都说", "他向纪委陈述了事实经过", "当事人陈述称"]
)
def test_not_persons_in_sentences(text: str) -> None:
    assert found(text, "person") == []


# ------------------------------------------------------------------------------------------------- combining


def test_extract_combines_and_sorts() -> None:
    text = (
        f"黑恶势力头目王清波（身份证{VALID_ID}）于2019年4月24日通过{CARD_16}向某镇派出所所长陈某某转账人民币20万元，"
        "驾驶云C·12345，电话13812345678。"
    )
    kinds = [e.type for e in extract(text)]
    for kind in ("person", "id_number", "date", "bank_card", "org", "position", "amount", "plate", "phone"):
        assert kind in kinds
    starts = [e.start for e in extract(text)]
    assert starts == sorted(starts)


def test_gazetteer_beats_rules_for_persons() -> None:
    gaz = Gazetteer.build([("张三丰", "person", "P001")])
    e = one("所长张三丰收受", "person")  # rule alone reads 张三 (丰收 looks like the next word)
    assert e.source == "rule"
    e = [x for x in extract("所长张三丰收受", gaz) if x.type == "person"][0]
    assert (e.text, e.source, e.value) == ("张三丰", "gazetteer", "P001")


def test_resolve_overlaps_prefers_longer_then_type() -> None:
    a = Entity("place", "昭通市", 0, 3, "530600")
    b = Entity("org", "昭通市公安局", 0, 6)
    c = Entity("position", "局长", 5, 7, "局长")
    assert resolve_overlaps([a, c, b]) == [b]
    d = Entity("person", "张三", 0, 2, source="gazetteer", value="P1")
    e = Entity("org", "张三公司", 0, 4)
    assert resolve_overlaps([e, d]) == [d]


def test_empty_text() -> None:
    assert extract("") == []


# ------------------------------------------------------------------------------------------- offsets property

FRAGMENTS = [
    "反映",
    "某镇派出所",
    "所长",
    "张三",
    "陈某某",
    "，",
    "（",
    "）",
    "。",
    " ",
    "\n",
    "收受",
    "3.5万元",
    "两千余元",
    "壹万伍仟元",
    "2019年4月24日",
    "二〇一九年四月",
    "去年",
    "13812345678",
    "0870-2123456",
    VALID_ID,
    CARD_16,
    "6222 0212",
    "云C·12345",
    "昭通市",
    "巧家县",
    "白鹤滩镇",
    "公安局",
    "有限公司",
    "村民",
    "王清波",
    "头目",
    "１２３",
    "的",
    "某",
    "和平区",
    "a",
    "7",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=25), st.sampled_from([None, "gaz"]))
def test_offsets_slice_the_text_and_never_overlap(parts: list[str], use_gaz: str | None) -> None:
    text = "".join(parts)
    gaz = Gazetteer.build([("张三", "person", "P1"), ("王清波", "person", "P2"), ("某镇派出所", "org", "U1")])
    entities = extract(text, gaz if use_gaz else None)
    previous_end = 0
    for e in entities:
        assert text[e.start : e.end] == e.text
        assert e.start >= previous_end
        previous_end = e.end
