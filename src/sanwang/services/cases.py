"""Discipline cases (立案审查调查): opening with a leader's approval, 留置 and its limits, outcomes, supervision
recommendations (监察建议) and conclusion.

Case numbers (``530600-2019-LA-0001``) are gap-free per unit and year: the next one is computed inside the
transaction that writes the case, after locking the opening unit's row (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` already serialises writers), and the unique constraint on ``number`` is the last
guard. A failed opening rolls back whole and burns no number.

Reviews (复审/复核) are decided in :mod:`sanwang.services.reviews`; the outcomes they retire stay, and
``outcomes_in_force`` says which stand. The measures of the revised Supervision Law are in
:mod:`sanwang.services.measures`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from sanwang.domain.cases import (
    CASE_STATE_ZH,
    CaseSnapshot,
    CaseState,
    CaseTransition,
    ClueSource,
    DetentionSnapshot,
    SubjectKey,
    UnitRef,
    case_number,
    check_follow_up,
    check_open_case,
    family_notice_deadline,
    family_notice_lateness,
    plan_case,
)
from sanwang.domain.cases import subject_rank as rank_of
from sanwang.domain.deadlines import deadline_rules, extended_due, warn_from
from sanwang.domain.errors import NotFound, TransitionRefused, ValidationError
from sanwang.domain.idnumber import IdNumber
from sanwang.domain.reviews import ReviewLevel, ReviewResult
from sanwang.domain.sanctions import case_rules
from sanwang.domain.workflow import Actor
from sanwang.services import deadlines
from sanwang.services.context import actor_for, business_day, history, record
from sanwang.services.policy import (
    audit,
    check_case,
    check_gang_case,
    find_clue,
    get_gang_case,
    own_commission_id,
    restrict_cases,
)
from sanwang.services.units import commission_of
from sanwang.store.tables import (
    CaseMeasure,
    CaseReview,
    Clue,
    Deadline,
    Detention,
    DisciplineCase,
    Event,
    GangCase,
    Instruction,
    Mark,
    Outcome,
    Recommendation,
    Unit,
    User,
)

FAMILY_NOTICE_RULE = "family_notice"  # not a deadlines.yaml rule: hours, from sanctions.yaml (see domain.sanctions)


# ------------------------------------------------------------------------------------------- access helpers


def get_case(session: Session, number: str) -> DisciplineCase:
    case = session.scalar(select(DisciplineCase).where(DisciplineCase.number == number.strip()))
    if case is None:
        raise NotFound(f"审查调查案件 {number} 不存在", f"no discipline case numbered {number}")
    return case


def _unit_ref(session: Session, unit: Unit) -> UnitRef:
    parent = None
    if unit.parent_id is not None:
        try:
            parent = commission_of(session, unit.parent_id)
        except ValidationError:
            parent = None
    return UnitRef(
        id=unit.id,
        region_code=unit.region_code,
        name=unit.name,
        parent_id=parent.id if parent else None,
        parent_name=parent.name if parent else "",
    )


def _detention(session: Session, case: DisciplineCase) -> Detention | None:
    return session.scalar(select(Detention).where(Detention.case_id == case.id).order_by(Detention.id.desc()))


def _started_at(session: Session, case: DisciplineCase) -> datetime | None:
    """The exact start of a detention, kept in the 'detain' event (the detentions table holds only the day)."""
    data = session.scalar(
        select(Event.data)
        .where(Event.entity_kind == "case", Event.entity_id == case.id, Event.action == "detain")
        .order_by(Event.id.desc())
    )
    text = (data or {}).get("started_at")
    return datetime.fromisoformat(text) if text else None


def snapshot(session: Session, case: DisciplineCase) -> CaseSnapshot:
    unit = session.get(Unit, case.unit_id)
    assert unit is not None
    d = _detention(session, case)
    det = None
    if d is not None:
        det = DetentionSnapshot(
            started_on=d.started_on,
            started_at=d.started_at or _started_at(session, case),
            extensions=d.extensions,
            family_notified_at=d.family_notified_at,
            notify_waiver=d.notify_waiver,
            released_on=d.released_on,
            due=d.due,
            further_extensions=d.further_extensions or 0,
            recounted_on=d.recounted_on,
        )
    outcomes = session.scalar(select(func.count()).select_from(Outcome).where(Outcome.case_id == case.id)) or 0
    in_force = session.execute(
        select(Outcome.kind, Outcome.value).where(Outcome.case_id == case.id, Outcome.retired_on.is_(None))
    )
    measures = session.execute(select(CaseMeasure.kind, CaseMeasure.ended_on).where(CaseMeasure.case_id == case.id))
    return CaseSnapshot(
        state=CaseState(case.state),
        unit=_unit_ref(session, unit),
        detention=det,
        outcomes=outcomes,
        in_force=tuple((k, v) for k, v in in_force),
        measures=tuple((k, e) for k, e in measures),
    )


def _approver(session: Session, username: str) -> tuple[Actor, int | None]:
    approver = actor_for(session, username)
    return approver, own_commission_id(session, approver)


def _record(
    session: Session,
    case: DisciplineCase,
    t: CaseTransition,
    actor: Actor,
    day: date,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    record(
        session,
        "case",
        case.id,
        t.action,
        actor=actor,
        day=day,
        from_state=t.from_state.value,
        to_state=t.to_state.value,
        reason=reason or None,
        data={**t.data, **(data or {})} or None,
    )


# ---------------------------------------------------------------------------------------------------- 立案


def _open_case_on(session: Session, key: SubjectKey, clue_id: int | None) -> str | None:
    """The number of an open case on the same person from the same clue (or, without a clue, with none)."""
    q = select(DisciplineCase).where(
        DisciplineCase.state == CaseState.INVESTIGATING.value,
        DisciplineCase.clue_id.is_(None) if clue_id is None else DisciplineCase.clue_id == clue_id,
    )
    if key.id_number:
        q = q.where(
            (DisciplineCase.subject_id_number == key.id_number)
            | (DisciplineCase.subject_id_number.is_(None) & (DisciplineCase.subject_name == key.name))
        )
    else:
        q = q.where(DisciplineCase.subject_name == key.name)
    for c in session.scalars(q.order_by(DisciplineCase.id)):
        other = SubjectKey(c.subject_name, c.subject_id_number, c.subject_position)
        if key.same_person(other):
            return c.number
    return None


def _allocate_number(session: Session, unit: Unit, year: int) -> str:
    """The next gap-free number for ``unit`` and ``year``, under a lock on the unit's row."""
    session.scalar(select(Unit.id).where(Unit.id == unit.id).with_for_update())
    prefix = case_number(unit.region_code, year, 0)[:-4]
    taken = session.scalars(select(DisciplineCase.number).where(DisciplineCase.number.startswith(prefix)))
    last = max((int(n[len(prefix) :]) for n in taken if n[len(prefix) :].isdigit()), default=0)
    return case_number(unit.region_code, year, last + 1)


