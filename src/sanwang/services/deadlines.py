"""Deadlines on records (期限管理): started by workflow events, met by later ones, listed when overdue."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from sanwang.domain.calendar import WorkingDayCalendar, default_calendar
from sanwang.domain.deadlines import deadline_rules, due_date, extended_due, extension_step, warn_from
from sanwang.domain.errors import CalendarRangeError, NotFound
from sanwang.domain.marks import RECORD_KIND_ZH
from sanwang.domain.workflow import Actor
from sanwang.services.context import record
from sanwang.store.db import bulk_insert
from sanwang.store.tables import Deadline, table_of

# Deadlines the program sets outside deadlines.yaml (督办 reports, 批示, 留置 notices): their Chinese names.
EXTRA_RULE_ZH = {
    "progress_report": "重点督办定期报告进展",
    "instruction": "落实领导批示",
    "family_notice": "留置后通知家属",
}


def rule_zh(name: str) -> str:
    """The Chinese name of a deadline rule (期限名称), or the name itself for a rule no longer configured."""
    return next((r.zh for r in deadline_rules().rules if r.name == name), None) or EXTRA_RULE_ZH.get(name, name)


def entity_zh(kind: str) -> str:
    """The Chinese name of the record a deadline runs on (对象类型)."""
    return RECORD_KIND_ZH.get(kind, kind)


PROVISIONAL_MARK = "（暂定）"


def shown_due(due: date | None, provisional: bool) -> str | None:
    """A due date as people read it (到期日): ISO, marked （暂定） when counted without the year's holiday
    notice — in every list, view, reminder and export, not only in --json."""
    if due is None:
        return None
    return due.isoformat() + (PROVISIONAL_MARK if provisional else "")


T = TypeVar("T")


def counted(fn: Callable[[WorkingDayCalendar], T]) -> tuple[T, bool]:
    """Count on the configured calendar; where a year's holiday notice is missing, count provisionally
    (Mon–Fri) and say so — never refuse the work, never pass a guess off as final."""
    cal = default_calendar()
    try:
        return fn(cal), False
    except CalendarRangeError:
        return fn(cal.provisional()), True


def compute(rule_name: str, trigger: date) -> tuple[date, date, bool]:
    """(due, warn_from, provisional) for a rule started on ``trigger``, in the version in force that day."""
    rule = deadline_rules().get(rule_name, on=trigger)

    def both(cal: WorkingDayCalendar) -> tuple[date, date]:
        due = due_date(rule, trigger, cal)
        return due, warn_from(rule, due, cal, trigger)

    (due, warn), provisional = counted(both)
    return due, warn, provisional


def row(entity_kind: str, entity_id: int, unit_id: int, rule_name: str, trigger: date) -> dict[str, Any]:
    due, warn, provisional = compute(rule_name, trigger)
    return {
        "entity_kind": entity_kind,
        "entity_id": entity_id,
        "unit_id": unit_id,
        "rule": rule_name,
        "trigger_on": trigger,
        "due": due,
        "warn_from": warn,
        "extensions": 0,
        "provisional": provisional,
    }


def recompute_provisional(session: Session) -> int:
    """Recompute open provisional deadlines that the configured calendar can now count (after an office adds
    next year's notice). Returns how many became final."""
    fixed = 0
    rules = set(deadline_rules().names)
    for dl in session.scalars(select(Deadline).where(Deadline.provisional.is_(True), Deadline.met_on.is_(None))):
        if dl.rule not in rules or dl.extensions:
            continue
        due, warn, provisional = compute(dl.rule, dl.trigger_on)
        if not provisional:
            dl.due, dl.warn_from, dl.provisional = due, warn, False
            fixed += 1
    return fixed


def start(
    session: Session, entity_kind: str, entity_id: int, unit_id: int, rules: Iterable[str], trigger: date
) -> None:
    rows = [row(entity_kind, entity_id, unit_id, r, trigger) for r in rules]
    if rows:
        bulk_insert(session, table_of(Deadline), rows)


def started_by(events: Iterable[str], context: Mapping[str, Any], on: date) -> list[str]:
    """The rules these events start (起算), as deadlines.yaml says: trigger matches, condition holds on the
    event's facts, version in force on the day. The one place that decides which clock starts."""
    rules = deadline_rules()
    return list(dict.fromkeys(r.name for e in events for r in rules.triggered_by(e, context, on)))


def event_rows(
    entity_kind: str, entity_id: int, unit_id: int, events: Iterable[str], context: Mapping[str, Any], on: date
) -> list[dict[str, Any]]:
    """Deadline rows for the rules these events start (for bulk registration)."""
    return [row(entity_kind, entity_id, unit_id, r, on) for r in started_by(events, context, on)]


def start_on_events(
    session: Session,
    entity_kind: str,
    entity_id: int,
    unit_id: int,
    events: Iterable[str],
    context: Mapping[str, Any],
    on: date,
) -> None:
    """Start the deadlines the events start (see :func:`started_by`). A rule already running on the record is not
    started a second time: one clock per rule and record (a second 函询回复 must not double the deadline)."""
    running = {d.rule for d in open_deadlines(session, entity_kind, entity_id) if d.met_on is None}
    rows = [r for r in event_rows(entity_kind, entity_id, unit_id, events, context, on) if r["rule"] not in running]
    if rows:
        bulk_insert(session, table_of(Deadline), rows)


def meet(session: Session, entity_kind: str, entity_id: int, rules: Sequence[str], on: date) -> None:
    """Mark the open deadlines of these rules as met (已办)."""
    if rules:
        session.execute(
            update(Deadline)
            .where(
                Deadline.entity_kind == entity_kind,
                Deadline.entity_id == entity_id,
                Deadline.rule.in_(rules),
                Deadline.met_on.is_(None),
            )
            .values(met_on=on)
        )


def extend(
    session: Session, entity_kind: str, entity_id: int, rule_name: str, *, actor: Actor, on: date, reason: str
) -> date:
    """Extend an open deadline once more, as its rule allows (延期, approved by a leader)."""
    dl = session.scalar(
        select(Deadline).where(
            Deadline.entity_kind == entity_kind,
            Deadline.entity_id == entity_id,
            Deadline.rule == rule_name,
            Deadline.met_on.is_(None),
        )
    )
    if dl is None:
        raise NotFound(f"没有未完成的期限「{rule_name}」", f"no open deadline {rule_name}")
    rule = deadline_rules().get(rule_name, on=dl.trigger_on)
    extension_step(rule, dl.extensions + 1)  # refuses, in both languages, beyond the last extension
    old, done = dl.due, dl.extensions
    (new_due, warn), provisional = counted(
        lambda cal: (d := extended_due(rule, old, cal, 1, done=done), warn_from(rule, d, cal, dl.trigger_on))
    )
    dl.due, dl.warn_from, dl.extensions = new_due, warn, dl.extensions + 1
    dl.provisional = dl.provisional or provisional
    record(
        session,
        entity_kind,
        entity_id,
        "extend_deadline",
        actor=actor,
        day=on,
        reason=reason,
        data={"rule": rule_name, "old_due": old.isoformat(), "new_due": new_due.isoformat()},
    )
    return new_due


def open_deadlines(session: Session, entity_kind: str, entity_id: int) -> list[Deadline]:
    return list(
        session.scalars(
            select(Deadline)
            .where(Deadline.entity_kind == entity_kind, Deadline.entity_id == entity_id)
            .order_by(Deadline.due)
        )
    )


def due_of(session: Session, entity_kind: str, entity_id: int, rule: str) -> date | None:
    """The due date of a record's latest deadline under ``rule`` (met or not), or None."""
    return session.scalar(
        select(Deadline.due)
        .where(Deadline.entity_kind == entity_kind, Deadline.entity_id == entity_id, Deadline.rule == rule)
        .order_by(Deadline.id.desc())
        .limit(1)
    )


def overdue_query(as_of: date, unit_ids: Sequence[int] | None = None, *, warning: bool = False) -> Any:
    """Open deadlines past due on ``as_of`` (or, with ``warning``, inside their warning window)."""
    cond = Deadline.due < as_of if not warning else and_(Deadline.warn_from <= as_of, Deadline.due >= as_of)
    q = select(Deadline).where(Deadline.met_on.is_(None), cond)
    if unit_ids is not None:
        q = q.where(Deadline.unit_id.in_(unit_ids))
    return q.order_by(Deadline.due, Deadline.id)
