"""Supervision marks and leaders' instructions (督办标记与领导批示) on clues, gang cases and discipline cases.

- Marks: 提级办理, 直查直办, 重点督办, 挂牌督办, 领导包案, 指定管辖 — set and cleared only by leaders, each with who,
  when and why. 重点督办 needs periodic progress reports: a ``progress_report`` deadline on the mark, met by each
  ``report_progress`` and started again from it.
- Instructions (批示): a leader's text, required actions and due date. The due date is a deadline row
  (entity ``instruction``, rule ``instruction``) so overdue instructions appear in every overdue listing.

``progress_report`` and ``instruction`` (and ``family_notice`` on detentions) are not rules of deadlines.yaml:
their due dates are given or configured per record, so the rows are written here directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sanwang.domain.deadlines import due_date, parse_period
from sanwang.domain.errors import NotFound, TransitionRefused, ValidationError
from sanwang.domain.marks import (
    MARK_ZH,
    MarkKind,
    check_clear_mark,
    check_complete_instruction,
    check_instruction,
    check_mark,
    check_progress_report,
    entity_kind,
    mark_kind,
    record_kind,
)
from sanwang.domain.transfers import TRANSFER_DIRECTIONS
from sanwang.domain.workflow import Actor
from sanwang.services import deadlines
from sanwang.services.cases import get_case
from sanwang.services.clues import get_clue
from sanwang.services.context import actor_for, business_day, record, unit_by_code
from sanwang.services.policy import (
    audit,
    check_case,
    check_clue,
    check_gang_case,
    check_supervision,
    get_gang_case,
    is_above,
    supervision_parents,
    visible_commission_units,
    visible_records,
)
from sanwang.store.tables import (
    CaseReview,
    Clue,
    Deadline,
    DisciplineCase,
    Event,
    GangCase,
    Instruction,
    Mark,
    Recommendation,
    Transfer,
    Unit,
    User,
)

PROGRESS_RULE = "progress_report"
INSTRUCTION_RULE = "instruction"


@dataclass(frozen=True)
class Target:
    """The record a mark or instruction is on."""

    kind: str
    id: int
    number: str
    unit_id: int
    since: date  # the earliest day an action on it can bear


def target(session: Session, actor: Actor, kind: str, number: str) -> Target:
    """Find a clue / gang case / discipline case by its number, refusing one the actor may not see."""
    kind = entity_kind(kind)
    if kind == "clue":
        clue = get_clue(session, number)
        check_clue(session, actor, clue)
        t = Target(kind, clue.id, clue.number, clue.unit_id, clue.received)
    elif kind == "gang_case":
        gc = get_gang_case(session, number)
        check_gang_case(session, actor, gc)
        t = Target(kind, gc.id, gc.police_number, gc.unit_id, gc.filed_on)
    else:
        case = get_case(session, number)
        check_case(session, actor, case)
        t = Target(kind, case.id, case.number, case.unit_id, case.opened_on)
    check_supervision(session, actor, t.kind, t.id)  # marks and instructions are the commission's
    return t


def _active(session: Session, t: Target) -> list[Mark]:
    return list(
        session.scalars(
            select(Mark)
            .where(Mark.entity_kind == t.kind, Mark.entity_id == t.id, Mark.cleared_on.is_(None))
            .order_by(Mark.id)
        )
    )


def _deadline_row(kind: str, entity_id: int, unit_id: int, rule: str, trigger: date, due: date) -> dict[str, Any]:
    back, provisional = deadlines.counted(lambda cal: cal.subtract_working_days(due, 3))
    warn = max(back, trigger) if due > trigger else due
    return {
        "entity_kind": kind,
        "entity_id": entity_id,
        "unit_id": unit_id,
        "rule": rule,
        "trigger_on": trigger,
        "due": due,
        "warn_from": warn,
        "extensions": 0,
        "provisional": provisional,
    }


# ---------------------------------------------------------------------------------------------------- marks


def set_mark(
    session: Session,
    *,
    actor: Actor,
    entity_kind: str,
    number: str,
    kind: str,
    reason: str,
    on: date | None = None,
    owner: str | None = None,
    target_unit: str | None = None,
    report_every: str = "1个月",
) -> Mark:
    """Set a supervision mark. 领导包案 names a leader ``owner``; 指定管辖 a ``target_unit`` (code); 重点督办 starts a
    progress-report deadline every ``report_every`` (e.g. ``1个月``, ``15个工作日``)."""
    t = target(session, actor, entity_kind, number)
    mk = mark_kind(kind)
    day = business_day(on, not_before=t.since)
    owner_actor = actor_for(session, owner) if owner else None
    unit = unit_by_code(session, target_unit) if target_unit else None
    if unit is not None and unit.kind != "纪委监委":
        raise ValidationError(f"「{unit.name}」不是纪委监委", f"{unit.code} is not a commission", field="target_unit")
    check_mark(
        actor,
        mk,
        reason=reason,
        active=[m.kind for m in _active(session, t)],
        actor_above=is_above(session, actor, t.unit_id),
        owner=owner_actor,
        target_unit_id=unit.id if unit else None,
        entity_unit_id=t.unit_id,
    )
    period = parse_period(report_every) if mk is MarkKind.PRIORITY else None
    m = Mark(
        entity_kind=t.kind,
        entity_id=t.id,
        kind=mk.value,
        set_by=actor.user_id,
        set_on=day,
        reason=reason.strip(),
        owner_id=owner_actor.user_id if owner_actor else None,
        target_unit_id=unit.id if unit else None,
    )
    session.add(m)
    session.flush()
    data: dict[str, Any] = {"mark": m.id, "kind": mk.value, "kind_zh": mk.zh}
    if owner_actor:
        data["owner"] = owner
    if unit:
        data["target_unit"] = unit.code
    if period is not None:
        due, _ = deadlines.counted(lambda cal: due_date(period, day, cal))
        session.execute(insert(Deadline), [_deadline_row("mark", m.id, t.unit_id, PROGRESS_RULE, day, due)])
        data.update({"report_every": str(period), "next_report_due": due.isoformat()})
    record(session, t.kind, t.id, "set_mark", actor=actor, day=day, reason=m.reason, data=data)
    return m


def clear_mark(
    session: Session, *, actor: Actor, entity_kind: str, number: str, kind: str, reason: str, on: date | None = None
) -> Mark:
    """Clear (撤销) an active mark; the mark row and its history stay."""
    t = target(session, actor, entity_kind, number)
    mk = mark_kind(kind)
    active = _active(session, t)
    check_clear_mark(actor, mk, active=[m.kind for m in active], reason=reason)
    if mk.value in ("escalated", "direct") and not is_above(session, actor, t.unit_id):
        raise TransitionRefused(
            f"「{mk.zh}」只能由上级纪委监委的领导撤销", f"only a leader of a commission above can clear {mk.value}"
        )
    m = next(m for m in active if m.kind == mk.value)
    day = business_day(on, not_before=m.set_on)
    m.cleared_on = day
    deadlines.meet(session, "mark", m.id, [PROGRESS_RULE], day)
    record(
        session,
        t.kind,
        t.id,
        "clear_mark",
        actor=actor,
        day=day,
        reason=reason.strip(),
        data={"mark": m.id, "kind": mk.value},
    )
    return m


def report_progress(
    session: Session, *, actor: Actor, entity_kind: str, number: str, text: str, on: date | None = None
) -> date:
    """A progress report on a record under 重点督办; returns when the next one is due."""
    t = target(session, actor, entity_kind, number)
    active = _active(session, t)
    check_progress_report(actor, active=[m.kind for m in active], text=text)
    m = next(m for m in active if m.kind == MarkKind.PRIORITY.value)
    day = business_day(on, not_before=m.set_on)
    current = session.scalar(
        select(Deadline).where(
            Deadline.entity_kind == "mark",
            Deadline.entity_id == m.id,
            Deadline.rule == PROGRESS_RULE,
            Deadline.met_on.is_(None),
        )
    )
    deadlines.meet(session, "mark", m.id, [PROGRESS_RULE], day)
    period = parse_period(_period_text(session, t, m.id))
    next_due, _ = deadlines.counted(lambda cal: due_date(period, day, cal))
    session.execute(insert(Deadline), [_deadline_row("mark", m.id, t.unit_id, PROGRESS_RULE, day, next_due)])
    late = current is not None and day > current.due
    record(
        session,
        t.kind,
        t.id,
        "report_progress",
        actor=actor,
        day=day,
        reason=text.strip(),
        data={"mark": m.id, "late": late, "next_report_due": next_due.isoformat()},
    )
    return next_due


def _period_text(session: Session, t: Target, mark_id: int) -> str:
    """The reporting period given when the mark was set (kept in its 'set_mark' event)."""
    for data in session.scalars(
        select(Event.data)
        .where(Event.entity_kind == t.kind, Event.entity_id == t.id, Event.action == "set_mark")
        .order_by(Event.id.desc())
    ):
        if data and data.get("mark") == mark_id and data.get("report_every"):
            return str(data["report_every"])
    return "1个月"


def list_marks(
    session: Session, *, actor: Actor, kind: str | None = None, active_only: bool = True
) -> list[dict[str, Any]]:
    """Marks on records the actor may see (督办台账), newest first."""
    q = select(Mark).order_by(Mark.set_on.desc(), Mark.id.desc())
    if kind:
        q = q.where(Mark.kind == mark_kind(kind).value)
    if active_only:
        q = q.where(Mark.cleared_on.is_(None))
    marks = list(session.scalars(q))
    refs = _refs(session, actor, [(m.entity_kind, m.entity_id) for m in marks], supervision=True)
    users, names = _usernames(session, [u for m in marks for u in (m.set_by, m.owner_id) if u])
    rows = []
    for m in marks:
        ref = refs.get((m.entity_kind, m.entity_id))
        if ref is None:
            continue
        target_code = session.scalar(select(Unit.code).where(Unit.id == m.target_unit_id)) if m.target_unit_id else None
        rows.append(
            {
                "id": m.id,
                "entity_kind": m.entity_kind,
                "number": ref[0],
                "kind": m.kind,
                "kind_zh": MARK_ZH[MarkKind(m.kind)],
                "set_by": users.get(m.set_by),
                "set_by_name": names.get(m.set_by),
                "set_on": m.set_on.isoformat(),
                "reason": m.reason,
                "owner": users.get(m.owner_id) if m.owner_id else None,
                "owner_name": names.get(m.owner_id) if m.owner_id else None,
                "target_unit": target_code,
                "cleared_on": m.cleared_on.isoformat() if m.cleared_on else None,
            }
        )
    audit(session, actor, "list", "mark", None, None, {"kind": kind, "active_only": active_only, "rows": len(rows)})
    return rows


# --------------------------------------------------------------------------------------------- instructions


def instruct(
    session: Session,
    *,
    actor: Actor,
    entity_kind: str,
    number: str,
    text: str,
    actions: Sequence[str] = (),
    due: date | None = None,
    on: date | None = None,
) -> Instruction:
    """领导批示 on a record: text, required actions and a due date (which goes on the overdue lists)."""
    t = target(session, actor, entity_kind, number)
    day = business_day(on, not_before=t.since)
    check_instruction(actor, text=text, actions=actions, due=due, given_on=day)
    ins = Instruction(
        entity_kind=t.kind,
        entity_id=t.id,
        leader_id=actor.user_id,
        given_on=day,
        text=text.strip(),
        actions=[a.strip() for a in actions],
        due=due,
    )
    session.add(ins)
    session.flush()
    if due is not None:
        session.execute(insert(Deadline), [_deadline_row("instruction", ins.id, t.unit_id, INSTRUCTION_RULE, day, due)])
    record(
        session,
        t.kind,
        t.id,
        "instruct",
        actor=actor,
        day=day,
        reason=ins.text,
        data={"instruction": ins.id, "actions": ins.actions, "due": due.isoformat() if due else None},
    )
    return ins


def complete_instruction(
    session: Session, *, actor: Actor, instruction_id: int, note: str, on: date | None = None
) -> Instruction:
    """Report an instruction carried out (批示办结), saying how."""
    ins = session.get(Instruction, instruction_id)
    if ins is None:
        raise NotFound(f"批示 {instruction_id} 不存在", f"no instruction {instruction_id}")
    ref = _refs(session, actor, [(ins.entity_kind, ins.entity_id)], supervision=True).get(
        (ins.entity_kind, ins.entity_id)
    )
    if ref is None:
        raise NotFound(f"批示 {instruction_id} 不存在", f"no instruction {instruction_id}")
    t = target(session, actor, ins.entity_kind, ref[0])
    day = business_day(on, not_before=ins.given_on)
    check_complete_instruction(actor, done_on=ins.done_on, note=note)
    ins.done_on = day
    deadlines.meet(session, "instruction", ins.id, [INSTRUCTION_RULE], day)
    late = ins.due is not None and day > ins.due
    record(
        session,
        t.kind,
        t.id,
        "complete_instruction",
        actor=actor,
        day=day,
        reason=note.strip(),
        data={"instruction": ins.id, "late": late},
    )
    return ins


def list_instructions(
    session: Session,
    *,
    actor: Actor,
    overdue: bool = False,
    open_only: bool = False,
    as_of: date | None = None,
) -> list[dict[str, Any]]:
    """Instructions on records the actor may see; ``overdue``: not done and past due on ``as_of``."""
    as_of = as_of or date.today()
    q = select(Instruction).order_by(Instruction.due, Instruction.id)
    if overdue:
        q = q.where(Instruction.done_on.is_(None), Instruction.due < as_of)
    elif open_only:
        q = q.where(Instruction.done_on.is_(None))
    items = list(session.scalars(q))
    refs = _refs(session, actor, [(i.entity_kind, i.entity_id) for i in items], supervision=True)
    users, names = _usernames(session, [i.leader_id for i in items])
    rows = []
    for i in items:
        ref = refs.get((i.entity_kind, i.entity_id))
        if ref is None:
            continue
        rows.append(
            {
                "id": i.id,
                "entity_kind": i.entity_kind,
                "number": ref[0],
                "leader": users.get(i.leader_id),
                "leader_name": names.get(i.leader_id),
                "given_on": i.given_on.isoformat(),
                "text": i.text,
                "actions": i.actions,
                "due": i.due.isoformat() if i.due else None,
                "done_on": i.done_on.isoformat() if i.done_on else None,
                "overdue": i.done_on is None and i.due is not None and i.due < as_of,
            }
        )
    data = {"overdue": overdue, "open_only": open_only, "rows": len(rows)}
    audit(session, actor, "list", "instruction", None, None, data)
    return rows


# -------------------------------------------------------------------------------------------- overdue lists


def _usernames(session: Session, ids: Sequence[int]) -> tuple[dict[int, str], dict[int, str]]:
    """Users by id: their login names (for --json and scripts) and their names (for people)."""
    rows = session.execute(select(User.id, User.username, User.name).where(User.id.in_(set(ids)))).all() if ids else []
    return {i: u for i, u, _ in rows}, {i: n for i, _, n in rows}


def _refs(
    session: Session, actor: Actor, keys: Sequence[tuple[str, int]], *, supervision: bool = False
) -> dict[tuple[str, int], tuple[str, int]]:
    """(number, unit id) of each record the actor may see, by (entity kind, id); unseen records are left out.
    ``supervision``: the records carry marks or instructions, which the police never see.

    Who sees what is the policy's (``visible_records``); this only names what it lets through."""
    seen = visible_records(session, actor, keys, supervision=supervision)
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, eid in seen:
        by_kind[kind].add(eid)
    out: dict[tuple[str, int], tuple[str, int]] = {}
    if by_kind["clue"]:
        q = select(Clue.id, Clue.number, Clue.unit_id).where(Clue.id.in_(by_kind["clue"]))
        out.update({("clue", i): (n, u) for i, n, u in session.execute(q)})
    if by_kind["gang_case"]:
        q2 = select(GangCase.id, GangCase.police_number, GangCase.unit_id).where(GangCase.id.in_(by_kind["gang_case"]))
        out.update({("gang_case", i): (n, u) for i, n, u in session.execute(q2)})
    if by_kind["case"]:
        q3 = select(DisciplineCase.id, DisciplineCase.number, DisciplineCase.unit_id)
        q3 = q3.where(DisciplineCase.id.in_(by_kind["case"]))
        out.update({("case", i): (n, u) for i, n, u in session.execute(q3)})
    if by_kind["transfer"]:
        for tr, police_number in session.execute(
            select(Transfer, GangCase.police_number)
            .outerjoin(GangCase, GangCase.id == Transfer.gang_case_id)
            .where(Transfer.id.in_(by_kind["transfer"]))
        ):
            zh = TRANSFER_DIRECTIONS.get(tr.direction, ("", "", tr.direction))[2]
            out[("transfer", tr.id)] = (f"{police_number or ''} {zh} #{tr.id}".strip(), tr.to_unit_id)
    if by_kind["recommendation"]:
        for r, number, unit_id in session.execute(
            select(Recommendation, DisciplineCase.number, DisciplineCase.unit_id)
            .join(DisciplineCase, DisciplineCase.id == Recommendation.case_id)
            .where(Recommendation.id.in_(by_kind["recommendation"]))
        ):
            out[("recommendation", r.id)] = (f"{number} 监察建议#{r.id}（{r.to_unit}）", unit_id)
    if by_kind["review"]:
        for v, number in session.execute(
            select(CaseReview, DisciplineCase.number)
            .join(DisciplineCase, DisciplineCase.id == CaseReview.case_id)
            .where(CaseReview.id.in_(by_kind["review"]))
        ):
            out[("review", v.id)] = (f"{number} {'复审' if v.level == 'review' else '复核'}#{v.id}", v.unit_id)
    owned = supervision_parents(session, by_kind["instruction"], by_kind["mark"])
    if owned:
        parents = _refs(session, actor, [(k, e) for _, _, k, e in owned], supervision=True)
        for kind, oid, pk, pid in owned:
            parent = parents.get((pk, pid))
            if parent:
                out[(kind, oid)] = parent
    return out