def open_case(
    session: Session,
    *,
    actor: Actor,
    approver: str,
    subject_name: str,
    subject_id_number: str | None = None,
    subject_position: str | None = None,
    subject_rank: str | None = None,
    clue_number: str | None = None,
    gang_number: str | None = None,
    umbrella: bool = False,
    team: Sequence[str] = (),
    direct_basis: str | None = None,
    on: date | None = None,
) -> DisciplineCase:
    """立案审查调查: proposed by ``actor``, approved by the leader ``approver`` (username, not the proposer).

    From a clue whose disposal 移送审查调查 was approved, or by the approving leader's recorded decision to open it
    directly (``direct_basis``, 直接立案); never a second open case on the same person and clue.
    """
    leader, leader_commission = _approver(session, approver)
    id_number = IdNumber.parse(subject_id_number, field="subject_id_number").value if subject_id_number else None
    source: Clue | None = None
    if clue_number and clue_number.strip():
        source = find_clue(session, actor, clue_number)  # one the actor may not see is "not found"
    key = SubjectKey(subject_name.strip(), id_number, (subject_position or "").strip() or None)
    check_open_case(
        actor,
        leader,
        subject_name=subject_name,
        clue=None
        if source is None
        else ClueSource(
            source.number, source.disposal, source.outcome, source.approved_by is not None, source.concluded_on
        ),
        direct_basis=direct_basis,
        already_open=_open_case_on(session, key, source.id if source else None),
        on=on,
    )
    unit = commission_of(session, actor.unit_id)
    leader_unit = session.get(Unit, leader_commission) if leader_commission else None
    if leader_unit is None or not unit.path.startswith(leader_unit.path):
        raise TransitionRefused(
            f"批准立案的领导须属于「{unit.name}」或其上级纪委监委",
            f"the approving leader must belong to {unit.code} or a commission above it",
        )
    clue = source
    gc: GangCase | None = None
    not_before: date | None = clue.received if clue else None
    if gang_number and gang_number.strip():
        gc = get_gang_case(session, gang_number)
        check_gang_case(session, actor, gc)
        not_before = max(not_before, gc.filed_on) if not_before else gc.filed_on
    day = business_day(on, not_before=not_before)
    members = []
    for username in team:
        user = session.scalar(select(User).where(User.username == username.strip()))
        if user is None:
            raise NotFound(f"专案组成员「{username}」不存在", f"no user {username!r}")
        members.append(user.username)
    case = DisciplineCase(
        number=_allocate_number(session, unit, day.year),
        unit_id=unit.id,
        clue_id=clue.id if clue else None,
        gang_case_id=gc.id if gc else None,
        subject_name=subject_name.strip(),
        subject_id_number=id_number,
        subject_position=(subject_position or "").strip() or None,
        subject_rank=rank_of(subject_rank),
        umbrella=umbrella,
        opened_on=day,
        approved_by=leader.user_id,
        team=members,
        state=CaseState.INVESTIGATING.value,
        direct_basis=(direct_basis or "").strip() or None,
    )
    session.add(case)
    session.flush()
    record(
        session,
        "case",
        case.id,
        "open",
        actor=actor,
        day=day,
        to_state=CaseState.INVESTIGATING.value,
        data={
            "approved_by": leader.user_id,
            "clue": clue.number if clue else None,
            "gang_case": gc.police_number if gc else None,
            "umbrella": umbrella,
            "direct": case.direct_basis,
        },
    )
    if clue is not None:
        record(session, "clue", clue.id, "case_opened", actor=actor, day=day, data={"case": case.number})
    if gc is not None:
        record(session, "gang_case", gc.id, "link_case", actor=actor, day=day, data={"case": case.number})
    return case


