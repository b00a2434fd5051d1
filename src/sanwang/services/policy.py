"""The access policy (访问控制): the one place that decides who sees and does what, one check per kind of record.

| record | check (one) | lists |
|---|---|---|
| clue 线索 | ``check_clue`` | ``restrict_clues`` |
| gang case 涉黑涉恶案件 and its tracks | ``check_gang_case`` (``track=``), ``gang_view`` | ``restrict_gang_cases`` |
| discipline case 审查调查案件 | ``check_case`` | ``restrict_cases`` |
| transfer 线索移送 | ``check_transfer`` | ``restrict_transfers`` |
| mark / instruction 督办·批示 | ``check_supervision`` | ``visible_records`` |
| statistics drill-down 数据明细 | ``check_drilldown`` | (the scope it returns) |

- A user sees the clues and cases of their own commission's subtree (本级及下辖); administrators and auditors see
  all. Gang cases are seen by the owning commission's subtree and by the police unit that notified them — the
  police see track 1 (打财断血、侦查起诉) and the transfers, never tracks 2 and 3, the linked discipline cases,
  marks or instructions (``GangView``). Transfers are seen by the units on either side, except by a user who
  recuses from their gang case or their clue.
- Recusal (回避, :mod:`sanwang.services.recusal`) applies to everybody, administrators included.
- A number typed into another record (a clue into a transfer, a case into a track conclusion) is looked up with
  ``find_clue`` / ``find_case``: a record the actor may not see is "not found", word for word.
- Every show and list leaves an audit row (``audit``); ``tests/services/test_policy_coverage.py`` checks from
  the code that every service taking an ``actor`` goes through here.
- The reporter's identity (反映人信息) is shown only to roles that handle reporters, and only on an audited
  read that states its purpose; everyone else sees it masked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import exists, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement, Select

from sanwang.domain.errors import AccessDenied, Hidden, NotFound, TransitionRefused, ValidationError
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor
from sanwang.services.context import now
from sanwang.services.recusal import Recusal, recusal_of
from sanwang.services.units import commission_of, subtree_ids
from sanwang.store.tables import (
    AuditEntry,
    CaseReview,
    Clue,
    ClueSubject,
    DisciplineCase,
    GangCase,
    GangMember,
    Instruction,
    Mark,
    Recommendation,
    Transfer,
    Unit,
)

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
    return recusal_of(session, actor).ids


# -------------------------------------------------------------------------------------------------- clues


def restrict_clues(session: Session, actor: Actor, query: Q) -> Q:
    """Apply visibility and recusal to a query over ``Clue``."""
    units = visible_unit_ids(session, actor)
    if units is not None:
        # `+ 0` keeps planners off the unit index: lists are driven by date or deadline order, not by unit.
        query = query.where((Clue.unit_id + 0).in_(units))
    r = recusal_of(session, actor)
    if r:
        query = query.where(~exists().where(ClueSubject.clue_id == Clue.id, r.clue_subject()))
    return query


def check_clue(session: Session, actor: Actor, clue: Clue) -> None:
    """Refuse access to one clue outside the actor's view or under recusal.

    Decided on the unit paths held in the session's identity map, so a step on a clue costs no extra query
    beyond the recusal check.
    """
    if not _sees_clue(session, actor, clue):
        raise Hidden(f"线索 {clue.number} 不存在", f"no clue numbered {clue.number}")


def _sees_clue(session: Session, actor: Actor, clue: Clue) -> bool:
    if not actor.has(*SEE_ALL):
        unit = session.get(Unit, clue.unit_id)
        if not (
            works_on_clues(session, actor)
            and unit is not None
            and unit.path.startswith(commission_of(session, actor.unit_id).path)
        ):
            return False
    r = recusal_of(session, actor)
    return not (r and session.scalar(select(ClueSubject.id).where(ClueSubject.clue_id == clue.id, r.clue_subject())))


def find_clue(session: Session, actor: Actor, number: str) -> Clue:
    """A clue named inside another record: one the actor may not see is not found, in the same words."""
    clue = session.scalar(select(Clue).where(Clue.number == number.strip()))
    if clue is None or not _sees_clue(session, actor, clue):
        raise NotFound(f"线索 {number} 不存在", f"no clue numbered {number}")
    return clue


# ---------------------------------------------------------------------------------------------- commissions


def own_commission_id(session: Session, actor: Actor) -> int | None:
    """The actor's commission, or None for users outside any commission (police).

    Decided by the kind of the actor's own unit, not by where it hangs in the tree: a police unit entered under
    the commission (``unit add … --kind 公安机关 --parent 530600-JW``) is still outside it, and its liaison must
    not read the commission's side of a gang case or its discipline cases."""
    if not works_on_clues(session, actor):
        return None
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


