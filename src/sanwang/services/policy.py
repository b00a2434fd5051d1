"""The access policy (访问控制): the one place that decides who sees and does what.

- A user sees the clues of their own commission's subtree (本级及下辖); administrators and auditors see all.
- Recusal (回避): a user never sees a clue in which they or a relative they declared (``user_relatives``) are a
  subject, matched by ID number.
- Gang cases (涉黑涉恶案件) are seen by the commission subtree that owns them and the police unit that notified
  them; discipline cases, marks and reviews take the same commission view (``visible_commission_units``).
- The reporter's identity (反映人信息) is shown only to roles that handle reporters, and only on an audited
  read that states its purpose; everyone else sees it masked.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import exists, insert, select, union
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from sanwang.domain.errors import AccessDenied, NotFound, TransitionRefused, ValidationError
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor
from sanwang.services.context import now
from sanwang.services.units import commission_of, subtree_ids
from sanwang.store.tables import AuditEntry, Clue, ClueSubject, GangCase, Transfer, Unit, User, UserRelative

Q = TypeVar("Q", bound=Select[*tuple[Any, ...]])

SEE_ALL = (Role.ADMIN, Role.AUDITOR)
SEE_REPORTER = (Role.INTAKE_CLERK, Role.LEADER, Role.CASE_MANAGER)
COMMISSION_ROLES = (Role.CASE_MANAGER, Role.INVESTIGATOR, Role.LEADER, Role.ADMIN)


# Units whose staff work on clues: a commission and its internal offices. Police, procuratorates, courts,
# regulators and supervision groups exchange transfers with the commission but never read its ledger.
CLUE_UNIT_KINDS = frozenset(
    {"纪委监委", "信访室", "案件监督管理室", "监督检查室", "审查调查室", "审理室", "派驻纪检监察组", "巡察组"}
)


def works_on_clues(session: Session, actor: Actor) -> bool:
    unit = session.get(Unit, actor.unit_id)
    return unit is not None and unit.kind in CLUE_UNIT_KINDS


def visible_unit_ids(session: Session, actor: Actor) -> list[int] | None:
    """Units whose clues the actor may see; None means all, [] none (a user outside the commission)."""
    if actor.has(*SEE_ALL):
        return None
    if not works_on_clues(session, actor):
        return []
    return subtree_ids(session, commission_of(session, actor.unit_id))


def recusal_ids(session: Session, actor: Actor) -> tuple[str, ...]:
    """The ID numbers the actor must recuse from (回避): their own and their declared relatives'."""
    # One query for both: this runs on every clue step and list.
    ids = session.scalars(
        union(
            select(User.id_number).where(User.id == actor.user_id),
            select(UserRelative.id_number).where(UserRelative.user_id == actor.user_id),
        )
    )
    return tuple(sorted({i for i in ids if i}))


def restrict_clues(session: Session, actor: Actor, query: Q) -> Q:
    """Apply visibility and recusal to a query over ``Clue``."""
    units = visible_unit_ids(session, actor)
    if units is not None:
        # `+ 0` keeps planners off the unit index: lists are driven by date or deadline order, not by unit.
        query = query.where((Clue.unit_id + 0).in_(units))
    ids = recusal_ids(session, actor)
    if ids:
        query = query.where(~exists().where(ClueSubject.clue_id == Clue.id, ClueSubject.id_number.in_(ids)))
    return query


def check_clue(session: Session, actor: Actor, clue: Clue) -> None:
    """Refuse access to one clue outside the actor's view or under recusal.

    Decided on the unit paths held in the session's identity map, so a step on a clue costs no extra query
    beyond the recusal check.
    """
    visible = True
    if not actor.has(*SEE_ALL):
        unit = session.get(Unit, clue.unit_id)
        visible = (
            works_on_clues(session, actor)
            and unit is not None
            and unit.path.startswith(commission_of(session, actor.unit_id).path)
        )
    ids = recusal_ids(session, actor) if visible else ()
    if ids:
        visible = not session.scalar(
            select(ClueSubject.id).where(ClueSubject.clue_id == clue.id, ClueSubject.id_number.in_(ids))
        )
    if not visible:
        raise AccessDenied(
            f"无权查看线索 {clue.number}（不在本单位管辖范围内或须回避）",
            f"no access to clue {clue.number} (outside your jurisdiction, or you must recuse)",
        )


