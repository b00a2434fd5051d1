"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

Layout of the 18 characters: 6-digit region code (行政区划代码) of the place of registration, 8-digit birth date
(YYYYMMDD), 3-digit serial (顺序码, odd for men, even for women) and a check character (校验码) computed with
ISO 7064 MOD 11-2 over the first 17 digits (10 is written X). Numbers issued before 1999 had 15 digits: a
2-digit year and no check character; they are upgraded here to the 18-digit form.

Parsing runs hundreds of thousands of times during an import, so everything it consults (weights, the set of
region codes, the translation table) is computed once at import time, and birth dates are memoised.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Literal

from sanwang.domain.errors import ValidationError
from sanwang.domain.regions import region_table

Sex = Literal["男", "女"]

# Weight of position i is 2**(17-i) mod 11 (GB 11643-1999 §7.2).
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"  # index: weighted sum mod 11
# Full-width digits and letters come in from Chinese input methods; whitespace of every kind is removed.
_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘX", "0123456789XXX")
_EARLIEST_BIRTH = dt.date(1900, 1, 1)
# The set is taken once: every code current or ever published, because a card keeps the code of the place
# where it was issued even after that county is renamed or merged.
_REGIONS: frozenset[str] = region_table().known_codes


def _partial(digits: str, offset: int) -> int:
    """The weighted sum of ``digits`` standing at ``offset`` in the 17-digit body."""
    return sum(w * int(d) for w, d in zip(_WEIGHTS[offset:], digits, strict=False))


# The weighted sum splits into region, birth-date and serial parts; the first and last are tabulated here and
# the birth-date part is memoised with the date, so a parse costs three lookups instead of 17 multiplications.
_REGION_SUM: dict[str, int] = {code: _partial(code, 0) for code in _REGIONS}
_SERIAL_SUM: dict[str, int] = {f"{n:03d}": _partial(f"{n:03d}", 14) for n in range(1000)}
_birth_cache: dict[str, tuple[dt.date, int] | None] = {}


def check_digit(first17: str) -> str:
    """The check character for the first 17 digits of a number."""
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise ValidationError("计算校验码需要17位数字", "the check character needs exactly 17 digits", field="身份证号")
    return _check_char(first17)


def _check_char(first17: str) -> str:
    return _CHECK_CHARS[_partial(first17, 0) % 11]


def _birth(text: str) -> tuple[dt.date, int] | None:
    """The date of an 8-digit YYYYMMDD string and its weighted sum, or None when no such day exists."""
    try:
        return _birth_cache[text]
    except KeyError:
        pass
    try:
        found: tuple[dt.date, int] | None = (
            dt.date(int(text[:4]), int(text[4:6]), int(text[6:8])),
            _partial(text, 6),
        )
    except ValueError:
        found = None
    if len(_birth_cache) < 100_000:  # bounded: about 45,000 real days since 1900, plus typos
        _birth_cache[text] = found
    return found


class _Today:
    """Today's date, re-read at most once a minute: date.today() was the costliest step of a parse."""

    __slots__ = ("day", "expires")

    def __init__(self) -> None:
        self.expires = float("-inf")
        self.day = dt.date.min

    def __call__(self) -> dt.date:
        now = time.monotonic()
        if now >= self.expires:
            self.expires = now + 60.0
            self.day = dt.date.today()
        return self.day


