"""Deadline rules (期限规则) as data, and the due dates they give on the working-day calendar.

Rules ship in ``sanwang/domain/data/deadlines.yaml``; an office overrides them with
``$SANWANG_HOME/config/deadlines.yaml``. Periods read as text: ``15 working days``, ``15wd``, ``30d``, ``1m``,
``3个月``, ``15个工作日``, ``30日``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sanwang.domain.calendar import WorkingDayCalendar
from sanwang.domain.config import load
from sanwang.domain.deadline_events import Condition, check_trigger
from sanwang.domain.errors import TransitionRefused, ValidationError

Unit = Literal["working_days", "days", "months"]
OverdueAction = Literal["overdue_list", "reminder", "escalate"]

_UNIT_WORDS: dict[str, Unit] = {
    "wd": "working_days",
    "working day": "working_days",
    "working days": "working_days",
    "workday": "working_days",
    "workdays": "working_days",
    "个工作日": "working_days",
    "工作日": "working_days",
    "d": "days",
    "day": "days",
    "days": "days",
    "日": "days",
    "天": "days",
    "个自然日": "days",
    "自然日": "days",
    "m": "months",
    "month": "months",
    "months": "months",
    "个月": "months",
    "月": "months",
}
_PERIOD = re.compile(r"^\s*(?P<amount>\d+|[零〇一二两三四五六七八九十]+)\s*(?P<unit>[^\d\s].*?)\s*$")
_CN_DIGITS = {
    ch: v for v, chars in enumerate(["零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"]) for ch in chars
}


def _cn_number(text: str) -> int | None:
    """A Chinese numeral below 100 (三, 十五, 三十, 二十一), or None."""
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, sep, ones = text.partition("十")
    if not sep or len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


class Period(BaseModel):
    """A period (期限): an amount of working days, calendar days or months."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount: int = Field(gt=0)
    unit: Unit

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                p = parse_period(value)
            except ValidationError as exc:
                raise ValueError(exc.reason_en) from None
            return {"amount": p.amount, "unit": p.unit}
        return value

    def __str__(self) -> str:
        word = self.unit.replace("_", " ")
        return f"{self.amount} {word[:-1] if self.amount == 1 else word}"


def parse_period(text: str) -> Period:
    """Read a period: ``15 working days``/``15wd``, ``30d``, ``1m``, ``3个月``, ``15个工作日``, ``30日``."""
    amount: int | None = None
    unit: Unit | None = None
    m = _PERIOD.match(text)
    if m:
        digits = m.group("amount")
        amount = int(digits) if digits.isdigit() else _cn_number(digits)
        unit = _UNIT_WORDS.get(re.sub(r"\s+", " ", m.group("unit").lower()))
    if not amount or unit is None:
        raise ValidationError(
            f"无法识别的期限「{text}」，应如「15个工作日」「30日」「1个月」",
            f"cannot read the period {text!r}; write e.g. '15 working days', '30 days', '1 month'",
            field="period",
        )
    return Period(amount=amount, unit=unit)


Approval = Literal["own", "one_level_up", "national"]
APPROVAL_ZH: dict[str, str] = {
    "own": "本机关集体研究决定",
    "one_level_up": "报上一级监察机关批准",
    "national": "报国家监察委员会批准或者决定",
}


class ExtensionStep(BaseModel):
    """One extension a rule allows (延长), in order: its period, who approves it, and where the law says so."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period: Period
    zh: str = "延长"
    approval: Approval | None = None
    """Who approves (审批层级): own commission, one level up, or the National Supervisory Commission."""
    requires: str | None = None
    """The legal condition in words (适用条件), for the approver to check; the program does not judge it."""
    basis: str | None = None
    """The article it rests on (法律依据)."""
    once: bool = False
    """May be used once for the whole measure, even after a recount (重新计算后不得再次适用)."""


class Recount(BaseModel):
    """A recount (重新计算): the period starts again from the day a new serious offence is found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period: Period
    zh: str = "重新计算"
    approval: Approval | None = None
    requires: str | None = None
    basis: str | None = None
    max_times: int = Field(default=1, ge=1)


# Events older files named, now one event with a condition on the disposal.
_LEGACY_TRIGGERS: dict[Any, list[str]] = {
    "inquiry_sent": ["talk_inquiry"],
    "verification_approved": ["verification"],
    "pass_on_decided": ["pass_down", "assign_down", "refer"],
}


