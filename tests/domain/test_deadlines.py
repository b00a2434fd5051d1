"""Deadline rules as data: the shipped defaults, period parsing, due dates, warnings and extensions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError as PydanticValidationError

from sanwang.domain.calendar import WorkingDayCalendar, load_calendar
from sanwang.domain.deadline_events import Condition
from sanwang.domain.deadlines import (
    DeadlineRule,
    DeadlineRules,
    Period,
    deadline_rules,
    due_date,
    extended_due,
    parse_period,
    warn_from,
)
from sanwang.domain.errors import TransitionRefused, ValidationError
from sanwang.domain.measures import Step, extend_measure, measure_due, measure_rule, next_extension, recount_due

# DOMAIN.md §5: name → (amount, unit, trigger, extension or None)
EXPECTED = {
    "disposal_opinion": (1, "months", "clue_registered", None),
    "inquiry_reply": (15, "working_days", "disposal_approved", None),
    "inquiry_conclusion": (1, "months", "inquiry_replied", None),
    "verification": (15, "working_days", "disposal_approved", (15, "working_days")),
    "hold_review": (6, "months", "disposal_approved", None),
    "pass_on": (5, "working_days", "disposal_approved", None),
    "reporter_acceptance": (15, "working_days", "clue_registered", None),
    "reporter_result": (15, "working_days", "clue_concluded", None),
    "contact_12337": (30, "days", "clue_registered", None),
    "police_notify": (5, "days", "gang_case_filed", None),
    "police_transfer_umbrella": (10, "days", "gang_case_filed", None),
    "commission_transfer_gang": (3, "working_days", "clue_flagged_gang", None),
    "detention": (3, "months", "detention_started", (3, "months")),
    "protective_custody": (7, "days", "protective_custody_started", (3, "days")),
    "await_investigation": (12, "months", "await_investigation_started", None),
    "detention_further_extension": (2, "months", "detention_extension_ended", None),
    "detention_recount": (3, "months", "new_serious_offence_found", None),
    "review_application": (1, "months", "decision_served", None),
    "review_decision": (1, "months", "review_applied", None),
    "recheck_decision": (2, "months", "recheck_applied", None),
    "recommendation_followup": (1, "months", "recommendation_issued", None),
}


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DeadlineRules, WorkingDayCalendar]]:
    """The shipped rules and calendar, with SANWANG_HOME on an empty folder so no office file leaks in."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SANWANG_HOME", str(tmp_path_factory.mktemp("home")))
        deadline_rules.cache_clear()
        yield deadline_rules(), load_calendar()
    deadline_rules.cache_clear()


@pytest.fixture
def rules(shipped: tuple[DeadlineRules, WorkingDayCalendar]) -> DeadlineRules:
    return shipped[0]


@pytest.fixture
def cal(shipped: tuple[DeadlineRules, WorkingDayCalendar]) -> WorkingDayCalendar:
    return shipped[1]


def rule(**overrides: object) -> DeadlineRule:
    fields: dict[str, object] = {"name": "r", "zh": "规则", "trigger": "clue_registered", "period": "5 working days"}
    return DeadlineRule.model_validate({**fields, **overrides})


# -- the shipped rules ---------------------------------------------------------------------------------------


def test_shipped_rules_match_the_domain_table(rules: DeadlineRules) -> None:
    assert set(rules.names) == set(EXPECTED)
    for name, (amount, unit, trigger, extension) in EXPECTED.items():
        r = rules.get(name)
        assert (r.period.amount, r.period.unit, r.triggers[0]) == (amount, unit, trigger), name
        if extension is None:
            assert not r.extendable and r.extension is None, name
        else:
            assert r.extendable and r.max_extensions >= 1, name
            assert r.extension is not None and (r.extension.amount, r.extension.unit) == extension, name


def test_real_name_rules_carry_their_condition(rules: DeadlineRules) -> None:
    assert rules.get("reporter_acceptance").condition == Condition(real_name=True)
    assert rules.get("reporter_result").condition == Condition(real_name=True)
    assert rules.get("contact_12337").condition == Condition(real_name=True, channel=("SH",))
    assert rules.get("disposal_opinion").condition is None


@pytest.mark.parametrize("trigger", [date(2004, 3, 1), date(2019, 12, 31), date(2020, 1, 23), date(2024, 9, 27)])
def test_every_rule_computes(rules: DeadlineRules, cal: WorkingDayCalendar, trigger: date) -> None:
    for r in rules.rules:
        due = due_date(r, trigger, cal)
        assert due > trigger and (cal.is_working_day(due) or not r.rest_day_shift), r.name
        warn = warn_from(r, due, cal, trigger)
        assert trigger <= warn <= due, r.name
        if r.extendable:
            assert extended_due(r, due, cal) > due, r.name