_today = _Today()


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A resident identity card number (居民身份证号码), always held in the 18-character form."""

    value: str
    region_code: str
    birth_date: dt.date
    sex: Sex

    def __str__(self) -> str:
        return self.value

    @property
    def serial(self) -> int:
        """The 3-digit serial (顺序码)."""
        return int(self.value[14:17])

    def masked(self) -> str:
        """The number with the birth date and serial hidden, for lists that need no more (脱敏)."""
        return self.value[:6] + "*" * 11 + self.value[17]

    def age_on(self, day: dt.date) -> int:
        """Full years of age on ``day``."""
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @classmethod
    def parse(
        cls,
        text: object,
        *,
        field: str = "身份证号",
        line: int | None = None,
        today: dt.date | None = None,
    ) -> IdNumber:
        """Validate ``text`` and return the number; every refusal is a bilingual ValidationError."""
        raw = text if isinstance(text, str) else ("" if text is None else str(text))
        s = "".join(raw.split())
        if not s.isascii():
            s = s.translate(_FULLWIDTH)
        s = s.upper()
        n = len(s)
        if n == 18:
            body = s[:17]
            if not (s.isascii() and body.isdigit() and (s[17].isdigit() or s[17] == "X")):
                raise _bad_shape(s, field, line)
            birth_text = s[6:14]
        elif n == 15:
            if not (s.isascii() and s.isdigit()):
                raise _bad_shape(s, field, line)
            # Legacy numbers were issued 1984-1999 to people born in the 1900s.
            body = s[:6] + "19" + s[6:]
            birth_text = body[6:14]
        else:
            raise _bad_shape(s, field, line)

        region = s[:6]
        if region not in _REGIONS:
            raise ValidationError(
                f"身份证号 {s} 的地址码 {region} 不是现行或历史上的行政区划代码",
                f"ID number {s}: region code {region} is neither a current nor a historical region code",
                field=field,
                line=line,
            )
        found = _birth(birth_text)
        if found is None:
            raise ValidationError(
                f"身份证号 {s} 的出生日期 {birth_text} 不存在",
                f"ID number {s}: birth date {birth_text} does not exist",
                field=field,
                line=line,
            )
        birth, birth_sum = found
        if birth < _EARLIEST_BIRTH:
            raise ValidationError(
                f"身份证号 {s} 的出生日期 {birth.isoformat()} 早于1900年",
                f"ID number {s}: birth date {birth.isoformat()} is before 1900",
                field=field,
                line=line,
            )
        if birth > (today if today is not None else _today()):
            raise ValidationError(
                f"身份证号 {s} 的出生日期 {birth.isoformat()} 晚于今天",
                f"ID number {s}: birth date {birth.isoformat()} is in the future",
                field=field,
                line=line,
            )
        expected = _CHECK_CHARS[(_REGION_SUM[region] + birth_sum + _SERIAL_SUM[body[14:17]]) % 11]
        if n == 18 and s[17] != expected:
            raise ValidationError(
                f"身份证号 {s} 校验码错误：应为 {expected}，实为 {s[17]}（号码有误或抄错）",
                f"ID number {s}: check character should be {expected}, not {s[17]} (mistyped number)",
                field=field,
                line=line,
            )
        return cls(body + expected, region, birth, "男" if body[16] in "13579" else "女")


def _bad_shape(s: str, field: str, line: int | None) -> ValidationError:
    shown = s if len(s) <= 40 else s[:40] + "…"
    return ValidationError(
        f"身份证号应为18位（17位数字加数字或X）或15位数字，实为「{shown}」（{len(s)}位）",
        f"an ID number is 18 characters (17 digits then a digit or X) or 15 digits; got {shown!r} "
        f"({len(s)} characters)",
        field=field,
        line=line,
    )


def is_valid(text: object, *, today: dt.date | None = None) -> bool:
    """Whether ``text`` parses as an ID number."""
    try:
        IdNumber.parse(text, today=today)
    except ValidationError:
        return False
    return True


def make_id_number(region_code: str, birth_date: dt.date, serial: int, sex: str | None = None) -> str:
    """A well-formed 18-character number for synthetic data.

    With ``sex`` the serial's last bit is flipped when needed (odd = 男), so the result stays in 0..999.
    """
    if len(region_code) != 6 or not (region_code.isascii() and region_code.isdigit()):
        raise ValidationError(
            f"地址码应为6位数字，实为「{region_code}」", f"region code must be 6 digits, got {region_code!r}"
        )
    if not 0 <= serial <= 999:
        raise ValidationError(f"顺序码应在0到999之间，实为 {serial}", f"serial must be 0..999, got {serial}")
    if sex is not None:
        if sex not in ("男", "女"):
            raise ValidationError(f"性别应为「男」或「女」，实为「{sex}」", f"sex must be 男 or 女, got {sex!r}")
        if (serial % 2 == 1) != (sex == "男"):
            serial ^= 1
    body = f"{region_code}{birth_date.year:04d}{birth_date.month:02d}{birth_date.day:02d}{serial:03d}"
    return body + _check_char(body)