# ---------------------------------------------------------------------------------------------------- 留置


def _step(
    session: Session, actor: Actor, number: str, action: str, on: date | None, args: dict[str, Any]
) -> tuple[DisciplineCase, CaseTransition, date]:
    case = get_case(session, number)
    check_case(session, actor, case)
    day = business_day(on, not_before=case.opened_on)
    t = plan_case(snapshot(session, case), action, actor, args)
    return case, t, day


def detain(
    session: Session,
    *,
    actor: Actor,
    number: str,
    approver: str,
    on: date | None = None,
    at: datetime | None = None,
    reason: str | None = None,
) -> Detention:
    """留置: due by the ``detention`` rule (3 months); approved one level up for city level and below.

    ``at`` is the exact start (for the family-notice window); without it the window runs to the end of the next day.
    """
    if at is not None and on is not None and at.date() != on:
        raise ValidationError("留置开始时间与业务日期不一致", "the start time is not on the action date", field="at")
    leader, leader_commission = _approver(session, approver)
    case, t, day = _step(
        session,
        actor,
        number,
        "detain",
        on or (at.date() if at else None),
        {"approver": leader, "approver_commission_id": leader_commission},
    )
    due, warn, _ = deadlines.compute("detention", day)
    notice = family_notice_deadline(DetentionSnapshot(started_on=day, started_at=at))
    d = Detention(
        case_id=case.id,
        started_on=day,
        due=due,
        extensions=0,
        approved_by=leader.user_id,
        started_at=at,
        family_notice_due_at=notice,
    )
    session.add(d)
    session.flush()
    deadlines.start(session, "case", case.id, case.unit_id, t.starts, day)
    session.execute(
        insert(Deadline).values(
            entity_kind="case",
            entity_id=case.id,
            unit_id=case.unit_id,
            rule=FAMILY_NOTICE_RULE,
            trigger_on=day,
            due=notice.date(),
            warn_from=day,
            extensions=0,
        )
    )
    _record(
        session,
        case,
        t,
        actor,
        day,
        reason,
        {"started_at": at.isoformat() if at else None, "due": due.isoformat(), "family_notice_by": notice.isoformat()},
    )
    return d


