"""The working-day calendar (工作日历) that deadlines are counted on: weekends, statutory holidays and
adjusted working weekends (调休), year by year from the State Council's notices, with an office's additions.

The shipped notices live in ``sanwang/domain/data/holidays.yaml``; an office adds next year's notice in
``$SANWANG_HOME/config/holidays.yaml`` (same format; a year there replaces or adds that year). A date in a
year neither file knows raises :class:`CalendarRangeError` — it is never treated as a plain weekday.
"""

from __future__ import annotations

import calendar as _stdcal
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from sanwang.domain.config import config_dir, validated
from sanwang.domain.errors import CalendarRangeError, ValidationError

HOLIDAYS_FILE = "holidays.yaml"

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A notice may move days across the new-year boundary (the 2008 notice made 29 December 2007 a working day),
# so an entry may reach this far into the neighbouring years.
_SPILL = timedelta(days=31)


def _iso(text: str) -> date:
    if not _ISO.match(text):
        raise ValueError(f"not a date in YYYY-MM-DD form: {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"no such date: {text!r}") from None


def _parse_span(value: Any) -> tuple[date, date]:
    """Accept ``2020-01-01``, a ``date`` (when a plain YAML loader made one) or a range ``start..end``."""
    if isinstance(value, date):
        return value, value
    if not isinstance(value, str):
        raise ValueError(f"expected a date or a range start..end, got {value!r}")
    text = value.strip()
    if ".." in text:
        first, _, last = text.partition("..")
        start, end = _iso(first.strip()), _iso(last.strip())
        if end < start:
            raise ValueError(f"range ends before it starts: {text!r}")
        return start, end
    day = _iso(text)
    return day, day


DaySpan = Annotated[tuple[date, date], BeforeValidator(_parse_span)]


def _days(spans: Iterable[tuple[date, date]]) -> Iterator[date]:
    for start, end in spans:
        for k in range((end - start).days + 1):
            yield start + timedelta(days=k)


class YearNotice(BaseModel):
    """One year's holiday arrangement (年度节假日安排), as published by the State Council."""

    model_config = ConfigDict(extra="forbid")

    notice: str = Field(min_length=1)
    """The notice(s) the dates come from (通知名称及文号)."""
    holidays: list[DaySpan] = []
    """Days off (放假); weekend days inside a holiday block may be listed."""
    workdays: list[DaySpan] = []
    """Weekend days that are adjusted working days (调休上班)."""

    @model_validator(mode="after")
    def _consistent(self) -> YearNotice:
        off = set(_days(self.holidays))
        for d in _days(self.workdays):
            if d.weekday() < 5:
                raise ValueError(f"{d} is a weekday; workdays lists only weekend days worked (调休上班)")
            if d in off:
                raise ValueError(f"{d} is listed both as a holiday and as a working day")
        return self


class HolidayNotices(BaseModel):
    """The holiday notices file (节假日安排文件): year → that year's arrangement."""

    model_config = ConfigDict(extra="forbid")

    years: dict[Annotated[int, Field(ge=1949, le=2200)], YearNotice]

    @field_validator("years")
    @classmethod
    def _dates_near_their_year(cls, years: dict[int, YearNotice]) -> dict[int, YearNotice]:
        for year, entry in years.items():
            lo, hi = date(year, 1, 1) - _SPILL, date(year, 12, 31) + _SPILL
            for d in _days([*entry.holidays, *entry.workdays]):
                if not lo <= d <= hi:
                    raise ValueError(f"{d} is listed under year {year}")
        return years


class _NoTimestampLoader(yaml.SafeLoader):
    """Keeps dates as text so that a bad date is reported by the schema with its field, not by the parser."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_notices(where: str, text: str) -> HolidayNotices:
    try:
        raw = yaml.load(text, Loader=_NoTimestampLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ValidationError(
            f"配置文件 {where} 不是有效的 YAML：{exc}", f"rule file {where} is not valid YAML: {exc}"
        ) from None
    return validated(HolidayNotices, where, raw)


def _unknown_year(year: int, d: date | None = None) -> CalendarRangeError:
    on_zh = f"日期 {d} 所在的" if d else ""
    on_en = f" (date {d})" if d else ""
    return CalendarRangeError(
        f"{on_zh}{year}年节假日安排未知：请将国务院办公厅{year}年节假日安排通知加入 config/holidays.yaml",
        f"the holiday calendar does not know year {year}{on_en}: "
        f"add the State Council's holiday notice for {year} to config/holidays.yaml",
    )


@dataclass(frozen=True)
class _Span:
    """A run of consecutive known years, precomputed so every query is a few index look-ups."""

    first_year: int
    last_year: int
    base: int  # ordinal of 1 January of first_year
    working: bytes  # working[i] == 1 when the day base+i is a working day
    rank: tuple[int, ...]  # rank[i] = working days in base .. base+i inclusive
    ordinals: tuple[int, ...]  # ordinals of the working days, ascending


PROVISIONAL_FIRST, PROVISIONAL_LAST = 1980, 2100


class WorkingDayCalendar:
    """The working-day calendar (工作日历): which days count, and periods counted on them.

    Counting follows Chinese legal practice: the day of the triggering event is not counted; N working days
    end on the N-th working day after it; days or months ending on a rest day move to the next working day —
    except custody periods (羁押期间), which end on their last day whatever it is.
    """

    def __init__(self, notices: HolidayNotices) -> None:
        self.notices = notices
        off: set[date] = set()
        on: set[date] = set()
        for entry in notices.years.values():
            off.update(_days(entry.holidays))
            on.update(_days(entry.workdays))
        clash = sorted(off & on)
        if clash:
            raise ValidationError(
                f"{clash[0]} 在不同年份的通知中既是假日又是调休上班日",
                f"{clash[0]} is a holiday in one year's notice and a working day in another",
                field=f"years.{clash[0].year}",
            )
        self._known = frozenset(notices.years)
        self._provisional: WorkingDayCalendar | None = None
        self._by_year: dict[int, _Span] = {}
        for first, last in _runs(sorted(self._known)):
            span = _build_span(first, last, off, on)
            for y in range(first, last + 1):
                self._by_year[y] = span

    def provisional(self) -> WorkingDayCalendar:
        """A copy in which every year without a notice counts Mon–Fri as working days (暂按普通工作日).

        Only for provisional due dates (暂定期限), which the caller must flag as such until the year's notice
        is configured; the strict calendar itself never guesses.
        """
        if self._provisional is None:
            plain = {
                y: YearNotice(notice="（未配置：暂按周一至周五计算） / not configured: Mon–Fri assumed")
                for y in range(PROVISIONAL_FIRST, PROVISIONAL_LAST + 1)
                if y not in self._known
            }
            self._provisional = WorkingDayCalendar(HolidayNotices(years={**self.notices.years, **plain}))
        return self._provisional

    # -- queries ---------------------------------------------------------------------------------------------

    @property
    def known_years(self) -> frozenset[int]:
        """The years whose notice the calendar carries."""
        return self._known

    def notice(self, year: int) -> str:
        """The notice a year's dates come from."""
        if year not in self._known:
            raise _unknown_year(year)
        return self.notices.years[year].notice

    def _span(self, d: date) -> _Span:
        span = self._by_year.get(d.year)
        if span is None:
            raise _unknown_year(d.year, d)
        return span

    def is_working_day(self, d: date) -> bool:
        """Mon–Fri unless a holiday; Sat/Sun only when an adjusted working day (调休上班)."""
        span = self._span(d)
        return span.working[d.toordinal() - span.base] == 1

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, else the first working day after it."""
        span = self._span(d)
        i = bisect_left(span.ordinals, d.toordinal())
        if i == len(span.ordinals):
            raise _unknown_year(span.last_year + 1)
        return date.fromordinal(span.ordinals[i])

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n ≥ 1); ``start`` itself is not counted."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        span = self._span(start)
        i = span.rank[start.toordinal() - span.base] + n - 1
        if i >= len(span.ordinals):
            raise _unknown_year(span.last_year + 1)
        return date.fromordinal(span.ordinals[i])

    def subtract_working_days(self, end: date, n: int) -> date:
        """The n-th working day before ``end`` (n ≥ 1); ``end`` itself is not counted."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        span = self._span(end)
        offset = end.toordinal() - span.base
        before = span.rank[offset - 1] if offset > 0 else 0
        i = before - n
        if i < 0:
            raise _unknown_year(span.first_year - 1)
        return date.fromordinal(span.ordinals[i])

    def add_days(self, start: date, n: int, *, shift: bool = True) -> date:
        """``start`` + n calendar days, moved to the next working day when it ends on a rest day (n ≥ 0).

        ``shift=False`` keeps the day the period ends even when it is a rest day: a custody period (羁押期间)
        is never lengthened by a holiday (刑事诉讼法第一百零五条).
        """
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        end = start + timedelta(days=n)
        return self.next_working_day(end) if shift else end

    def add_months(self, start: date, n: int, *, shift: bool = True) -> date:
        """The same-numbered day n months later (or that month's last day), moved to the next working day
        unless ``shift=False`` (see :meth:`add_days`)."""
        if n < 0:
            raise ValueError(f"n must not be negative, got {n}")
        end = add_calendar_months(start, n)
        return self.next_working_day(end) if shift else end

    def working_days_between(self, a: date, b: date) -> int:
        """The number of working days d with a < d ≤ b (0 when b ≤ a)."""
        if b <= a:
            return 0
        first = a + timedelta(days=1)
        span = self._span(b)
        if first.year < span.first_year:
            raise _unknown_year(span.first_year - 1)
        lo = first.toordinal() - span.base
        return span.rank[b.toordinal() - span.base] - (span.rank[lo - 1] if lo > 0 else 0)


def add_calendar_months(start: date, n: int) -> date:
    """The same-numbered day n months after ``start``, or that month's last day where there is none."""
    y, m0 = divmod(start.month - 1 + n, 12)
    year, month = start.year + y, m0 + 1
    return date(year, month, min(start.day, _stdcal.monthrange(year, month)[1]))


def _runs(years: list[int]) -> Iterator[tuple[int, int]]:
    """Group sorted years into runs of consecutive years."""
    i = 0
    while i < len(years):
        j = i
        while j + 1 < len(years) and years[j + 1] == years[j] + 1:
            j += 1
        yield years[i], years[j]
        i = j + 1


def _build_span(first: int, last: int, off: set[date], on: set[date]) -> _Span:
    start = date(first, 1, 1)
    length = date(last, 12, 31).toordinal() - start.toordinal() + 1
    working = bytearray(length)
    rank: list[int] = []
    ordinals: list[int] = []
    count = 0
    for i in range(length):
        d = start + timedelta(days=i)
        if d in on or (d.weekday() < 5 and d not in off):
            working[i] = 1
            count += 1
            ordinals.append(d.toordinal())
        rank.append(count)
    return _Span(first, last, start.toordinal(), bytes(working), tuple(rank), tuple(ordinals))


def _shipped_text() -> str:
    return resources.files("sanwang.domain").joinpath("data", HOLIDAYS_FILE).read_text(encoding="utf-8")


def load_calendar(extra: Path | None = None) -> WorkingDayCalendar:
    """Build the calendar from the shipped notices merged with an office file.

    ``extra`` is the office file; when None, ``$SANWANG_HOME/config/holidays.yaml`` is used if present.
    """
    notices = _read_notices(f"sanwang/domain/data/{HOLIDAYS_FILE}", _shipped_text())
    path = extra if extra is not None else config_dir() / HOLIDAYS_FILE
    if extra is not None or path.is_file():
        office = _read_notices(str(path), path.read_text(encoding="utf-8"))
        notices = HolidayNotices(years={**notices.years, **office.years})
    return WorkingDayCalendar(notices)


@cache
def default_calendar() -> WorkingDayCalendar:
    """The calendar for this installation, loaded once (clear with ``default_calendar.cache_clear()``)."""
    return load_calendar()
