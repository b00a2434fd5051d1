"""The working-day calendar: holiday notices, counting rules, unknown years, office overrides."""

from __future__ import annotations

import calendar as stdcal
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanwang.domain.calendar import (
    WorkingDayCalendar,
    add_calendar_months,
    default_calendar,
    load_calendar,
)
from sanwang.domain.errors import CalendarRangeError, ValidationError


@pytest.fixture(scope="module")
def cal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkingDayCalendar]:
    """The shipped calendar only: SANWANG_HOME points at an empty folder so no office file can leak in."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SANWANG_HOME", str(tmp_path_factory.mktemp("home")))
        yield load_calendar()


@pytest.fixture
def office_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An office's SANWANG_HOME with an empty config folder; the cached calendar is dropped around the test."""
    (tmp_path / "config").mkdir()
    monkeypatch.setenv("SANWANG_HOME", str(tmp_path))
    default_calendar.cache_clear()
    yield tmp_path / "config"
    default_calendar.cache_clear()


# Starts far enough from the end of 2026 that the periods below stay inside the known years.
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2025, 12, 31))


# -- the notices ---------------------------------------------------------------------------------------------


def test_known_years_are_2004_through_2026(cal: WorkingDayCalendar) -> None:
    assert cal.known_years == frozenset(range(2004, 2027))


def test_2020_spring_festival_extended_to_2_february(cal: WorkingDayCalendar) -> None:
    # 国办发明电〔2020〕1号: holiday extended to 2 February; 1 February (Sat) was no longer a working day.
    for d in [date(2020, 1, 24), date(2020, 1, 31), date(2020, 2, 1), date(2020, 2, 2)]:
        assert not cal.is_working_day(d), d
    assert cal.is_working_day(date(2020, 2, 3))
    assert cal.is_working_day(date(2020, 1, 19))  # Sunday worked before the festival
    assert cal.add_working_days(date(2020, 1, 23), 1) == date(2020, 2, 3)
    assert "国办发明电〔2020〕1号" in cal.notice(2020)


def test_adjusted_working_saturday(cal: WorkingDayCalendar) -> None:
    assert date(2024, 10, 12).weekday() == 5
    assert cal.is_working_day(date(2024, 10, 12))  # 调休上班 after National Day 2024
    assert not cal.is_working_day(date(2024, 10, 5))  # a Saturday inside the holiday
    assert not cal.is_working_day(date(2024, 10, 19))  # an ordinary Saturday
    assert not cal.is_working_day(date(2024, 10, 1))  # a Tuesday holiday
    assert cal.is_working_day(date(2024, 10, 8))


def test_2015_victory_day_holiday(cal: WorkingDayCalendar) -> None:
    assert not cal.is_working_day(date(2015, 9, 3))
    assert not cal.is_working_day(date(2015, 9, 4))
    assert cal.is_working_day(date(2015, 9, 6))  # Sunday worked in exchange


def test_every_day_matches_chinese_calendar(cal: WorkingDayCalendar) -> None:
    cc = pytest.importorskip(
        "chinese_calendar", reason="chinese-calendar (test dependency) is not installed: cross-check skipped"
    )
    d, mismatches = date(2004, 1, 1), []
    while d <= date(2026, 12, 31):
        if cal.is_working_day(d) != cc.is_workday(d):
            mismatches.append(d)
        d += timedelta(days=1)
    assert mismatches == []


# -- unknown years -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [date(2027, 1, 4), date(2003, 12, 31)])
def test_unknown_year_is_refused_not_guessed(cal: WorkingDayCalendar, d: date) -> None:
    with pytest.raises(CalendarRangeError) as exc:
        cal.is_working_day(d)
    assert str(d.year) in exc.value.zh and str(d.year) in exc.value.en
    assert "config/holidays.yaml" in exc.value.zh and "config/holidays.yaml" in exc.value.en


