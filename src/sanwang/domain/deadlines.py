"""Deadline rules (期限规则) as data, and the due dates they give on the working-day calendar.

Rules ship in ``sanwang/domain/data/deadlines.yaml``; an office overrides them with
``$SANWANG_HOME/config/deadlines.yaml``. Periods read as text: ``15 working days``, ``15wd``, ``30d``, ``1m``,
``3个月``, ``15个工作日``, ``30日``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sanwang.domain.calendar import WorkingDayCalendar
from sanwang.domain.config import load
from sanwang.domain.errors import TransitionRefused, ValidationError

Unit = Literal["working_days", "days", "months"]
OverdueAction = Literal["overdue_list", "reminder", "escalate"]
Condition = Literal["real_name", "real_name_12337"]

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


class DeadlineRule(BaseModel):
    """A deadline rule (期限规则): what starts the clock, the period, and what happens when it passes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    zh: str = Field(min_length=1)
    trigger: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    """The workflow event that starts the clock (起算事件); its day is not counted."""
    period: Period
    condition: Condition | None = None
    """Applies only to some clues: a real-name report (实名举报), or one through the 12337 platform."""
    warn_working_days: int = Field(default=3, ge=0)
    """Working days before the due date from which the deadline shows as nearly due (临期预警)."""
    on_overdue: list[OverdueAction] = []
    extendable: bool = False
    max_extensions: int = Field(default=0, ge=0)
    extension: Period | None = None

    @model_validator(mode="after")
    def _extension_consistent(self) -> DeadlineRule:
        if self.extendable and (self.extension is None or self.max_extensions < 1):
            raise ValueError("an extendable rule needs an extension period and max_extensions ≥ 1")
        if not self.extendable and (self.extension is not None or self.max_extensions):
            raise ValueError("extension and max_extensions are only allowed when extendable is true")
        return self


class DeadlineRules(BaseModel):
    """The set of deadline rules (期限规则表)."""

    model_config = ConfigDict(extra="forbid")

    rules: list[DeadlineRule]

    @model_validator(mode="after")
    def _unique(self) -> DeadlineRules:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.name in seen:
                raise ValueError(f"rule {rule.name!r} appears twice")
            seen.add(rule.name)
        return self

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.rules]

    def get(self, name: str) -> DeadlineRule:
        for rule in self.rules:
            if rule.name == name:
                return rule
        known = ", ".join(self.names)
        raise ValidationError(
            f"未知期限规则 {name}，已有：{known}",
            f"unknown deadline rule {name}; known rules: {known}",
            field="rule",
        )

    def triggered_by(self, trigger: str) -> list[DeadlineRule]:
        """The rules whose clock starts with this event."""
        return [r for r in self.rules if r.trigger == trigger]


def due_date(rule_or_period: DeadlineRule | Period, trigger: date, cal: WorkingDayCalendar) -> date:
    """The due date of a period counted from the trigger day (which is not counted)."""
    period = rule_or_period.period if isinstance(rule_or_period, DeadlineRule) else rule_or_period
    if period.unit == "working_days":
        return cal.add_working_days(trigger, period.amount)
    if period.unit == "days":
        return cal.add_days(trigger, period.amount)
    return cal.add_months(trigger, period.amount)


def warn_from(rule: DeadlineRule, due: date, cal: WorkingDayCalendar, trigger: date | None = None) -> date:
    """The working day ``warn_working_days`` working days before ``due``, but not before ``trigger``."""
    start = due if rule.warn_working_days == 0 else cal.subtract_working_days(due, rule.warn_working_days)
    return max(start, trigger) if trigger is not None else start


def extended_due(rule: DeadlineRule, due: date, cal: WorkingDayCalendar, times: int = 1) -> date:
    """The due date after the ``times``-th extension, each counted on from the previous due date."""
    if not rule.extendable or rule.extension is None:
        raise TransitionRefused(f"期限「{rule.zh}」不可延长", f"the deadline {rule.name} cannot be extended")
    if not 1 <= times <= rule.max_extensions:
        raise TransitionRefused(
            f"期限「{rule.zh}」最多延长 {rule.max_extensions} 次",
            f"the deadline {rule.name} may be extended at most {rule.max_extensions} time(s)",
        )
    for _ in range(times):
        due = due_date(rule.extension, due, cal)
    return due


@cache
def deadline_rules() -> DeadlineRules:
    """The rules for this installation, loaded once (clear with ``deadline_rules.cache_clear()``)."""
    return load(DeadlineRules, "deadlines.yaml")
