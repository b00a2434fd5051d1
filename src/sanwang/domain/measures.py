"""Measures that hold a person (留置、管护、责令候查): their periods under the law in force when decided.

The periods, extensions, recount and approval levels are deadline rules in ``deadlines.yaml`` (with the articles
they rest on); a rule may have versions in force on different days, and a measure follows the version in force
on the day it was decided for its whole course — a detention decided in 2024 under the 2018 Supervision Law, one
decided in 2026 under the law as revised on 25 December 2024. Custody periods are never lengthened by a holiday
(``rest_day_shift: false``).

For the services and the CLI::

    rule = measure_rule("detention", decided_on)        # the version in force that day, or a refusal
    due = measure_due(rule, started_on, cal)             # the last day of the measure
    step = next_extension(rule, history)                 # the extension allowed now, with its approval level
    due = extend_measure(rule, due, history, cal)        # its new last day
    due = recount_due(rule, found_on, history, cal)      # 重新计算 from the day a new offence is found

``history`` lists what was done to the measure so far, in order: ``"extend"`` for each extension and
``"recount"`` for each recount.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from sanwang.domain.calendar import WorkingDayCalendar
from sanwang.domain.deadlines import DeadlineRule, ExtensionStep, deadline_rules, due_date, extension_step
from sanwang.domain.errors import TransitionRefused

MEASURES: dict[str, str] = {
    "detention": "留置",
    "protective_custody": "管护",
    "await_investigation": "责令候查",
}
Step = Literal["extend", "recount"]


def measure_rule(name: str, decided_on: date) -> DeadlineRule:
    """The rule of a measure (措施期限规则) in the version in force on the day it was decided; refused, in
    Chinese and English, when the law had no such measure that day (管护 before 1 June 2025)."""
    if name not in MEASURES:
        known = "、".join(f"{zh}({n})" for n, zh in MEASURES.items())
        raise TransitionRefused(f"未知措施「{name}」，可选：{known}", f"unknown measure {name!r}")
    return deadline_rules().get(name, on=decided_on)


def measure_due(rule: DeadlineRule, started_on: date, cal: WorkingDayCalendar) -> date:
    """The last day of the measure (措施期限届满日), the start day not counted."""
    return due_date(rule, started_on, cal)


def _since_recount(history: Sequence[Step]) -> int:
    last = max((i for i, h in enumerate(history) if h == "recount"), default=-1)
    return sum(1 for h in history[last + 1 :] if h == "extend")


def next_extension(rule: DeadlineRule, history: Sequence[Step] = ()) -> ExtensionStep:
    """The extension allowed now (下一次延长), with its period, approval level and basis. After a recount the
    extensions start again, except a step marked ``once`` already used (再延长 only once per measure)."""
    number = _since_recount(history) + 1
    step = extension_step(rule, number)
    if step.once and _used_before(rule, history, number):
        raise TransitionRefused(
            f"「{rule.zh}」的{step.zh}只能适用一次，此前已经适用",
            f"{rule.name}: the step {step.zh} may be used only once and already was",
        )
    return step


def _used_before(rule: DeadlineRule, history: Sequence[Step], number: int) -> bool:
    """Whether step ``number`` was reached in an earlier round (before the last recount)."""
    rounds: list[int] = [0]
    for h in history:
        if h == "recount":
            rounds.append(0)
        else:
            rounds[-1] += 1
    return any(done >= number for done in rounds[:-1])


def extend_measure(rule: DeadlineRule, due: date, history: Sequence[Step], cal: WorkingDayCalendar) -> date:
    """The new last day after the next extension, counted on from ``due`` — the day the period ends, never a
    day moved by a holiday."""
    step = next_extension(rule, history)
    return due_date(step.period, due, cal, shift=rule.rest_day_shift)


def recount_due(rule: DeadlineRule, found_on: date, history: Sequence[Step], cal: WorkingDayCalendar) -> date:
    """The last day after a recount (重新计算), counted from the day the new offence was found; refused when the
    rule has no recount or it was used as often as allowed."""
    rc = rule.recount
    if rc is None:
        raise TransitionRefused(f"「{rule.zh}」不能重新计算期限", f"{rule.name} cannot be recounted")
    if sum(1 for h in history if h == "recount") >= rc.max_times:
        raise TransitionRefused(
            f"「{rule.zh}」重新计算以 {rc.max_times} 次为限，已经用过",
            f"{rule.name} may be recounted {rc.max_times} time(s) only",
        )
    return due_date(rc.period, found_on, cal, shift=rule.rest_day_shift)