def test_counting_into_an_unknown_year_is_refused(cal: WorkingDayCalendar) -> None:
    with pytest.raises(CalendarRangeError, match="2027"):
        cal.add_working_days(date(2026, 12, 28), 10)
    with pytest.raises(CalendarRangeError, match="2027"):
        cal.add_days(date(2026, 12, 20), 30)
    with pytest.raises(CalendarRangeError, match="2027"):
        cal.add_months(date(2026, 12, 1), 1)
    with pytest.raises(CalendarRangeError, match="2003"):
        cal.working_days_between(date(2003, 12, 30), date(2004, 1, 5))
    with pytest.raises(CalendarRangeError, match="2003"):
        cal.subtract_working_days(date(2004, 1, 5), 5)
    # the last known days still count
    assert cal.add_working_days(date(2026, 12, 28), 3) == date(2026, 12, 31)  # Monday + 3


# -- counting rules ------------------------------------------------------------------------------------------


def test_examples(cal: WorkingDayCalendar) -> None:
    assert cal.add_working_days(date(2020, 1, 20), 5) == date(2020, 2, 4)
    assert cal.working_days_between(date(2020, 1, 23), date(2020, 2, 3)) == 1
    assert cal.working_days_between(date(2020, 2, 3), date(2020, 1, 23)) == 0
    assert cal.next_working_day(date(2024, 10, 1)) == date(2024, 10, 8)
    assert cal.next_working_day(date(2024, 10, 8)) == date(2024, 10, 8)
    assert cal.add_days(date(2024, 9, 27), 5) == date(2024, 10, 8)  # 2 October is a holiday
    assert cal.add_days(date(2024, 9, 27), 0) == date(2024, 9, 27)
    assert cal.subtract_working_days(date(2024, 10, 8), 2) == date(2024, 9, 29)  # Sunday worked


@pytest.mark.parametrize(
    ("start", "months", "calendar_end", "due"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29), date(2024, 2, 29)),  # leap year, a Thursday
        (date(2023, 1, 31), 1, date(2023, 2, 28), date(2023, 2, 28)),
        (date(2020, 1, 31), 1, date(2020, 2, 29), date(2020, 3, 2)),  # Saturday → Monday
        (date(2019, 11, 30), 3, date(2020, 2, 29), date(2020, 3, 2)),
        (date(2019, 12, 31), 1, date(2020, 1, 31), date(2020, 2, 3)),  # inside the extended Spring Festival
        (date(2024, 8, 31), 1, date(2024, 9, 30), date(2024, 9, 30)),
        (date(2023, 11, 30), 2, date(2024, 1, 30), date(2024, 1, 30)),
    ],
)
def test_add_months(cal: WorkingDayCalendar, start: date, months: int, calendar_end: date, due: date) -> None:
    assert add_calendar_months(start, months) == calendar_end
    assert cal.add_months(start, months) == due


def test_nonpositive_counts_are_programming_errors(cal: WorkingDayCalendar) -> None:
    with pytest.raises(ValueError):
        cal.add_working_days(date(2024, 1, 2), 0)
    with pytest.raises(ValueError):
        cal.add_days(date(2024, 1, 2), -1)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=1, max_value=200))
def test_add_working_days_properties(cal: WorkingDayCalendar, start: date, n: int) -> None:
    end = cal.add_working_days(start, n)
    assert end > start
    assert cal.is_working_day(end)
    assert cal.working_days_between(start, end) == n
    assert cal.working_days_between(start, end - timedelta(days=1)) == n - 1
    if start >= date(2004, 1, 5):  # counting back must not leave the known years
        back = cal.subtract_working_days(end, n)
        assert back <= start and cal.is_working_day(back)
        assert cal.working_days_between(back, start) == 0


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=0, max_value=300))
def test_add_days_properties(cal: WorkingDayCalendar, start: date, n: int) -> None:
    plain = start + timedelta(days=n)
    end = cal.add_days(start, n)
    assert end >= plain
    assert cal.is_working_day(end)
    d = plain
    while d < end:
        assert not cal.is_working_day(d), d
        d += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(start=starts, n=st.integers(min_value=0, max_value=11))
def test_add_months_properties(cal: WorkingDayCalendar, start: date, n: int) -> None:
    plain = add_calendar_months(start, n)
    assert (plain.year * 12 + plain.month) - (start.year * 12 + start.month) == n
    assert plain.day == min(start.day, stdcal.monthrange(plain.year, plain.month)[1])
    end = cal.add_months(start, n)
    assert end == cal.next_working_day(plain)
    assert cal.is_working_day(end)