def test_unknown_rule_lists_the_known_ones(rules: DeadlineRules) -> None:
    with pytest.raises(ValidationError) as exc:
        rules.get("no_such_rule")
    assert "no_such_rule" in exc.value.en and "no_such_rule" in exc.value.zh
    assert "disposal_opinion" in exc.value.en and "detention" in exc.value.zh
    assert exc.value.field == "rule"


def test_triggered_by(rules: DeadlineRules) -> None:
    facts = {"channel": "SH", "real_name": True, "disposal": None}
    names = {r.name for r in rules.triggered_by("clue_registered", facts)}
    assert names == {"disposal_opinion", "reporter_acceptance", "contact_12337"}
    names = {r.name for r in rules.triggered_by("clue_registered", {**facts, "channel": "XF"})}
    assert names == {"disposal_opinion", "reporter_acceptance"}
    assert {r.name for r in rules.triggered_by("clue_registered", {**facts, "real_name": False})} == {
        "disposal_opinion"
    }
    # the disposal decides which clock starts on approval — configuration, not code
    approved = {**facts, "real_name": False}
    assert [r.name for r in rules.triggered_by("disposal_approved", {**approved, "disposal": "verification"})] == [
        "verification"
    ]
    assert [r.name for r in rules.triggered_by("disposal_approved", {**approved, "disposal": "refer"})] == ["pass_on"]
    assert [r.name for r in rules.triggered_by("disposal_approved", {**approved, "disposal": "hold"})] == [
        "hold_review"
    ]
    assert rules.triggered_by("disposal_approved", {**approved, "disposal": "close"}) == []


# -- due dates -----------------------------------------------------------------------------------------------


def test_due_dates_follow_the_counting_rules(rules: DeadlineRules, cal: WorkingDayCalendar) -> None:
    # registered on the last day of 2019: one month is 31 January 2020, inside the extended Spring Festival
    assert due_date(rules.get("disposal_opinion"), date(2019, 12, 31), cal) == date(2020, 2, 3)
    # detention from 30 November 2019 ends on Saturday 29 February 2020: custody is never lengthened by a
    # rest day (刑事诉讼法第一百零五条)
    assert due_date(rules.get("detention", on=date(2019, 11, 30)), date(2019, 11, 30), cal) == date(2020, 2, 29)
    # 5 calendar days from 27 September 2024 land on 2 October (holiday) → 8 October
    assert due_date(rules.get("police_notify"), date(2024, 9, 27), cal) == date(2024, 10, 8)
    # 3 working days from Friday 27 September 2024: Sun 29 (worked), Mon 30, then Tue 8 October
    assert due_date(rules.get("commission_transfer_gang"), date(2024, 9, 27), cal) == date(2024, 10, 8)
    # 21–23 January, then 3–7, 10–14, 17, 18 February (the festival runs 24 January – 2 February)
    assert due_date(Period(amount=15, unit="working_days"), date(2020, 1, 20), cal) == date(2020, 2, 18)


def test_warn_from(rules: DeadlineRules, cal: WorkingDayCalendar) -> None:
    r = rules.get("inquiry_reply")  # warns 3 working days ahead
    assert warn_from(r, date(2024, 10, 8), cal) == date(2024, 9, 27)  # 30 Sep, 29 Sep (worked), 27 Sep
    # never before the trigger
    assert warn_from(r, date(2024, 10, 8), cal, trigger=date(2024, 9, 30)) == date(2024, 9, 30)
    assert warn_from(rule(warn_working_days=0), date(2024, 10, 8), cal) == date(2024, 10, 8)


def test_extensions(rules: DeadlineRules, cal: WorkingDayCalendar) -> None:
    detention = rules.get("detention", on=date(2023, 11, 30))
    due = due_date(detention, date(2023, 11, 30), cal)
    assert due == date(2024, 2, 29)
    assert extended_due(detention, due, cal) == date(2024, 5, 29)
    with pytest.raises(TransitionRefused, match="at most 1"):
        extended_due(detention, due, cal, times=2)
    with pytest.raises(TransitionRefused, match="cannot be extended"):
        extended_due(rules.get("inquiry_reply"), due, cal)
    verification = rules.get("verification")
    assert extended_due(verification, date(2020, 1, 20), cal) == date(2020, 2, 18)


# -- periods -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("15 working days", 15, "working_days"),
        ("15wd", 15, "working_days"),
        ("15 WD", 15, "working_days"),
        ("1 working day", 1, "working_days"),
        ("15个工作日", 15, "working_days"),
        ("十五个工作日", 15, "working_days"),
        ("30d", 30, "days"),
        ("30 days", 30, "days"),
        ("30日", 30, "days"),
        ("30天", 30, "days"),
        ("三十日", 30, "days"),
        ("1m", 1, "months"),
        ("1 Month", 1, "months"),
        ("3个月", 3, "months"),
        ("两个月", 2, "months"),
        ("二十一天", 21, "days"),
    ],
)
def test_parse_period(text: str, amount: int, unit: str) -> None:
    p = parse_period(text)
    assert (p.amount, p.unit) == (amount, unit)


