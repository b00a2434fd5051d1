"""Small value types (值类型) read from ledgers and forms: phones, clue numbers, dates and yes/no cells.

Every parser takes what a spreadsheet cell may hold (text typed by hand, full-width digits from a Chinese
input method, or the ``date``/``datetime`` objects openpyxl produces), returns a normalised value, and refuses
anything else with a bilingual ValidationError naming the field and line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from sanwang.domain.errors import ValidationError
from sanwang.domain.regions import region_table

# Full-width forms typed with a Chinese input method, mapped to their ASCII twins.
_FULLWIDTH = str.maketrans(
    "０１２３４５６７８９＋－．／（）：　",
    "0123456789+-./(): ",
)


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return text.translate(_FULLWIDTH).strip()


# --------------------------------------------------------------------------------------------------- phones

PhoneKind = Literal["mobile", "landline"]

_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]+")
_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
# Area codes: 010 and 02X have three digits and 8-digit local numbers; all others (03XX-09XX) four digits
# with 7- or 8-digit local numbers. A local number never starts with 0 (that would be another trunk prefix).
_LANDLINE = re.compile(r"0(?:10|2\d)[1-9]\d{7}|0[3-9]\d{2}[1-9]\d{6,7}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Phone:
    """A telephone number (电话): a mainland mobile or a landline with its area code, as digits only."""

    value: str
    kind: PhoneKind

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: object, *, field: str = "电话", line: int | None = None) -> Phone:
        raw = _text(text)
        if not raw:
            raise ValidationError("电话号码为空", "the phone number is empty", field=field, line=line)
        digits = _PHONE_SEPARATORS.sub("", raw)
        international = digits.startswith(("+86", "0086"))
        if international:
            digits = digits[3:] if digits.startswith("+") else digits[4:]
            if digits and not digits.startswith("0") and not _MOBILE.fullmatch(digits):
                # Dialled from abroad a landline drops its trunk 0: +86 870 1234567.
                digits = "0" + digits
        elif len(digits) == 13 and digits.startswith("861"):
            # Without a plus sign, 86 is taken as the country code only before an 11-digit mobile.
            digits = digits[2:]
        # Other country codes (+1 ..., 001 ...) fall through and are refused: neither pattern starts with + or 00.
        if _MOBILE.fullmatch(digits):
            return cls(digits, "mobile")
        if _LANDLINE.fullmatch(digits):
            return cls(digits, "landline")
        raise ValidationError(
            f"电话号码「{raw}」无效：手机应为1[3-9]开头的11位数字，固话应为区号加7至8位号码（如0870-1234567）",
            f"invalid phone number {raw!r}: a mobile is 11 digits starting 13-19, a landline an area code "
            "and 7-8 digits (e.g. 0870-1234567)",
            field=field,
            line=line,
        )


# ---------------------------------------------------------------------------------------------- clue numbers

_CLUE_NUMBER = re.compile(r"(\d{6})-(\d{4})-([A-Z]{2})-(\d{5})", re.ASCII)
_CHANNEL_CODE = re.compile(r"[A-Z]{2}", re.ASCII)


@dataclass(frozen=True, slots=True)
class ClueNumber:
    """A clue number (线索编号): ``{region6}-{year4}-{channel2}-{seq5}``, e.g. 530600-2019-XF-00123."""

    region_code: str
    year: int
    channel_code: str
    seq: int

    def __str__(self) -> str:
        return ClueNumber.format(self.region_code, self.year, self.channel_code, self.seq)

    @staticmethod
    def format(region_code: str, year: int, channel_code: str, seq: int) -> str:
        """The number's text; refuses parts that could not be parsed back."""
        _check_clue_parts(region_code, year, channel_code, seq, field="线索编号", line=None)
        return f"{region_code}-{year:04d}-{channel_code}-{seq:05d}"

    @classmethod
    def parse(cls, text: object, *, field: str = "线索编号", line: int | None = None) -> ClueNumber:
        raw = _text(text).upper()
        m = _CLUE_NUMBER.fullmatch(raw)
        if m is None:
            raise ValidationError(
                f"线索编号「{raw}」格式错误，应为「地区代码6位-年份4位-渠道代码2位-序号5位」，如 530600-2019-XF-00123",
                f"clue number {raw!r} is malformed: expected region6-year4-channel2-seq5, e.g. 530600-2019-XF-00123",
                field=field,
                line=line,
            )
        region, year, channel, seq = m.group(1), int(m.group(2)), m.group(3), int(m.group(4))
        _check_clue_parts(region, year, channel, seq, field=field, line=line)
        return cls(region, year, channel, seq)


