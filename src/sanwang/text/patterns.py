"""Rule extractors (规则抽取): patterned numbers, amounts, dates, places, titles, units and persons.

Each finder takes the text as given and returns entities with offsets into it. Nothing here rewrites the text:
full-width digits and letters (１３８…, ＡＢＣ) are matched through a folded copy of the same length, so an offset
in the copy is an offset in the original.

Precision before recall. Every patterned value is validated (ID checksum, region code and birth date; Luhn for
cards; Phone.parse for phones; a real calendar day for dates), and the name rules (persons, units, towns) only
fire in contexts that make a name likely: a surname followed by 某, a title or role word right before a name,
a unit suffix with a sensible left edge. A missed name costs a look; a wrong one pollutes the relationship graph.

``rule_entities`` returns every candidate, overlaps included; ``sanwang.text.entities.extract`` chooses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import ahocorasick

from sanwang.domain.errors import ValidationError
from sanwang.domain.idnumber import IdNumber, check_digit, is_valid
from sanwang.domain.regions import region_table
from sanwang.domain.values import Phone, parse_date
from sanwang.text.entity_types import Entity, EntityType, EntityValue
from sanwang.text.lexicon import (
    FUNCTION_CHARS,
    LEFT_CUT_WORDS,
    NAME_FOLLOW_CHARS,
    NOT_NAME_WORDS,
    NOT_TOWNS,
    ORG_SUFFIXES_GENERIC,
    ORG_SUFFIXES_SPECIFIC,
    POSITION_TITLES,
    ROLE_WORDS,
    TITLE_BLOCKING_NEXT,
    TITLE_BLOCKING_PREV,
    TOWN_SUFFIXES,
    everyday_words,
    is_han,
    longest_first,
    non_name_words,
    words,
)
from sanwang.text.numerals import DIGITS, parse_digit_sequence, parse_integer, parse_number
from sanwang.text.surnames import COMMON_SURNAMES, surname_at

# ------------------------------------------------------------------------------------------------ folding

# Full-width ASCII (U+FF01-FF5E) → ASCII and the ideographic space → space: one character for one, so offsets
# survive. Only used for matching; entity text is always sliced from the original.
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold(text: str) -> str:
    """``text`` with full-width ASCII folded to ASCII, same length."""
    return text.translate(_FOLD)


def _entity(
    text: str,
    start: int,
    end: int,
    kind: EntityType,
    value: EntityValue,
    confidence: float,
    precision: str | None = None,
) -> Entity:
    return Entity(
        type=kind,
        text=text[start:end],
        start=start,
        end=end,
        value=value,
        source="rule",
        confidence=confidence,
        precision=precision,
    )


# ------------------------------------------------------------------------------ ID numbers and bank cards

# A run of 16-19 digits, or 17 digits and an X (ID check character). Not glued to other letters or digits.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{17}[Xx])(?![0-9A-Za-z])", re.ASCII)
# Cards written in groups of four with one kind of separator (6222 0212 3456 7890 123, 6222-0212-...).
_GROUPED_CARD = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d[ -])\d{4}([ -])\d{4}(?:\1\d{4}){2}(?:\1\d{1,3})?(?![0-9A-Za-z])(?![ -]\d)", re.ASCII
)
# Words that make a long number a card or account number (卡号, 银行卡, 账号 ...), looked for just before it.
_CARD_CONTEXT = re.compile(r"卡|账号|帐号|账户|帐户")
_CARD_CONTEXT_WINDOW = 12


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check every bank card number carries in its last digit."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _id_shaped(number: str) -> bool:
    """An 18-digit string whose region code and birth date are real: an ID number, perhaps mistyped."""
    return is_valid(number[:17] + check_digit(number[:17]))


def find_ids_and_cards(text: str, folded: str | None = None) -> list[Entity]:
    """18-digit ID numbers (checksum, region and birth date validated) and bank cards (16-19 digits, Luhn).

    An 18-digit string that fails the ID checksum is not an ID. It is a card only if it passes Luhn and, when
    its region code and birth date look like an ID's, a card word (卡号, 账号 ...) stands just before it: a
    mistyped ID number passes Luhn one time in ten, and calling it a card would hide the typing error.
    """
    f = fold(text) if folded is None else folded
    found: list[Entity] = []
    for m in _DIGIT_RUN.finditer(f):
        digits = m.group().upper()
        start, end = m.span()
        if len(digits) == 18:
            try:
                number = IdNumber.parse(digits)
            except ValidationError:
                pass
            else:
                found.append(_entity(text, start, end, "id_number", number.value, 1.0))
                continue
            if digits.endswith("X"):
                continue
            if _id_shaped(digits) and not _card_context(f, start):
                continue
        if luhn_ok(digits):
            found.append(_entity(text, start, end, "bank_card", digits, 0.9 if _card_context(f, start) else 0.8))
    for m in _GROUPED_CARD.finditer(f):
        digits = re.sub(r"[ -]", "", m.group())
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            start, end = m.span()
            found.append(_entity(text, start, end, "bank_card", digits, 0.95 if _card_context(f, start) else 0.85))
    return found


def _card_context(folded: str, start: int) -> bool:
    return _CARD_CONTEXT.search(folded, max(0, start - _CARD_CONTEXT_WINDOW), start) is not None


# ------------------------------------------------------------------------------------------------- phones

_MOBILE_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z+])(?<!\d[ -])(?:(?:\+86|0086)[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9A-Za-z])(?![ -]\d)",
    re.ASCII,
)
_LANDLINE_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?<!\d[ -])(?:\(0\d{2,3}\)[ -]?|0\d{2,3}[ -]?)[1-9]\d{6,7}(?![0-9A-Za-z])(?![ -]\d)",
    re.ASCII,
)


def find_phones(text: str, folded: str | None = None) -> list[Entity]:
    """Mainland mobiles (138 1234 5678, +86 13812345678) and landlines with area code ((0870)2123456)."""
    f = fold(text) if folded is None else folded
    found: list[Entity] = []
    for pattern in (_MOBILE_CANDIDATE, _LANDLINE_CANDIDATE):
        for m in pattern.finditer(f):
            try:
                phone = Phone.parse(m.group())
            except ValidationError:
                continue  # e.g. a 3-digit area code before a 7-digit number: not a real landline
            found.append(_entity(text, m.start(), m.end(), "phone", phone.value, 0.95))
    return found


# ------------------------------------------------------------------------------------------ vehicle plates

# 省份简称 (one per province-level unit), then the issuing office's letter, an optional dot, and the number:
# 5 letters/digits (I and O are never used), or 6 for new-energy plates (D/F then 5, or 5 digits then D/F),
# or 4 and a special-use character (警 police, 学 driving school, 挂 trailer ...).
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_CHAR = "A-HJ-NP-Za-hj-np-z0-9"
_PLATE = re.compile(
    rf"(?<![A-Za-z0-9])[{_PROVINCES}][A-HJ-NP-Za-hj-np-z][·•・.\- ]?"
    rf"(?P<body>[DFdf][{_PLATE_CHAR}]\d{{4}}|\d{{5}}[DFdf]|[{_PLATE_CHAR}]{{4}}[警学挂领港澳]|[{_PLATE_CHAR}]{{5}})"
    r"(?![A-Za-z0-9])"
)


def find_plates(text: str, folded: str | None = None) -> list[Entity]:
    """Vehicle plates (车牌): 云C·12345, 京A12345, 云CD12345 (new energy); value without the dot, upper-case."""
    f = fold(text) if folded is None else folded
    found: list[Entity] = []
    for m in _PLATE.finditer(f):
        body = m.group("body")
        if not any(ch.isdigit() for ch in body):
            continue  # 京ABCDE is English in a Chinese sentence, not a plate
        value = (m.group()[:2] + body).upper()
        found.append(_entity(text, m.start(), m.end(), "plate", value, 0.9))
    return found


# ------------------------------------------------------------------------------------------------ amounts

_ARABIC_AMOUNT = re.compile(
    r"(?P<prefix>人民币|RMB|￥|¥)?[ ]?"
    r"(?<![0-9.])(?<![0-9],)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![0-9])"
    r"[ ]?(?P<approx1>[余多])?(?P<unit>[万亿千百萬億])?(?P<approx2>[余多])?[ ]?(?P<yuan>元|圆|块钱)?",
)
_CN_NUM_CHARS = "".join(DIGITS) + "十拾百佰千仟万萬亿億点"
_CN_NUM_START = "".join(DIGITS) + "十拾"
_CN_AMOUNT = re.compile(
    rf"(?P<prefix>人民币)?(?<![{_CN_NUM_CHARS}])"
    rf"(?P<num>[{_CN_NUM_START}][{_CN_NUM_CHARS}]*(?:[余多][万萬亿億千仟百佰]+)?)"
    r"(?:(?P<approx>[余多])?(?P<yuan>元|圆|块钱)(?P<zheng>整)?)?"
)
# After a number ending in 万/亿 but no 元, these say it counts something else (一百二十万人, 三万亩).
_NOT_MONEY_NEXT = frozenset("人户亩平吨次公米株头只个件名斤年天张条辆套间栋册份字方余多")


def _yuan(number: int | Decimal) -> int | Decimal:
    if isinstance(number, Decimal) and number == number.to_integral_value():
        return int(number)
    return number


def find_amounts(text: str, folded: str | None = None) -> list[Entity]:
    """Amounts of money in yuan: 3.5万元, 120,000元, 5000余元, 人民币20万元, 三十五万元, 两千余元, 壹万伍仟元.

    A number with 万 or 亿 but no 元 (一百二十万) is taken as money at lower confidence unless a measure word
    follows it. ``precision`` is "more_than" for 余/多 (the value is the stated lower bound), else "exact".
    """
    f = fold(text) if folded is None else folded
    found: list[Entity] = []
    for m in _ARABIC_AMOUNT.finditer(f):
        prefix, unit, yuan = m.group("prefix"), m.group("unit"), m.group("yuan")
        big_unit = unit is not None and unit in "万亿萬億"
        if yuan is None and prefix is None and not big_unit:
            continue
        if yuan is None and not _money_like_end(f, m.end()):
            continue
        if "，" in text[m.start("num") : m.end("num")]:
            continue  # 1，200 is more often two numbers in a list than a thousands separator typed full-width
        try:
            value = parse_number(m.group("num") + (unit if big_unit and unit else ""))
        except ValueError:
            continue
        if unit in ("千", "百"):
            value = _yuan(Decimal(value) * (1000 if unit == "千" else 100))
        approx = m.group("approx1") or m.group("approx2")
        start = m.start() if prefix else m.start("num")
        end = m.end()
        # A trailing space before nothing: trim it so the span ends on the last character of the amount.
        while end > start and f[end - 1] == " ":
            end -= 1
        confidence = 0.95 if yuan or prefix else 0.6
        found.append(
            _entity(text, start, end, "amount", _yuan(value), confidence, precision="more_than" if approx else "exact")
        )
    for m in _CN_AMOUNT.finditer(f):
        num = m.group("num")
        yuan = m.group("yuan")
        approx = m.group("approx") is not None or "余" in num or "多" in num
        core = num.replace("余", "").replace("多", "")
        if yuan is None:
            if not core.endswith(("万", "萬", "亿", "億")) or not _money_like_end(f, m.end()):
                continue
            if m.group("prefix") is None and len(core) < 2:
                continue
        try:
            value = parse_number(core)
        except ValueError:
            continue
        start = m.start() if m.group("prefix") else m.start("num")
        confidence = 0.9 if yuan or m.group("prefix") else 0.6
        found.append(
            _entity(
                text, start, m.end(), "amount", _yuan(value), confidence, precision="more_than" if approx else "exact"
            )
        )
    return found


def _money_like_end(folded: str, end: int) -> bool:
    return end >= len(folded) or folded[end] not in _NOT_MONEY_NEXT


# -------------------------------------------------------------------------------------------------- dates

_CN_SMALL = "[一二三四五六七八九十]{1,3}"
_DATE_YMD = re.compile(
    rf"(?<![0-9{''.join(DIGITS)}十])(?P<y>(?:19|20)\d{{2}}|[〇○零一二三四五六七八九]{{4}})[ ]?年[ ]?"
    rf"(?:(?P<m>\d{{1,2}}|{_CN_SMALL})[ ]?月份?[ ]?(?:(?P<d>\d{{1,2}}|{_CN_SMALL})[ ]?[日号])?)?"
)
_DATE_NUMERIC = re.compile(r"(?<![0-9.])((?:19|20)\d{2})([-/.])(\d{1,2})\2(\d{1,2})(?![0-9]|\.\d)", re.ASCII)
# Relative dates need the document's date to resolve; they are marked, with no value.
_DATE_RELATIVE = re.compile(r"(?<!过)(?:去年|今年|前年|明年|上个月|上月|本月|昨天|昨日|前天|今天|近日|日前)")


def _small_number(text: str) -> int:
    return int(text) if text.isascii() else parse_integer(text)


def find_dates(text: str, folded: str | None = None) -> list[Entity]:
    """Dates: 2019年4月24日, 2019-04-24, 2019/4/24 (precision day); 2019年4月, 二〇一九年四月 (month, value the
    1st); 2019年 (year, value 1 January); 去年 (relative, no value). Impossible days (2019年2月30日) are dropped
    whole, not cut down to their month: a date with a typing error should not pass for a correct one.
    """
    f = fold(text) if folded is None else folded
    found: list[Entity] = []
    for m in _DATE_YMD.finditer(f):
        y_text, m_text, d_text = m.group("y"), m.group("m"), m.group("d")
        try:
            year = int(y_text) if y_text.isascii() else parse_digit_sequence(y_text)
            month = _small_number(m_text) if m_text else 1
            day = _small_number(d_text) if d_text else 1
            value = parse_date(f"{year:04d}-{month:02d}-{day:02d}")
        except (ValueError, ValidationError):
            continue
        precision = "day" if d_text else "month" if m_text else "year"
        end = m.end()
        while f[end - 1] == " ":
            end -= 1
        found.append(_entity(text, m.start(), end, "date", value.isoformat(), 0.95, precision=precision))
    for m in _DATE_NUMERIC.finditer(f):
        try:
            value = parse_date(f"{m.group(1)}-{int(m.group(3)):02d}-{int(m.group(4)):02d}")
        except ValidationError:
            continue
        found.append(_entity(text, m.start(), m.end(), "date", value.isoformat(), 0.95, precision="day"))
    for m in _DATE_RELATIVE.finditer(f):
        found.append(_entity(text, m.start(), m.end(), "date", None, 0.6, precision="relative"))
    return found


# ------------------------------------------------------------------------------------------------- places

# Suffixes stripped to form short names (昭通市 → 昭通), longest first; ethnic names then come off the
# autonomous units (楚雄彝族自治州 → 楚雄彝族 → 楚雄).
_REGION_SUFFIXES = (
    "特别行政区",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "林区",
    "省",
    "市",
    "县",
    "区",
    "盟",
    "旗",
)
_ETHNIC = words(
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
)
# Short names that are everyday words (和平 peace, 新华 the news agency ...) or placeholders (城区): never
# matched without their suffix.
_SHORT_NAME_STOP = words(
    "和平 新华 东方 长安 开发 城区 郊区 矿区 新区 高新 中山 南山 北山 东山 西山 平安 安定 永安 太平 白云 红旗 胜利 "
    "向阳 青山 河口 江口 城中 城东 城西 城北 城南 市中 文化 大同 宝山 金山 普陀 海南 河南 河北 山东 山西 江南 江北 "
    "河东 河西 天河 仁和 光明 东风 解放 建设 和田 通化 阳光 龙华 福田 罗湖 石龙 长宁 新城 老城 古城 大关 新市 "
    "铁山 铁东 铁西 城关 朝阳 海城 民权 民主 永和 永定 永福 永年 公安 武装 金平 兴业 兴安 安全 保安 和县"
)
# A two-character name with suffix right before one of these is part of a title or unit head: 赵县长 is
# "County Head Zhao", not Zhao County.
_TITLE_TAIL = frozenset("长委")


@dataclass(frozen=True, slots=True)
class _RegionForm:
    codes: tuple[str, ...]
    short: bool


@cache
def _region_automaton() -> tuple[Any, dict[str, tuple[str, ...]]]:
    """An automaton over every current region name, with and without suffix, and each code's ancestry."""
    table = region_table()
    full: dict[str, list[str]] = {}
    short: dict[str, list[str]] = {}
    for code in sorted(table.current_codes):
        name = table.name(code)
        full.setdefault(name, []).append(code)
        stem = _strip_region_suffix(name)
        if stem != name and len(stem) >= 2:
            short.setdefault(stem, []).append(code)
    everyday = everyday_words()
    automaton = ahocorasick.Automaton()
    for name, codes in full.items():
        if name in _SHORT_NAME_STOP or len(name) < 2:
            continue
        automaton.add_word(name, (name, _RegionForm(tuple(codes), short=False)))
    for stem, codes in short.items():
        # A short form must name one unit and collide with no full name (吉林 is a province and a city).
        # Nor be an everyday word (合作市 → 合作, 资源县 → 资源): those need their suffix.
        if len(codes) == 1 and stem not in full and stem not in _SHORT_NAME_STOP and stem not in everyday:
            automaton.add_word(stem, (stem, _RegionForm(tuple(codes), short=True)))
    automaton.make_automaton()
    ancestry = {code: tuple(table.ancestry(code)) for code in table.current_codes}
    return automaton, ancestry


