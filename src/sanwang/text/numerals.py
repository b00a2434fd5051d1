"""Chinese numerals (中文数字): parsing 三十五万, 壹万伍仟, 二〇一九 and rendering integers back.

Clue texts write amounts and dates in three styles, often mixed in one letter: Arabic digits (3.5万元),
ordinary Chinese numerals (三十五万元, 两千余元) and the financial capitals used on receipts and contracts
(大写数字: 壹万伍仟元). Years are written digit by digit (二〇一九年, 一九九八年).

The parser is strict on purpose: a string that is not a well-formed numeral (百千, 五五十) raises ValueError
instead of producing a guess, because a wrong amount in a ledger is worse than a missing one.
The renderer exists so that the parser can be property-tested against it (every n → text → n).
"""

from __future__ import annotations

from decimal import Decimal

# Digit characters, ordinary and financial (大写). 两 is the colloquial 2 (两千); 〇 is the zero of years.
DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "○": 0,  # WHITE CIRCLE, typed in place of 〇 by many input methods
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "兩": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
# Units inside a four-digit section (十百千) and the section multipliers (万, 亿).
SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
POINT = "点"

NUMERAL_CHARS = frozenset(DIGITS) | frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)

_LOWER_DIGITS = "零一二三四五六七八九"
_UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_LOWER_UNITS = ("", "十", "百", "千")
_UPPER_UNITS = ("", "拾", "佰", "仟")


def parse_digit_sequence(text: str) -> int:
    """A number written digit by digit, as years are: 二〇一九 → 2019, 一九九八 → 1998."""
    if not text or any(ch not in DIGITS for ch in text):
        raise ValueError(f"not a digit-by-digit numeral: {text!r}")
    return int("".join(str(DIGITS[ch]) for ch in text))


def parse_integer(text: str) -> int:
    """An integer in Chinese numerals with units: 三十五万 → 350000, 壹万伍仟 → 15000, 十二 → 12.

    A string of digits without any unit is read digit by digit (一二三 → 123), as in years and numbers read out.
    """
    if not text:
        raise ValueError("empty numeral")
    if all(ch in DIGITS for ch in text):
        return parse_digit_sequence(text)
    total = 0  # completed 亿 and 万 sections
    section = 0  # the current section below 万
    digit: int | None = None  # a digit waiting for its unit
    last_small = 10_000  # units inside a section must descend: 千 > 百 > 十
    last_big = 10**16  # and the sections too: 亿 before 万
    pending_zero = False
    for i, ch in enumerate(text):
        if ch in DIGITS:
            value = DIGITS[ch]
            if digit is not None and not (digit == 0 and value != 0):
                # Two digits in a row are only allowed after 零 (一百零五), never 五五十.
                raise ValueError(f"malformed numeral {text!r}: two digits in a row at {i}")
            if value == 0:
                pending_zero = True
                digit = 0
            else:
                digit = value
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_small:
                raise ValueError(f"malformed numeral {text!r}: unit {ch} out of order")
            if digit is None:
                # A bare 十 stands for 一十 only at the start of a section (十五, 三万十五 is not written).
                if unit != 10 or section != 0:
                    raise ValueError(f"malformed numeral {text!r}: unit {ch} without a digit")
                digit = 1
            elif digit == 0:
                raise ValueError(f"malformed numeral {text!r}: 零 before a unit")
            section += digit * unit
            digit = None
            last_small = unit
            pending_zero = False
        elif ch in BIG_UNITS:
            unit = BIG_UNITS[ch]
            if digit is not None:
                section += digit
            if unit == last_big:
                raise ValueError(f"malformed numeral {text!r}: {ch} twice in a row")
            if unit == 10**8:
                if total + section == 0:
                    raise ValueError(f"malformed numeral {text!r}: {ch} without a number")
                # 一万零一亿 = 10001 × 10^8: 亿 multiplies everything before it.
                total = (total + section) * unit
            else:
                if section == 0:
                    raise ValueError(f"malformed numeral {text!r}: {ch} without a number")
                total += section * unit
            section = 0
            digit = None
            last_small = 10_000
            last_big = unit
            pending_zero = False
        else:
            raise ValueError(f"not a Chinese numeral character: {ch!r} in {text!r}")
    if digit is not None:
        if pending_zero and digit == 0:
            raise ValueError(f"malformed numeral {text!r}: ends with 零")
        # 一万五 and 三千五 are spoken shorthand for 一万五千 and 三千五百; in a ledger that is ambiguous enough
        # to refuse unless the trailing digit follows a 零 or stands alone.
        if last_small != 10_000 and last_small > 10 and not pending_zero:
            raise ValueError(f"ambiguous shorthand numeral {text!r}")
        if last_small == 10_000 and last_big != 10**16 and not pending_zero:
            raise ValueError(f"ambiguous shorthand numeral {text!r}")
        section += digit
    return total + section