def notify_family(session: Session, *, actor: Actor, number: str, at: datetime, on: date | None = None) -> Detention:
    """Record when the family was told of the detention; a notice after the window is recorded as late."""
    case, t, day = _step(session, actor, number, "notify_family", on or at.date(), {"at": at})
    d = _detention(session, case)
    assert d is not None
    d.family_notified_at = at
    deadlines.meet(session, "case", case.id, t.meets, day)
    _record(session, case, t, actor, day)
    return d


def waive_family_notice(
    session: Session, *, actor: Actor, number: str, reason: str, on: date | None = None
) -> Detention:
    """A leader decides not to tell the family because it would obstruct the investigation (有碍调查)."""
    case, t, day = _step(session, actor, number, "waive_notice", on, {"reason": reason})
    d = _detention(session, case)
    assert d is not None
    d.notify_waiver = t.updates["notify_waiver"]
    deadlines.meet(session, "case", case.id, t.meets, day)
    _record(session, case, t, actor, day, reason)
    return d


def extend_detention(
    session: Session, *, actor: Actor, number: str, approver: str, reason: str, on: date | None = None
) -> Detention:
    """Extend a detention once, by the rule's extension (3 months), approved one level up; a second is refused."""
    leader, leader_commission = _approver(session, approver)
    case, t, day = _step(
        session,
        actor,
        number,
        "extend_detention",
        on,
        {"approver": leader, "approver_commission_id": leader_commission, "reason": reason},
    )
    d = _detention(session, case)
    assert d is not None
    if day > d.due:
        raise TransitionRefused(
            f"留置期限已于 {d.due.isoformat()} 届满，不能再延长",
            f"the detention expired on {d.due.isoformat()}; too late to extend",
        )
    rule = deadline_rules().get("detention", on=d.started_on)  # the law in force when it was decided
    old, done = d.due, d.extensions
    new_due, _ = deadlines.counted(lambda cal: extended_due(rule, old, cal, 1, done=done))
    d.due, d.extensions = new_due, d.extensions + 1
    dl = session.scalar(
        select(Deadline).where(
            Deadline.entity_kind == "case",
            Deadline.entity_id == case.id,
            Deadline.rule == "detention",
            Deadline.met_on.is_(None),
        )
    )
    if dl is not None:
        trigger = dl.trigger_on
        warn, provisional = deadlines.counted(lambda cal: warn_from(rule, new_due, cal, trigger))
        dl.due, dl.warn_from, dl.extensions = new_due, warn, dl.extensions + 1
        dl.provisional = dl.provisional or provisional
    _record(session, case, t, actor, day, reason, {"old_due": old.isoformat(), "new_due": d.due.isoformat()})
    return d


def release(
    session: Session, *, actor: Actor, number: str, on: date | None = None, reason: str | None = None
) -> Detention:
    """解除留置."""
    case, t, day = _step(session, actor, number, "release", on, {})
    d = _detention(session, case)
    assert d is not None
    d.released_on = day
    # Whichever rule holds the detention's end now: the first period, a further extension or a recount.
    deadlines.meet(session, "case", case.id, (*t.meets, "detention_further_extension", "detention_recount"), day)
    _record(session, case, t, actor, day, reason, {"days": (day - d.started_on).days})
    return d


# ------------------------------------------------------------------------------------------------ outcomes


def record_outcome(
    session: Session,
    *,
    actor: Actor,
    number: str,
    kind: str,
    value: str,
    form: int | str | None = None,
    on: date | None = None,
) -> Outcome:
    """A decided outcome: 党纪处分 / 政务处分 / 组织处理 / 问责 / 移送审查起诉, and the form (1–4) it counts as."""
    case, t, day = _step(session, actor, number, "record_outcome", on, {"kind": kind, "value": value, "form": form})
    o = Outcome(
        case_id=case.id,
        kind=t.data["kind"],
        value=t.data["value"],
        form=t.data["form"],
        decided_on=day,
        decided_by=actor.user_id,
    )
    session.add(o)
    session.flush()
    _record(session, case, t, actor, day)
    return o


