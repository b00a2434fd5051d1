"""Recusal (回避): the people a user must stay out of, and how records about them are recognised.

A user recuses from records about themselves and about the relatives they declared (``user_relatives``):

- by ID number — their own and each relative's, on clue subjects, discipline-case subjects and gang members;
- by name and work unit — a relative declared with a unit matches a clue subject recorded *without* an ID number
  under the same name and unit, and a discipline case without one whose subject has that name and whose
  position names that unit (职务 is written as unit + title, 昭阳区自然资源局局长);
- a discipline case opened on a clue the user recuses from is recused too.

Names and units are compared after trimming blanks; another written form of either is not matched (see
docs/security.md). Only :mod:`sanwang.services.policy` calls this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, cast, false, null, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from sanwang.domain.workflow import Actor
from sanwang.store.tables import ClueSubject, DisciplineCase, GangMember, User, UserRelative


@dataclass(frozen=True)
class Recusal:
    """Whom one user recuses from: ID numbers, and (name, unit) pairs for subjects recorded without one."""

    ids: tuple[str, ...] = ()
    names: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.ids or self.names)

    def clue_subject(self) -> ColumnElement[bool]:
        """A ``ClueSubject`` row about someone recused from."""
        by_name = [
            and_(ClueSubject.id_number.is_(None), ClueSubject.name == n, ClueSubject.unit_name == u)
            for n, u in self.names
        ]
        return or_(ClueSubject.id_number.in_(self.ids) if self.ids else false(), *by_name)

    def case(self) -> ColumnElement[bool]:
        """A ``DisciplineCase`` about someone recused from, or opened on a clue recused from."""
        if not self:
            return false()
        by_name = [
            and_(
                DisciplineCase.subject_id_number.is_(None),
                DisciplineCase.subject_name == n,
                DisciplineCase.subject_position.contains(u, autoescape=True),
            )
            for n, u in self.names
        ]
        on_clue = DisciplineCase.clue_id.in_(select(ClueSubject.clue_id).where(self.clue_subject()))
        return or_(DisciplineCase.subject_id_number.in_(self.ids) if self.ids else false(), on_clue, *by_name)

    def gang_member(self) -> ColumnElement[bool]:
        """A ``GangMember`` recused from (members carry no unit: ID numbers only)."""
        return GangMember.id_number.in_(self.ids) if self.ids else false()


def recusal_of(session: Session, actor: Actor) -> Recusal:
    """The actor's recusal, in one query (it runs on every step and list)."""
    rows: Sequence[Any] = session.execute(
        union_all(
            select(User.id_number, User.name, cast(null(), String(200))).where(User.id == actor.user_id),
            select(UserRelative.id_number, UserRelative.name, UserRelative.unit_name).where(
                UserRelative.user_id == actor.user_id
            ),
        )
    ).all()
    ids = tuple(sorted({i for i, _, _ in rows if i}))
    names = tuple(sorted({(n.strip(), u.strip()) for _, n, u in rows if n and u and n.strip() and u.strip()}))
    return Recusal(ids, names)