def _check_clue_parts(region: str, year: int, channel: str, seq: int, *, field: str, line: int | None) -> None:
    if len(region) != 6 or not (region.isascii() and region.isdigit()) or not region_table().is_known(region):
        raise ValidationError(
            f"线索编号的地区代码「{region}」不是行政区划代码",
            f"the clue number's region part {region!r} is not a region code",
            field=field,
            line=line,
        )
    if not 1900 <= year <= 2099:
        raise ValidationError(
            f"线索编号的年份 {year} 不在1900至2099之间",
            f"the clue number's year {year} is outside 1900-2099",
            field=field,
            line=line,
        )
    if not _CHANNEL_CODE.fullmatch(channel):
        raise ValidationError(
            f"线索编号的渠道代码「{channel}」应为两个大写字母",
            f"the clue number's channel code {channel!r} must be two capital letters",
            field=field,
            line=line,
        )
    if not 1 <= seq <= 99_999:
        # Sequences start at 1 each year; 00000 is never issued and six digits would not fit the format.
        raise ValidationError(
            f"线索编号的序号 {seq} 应在1至99999之间",
            f"the clue number's sequence {seq} must be 1-99999",
            field=field,
            line=line,
        )


# ------------------------------------------------------------------------------------------------------ dates

_DATE = re.compile(
    r"(\d{4})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?|(\d{2})(\d{2}))"
    # A text export of a datetime cell carries a midnight time part; it is dropped.
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?",
    re.ASCII,
)


def parse_date(value: object, *, field: str = "日期", line: int | None = None) -> dt.date:
    """A calendar date from 2019-04-24, 2019/4/24, 2019.4.24, 2019年4月24日, 20190424 or a date object.

    Years outside 1900-2099 are refused as typing errors.
    """
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    else:
        if isinstance(value, bool):
            raise _not_a_date(value, field, line)
        raw = _text(value)
        if not raw:
            raise ValidationError("日期为空", "the date is empty", field=field, line=line)
        m = _DATE.fullmatch(raw)
        if m is None:
            raise _not_a_date(raw, field, line)
        year = int(m.group(1))
        month = int(m.group(2) or m.group(4) or m.group(6))
        mday = int(m.group(3) or m.group(5) or m.group(7))
        try:
            day = dt.date(year, month, mday)
        except ValueError:
            raise ValidationError(
                f"日期「{raw}」不存在（{year}年没有{month}月{mday}日）",
                f"date {raw!r} does not exist ({year} has no day {mday} in month {month})",
                field=field,
                line=line,
            ) from None
    if not 1900 <= day.year <= 2099:
        raise ValidationError(
            f"日期 {day.isoformat()} 的年份不在1900至2099之间，疑为录入错误",
            f"date {day.isoformat()} has a year outside 1900-2099, probably a typing error",
            field=field,
            line=line,
        )
    return day


def _not_a_date(value: object, field: str, line: int | None) -> ValidationError:
    return ValidationError(
        f"「{value}」不是日期，应写作 2019-04-24、2019/4/24、2019.4.24 或 2019年4月24日",
        f"{value!r} is not a date; write 2019-04-24, 2019/4/24, 2019.4.24 or 2019年4月24日",
        field=field,
        line=line,
    )


# --------------------------------------------------------------------------------------------------- yes / no

_YES = frozenset({"是", "Y", "YES", "1", "TRUE", "T", "实名", "實名", "√", "✓", "✔"})
_NO = frozenset({"否", "N", "NO", "0", "FALSE", "F", "匿名", "×", "✗", "✘"})


def parse_yes_no(value: object, *, field: str = "是否", line: int | None = None) -> bool:
    """True for 是/Y/1/true/实名 (and ticks), False for 否/N/0/false/匿名 (and crosses)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raw = _text(value)
    key = raw.upper()
    if key in _YES:
        return True
    if key in _NO:
        return False
    if not raw:
        raise ValidationError(
            "此项为空，应填「是」或「否」", "empty; expected 是 or 否 (yes/no)", field=field, line=line
        )
    raise ValidationError(
        f"「{raw}」应为「是」或「否」（也可写 Y/N、1/0、true/false、实名/匿名）",
        f"{raw!r} is not yes/no; write 是/否, Y/N, 1/0, true/false or 实名/匿名",
        field=field,
        line=line,
    )