def in_force_on(as_of: date | None = None) -> Any:
    """The SQL condition "this outcome is in force on ``as_of``" (today's state without a date): decided by then and
    not retired by a 复审/复核 decision of 撤销 or 变更 by then. The one definition statistics and bulletins use."""
    if as_of is None:
        return Outcome.retired_on.is_(None)
    return (Outcome.decided_on <= as_of) & (Outcome.retired_on.is_(None) | (Outcome.retired_on > as_of))


def outcomes_in_force(
    session: Session, as_of: date | None = None, *, case_ids: Sequence[int] | None = None
) -> list[Outcome]:
    """The outcomes in force (生效的处理结果) on ``as_of``, oldest first; the retired ones stay in the history."""
    q = select(Outcome).where(in_force_on(as_of))
    if case_ids is not None:
        q = q.where(Outcome.case_id.in_(case_ids))
    return list(session.scalars(q.order_by(Outcome.id)))


def standing_outcome(session: Session, outcome: Outcome) -> Outcome:
    """The outcome that stands for ``outcome`` now: itself, or the one a 变更 put in its place (followed to the end)."""
    current = outcome
    while current.superseded_by is not None:
        nxt = session.get(Outcome, current.superseded_by)
        if nxt is None:
            break
        current = nxt
    return current


def recommend(
    session: Session, *, actor: Actor, number: str, to_unit: str, content: str, on: date | None = None
) -> Recommendation:
    """监察建议 to a unit (以案促改), with its follow-up deadline (``recommendation_followup``)."""
    case, t, day = _step(session, actor, number, "recommend", on, {"to_unit": to_unit, "content": content})
    due, _, _ = deadlines.compute("recommendation_followup", day)
    rec = Recommendation(case_id=case.id, to_unit=t.data["to_unit"], content=t.data["content"], issued_on=day, due=due)
    session.add(rec)
    session.flush()
    deadlines.start(session, "recommendation", rec.id, case.unit_id, t.starts, day)
    _record(session, case, t, actor, day, data={"recommendation": rec.id, "due": due.isoformat()})
    return rec