def _strip_region_suffix(name: str) -> str:
    for suffix in _REGION_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            changed = True
            while changed and len(stem) > 2:
                changed = False
                for ethnic in _ETHNIC:
                    tail = ethnic + "族"
                    if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                        stem = stem[: -len(tail)]
                        changed = True
            return stem
    return name


def _break_before(text: str, i: int) -> bool:
    return i == 0 or not is_han(text[i - 1]) or text[i - 1] in FUNCTION_CHARS


def _break_after(text: str, j: int) -> bool:
    return j >= len(text) or not is_han(text[j]) or text[j] in NAME_FOLLOW_CHARS


def find_places(text: str) -> list[Entity]:
    """Region names from the region table resolved to codes (昭通市 530600, 巧家县 530622, short 巧家).

    A name shared by several units (鼓楼区 ×4) is resolved by the place right before it when that is one of its
    ancestors (福州市鼓楼区); otherwise it is kept with value None. Short names (without suffix) are taken only
    when unique, not an everyday word, and starting after a break (punctuation, a function character) or right
    after another place.
    """
    automaton, ancestry = _region_automaton()
    found: list[Entity] = []
    previous: Entity | None = None
    for last, (name, form) in automaton.iter_long(text):
        end = last + 1
        start = end - len(name)
        # A short name (方城, 台前) starts after a break or right after another place (在巧家, 昭通巧家): glued to the
        # character before it, it is mostly the tail of an everyday word (北方城市, 柜台前, 推动农村).
        joined = previous is not None and previous.end == start
        if form.short and not (_break_before(text, start) or joined):
            continue
        if len(name) == 2 and end < len(text) and text[end] in _TITLE_TAIL:
            continue
        codes: tuple[str, ...] = form.codes
        if len(codes) > 1 and previous is not None and previous.end >= start - 1 and isinstance(previous.value, str):
            parent = previous.value
            codes = tuple(c for c in codes if parent in ancestry.get(c, ()))
        value = codes[0] if len(codes) == 1 else None
        confidence = (0.75 if form.short else 0.95) if value is not None else 0.6
        entity = _entity(text, start, end, "place", value, confidence)
        found.append(entity)
        previous = entity
    return found


