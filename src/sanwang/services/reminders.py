"""Reminder notices (催办单): overdue deadlines turned into dated, attributable reminders and escalations.

Each overdue deadline whose rule asks for a reminder gets one at most every ``every_days`` days: the reminder
is an event on the record it concerns and ``reminded_on`` on the deadline, so who was reminded of what, and
when, stays in history. Rules that ask for escalation put the item on the supervising leaders' list.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.deadlines import deadline_rules
from sanwang.domain.errors import TransitionRefused
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor
from sanwang.services.context import record
from sanwang.services.marks import list_overdue
from sanwang.store.tables import Clue, Deadline, Unit, User

REMINDER_ROLES = (Role.CASE_MANAGER, Role.LEADER)


def remind(session: Session, *, actor: Actor, as_of: date, every_days: int = 7) -> dict[str, Any]:
    """Issue the reminders due on ``as_of`` for the records the actor may see; returns the 催办单."""
    if not actor.has(*REMINDER_ROLES):
        raise TransitionRefused(
            "发催办单需要案管人员或领导角色", "issuing reminders needs a case-manager or leader role"
        )
    rules = {r.name: r for r in deadline_rules().rules}
    items = []
    for row in list_overdue(session, actor=actor, as_of=as_of):
        dl = session.get(Deadline, row["deadline_id"])  # already in the session: no second query
        if dl is None:
            continue
        rule = rules.get(dl.rule)
        actions = rule.on_overdue if rule else ["overdue_list", "reminder"]
        if "reminder" not in actions and "escalate" not in actions:
            continue
        if dl.reminded_on is not None and dl.reminded_on > as_of - timedelta(days=every_days):
            continue
        escalate = "escalate" in actions
        dl.reminded_on = as_of
        record(
            session,
            dl.entity_kind,
            dl.entity_id,
            "remind",
            actor=actor,
            day=as_of,
            reason=f"{row['rule_zh']}（到期 {row['due_shown']}）已逾期{row['days_overdue']}天",
            data={"rule": dl.rule, "due": dl.due.isoformat(), "escalate": escalate},
        )
        items.append(
            {
                **row,
                "kind_zh": row["entity_kind_zh"],  # every kind of record, transfers and marks too
                "unit": _unit_name(session, dl.unit_id),
                "handler": _handler(session, dl),
                "escalate": escalate,
                "provisional": dl.provisional,
            }
        )
    return {
        "as_of": as_of.isoformat(),
        "reminders": items,
        "escalations": [i for i in items if i["escalate"]],
    }


def _unit_name(session: Session, unit_id: int) -> str:
    unit = session.get(Unit, unit_id)
    return unit.name if unit else ""


def _handler(session: Session, dl: Deadline) -> str | None:
    if dl.entity_kind != "clue":
        return None
    handler_id = session.scalar(select(Clue.handler_id).where(Clue.id == dl.entity_id))
    return session.scalar(select(User.name).where(User.id == handler_id)) if handler_id else None