# --------------------------------------------------------------------------------------- gang cases, tracks

POLICE_TRACKS = frozenset({1})  # 一案三查: the police see the gang-crime track only
ALL_TRACKS = frozenset({1, 2, 3})
# Gang-case events the police side may read: their own notification, stage, members, track 1 and transfers.
POLICE_EVENTS = frozenset(
    {"register", "notified_late", "update_stage", "add_members", "send_transfer", "acknowledge_transfer"}
)


@dataclass(frozen=True)
class GangView:
    """What one actor sees of one gang case: which tracks, and whether the commission side (tracks 2 and 3, the
    linked discipline cases and their subjects, clearance, marks and instructions) — never for the police."""

    tracks: frozenset[int]
    commission: bool


def get_gang_case(session: Session, police_number: str) -> GangCase:
    gc = session.scalar(select(GangCase).where(GangCase.police_number == police_number.strip()))
    if gc is None:
        raise NotFound(f"涉黑涉恶案件 {police_number} 不存在", f"no gang case with police number {police_number}")
    return gc


def gang_view(session: Session, actor: Actor, gc: GangCase) -> GangView | None:
    """The actor's view of a gang case by jurisdiction (None: none); recusal is ``check_gang_case``'s."""
    units = visible_commission_units(session, actor)
    if units is None or gc.unit_id in units:
        return GangView(ALL_TRACKS, commission=True)
    if gc.police_unit_id is not None and gc.police_unit_id == actor.unit_id:
        return GangView(POLICE_TRACKS, commission=False)
    return None


def check_gang_case(session: Session, actor: Actor, gc: GangCase, track: int | None = None) -> GangView:
    """The commission subtree that owns it sees a gang case whole; the police unit that notified it sees track 1
    and the transfers; nobody sees one with a member they recuse from. ``track``: refuse a track not seen."""
    view = gang_view(session, actor, gc)
    r = recusal_of(session, actor)
    member = select(GangMember.id).where(GangMember.gang_case_id == gc.id, r.gang_member())
    if view is not None and r.ids and session.scalar(member):
        view = None
    if view is None:
        raise Hidden(f"涉黑涉恶案件 {gc.police_number} 不存在", f"no gang case with police number {gc.police_number}")
    if track is not None and int(track) not in view.tracks:
        raise AccessDenied(
            f"无权查看涉黑涉恶案件 {gc.police_number} 的第{int(track)}查（由纪委监委办理）",
            f"no access to track {int(track)} of gang case {gc.police_number} (the commission's)",
        )
    return view


def restrict_gang_cases(session: Session, actor: Actor, query: Q, *, commission: bool = False) -> Q:
    """Apply ``check_gang_case`` to a query over ``GangCase``; ``commission``: the commission side only."""
    units = visible_commission_units(session, actor)
    if units is not None:
        own = GangCase.unit_id.in_(units)
        query = query.where(own if commission else or_(own, GangCase.police_unit_id == actor.unit_id))
    r = recusal_of(session, actor)
    if r.ids:
        query = query.where(~exists().where(GangMember.gang_case_id == GangCase.id, r.gang_member()))
    return query


@dataclass(frozen=True)
class HiddenCases:
    """The discipline cases linked to a gang case that one reader may not see (回避): their numbers and subjects,
    left out wherever the gang case names them — its findings and its history, not only its list of cases."""

    numbers: frozenset[str] = frozenset()
    subjects: frozenset[str] = frozenset()

    def scrub(self, finding: dict[str, Any] | None) -> dict[str, Any] | None:
        """A track's finding without the hidden cases and their subjects."""
        if not finding or not (self.numbers or self.subjects):
            return finding
        persons = [p for p in finding.get("persons") or [] if not any(s in str(p) for s in self.subjects)]
        return {**finding, "cases": [c for c in finding.get("cases") or [] if c not in self.numbers],
                "persons": persons}  # fmt: skip


def hidden_cases(session: Session, actor: Actor, gc: GangCase) -> HiddenCases:
    """The linked cases of ``gc`` that ``check_case`` would refuse to the actor."""
    linked = select(DisciplineCase.id).where(DisciplineCase.gang_case_id == gc.id)
    seen = set(session.scalars(restrict_cases(session, actor, linked)))
    rows = session.execute(
        select(DisciplineCase.id, DisciplineCase.number, DisciplineCase.subject_name).where(
            DisciplineCase.gang_case_id == gc.id
        )
    ).all()
    hidden = [(n, s) for i, n, s in rows if i not in seen]
    return HiddenCases(frozenset(n for n, _ in hidden), frozenset(s for _, s in hidden if s))