# ----------------------------------------------------------------------------- commissions and gang cases


def own_commission_id(session: Session, actor: Actor) -> int | None:
    """The actor's commission, or None for users outside any commission (police)."""
    try:
        return commission_of(session, actor.unit_id).id
    except ValidationError:
        return None


def visible_commission_units(session: Session, actor: Actor) -> list[int] | None:
    """Commission units whose records the actor sees (None: all). Police users see none of them by this route."""
    if actor.has(*SEE_ALL):
        return None
    cid = own_commission_id(session, actor)
    if cid is None:
        return []
    unit = session.get(Unit, cid)
    return subtree_ids(session, unit) if unit is not None else []


def is_above(session: Session, actor: Actor, unit_id: int) -> bool:
    """Whether the actor's commission is strictly above ``unit_id`` in the unit tree (上级)."""
    cid = own_commission_id(session, actor)
    mine, theirs = session.get(Unit, cid) if cid else None, session.get(Unit, unit_id)
    return mine is not None and theirs is not None and mine.id != theirs.id and theirs.path.startswith(mine.path)


def get_gang_case(session: Session, police_number: str) -> GangCase:
    gc = session.scalar(select(GangCase).where(GangCase.police_number == police_number.strip()))
    if gc is None:
        raise NotFound(f"涉黑涉恶案件 {police_number} 不存在", f"no gang case with police number {police_number}")
    return gc


def check_gang_case(session: Session, actor: Actor, gc: GangCase) -> None:
    """The commission subtree that owns it, and the police unit that notified it, may see a gang case."""
    units = visible_commission_units(session, actor)
    if units is None or gc.unit_id in units or (gc.police_unit_id is not None and gc.police_unit_id == actor.unit_id):
        return
    raise AccessDenied(
        f"无权查看涉黑涉恶案件 {gc.police_number}（不在本单位管辖范围内）",
        f"no access to gang case {gc.police_number} (outside your jurisdiction)",
    )


def police_side(actor: Actor, gc: GangCase) -> bool:
    return actor.has(Role.POLICE_LIAISON) and gc.police_unit_id is not None and actor.unit_id == gc.police_unit_id


def check_gang_writer(session: Session, actor: Actor, gc: GangCase, action_zh: str, action: str) -> None:
    check_gang_case(session, actor, gc)
    if not (police_side(actor, gc) or actor.has(*COMMISSION_ROLES)):
        raise TransitionRefused(f"您的角色不能{action_zh}", f"your role cannot {action}")


def is_receiving(session: Session, actor: Actor, t: Transfer) -> bool:
    to_unit = session.get(Unit, t.to_unit_id)
    if to_unit is None:
        return False
    if to_unit.kind == "公安机关":
        return actor.unit_id == to_unit.id
    return own_commission_id(session, actor) == to_unit.id


def may_see_reporter(actor: Actor) -> bool:
    return actor.has(*SEE_REPORTER)


def audit(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_kind: str,
    entity_id: int | None,
    purpose: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Leave an attributable trace of a read, export or print (留痕)."""
    session.execute(
        insert(AuditEntry).values(
            at=now(),
            actor_id=actor.user_id if actor else None,
            action=action,
            entity_kind=entity_kind,
            entity_id=entity_id,
            purpose=purpose,
            data=data,
        )
    )


def mask(text: str | None, keep_head: int = 1, keep_tail: int = 0) -> str | None:
    """Mask a protected value for display: 张** / 5306********1234."""
    if not text:
        return text
    if len(text) <= keep_head + keep_tail:
        return "*" * len(text)
    tail = text[-keep_tail:] if keep_tail else ""
    return text[:keep_head] + "*" * (len(text) - keep_head - keep_tail) + tail