@pytest.mark.parametrize("text", ["", "15", "0d", "-3d", "1.5m", "15 weeks", "wd", "十十日", "百日"])
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_period(text)
    assert exc.value.field == "period"


def test_period_str() -> None:
    assert str(parse_period("1m")) == "1 month"
    assert str(parse_period("15wd")) == "15 working days"


def test_rule_consistency_is_checked() -> None:
    assert rule(period="3个月").period == Period(amount=3, unit="months")
    with pytest.raises(PydanticValidationError, match="extension period"):
        rule(extendable=True)
    with pytest.raises(PydanticValidationError, match="only allowed when extendable"):
        rule(extension="5wd")
    with pytest.raises(PydanticValidationError, match="cannot read the period"):
        rule(period="soon")
    with pytest.raises(PydanticValidationError):
        rule(on_overdue=["shout"])
    with pytest.raises(PydanticValidationError, match="appears twice"):
        DeadlineRules(rules=[rule(), rule()])


# -- office override -----------------------------------------------------------------------------------------


@pytest.fixture
def office_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "config").mkdir()
    monkeypatch.setenv("SANWANG_HOME", str(tmp_path))
    deadline_rules.cache_clear()
    yield tmp_path / "config"
    deadline_rules.cache_clear()


def test_office_override(office_config: Path) -> None:
    (office_config / "deadlines.yaml").write_text(
        "rules:\n"
        "  - {name: verification, zh: 初核, trigger: verification_approved, period: 30个工作日,\n"
        "     extendable: true, max_extensions: 2, extension: 30wd, on_overdue: [escalate]}\n",
        encoding="utf-8",
    )
    r = deadline_rules().get("verification")
    assert r.period == Period(amount=30, unit="working_days") and r.max_extensions == 2
    assert deadline_rules().names == ["verification"]