# --------------------------------------------------------------------------------------------- positions

_TITLE_RE = re.compile("|".join(map(re.escape, longest_first(tuple(POSITION_TITLES)))))
# Titles that begin with a unit word: after a unit name (某村村委会主任) the unit goes to the org rule and only
# the bare title (主任) stays a position.
_TITLE_UNIT_HEADS = ("村委会", "居委会")


def find_positions(text: str) -> list[Entity]:
    """Official titles from the closed list (职务): 所长, 副县长, 村支书, 村委会主任 ..."""
    found: list[Entity] = []
    for m in _TITLE_RE.finditer(text):
        start, end = m.span()
        title = m.group()
        blocked = TITLE_BLOCKING_NEXT.get(title[-1])
        if blocked and end < len(text) and text[end] in blocked:
            continue
        blocked = TITLE_BLOCKING_PREV.get(title[0])
        if blocked and start > 0 and text[start - 1] in blocked:
            continue
        for head in _TITLE_UNIT_HEADS:
            if (
                title.startswith(head)
                and start > 0
                and is_han(text[start - 1])
                and text[start - 1] not in FUNCTION_CHARS
            ):
                start += len(head)
                title = title[len(head) :]
                break
        found.append(_entity(text, start, end, "position", title, 0.9))
    return found