@settings(max_examples=200, deadline=None)
@given(a=starts, b=starts)
def test_working_days_between_counts_each_working_day(cal: WorkingDayCalendar, a: date, b: date) -> None:
    a, b = min(a, b), max(a, b)
    b = min(b, a + timedelta(days=120))  # keep the brute-force count small
    brute = sum(cal.is_working_day(a + timedelta(days=k)) for k in range(1, (b - a).days + 1))
    assert cal.working_days_between(a, b) == brute


# -- office override and bad files ---------------------------------------------------------------------------

OFFICE_2027 = """\
years:
  2027:
    notice: 国务院办公厅关于2027年部分节假日安排的通知（示例）
    holidays: [2027-01-01..2027-01-03, 2027-02-06..2027-02-12]
    workdays: [2027-02-14]
"""


def test_office_file_adds_next_year(office_home: Path) -> None:
    (office_home / "holidays.yaml").write_text(OFFICE_2027, encoding="utf-8")
    cal = default_calendar()
    assert 2027 in cal.known_years and 2026 in cal.known_years
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.is_working_day(date(2027, 2, 14))  # a Sunday worked
    assert not cal.is_working_day(date(2027, 2, 8))  # a Monday off
    # counting now runs across the year boundary without a gap
    assert cal.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert cal.working_days_between(date(2026, 12, 30), date(2027, 1, 4)) == 2
    with pytest.raises(CalendarRangeError, match="2028"):
        cal.is_working_day(date(2028, 1, 3))


def test_office_file_replaces_a_year(tmp_path: Path) -> None:
    office = tmp_path / "holidays.yaml"
    office.write_text("years:\n  2020:\n    notice: test\n    holidays: [2020-01-01]\n", encoding="utf-8")
    cal = load_calendar(office)
    assert cal.is_working_day(date(2020, 1, 31))
    assert not cal.is_working_day(date(2020, 1, 19))  # the replaced notice's adjusted Sunday is gone
    assert not cal.is_working_day(date(2024, 10, 1))  # other years untouched


def test_default_calendar_is_cached(office_home: Path) -> None:
    assert default_calendar() is default_calendar()


@pytest.mark.parametrize(
    ("text", "field", "reason"),
    [
        (
            "years:\n  2027:\n    notice: x\n    holidays: [2027-01-01, 2027-02-30]\n",
            "years.2027.holidays.1",
            "2027-02-30",
        ),
        ("years:\n  2027:\n    notice: x\n    holidays: [2027-1-1]\n", "years.2027.holidays.0", "YYYY-MM-DD"),
        (
            "years:\n  2027:\n    notice: x\n    holidays: [2027-02-12..2027-02-06]\n",
            "years.2027.holidays.0",
            "ends before",
        ),
        ("years:\n  2027:\n    notice: x\n    workdays: [2027-02-15]\n", "years.2027", "weekday"),
        ("years:\n  2027:\n    notice: x\n    holidays: [2029-01-01]\n", "years", "listed under year 2027"),
        ("years:\n  2027:\n    holidays: [2027-01-01]\n", "years.2027.notice", "required"),
        ("years:\n  2027:\n    notice: x\n    holiday: [2027-01-01]\n", "years.2027.holiday", "xtra"),
    ],
)
def test_bad_file_is_refused_with_the_field_named(tmp_path: Path, text: str, field: str, reason: str) -> None:
    office = tmp_path / "holidays.yaml"
    office.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as exc:
        load_calendar(office)
    assert exc.value.field == field
    assert str(office) in exc.value.en
    assert reason in exc.value.en


def test_unparsable_yaml_is_refused(tmp_path: Path) -> None:
    office = tmp_path / "holidays.yaml"
    office.write_text("years: [2027: {", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid YAML"):
        load_calendar(office)


def test_conflict_between_years_is_refused(tmp_path: Path) -> None:
    # a notice may reach into the previous December, so two entries can disagree about one day
    office = tmp_path / "holidays.yaml"
    office.write_text(
        "years:\n"
        "  2026:\n    notice: x\n    holidays: [2026-12-26..2026-12-27]\n"
        "  2027:\n    notice: y\n    workdays: [2026-12-27]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="2026-12-27"):
        load_calendar(office)