def gang_events(
    view: GangView, events: Iterable[dict[str, Any]], hidden: HiddenCases | None = None
) -> list[dict[str, Any]]:
    """The history of a gang case as the view allows: the police read their own steps, track 1 and transfers;
    nobody reads the linking or the findings of a case they may not see (``hidden``)."""
    if view.commission:
        if hidden is None or not (hidden.numbers or hidden.subjects):
            return list(events)
        kept = [e for e in events if (e.get("data") or {}).get("case") not in hidden.numbers]
        return [
            {**e, "data": {**e["data"], "finding": hidden.scrub(e["data"]["finding"])}}
            if (e.get("data") or {}).get("finding")
            else e
            for e in kept
        ]
    return [
        e
        for e in events
        if e["action"] in POLICE_EVENTS
        or (e["action"].startswith("track_") and (e.get("data") or {}).get("track") in view.tracks)
    ]


def police_side(actor: Actor, gc: GangCase) -> bool:
    return actor.has(Role.POLICE_LIAISON) and gc.police_unit_id is not None and actor.unit_id == gc.police_unit_id


def check_gang_writer(session: Session, actor: Actor, gc: GangCase, action_zh: str, action: str) -> None:
    check_gang_case(session, actor, gc)
    if not (police_side(actor, gc) or actor.has(*COMMISSION_ROLES)):
        raise TransitionRefused(f"您的角色不能{action_zh}", f"your role cannot {action}")


# ---------------------------------------------------------------------------------------- discipline cases


def restrict_cases(session: Session, actor: Actor, query: Q) -> Q:
    """Apply ``check_case`` to a query over ``DisciplineCase``."""
    units = visible_commission_units(session, actor)
    if units is not None:
        query = query.where(DisciplineCase.unit_id.in_(units))
    r = recusal_of(session, actor)
    if r:
        query = query.where(~r.case())
    return query


def _sees_case(session: Session, actor: Actor, case: DisciplineCase) -> bool:
    units = visible_commission_units(session, actor)
    if units is not None and case.unit_id not in units:
        return False
    r = recusal_of(session, actor)
    return not (r and session.scalar(select(DisciplineCase.id).where(DisciplineCase.id == case.id, r.case())))


def check_case(session: Session, actor: Actor, case: DisciplineCase) -> None:
    """The commission subtree sees its cases; the police never do; nobody sees a case they recuse from (回避)."""
    if not _sees_case(session, actor, case):
        raise Hidden(f"审查调查案件 {case.number} 不存在", f"no discipline case numbered {case.number}")


def find_case(session: Session, actor: Actor, number: str) -> DisciplineCase:
    """A discipline case named inside another record: one the actor may not see is not found, in the same words."""
    case = session.scalar(select(DisciplineCase).where(DisciplineCase.number == number.strip()))
    if case is None or not _sees_case(session, actor, case):
        raise NotFound(f"审查调查案件 {number} 不存在", f"no discipline case numbered {number}")
    return case


# ----------------------------------------------------------------------------------------------- transfers


def restrict_transfers(session: Session, actor: Actor, query: Q) -> Q:
    """Apply ``check_transfer`` to a query over ``Transfer``: the units on either side see it, unless the actor
    recuses from its gang case (a member) or its clue (a subject) — its content names them."""
    units = visible_commission_units(session, actor)
    if units is not None:
        sides = (Transfer.from_unit_id, Transfer.to_unit_id)
        query = query.where(or_(*(c.in_(units) for c in sides), *(c == actor.unit_id for c in sides)))
    r = recusal_of(session, actor)
    if r:
        query = query.where(~recused_transfer(r))
    return query


def recused_transfer(r: Recusal) -> ColumnElement[bool]:
    """A ``Transfer`` on a gang case with a member, or on a clue with a subject, that ``r`` recuses from."""
    on_gang = exists().where(GangMember.gang_case_id == Transfer.gang_case_id, r.gang_member())
    on_clue = exists().where(ClueSubject.clue_id == Transfer.clue_id, r.clue_subject())
    return or_(on_gang, on_clue)


def check_transfer(session: Session, actor: Actor, t: Transfer) -> None:
    """A transfer outside the actor's view is not found (ids are counted: a refusal would confirm one)."""
    q = restrict_transfers(session, actor, select(Transfer.id).where(Transfer.id == t.id))
    if session.scalar(q) is None:
        raise NotFound(f"移送记录 {t.id} 不存在", f"no transfer {t.id}")


def is_receiving(session: Session, actor: Actor, t: Transfer) -> bool:
    to_unit = session.get(Unit, t.to_unit_id)
    if to_unit is None:
        return False
    if to_unit.kind == "公安机关":
        return actor.unit_id == to_unit.id
    return own_commission_id(session, actor) == to_unit.id


# -------------------------------------------------------------------------------- marks and instructions