# ------------------------------------------------------------------------------------------- organisations

_ORG_SUFFIX_RE = re.compile(
    "|".join(map(re.escape, longest_first(tuple(ORG_SUFFIXES_SPECIFIC | ORG_SUFFIXES_GENERIC))))
)
_LEFT_CUT_LENGTHS = tuple(sorted({len(w) for w in LEFT_CUT_WORDS}))
_ORG_MAX_LEN = 30


def _left_edge(text: str, stop: int, floor: int, protected: list[tuple[int, int]], cuts: set[int]) -> int | None:
    """Where a unit or town name whose ending starts at ``stop`` begins: the nearest position at or after
    ``floor`` that follows the start of the text, a non-Chinese character, a cut word (function words, verbs that
    precede units) or an explicit cut point; None when there is none within reach.

    A cut word lying inside a protected span (a region name: 和平区, 太原市) does not cut.
    """
    for i in range(stop, floor - 1, -1):
        if i == 0 or i in cuts or not is_han(text[i - 1]):
            return i
        for length in _LEFT_CUT_LENGTHS:
            s = i - length
            if s >= 0 and text[s:i] in LEFT_CUT_WORDS and not _inside(s, i, protected):
                return i
    return None


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in spans)


def find_orgs(text: str, places: Iterable[Entity] = (), positions: Iterable[Entity] = ()) -> list[Entity]:
    """Units by their ending (…派出所, …公安局, …有限公司, …人民政府, …大队): the longest plausible name.

    The left edge is the nearest punctuation, function word or verb that precedes units in these texts
    (反映某镇派出所 → 某镇派出所), or the end of a title (局长张三控制的 … is cut at 的 anyway). Region names
    inside are protected from being cut (和平区人民法院 keeps its 和). Generic endings (公司, 政府) need a name in
    front; specific ones (派出所, 公安局) may stand alone, at lower confidence.
    """
    protected = [(p.start, p.end) for p in places]
    position_list = list(positions)
    cuts = {p.end for p in position_list}
    found: list[Entity] = []
    for m in _ORG_SUFFIX_RE.finditer(text):
        suffix_start, end = m.span()
        suffix = m.group()
        if any(suffix_start <= p.start < end < p.end for p in position_list):
            continue  # the 大队 of 大队长 is the head of a title, not a unit ending
        floor = max(0, suffix_start - _ORG_MAX_LEN)
        start = _left_edge(text, suffix_start, floor, protected, cuts)
        if start is None:
            continue  # no edge within reach: not a name we can bound
        if start < suffix_start and text[start] == "家" and start > 0 and text[start - 1].isdigit():
            start += 1  # 24家公司: a count of units, not a unit named 家
        if start == suffix_start:
            if suffix in ORG_SUFFIXES_GENERIC or len(suffix) < 3:
                continue
            confidence = 0.5
        else:
            confidence = 0.8 if suffix in ORG_SUFFIXES_SPECIFIC else 0.7
        found.append(_entity(text, start, end, "org", None, confidence))
    return found