def follow_up(
    session: Session, *, actor: Actor, recommendation_id: int, result: str, on: date | None = None
) -> Recommendation:
    """Record what the unit did about a recommendation (落实情况)."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None:
        raise NotFound(f"监察建议 {recommendation_id} 不存在", f"no recommendation {recommendation_id}")
    case = session.get(DisciplineCase, rec.case_id)
    assert case is not None
    check_case(session, actor, case)
    day = business_day(on, not_before=rec.issued_on)
    check_follow_up(actor, followed_up_on=rec.followed_up_on, result=result)
    rec.followed_up_on, rec.result = day, result.strip()
    deadlines.meet(session, "recommendation", rec.id, ["recommendation_followup"], day)
    record(
        session,
        "case",
        case.id,
        "follow_up",
        actor=actor,
        day=day,
        reason=rec.result,
        data={"recommendation": rec.id, "late": day > rec.due},
    )
    return rec


def conclude_case(
    session: Session, *, actor: Actor, number: str, reason: str | None = None, on: date | None = None
) -> DisciplineCase:
    """审结: a leader concludes a case with its outcomes recorded (or a reason for none), nobody still detained."""
    case, t, day = _step(session, actor, number, "conclude", on, {"reason": reason})
    case.state, case.concluded_on = t.to_state.value, day
    _record(session, case, t, actor, day, reason)
    return case


# ------------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class CaseSummary:
    """One line of the case ledger (案件台账一行); ``to_json`` keeps the shape ``--json`` has always had."""

    number: str
    state: str
    state_zh: str
    unit: str | None
    subject_name: str
    subject_position: str | None
    subject_rank: str | None
    umbrella: bool
    opened_on: str
    concluded_on: str | None
    clue: str | None
    gang_case: str | None
    detained: bool
    detention_due: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def summary_row(session: Session, case: DisciplineCase) -> CaseSummary:
    unit = session.get(Unit, case.unit_id)
    d = _detention(session, case)
    gc = session.get(GangCase, case.gang_case_id) if case.gang_case_id else None
    clue_number = session.scalar(select(Clue.number).where(Clue.id == case.clue_id)) if case.clue_id else None
    return CaseSummary(
        number=case.number,
        state=case.state,
        state_zh=CASE_STATE_ZH[CaseState(case.state)],
        unit=unit.code if unit else None,
        subject_name=case.subject_name,
        subject_position=case.subject_position,
        subject_rank=case.subject_rank,
        umbrella=case.umbrella,
        opened_on=case.opened_on.isoformat(),
        concluded_on=case.concluded_on.isoformat() if case.concluded_on else None,
        clue=clue_number,
        gang_case=gc.police_number if gc else None,
        detained=d is not None and d.released_on is None,
        detention_due=d.due.isoformat() if d is not None and d.released_on is None else None,
    )


def list_cases(
    session: Session,
    *,
    actor: Actor,
    state: str | None = None,
    gang_number: str | None = None,
    detained: bool | None = None,
    overdue: bool = False,
    as_of: date | None = None,
    limit: int | None = None,
) -> list[CaseSummary]:
    """Cases the actor may see; filters: state, gang case, detained now, past a deadline on ``as_of``."""
    as_of = as_of or date.today()
    q = restrict_cases(session, actor, select(DisciplineCase).order_by(DisciplineCase.opened_on, DisciplineCase.id))
    if state:
        q = q.where(DisciplineCase.state == state)
    if gang_number:
        gc = get_gang_case(session, gang_number)
        check_gang_case(session, actor, gc)
        q = q.where(DisciplineCase.gang_case_id == gc.id)
    if overdue:
        late_case = select(Deadline.entity_id).where(
            Deadline.entity_kind == "case", Deadline.met_on.is_(None), Deadline.due < as_of
        )
        late_rec = (
            select(Recommendation.case_id)
            .join(Deadline, (Deadline.entity_kind == "recommendation") & (Deadline.entity_id == Recommendation.id))
            .where(Deadline.met_on.is_(None), Deadline.due < as_of)
        )
        q = q.where(DisciplineCase.id.in_(late_case) | DisciplineCase.id.in_(late_rec))
    rows = [summary_row(session, c) for c in session.scalars(q)]
    if detained is not None:
        rows = [r for r in rows if r.detained is detained]
    rows = rows[:limit] if limit else rows
    filters = {"state": state, "gang_case": gang_number, "detained": detained, "overdue": overdue}
    audit(session, actor, "list", "case", None, None, {**filters, "rows": len(rows)})
    return rows


def list_reviews(session: Session, case: DisciplineCase) -> list[dict[str, Any]]:
    """The applications against a case's decisions, oldest first, for ``case show``."""
    out = []
    for r in session.scalars(select(CaseReview).where(CaseReview.case_id == case.id).order_by(CaseReview.id)):
        lvl = ReviewLevel(r.level)
        out.append(
            {
                "id": r.id,
                "level": lvl.value,
                "level_zh": lvl.zh,
                "outcome": r.outcome_id,
                "served_on": r.served_on.isoformat(),
                "applied_on": r.applied_on.isoformat(),
                "due": (d.isoformat() if (d := deadlines.due_of(session, "review", r.id, lvl.decision_rule)) else None),
                "decided_on": r.decided_on.isoformat() if r.decided_on else None,
                "result": r.result,
                "result_zh": ReviewResult(r.result).zh if r.result else None,
                "new_outcome": r.new_outcome_id,
            }
        )
    return out


@dataclass(frozen=True)
class CaseDetail:
    """A case in full (案件详情), for ``case show`` and the web; ``to_json`` is the ``--json`` shape."""

    summary: CaseSummary
    subject_id_number: str | None
    approved_by: str | None
    approved_by_name: str | None  # the approving leader as people know them (approved_by is the login)
    direct_basis: str | None
    team: list[Any]
    detention: dict[str, Any] | None
    measures: list[dict[str, Any]]
    outcomes: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    recommendations: list[dict[str, Any]]
    deadlines: list[dict[str, Any]]
    marks: list[dict[str, Any]]
    instructions: list[dict[str, Any]]
    history: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        out = self.summary.to_json()
        out.update({f.name: getattr(self, f.name) for f in fields(self) if f.name != "summary"})
        return out