def check_supervision(session: Session, actor: Actor, entity_kind: str, entity_id: int) -> None:
    """Marks and instructions follow the record they are on, and are the commission's: never the police's."""
    if (entity_kind, entity_id) not in visible_records(session, actor, [(entity_kind, entity_id)], supervision=True):
        raise AccessDenied("无权查看该记录的督办与批示", "no access to the marks and instructions of this record")


def supervision_parents(
    session: Session, instruction_ids: Iterable[int], mark_ids: Iterable[int]
) -> list[tuple[str, int, str, int]]:
    """(kind, id, parent kind, parent id) of instructions and marks: they are seen with the record they are on."""
    out: list[tuple[str, int, str, int]] = []
    for kind, table, wanted in (("instruction", Instruction, set(instruction_ids)), ("mark", Mark, set(mark_ids))):
        if wanted:
            q = select(table.id, table.entity_kind, table.entity_id).where(table.id.in_(wanted))
            out += [(kind, int(i), str(k), int(e)) for i, k, e in session.execute(q)]
    return out


def visible_records(
    session: Session, actor: Actor, keys: Sequence[tuple[str, int]], *, supervision: bool = False
) -> set[tuple[str, int]]:
    """Which (entity kind, id) pairs the actor may see, each decided by its kind's check — for the mixed lists
    (marks, instructions, overdue items). ``supervision``: as the parent of a mark or instruction."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, eid in keys:
        by_kind[kind].add(eid)
    seen: set[tuple[str, int]] = set()

    def ids(kind: str, q: Select[int]) -> None:
        seen.update((kind, i) for i in session.scalars(q))

    if by_kind["clue"]:
        ids("clue", restrict_clues(session, actor, select(Clue.id).where(Clue.id.in_(by_kind["clue"]))))
    if by_kind["gang_case"]:
        q = select(GangCase.id).where(GangCase.id.in_(by_kind["gang_case"]))
        ids("gang_case", restrict_gang_cases(session, actor, q, commission=supervision))
    if by_kind["transfer"]:
        q1 = select(Transfer.id).where(Transfer.id.in_(by_kind["transfer"]))
        ids("transfer", restrict_transfers(session, actor, q1))
    parents: list[tuple[str, int, str, int]] = []  # (kind, id, parent kind, parent id)
    if by_kind["recommendation"]:
        q2 = select(Recommendation.id, Recommendation.case_id).where(Recommendation.id.in_(by_kind["recommendation"]))
        parents += [("recommendation", i, "case", c) for i, c in session.execute(q2)]
    if by_kind["review"]:
        q3 = select(CaseReview.id, CaseReview.case_id).where(CaseReview.id.in_(by_kind["review"]))
        parents += [("review", i, "case", c) for i, c in session.execute(q3)]
    case_ids = by_kind["case"] | {p for _, _, pk, p in parents if pk == "case"}
    if case_ids:
        ids("case", restrict_cases(session, actor, select(DisciplineCase.id).where(DisciplineCase.id.in_(case_ids))))
    supervised = supervision_parents(session, by_kind["instruction"], by_kind["mark"])
    if supervised:
        on = visible_records(session, actor, [(k, e) for _, _, k, e in supervised], supervision=True)
        seen.update((kind, i) for kind, i, pk, p in supervised if (pk, p) in on)
    seen.update((kind, i) for kind, i, pk, p in parents if (pk, p) in seen)
    return seen & set(keys)


# ---------------------------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class DrillScope:
    """What the figures and drill-down lists of one reader may count (统计口径): units (None: all), and the
    clues and discipline cases left out by recusal."""

    units: list[int] | None
    recused_clues: tuple[int, ...]
    recused_cases: tuple[int, ...]
    recused_gang_cases: tuple[int, ...] = ()
    recused_transfers: tuple[int, ...] = ()


def check_drilldown(session: Session, actor: Actor, units: Sequence[int] | None = None) -> DrillScope:
    """The scope of statistics for the actor: the units asked for (``units``, None: all) within their view,
    without the clues and cases they recuse from. Figures and their lists use the same scope, so a figure
    always equals the length of its list."""
    allowed = visible_unit_ids(session, actor)
    scope = allowed if units is None else [u for u in units if allowed is None or u in set(allowed)]
    r = recusal_of(session, actor)
    if not r:
        return DrillScope(scope, (), ())
    clues = tuple(sorted(set(session.scalars(select(ClueSubject.clue_id).where(r.clue_subject())))))
    cases = tuple(sorted(session.scalars(select(DisciplineCase.id).where(r.case()))))
    gangs = tuple(sorted(set(session.scalars(select(GangMember.gang_case_id).where(r.gang_member())))))
    transfers = tuple(sorted(session.scalars(select(Transfer.id).where(recused_transfer(r)))))
    return DrillScope(scope, clues, cases, gangs, transfers)


# -------------------------------------------------------------------------------------- reporters and audit


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