# ----------------------------------------------------------------------------------------- towns, villages

_TOWN_RE = re.compile("|".join(TOWN_SUFFIXES))
_TOWN_MAX_PREFIX = 4
# What a town suffix may not be followed by: the same character starting a title, a role or a unit (镇长, 村民,
# 村委会) means this character begins the next word, not a town name.
_TOWN_NEXT_WORDS = tuple(
    longest_first(
        tuple(w for w in POSITION_TITLES | ROLE_WORDS | ORG_SUFFIXES_SPECIFIC if w[0] in "镇乡村街")
        + ("村里", "村内", "村口", "村头", "村寨", "村组", "乡下", "乡亲", "镇上", "镇里", "街道办")
    )
)


def find_towns(text: str, places: Iterable[Entity] = ()) -> list[Entity]:
    """Towns, townships and villages (镇、乡、村、街道) by their ending, without code: 白鹤滩镇, 某村.

    The name is the 2-4 characters before the ending up to a region name, punctuation or function word; 某 and
    某某 stand for a withheld name. Words like 农村 and 城乡 are not towns.
    """
    place_list = list(places)
    protected = [(p.start, p.end) for p in place_list]
    cuts = {p.end for p in place_list}
    found: list[Entity] = []
    last_end = 0
    for m in _TOWN_RE.finditer(text):
        suffix_start, end = m.span()
        if any(text.startswith(w, suffix_start) and len(w) > len(m.group()) for w in _TOWN_NEXT_WORDS):
            continue
        if _inside(suffix_start, end, protected):
            continue
        floor = max(last_end, suffix_start - _TOWN_MAX_PREFIX)
        start = _left_edge(text, suffix_start, floor, [], cuts | {last_end})
        if start is None:
            continue  # no edge within four characters: too uncertain
        prefix = text[start:suffix_start]
        withheld = prefix in ("某", "某某")  # a name left out on purpose is still a town
        named = len(prefix) >= 2 and text[start:end] not in NOT_TOWNS and text[suffix_start - 2 : end] not in NOT_TOWNS
        if not (withheld or named):
            continue
        found.append(_entity(text, start, end, "place", None, 0.7))
        last_end = end
    return found