def _detention_view(d: Detention, now: datetime) -> dict[str, Any]:
    due_at = d.family_notice_due_at
    late = (
        family_notice_lateness(due_at, d.family_notified_at, bool(d.notify_waiver), now) if due_at is not None else None
    )
    return {
        "started_on": d.started_on.isoformat(),
        "started_at": d.started_at.isoformat() if d.started_at else None,
        "due": d.due.isoformat(),
        "extensions": d.extensions,
        "further_extensions": d.further_extensions or 0,
        "recounted_on": d.recounted_on.isoformat() if d.recounted_on else None,
        "family_notice_due_at": due_at.isoformat(timespec="minutes") if due_at else None,
        "family_notified_at": d.family_notified_at.isoformat() if d.family_notified_at else None,
        "family_notice_hours_late": late,
        "notify_waiver": d.notify_waiver,
        "released_on": d.released_on.isoformat() if d.released_on else None,
    }


def show_case(session: Session, *, actor: Actor, number: str, now: datetime | None = None) -> CaseDetail:
    """One case in full: detention, measures, outcomes (in force and retired), recommendations, deadlines, marks,
    instructions, history (留痕)."""
    case = get_case(session, number)
    check_case(session, actor, case)
    audit(session, actor, "read", "case", case.id)
    rules = case_rules()
    d = _detention(session, case)
    now = now or datetime.now()
    approver = session.execute(select(User.username, User.name).where(User.id == case.approved_by)).first()
    measures = session.scalars(select(CaseMeasure).where(CaseMeasure.case_id == case.id).order_by(CaseMeasure.id))
    return CaseDetail(
        summary=summary_row(session, case),
        subject_id_number=case.subject_id_number,
        approved_by=approver[0] if approver else None,
        approved_by_name=approver[1] if approver else None,
        direct_basis=case.direct_basis,
        team=case.team,
        detention=None if d is None else _detention_view(d, now),
        measures=[
            {
                "id": m.id,
                "kind": m.kind,
                "kind_zh": rules.measure(m.kind).name,
                "decided_on": m.decided_on.isoformat(),
                "due": m.due.isoformat(),
                "approval_ref": m.approval_ref,
                "ended_on": m.ended_on.isoformat() if m.ended_on else None,
            }
            for m in measures
        ],
        outcomes=[
            {
                "id": o.id,
                "kind": o.kind,
                "kind_zh": rules.kind_name(o.kind),
                "value": o.value,
                "form": o.form,
                "form_zh": rules.form_name(o.form) or None,
                "decided_on": o.decided_on.isoformat(),
                "in_force": o.retired_on is None,
                "retired_on": o.retired_on.isoformat() if o.retired_on else None,
                "superseded_by": o.superseded_by,
            }
            for o in session.scalars(select(Outcome).where(Outcome.case_id == case.id).order_by(Outcome.id))
        ],
        reviews=list_reviews(session, case),
        recommendations=[
            {
                "id": r.id,
                "to_unit": r.to_unit,
                "content": r.content,
                "issued_on": r.issued_on.isoformat(),
                "due": r.due.isoformat(),
                "followed_up_on": r.followed_up_on.isoformat() if r.followed_up_on else None,
                "result": r.result,
            }
            for r in session.scalars(
                select(Recommendation).where(Recommendation.case_id == case.id).order_by(Recommendation.id)
            )
        ],
        deadlines=[
            {
                "rule": x.rule,
                "rule_zh": deadlines.rule_zh(x.rule),
                "trigger": x.trigger_on.isoformat(),
                "due": x.due.isoformat(),
                "met_on": x.met_on.isoformat() if x.met_on else None,
                "extensions": x.extensions,
                "provisional": x.provisional,
                "due_shown": deadlines.shown_due(x.due, x.provisional),
            }
            for x in deadlines.open_deadlines(session, "case", case.id)
        ],
        marks=[
            {"kind": m.kind, "set_on": m.set_on.isoformat(), "reason": m.reason, "cleared_on": m.cleared_on}
            for m in session.scalars(select(Mark).where(Mark.entity_kind == "case", Mark.entity_id == case.id))
        ],
        instructions=[
            {"id": i.id, "text": i.text, "due": i.due.isoformat() if i.due else None, "done_on": i.done_on}
            for i in session.scalars(
                select(Instruction).where(Instruction.entity_kind == "case", Instruction.entity_id == case.id)
            )
        ],
        history=history(session, "case", case.id),
    )