def test_bad_office_file_names_the_field(office_config: Path) -> None:
    (office_config / "deadlines.yaml").write_text(
        "rules:\n  - {name: x, zh: 某, trigger: t, period: {amount: 0, unit: days}}\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as exc:
        deadline_rules()
    assert exc.value.field == "rules.0.period.amount"
    assert "config/deadlines.yaml" in exc.value.en


def test_an_older_office_file_keeps_its_meaning(office_config: Path) -> None:
    # the old trigger verification_approved is the approval of a 初步核实 disposal
    (office_config / "deadlines.yaml").write_text(
        "rules:\n  - {name: verification, zh: 初核, trigger: verification_approved, period: 30wd}\n"
        "  - {name: reporter_acceptance, zh: 告知, trigger: clue_registered, condition: real_name, period: 10wd}\n",
        encoding="utf-8",
    )
    rules = deadline_rules()
    assert [r.name for r in rules.triggered_by("disposal_approved", {"disposal": "verification"})] == ["verification"]
    assert rules.triggered_by("disposal_approved", {"disposal": "hold"}) == []
    assert rules.get("reporter_acceptance").condition == Condition(real_name=True)


# -- custody periods (羁押期间): never lengthened by a holiday ---------------------------------------------------


def test_a_detention_ends_on_its_last_day_even_a_holiday(rules: DeadlineRules, cal: WorkingDayCalendar) -> None:
    detention = rules.get("detention", on=date(2024, 7, 1))
    assert not detention.rest_day_shift
    # 1 October 2024 is National Day: the detention ends that day, not on 8 October (刑事诉讼法第一百零五条)
    due = due_date(detention, date(2024, 7, 1), cal)
    assert due == date(2024, 10, 1)
    # the extension counts on from 1 October, and 1 January 2025 (New Year) is its last day
    assert extended_due(detention, due, cal) == date(2025, 1, 1)
    # an ordinary period of months still moves off the holiday
    assert due_date(rules.get("review_decision"), date(2024, 9, 1), cal) == date(2024, 10, 8)


def test_custody_needs_no_holiday_notice(rules: DeadlineRules) -> None:
    # the last day of a custody period is the calendar's, so it is final even for a year with no notice
    strict = load_calendar()
    assert 2031 not in strict.known_years
    assert due_date(rules.get("detention"), date(2031, 1, 31), strict) == date(2031, 4, 30)


def test_working_day_periods_cannot_be_custody() -> None:
    with pytest.raises(PydanticValidationError, match="rest_day_shift"):
        rule(rest_day_shift=False)


# -- rule versions and the measures of the revised Supervision Law ------------------------------------------


def test_a_detention_follows_the_law_in_force_when_decided(rules: DeadlineRules) -> None:
    old, new = measure_rule("detention", date(2024, 7, 1)), measure_rule("detention", date(2026, 3, 2))
    assert [s.period for s in old.extensions] == [Period(amount=3, unit="months")]
    assert old.recount is None and "第四十三条" in (old.basis or "")
    assert [(s.period, s.approval) for s in new.extensions] == [
        (Period(amount=3, unit="months"), "one_level_up"),
        (Period(amount=2, unit="months"), "national"),
    ]
    assert new.recount is not None and new.recount.period == Period(amount=3, unit="months")
    # the last day of the old law and the first of the new
    assert measure_rule("detention", date(2025, 5, 31)) == old
    assert measure_rule("detention", date(2025, 6, 1)) == new


def test_new_measures_exist_only_under_the_revised_law(cal: WorkingDayCalendar) -> None:
    with pytest.raises(TransitionRefused, match="not in force|尚未施行"):
        measure_rule("protective_custody", date(2024, 7, 1))
    guanhu = measure_rule("protective_custody", date(2026, 9, 28))
    assert measure_due(guanhu, date(2026, 9, 28), cal) == date(2026, 10, 5)  # a holiday, and still the last day
    houcha = measure_rule("await_investigation", date(2025, 7, 1))
    assert measure_due(houcha, date(2025, 7, 1), cal) == date(2026, 7, 1) and not houcha.extensions
    with pytest.raises(TransitionRefused, match="unknown measure"):
        measure_rule("verification", date(2026, 1, 5))


def test_further_extension_and_recount(cal: WorkingDayCalendar) -> None:
    rule_ = measure_rule("detention", date(2026, 1, 5))
    due = measure_due(rule_, date(2026, 1, 5), cal)
    assert due == date(2026, 4, 5)
    due = extend_measure(rule_, due, [], cal)
    assert due == date(2026, 7, 5)
    assert next_extension(rule_, ["extend"]).approval == "national"
    due = extend_measure(rule_, due, ["extend"], cal)
    assert due == date(2026, 9, 5)
    with pytest.raises(TransitionRefused, match="at most 2"):
        next_extension(rule_, ["extend", "extend"])
    # a new serious offence found on 1 August 2026: three months again from that day, once only
    assert recount_due(rule_, date(2026, 8, 1), ["extend", "extend"], cal) == date(2026, 11, 1)
    history: list[Step] = ["extend", "extend", "recount"]
    with pytest.raises(TransitionRefused, match="recounted 1"):
        recount_due(rule_, date(2026, 9, 1), history, cal)
    # after the recount the ordinary extension applies again, the further one does not (实施条例第一百三十三条)
    assert next_extension(rule_, history).period == Period(amount=3, unit="months")
    with pytest.raises(TransitionRefused, match="only once"):
        next_extension(rule_, [*history, "extend"])
    assert next_extension(rule_, ["extend", "recount", "extend"]).period == Period(amount=2, unit="months")


def test_versions_must_not_overlap(office_config: Path) -> None:
    (office_config / "deadlines.yaml").write_text(
        "rules:\n"
        "  - {name: detention, zh: 留置, trigger: detention_started, period: 3m, in_force_until: 2025-06-30}\n"
        "  - {name: detention, zh: 留置, trigger: detention_started, period: 3m, in_force_from: 2025-06-01}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="same days"):
        deadline_rules()


# -- conditions: validated, with the line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_yaml", "line", "message"),
    [
        ("{name: x, zh: 某, trigger: clue_registered, period: 5d,\n     condition: {channel: [QQ]}}", 4,
         "unknown channel code 'QQ'"),
        ("{name: x, zh: 某, trigger: clue_registered, period: 5d,\n     condition: {disposal: [fly]}}", 4,
         "unknown disposal method 'fly'"),
        ("{name: x, zh: 某, trigger: clue_registered, period: 5d,\n     condition: {weather: sunny}}", 4, "weather"),
        ("{name: x, zh: 某, trigger: clue_filed, period: 5d}", 3, "unknown trigger event 'clue_filed'"),
        ("{name: x, zh: 某, trigger: gang_case_filed, period: 5d}", 3, "would never start"),
        ("{name: detention, zh: 某, trigger: detention_started, period: 5d, condition: {real_name: true}}", 3,
         "carries no fact 'real_name'"),
    ],
)  # fmt: skip
def test_bad_conditions_are_refused_with_their_line(
    office_config: Path, rule_yaml: str, line: int, message: str
) -> None:
    (office_config / "deadlines.yaml").write_text(
        f"rules:\n  - {{name: ok, zh: 好, trigger: clue_registered, period: 5d}}\n  - {rule_yaml}\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as exc:
        deadline_rules()
    assert message in exc.value.en
    assert exc.value.line == line and f"line {line}" in exc.value.en and f"第{line}行" in exc.value.zh