# ------------------------------------------------------------------------------------------------ persons

# 某 after a surname, then optionally 某, a digit or a stem (甲乙丙...) to tell several people apart.
_PARTIAL_TAIL = re.compile(r"某(?:某|[0-9０-９]{1,2}|[甲乙丙丁戊己庚辛壬癸]|[A-Za-z](?![A-Za-z]))?")
# 某 followed by these is a withheld place, unit or time (向某镇, 于某日), not a withheld given name.
_PARTIAL_BLOCK_NEXT = frozenset("镇乡村县市区局所公厂店场组队院校街路单部处社站日月年天时地些种人事物项件个")
_ROLE_RE = re.compile("|".join(map(re.escape, longest_first(tuple(ROLE_WORDS)))))
# 李四，男，… / 王清波（男，1975年生）: the opening of a person's particulars in police and court documents.
_SEX_MARK = re.compile(r"[，,（(、]\s*[男女](?:[，,、）)；;。\s]|性|$)")
# A last given-name character that is more likely the verb after a two-character name (村民李四说 → 李四).
_NAME_TAIL_VERBS = FUNCTION_CHARS | frozenset("说称讲收索要打纠指找送请拿逼反举揭告涉伙担任系")


def role_ends(text: str) -> set[int]:
    """Where a role word (村民, 工作人员, 负责人 …) ends: a name often starts there."""
    return {m.end() for m in _ROLE_RE.finditer(text)}