class DeadlineRule(BaseModel):
    """A deadline rule (期限规则): what starts the clock, the period, and what happens when it passes.

    A rule may come in versions (规则版本) with the dates they are in force, when the law changes: the version
    in force on the day the clock starts (or the measure is decided) applies for the whole period.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str = Field(min_length=1)
    trigger: str | tuple[str, ...]
    """The event(s) that start the clock (起算事件); the event's day is not counted."""
    period: Period
    condition: Condition | None = None
    """Applies only when the event's facts match (适用条件), e.g. ``{channel: [SH], real_name: true}``."""
    warn_working_days: int = Field(default=3, ge=0)
    """Working days before the due date from which the deadline shows as nearly due (临期预警)."""
    on_overdue: list[OverdueAction] = []
    rest_day_shift: bool = True
    """Whether a period of days or months ending on a rest day moves to the next working day. ``false`` for
    custody periods (羁押期间: 留置, 管护, 责令候查), which are never lengthened by a holiday."""
    in_force_from: date | None = None
    in_force_until: date | None = None
    """The days this version is in force (施行期间), both included; open when missing."""
    basis: str | None = None
    """The articles the rule rests on (法律依据)."""
    approval: Approval | None = None
    """Who approves the measure itself (决定的审批层级), for measures."""
    extensions: tuple[ExtensionStep, ...] = ()
    """The extensions allowed, in order (延长). ``extension: 3 months`` with ``max_extensions: N`` is short
    for N equal steps."""
    recount: Recount | None = None

    @model_validator(mode="before")
    @classmethod
    def _extension_shorthand(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        legacy = {k: data.pop(k) for k in ("extendable", "max_extensions", "extension") if k in data}
        if legacy and "extensions" in data:
            raise ValueError("write either extensions (a list of steps) or extension with max_extensions")
        extendable, extension = legacy.get("extendable"), legacy.get("extension")
        times = int(legacy.get("max_extensions") or 0)
        if extendable and (extension is None or times < 1):
            raise ValueError("an extendable rule needs an extension period and max_extensions ≥ 1")
        if not extendable and (extension is not None or times):
            raise ValueError("extension and max_extensions are only allowed when extendable is true")
        if extendable:
            data["extensions"] = [{"period": extension}] * times
        if isinstance(data.get("trigger"), list):
            data["trigger"] = tuple(data["trigger"])
        legacy_trigger = _LEGACY_TRIGGERS.get(data.get("trigger"))
        if legacy_trigger is not None:  # an older office file: the event it meant, and the disposal it named
            data["trigger"] = "disposal_approved"
            cond = data.get("condition")
            data["condition"] = {**(cond if isinstance(cond, dict) else {}), "disposal": legacy_trigger}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> DeadlineRule:
        check_trigger(self.name, self.triggers, self.condition)
        if not self.rest_day_shift and self.period.unit == "working_days":
            raise ValueError(
                "rest_day_shift: false is for periods of days or months; working days never end on a rest day"
            )
        if self.in_force_from and self.in_force_until and self.in_force_until < self.in_force_from:
            raise ValueError("in_force_until is before in_force_from")
        return self

    @property
    def triggers(self) -> tuple[str, ...]:
        return (self.trigger,) if isinstance(self.trigger, str) else self.trigger

    @property
    def extendable(self) -> bool:
        return bool(self.extensions)

    @property
    def max_extensions(self) -> int:
        return len(self.extensions)

    @property
    def extension(self) -> Period | None:
        """The first extension's period (for rules with one kind of extension)."""
        return self.extensions[0].period if self.extensions else None

    def in_force(self, on: date) -> bool:
        """Whether this version is in force on ``on`` (施行期间内)."""
        return (self.in_force_from is None or self.in_force_from <= on) and (
            self.in_force_until is None or on <= self.in_force_until
        )

    @property
    def since(self) -> date:
        return self.in_force_from or date.min


class DeadlineRules(BaseModel):
    """The set of deadline rules (期限规则表); a name may appear once per version, in force on separate days."""

    model_config = ConfigDict(extra="forbid")

    rules: list[DeadlineRule]

    @model_validator(mode="after")
    def _versions_do_not_overlap(self) -> DeadlineRules:
        by_name: dict[str, list[DeadlineRule]] = {}
        for rule in self.rules:
            by_name.setdefault(rule.name, []).append(rule)
        for name, versions in by_name.items():
            versions.sort(key=lambda r: r.since)
            for a, b in itertools.pairwise(versions):
                if a.in_force_until is None or b.in_force_from is None or a.in_force_until >= b.in_force_from:
                    what = "appears twice" if len(versions) == 2 and not (a.in_force_until or b.in_force_from) else ""
                    raise ValueError(
                        f"rule {name!r} {what or 'has versions in force on the same days'}: give each version "
                        "in_force_from / in_force_until that do not overlap"
                    )
        return self

    @property
    def names(self) -> list[str]:
        return list(dict.fromkeys(r.name for r in self.rules))

    def versions(self, name: str) -> list[DeadlineRule]:
        """Every version of a rule, oldest first."""
        return sorted((r for r in self.rules if r.name == name), key=lambda r: r.since)

    def get(self, name: str, on: date | None = None) -> DeadlineRule:
        """The version of a rule in force on ``on`` (without a day: the latest version)."""
        versions = self.versions(name)
        if not versions:
            known = ", ".join(self.names)
            raise ValidationError(
                f"未知期限规则 {name}，已有：{known}",
                f"unknown deadline rule {name}; known rules: {known}",
                field="rule",
            )
        if on is None:
            return versions[-1]
        for r in versions:
            if r.in_force(on):
                return r
        spans = "；".join(f"{r.in_force_from or '…'} 至 {r.in_force_until or '…'}" for r in versions)
        raise TransitionRefused(
            f"{on} 时期限规则「{versions[0].zh}」尚未施行或已废止（施行期间：{spans}）",
            f"no version of the deadline rule {name} is in force on {on} (in force: {spans})",
        )

    def triggered_by(
        self, event: str, context: Mapping[str, Any] | None = None, on: date | None = None
    ) -> list[DeadlineRule]:
        """The rules this event starts (由该事件起算的期限): trigger matches, condition holds for the event's
        facts (rules with a condition need ``context``), and — given ``on`` — in force that day."""
        return [
            r
            for r in self.rules
            if event in r.triggers
            and (on is None or r.in_force(on))
            and (r.condition is None or (context is not None and r.condition.holds(context)))
        ]


def due_date(
    rule_or_period: DeadlineRule | Period, trigger: date, cal: WorkingDayCalendar, *, shift: bool | None = None
) -> date:
    """The due date of a period counted from the trigger day (which is not counted). A rule's own
    ``rest_day_shift`` decides whether an end on a rest day moves; a bare period moves unless ``shift=False``."""
    if isinstance(rule_or_period, DeadlineRule):
        period, move = rule_or_period.period, rule_or_period.rest_day_shift
    else:
        period, move = rule_or_period, True
    move = move if shift is None else shift
    if period.unit == "working_days":
        return cal.add_working_days(trigger, period.amount)
    if period.unit == "days":
        return cal.add_days(trigger, period.amount, shift=move)
    return cal.add_months(trigger, period.amount, shift=move)


def warn_from(rule: DeadlineRule, due: date, cal: WorkingDayCalendar, trigger: date | None = None) -> date:
    """The working day ``warn_working_days`` working days before ``due``, but not before ``trigger``."""
    start = due if rule.warn_working_days == 0 else cal.subtract_working_days(due, rule.warn_working_days)
    return max(start, trigger) if trigger is not None else start


def extension_step(rule: DeadlineRule, number: int) -> ExtensionStep:
    """The ``number``-th extension (1-based) a rule allows, or the bilingual refusal."""
    if not rule.extensions:
        raise TransitionRefused(f"期限「{rule.zh}」不可延长", f"the deadline {rule.name} cannot be extended")
    if not 1 <= number <= rule.max_extensions:
        raise TransitionRefused(
            f"期限「{rule.zh}」最多延长 {rule.max_extensions} 次",
            f"the deadline {rule.name} may be extended at most {rule.max_extensions} time(s)",
        )
    return rule.extensions[number - 1]


def extended_due(rule: DeadlineRule, due: date, cal: WorkingDayCalendar, times: int = 1, *, done: int = 0) -> date:
    """The due date after ``times`` more extensions, after ``done`` already taken, each counted on from the
    previous due date. A custody period's due date was never moved by a holiday, so an extension counts from
    the day the period really ends."""
    extension_step(rule, done + times)  # refuses beyond the last step
    for k in range(done + 1, done + times + 1):
        due = due_date(extension_step(rule, k).period, due, cal, shift=rule.rest_day_shift)
    return due


@cache
def deadline_rules() -> DeadlineRules:
    """The rules for this installation, loaded once (clear with ``deadline_rules.cache_clear()``)."""
    return load(DeadlineRules, "deadlines.yaml")
