"""What every use case needs: the acting user, the business date, and appending history events."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sanwang.domain.errors import NotFound, ValidationError
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor
from sanwang.store.tables import Event, Unit, User


def today() -> date:
    return date.today()


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


def business_day(on: date | None, *, not_before: date | None = None, what: str = "操作日期") -> date:
    """The date an action counts from (业务日期): given, or today; never in the future."""
    day = on or today()
    if day > today():
        raise ValidationError("业务日期不能晚于今天", "the action date cannot be in the future", field=what)
    if not_before and day < not_before:
        raise ValidationError(
            f"业务日期不能早于 {not_before.isoformat()}",
            f"the action date cannot be before {not_before.isoformat()}",
            field=what,
        )
    return day


def actor_for(session: Session, username: str) -> Actor:
    """The acting user (操作人) by username."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFound(f"用户「{username}」不存在或已停用", f"no active user {username!r}")
    roles = frozenset(Role(r) for r in user.roles.split(",") if r)
    return Actor(user_id=user.id, roles=roles, unit_id=user.unit_id, name=user.name)


def unit_by_code(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(f"单位「{code}」不存在", f"no unit with code {code!r}")
    return unit


def record(
    session: Session,
    entity_kind: str,
    entity_id: int,
    action: str,
    *,
    actor: Actor | None,
    day: date,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one history event (操作记录). The only way history is written."""
    session.execute(
        insert(Event).values(
            entity_kind=entity_kind,
            entity_id=entity_id,
            action=action,
            at=now(),
            day=day,
            actor_id=actor.user_id if actor else None,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
        )
    )


def history(session: Session, entity_kind: str, entity_id: int) -> list[dict[str, Any]]:
    """Events of one record, oldest first, with the actor's name."""
    rows = session.execute(
        select(Event, User.name, User.username)
        .outerjoin(User, User.id == Event.actor_id)
        .where(Event.entity_kind == entity_kind, Event.entity_id == entity_id)
        .order_by(Event.id)
    ).all()
    return [
        {
            "action": e.action,
            "day": e.day.isoformat(),
            "at": e.at.isoformat(),
            "actor": username,
            "actor_name": name,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "reason": e.reason,
            "data": e.data,
        }
        for e, name, username in rows
    ]