def find_persons(text: str, triggers: Iterable[Entity] = ()) -> list[Entity]:
    """Persons by rule: partial names (陈某, 陈某某, 张某1, 李某甲), names right after a title or role word
    (所长张三, 村民李四, 头目王清波) and names opening particulars (王清波，男，).
    """
    found: list[Entity] = []
    found.extend(_partial_names(text))
    starts: set[int] = {e.end for e in triggers if e.type == "position"}
    starts.update(m.end() for m in _ROLE_RE.finditer(text))
    for p in sorted(starts):
        name_end = _full_name_end(text, p)
        if name_end is not None:
            found.append(_entity(text, p, name_end, "person", None, 0.8))
    for m in _SEX_MARK.finditer(text):
        entity = _name_before(text, m.start())
        if entity is not None:
            found.append(entity)
    return found


def _partial_names(text: str) -> Iterator[Entity]:
    i = 0
    n = len(text)
    while i < n:
        surname = surname_at(text, i)
        if surname is None:
            i += 1
            continue
        m = _PARTIAL_TAIL.match(text, i + len(surname))
        if m is None:
            i += 1
            continue
        end = m.end()
        if end < n and text[end] in _PARTIAL_BLOCK_NEXT:
            i += 1
            continue
        yield _entity(text, i, end, "person", None, 0.9)
        i = end