def list_overdue(
    session: Session, *, actor: Actor, as_of: date | None = None, kinds: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Every open deadline past due on ``as_of`` on records the actor may see (逾期清单): clues, gang cases,
    transfers, detentions and family notices (``case``), recommendations, instructions and progress reports
    (``mark``); ``kinds`` keeps only those entity kinds."""
    as_of = as_of or date.today()
    q = deadlines.overdue_query(as_of, visible_commission_units(session, actor))  # a first cut; _refs decides
    if kinds:
        q = q.where(Deadline.entity_kind.in_([record_kind(k) for k in kinds]))
    rows = list(session.scalars(q))
    refs = _refs(session, actor, [(d.entity_kind, d.entity_id) for d in rows])
    out = []
    for d in rows:
        ref = refs.get((d.entity_kind, d.entity_id))
        if ref is None:
            continue
        out.append(
            {
                "deadline_id": d.id,
                "entity_kind": d.entity_kind,
                "entity_kind_zh": deadlines.entity_zh(d.entity_kind),
                "entity_id": d.entity_id,
                "reference": ref[0],
                "rule": d.rule,
                "rule_zh": deadlines.rule_zh(d.rule),
                "trigger_on": d.trigger_on.isoformat(),
                "due": d.due.isoformat(),
                "provisional": d.provisional,
                "due_shown": deadlines.shown_due(d.due, d.provisional),
                "days_overdue": (as_of - d.due).days,
            }
        )
    audit(session, actor, "list", "deadline", None, None, {"kinds": list(kinds or []), "rows": len(out)})
    return out