def parse_number(text: str) -> int | Decimal:
    """A number in Chinese numerals, possibly with a decimal part: 三点五万 → 35000, 二点五 → Decimal('2.5').

    Arabic digits may stand before a Chinese unit (3.5万, 20亿), as they do in most clue texts.
    Returns an int when the value is whole.
    """
    s = text.strip()
    if not s:
        raise ValueError("empty number")
    multiplier = 1
    # A trailing run of 万/亿 after a decimal or an Arabic number scales it (3.5万, 十二点五亿, 2万亿).
    core = s
    while core and core[-1] in BIG_UNITS and (POINT in core or core[0].isascii()):
        multiplier *= BIG_UNITS[core[-1]]
        core = core[:-1]
    if core and core[0].isascii():
        number = _arabic(core)
    elif POINT in core:
        whole_text, _, frac_text = core.partition(POINT)
        if not frac_text or any(ch not in DIGITS for ch in frac_text):
            raise ValueError(f"malformed decimal numeral {text!r}")
        whole = parse_integer(whole_text) if whole_text else 0
        number = Decimal(f"{whole}.{''.join(str(DIGITS[ch]) for ch in frac_text)}")
    else:
        number = Decimal(parse_integer(core))
    value = number * multiplier
    return int(value) if value == value.to_integral_value() else value.normalize()


def _arabic(text: str) -> Decimal:
    cleaned = text.replace(",", "")
    if not cleaned or not all(ch.isdigit() or ch == "." for ch in cleaned) or cleaned.count(".") > 1:
        raise ValueError(f"malformed Arabic number {text!r}")
    if cleaned.startswith(".") or cleaned.endswith("."):
        raise ValueError(f"malformed Arabic number {text!r}")
    return Decimal(cleaned)


def to_chinese(n: int, *, financial: bool = False) -> str:
    """The standard Chinese rendering of ``n`` (0 ≤ n < 10^16): 350000 → 三十五万, 10015 → 一万零一十五,
    10^12 → 一万亿 (amounts of 亿 are counted in 万: 一万零一亿).

    With ``financial`` the capitals of receipts are used (壹万伍仟); those keep the leading 壹拾.
    """
    if not 0 <= n < 10**16:
        raise ValueError(f"out of range for rendering: {n}")
    digits = _UPPER_DIGITS if financial else _LOWER_DIGITS
    units = _UPPER_UNITS if financial else _LOWER_UNITS
    if n == 0:
        return digits[0]
    high, low = divmod(n, 10**8)
    if high:
        text = _below_yi(high, digits, units) + "亿"
        if low:
            text += (digits[0] if low < 10**7 else "") + _below_yi(low, digits, units)
    else:
        text = _below_yi(low, digits, units)
    if not financial and text.startswith("一十"):
        # 十五, not 一十五 — but only at the very start (一百一十五 keeps its 一).
        text = text[1:]
    return text


def _below_yi(n: int, digits: str, units: tuple[str, ...]) -> str:
    """0 < n < 10^8 as 千百十 sections joined by 万, with 零 for a gap."""
    high, low = divmod(n, 10_000)
    text = _section(high, digits, units) + "万" if high else ""
    if low:
        text += (digits[0] if high and low < 1000 else "") + _section(low, digits, units)
    return text


def _section(sec: int, digits: str, units: tuple[str, ...]) -> str:
    out: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        d = sec // 10**power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append(digits[0])
            zero = False
        out.append(digits[d] + units[power])
    return "".join(out)


def year_to_chinese(year: int) -> str:
    """A year written digit by digit, as in documents: 2019 → 二〇一九."""
    return "".join("〇一二三四五六七八九"[int(d)] for d in str(year))