# Never in a given name: function characters, 某 (a partial name is another rule), and pronouns (村民向他们反映).
_NOT_GIVEN = FUNCTION_CHARS | frozenset("某他她它们咱您")


def _full_name_end(text: str, p: int) -> int | None:
    """The end of a 2- or 3-character name starting at ``p`` (surname + 1-2 given characters), or None."""
    surname = surname_at(text, p)
    if surname is None or text[p : p + 2] in NOT_NAME_WORDS:
        return None
    g = p + len(surname)
    for length in (2, 1):
        given = text[g : g + length]
        if len(given) != length or not all(is_han(ch) and ch not in _NOT_GIVEN for ch in given):
            continue
        if length == 2 and given[-1] in _NAME_TAIL_VERBS and _break_after(text, g + 1):
            continue  # 村民李四说 → 李四, not 李四说
        if _break_after(text, g + length):
            if surname not in COMMON_SURNAMES and _reads_as_words(text[p : g + length], len(surname)):
                return None
            return g + length
    return None


# A dictionary word at least this frequent in jieba's dictionary (not tagged as a name) is an everyday word.
_EVERYDAY = 300


def _reads_as_words(name: str, surname_len: int) -> bool:
    """Whether a candidate with a rare surname reads as ordinary words: its first two characters or its given
    name are an everyday word of jieba's dictionary (司机和乘客 → 和乘客, 成员国经济 → 国经济, 交警时刻 → 时刻).
    Checked on People's Daily and Weibo sentences (never the MSRA test split): removes 21 of the rule's 68 false
    persons there and none of its 91 true ones; a lower bar (100) starts losing real names (安南)."""
    common = non_name_words(_EVERYDAY)
    given = name[surname_len:]
    return name[:2] in common or (len(given) == 2 and given in common)


def _name_before(text: str, mark: int) -> Entity | None:
    """A 2-4 character name ending at ``mark`` that starts after punctuation or at the beginning of the text."""
    for length in (2, 3, 4):
        start = mark - length
        if start < 0:
            break
        if start > 0 and is_han(text[start - 1]) and text[start - 1] not in FUNCTION_CHARS:
            continue
        surname = surname_at(text, start)
        candidate = text[start:mark]
        if surname is None or not all(is_han(ch) for ch in candidate) or len(candidate) <= len(surname):
            continue
        if any(ch in FUNCTION_CHARS for ch in candidate[len(surname) :]):
            continue
        return _entity(text, start, mark, "person", None, 0.85)
    return None


# ------------------------------------------------------------------------------------------------ all rules


def rule_entities(text: str) -> list[Entity]:
    """Every rule candidate in ``text``, overlapping ones included (``extract`` resolves them)."""
    folded = fold(text)
    places = find_places(text)
    positions = find_positions(text)
    found: list[Entity] = []
    found += find_ids_and_cards(text, folded)
    found += find_phones(text, folded)
    found += find_plates(text, folded)
    found += find_amounts(text, folded)
    found += find_dates(text, folded)
    found += places
    found += positions
    found += find_orgs(text, places, positions)
    found += find_towns(text, places)
    found += find_persons(text, positions)
    return found
