"""The measures of the revised Supervision Law on a case (in force 2025-06-01): 管护, 责令候查, and on a 留置 its
further extension (再延长) and recount (重新计算). The rules are in :mod:`sanwang.domain.measures`; each measure
starts the deadline rule of its name (``guanhu``, ``zeling_houcha``, ``detention_further_extension``,
``detention_recount``) and is recorded on the case."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.case_measures import (
    MeasureApproval,
    check_case_measure,
    check_further_extension,
    check_recount,
)
from sanwang.domain.errors import NotFound
from sanwang.domain.guards import refuse
from sanwang.domain.sanctions import case_rules
from sanwang.domain.workflow import Actor
from sanwang.services import deadlines
from sanwang.services.cases import _approver, _detention, get_case, snapshot
from sanwang.services.context import business_day, record
from sanwang.services.policy import check_case
from sanwang.store.tables import CaseMeasure, Deadline, Detention, DisciplineCase

DETENTION_RULES = ("detention", "detention_further_extension", "detention_recount")
"""The deadline rules that hold a 留置's end: one is open at a time; releasing meets whichever is."""


def _approval(session: Session, approver: str, approval_ref: str | None) -> MeasureApproval:
    leader, commission = _approver(session, approver)
    return MeasureApproval(leader, commission, (approval_ref or "").strip() or None)


def _case(session: Session, actor: Actor, number: str, on: date | None) -> tuple[DisciplineCase, date]:
    case = get_case(session, number)
    check_case(session, actor, case)
    return case, business_day(on, not_before=case.opened_on)


def take_measure(
    session: Session,
    *,
    actor: Actor,
    number: str,
    kind: str,
    approver: str,
    reason: str,
    approval_ref: str | None = None,
    on: date | None = None,
) -> CaseMeasure:
    """Take 管护 (``guanhu``) or 责令候查 (``zeling_houcha``) on a case; its limit starts as a deadline."""
    approval = _approval(session, approver, approval_ref)
    case, day = _case(session, actor, number, on)
    m = check_case_measure(snapshot(session, case), kind, actor, approval, day, reason)
    due, _, _ = deadlines.compute(m.rule, day)
    row = CaseMeasure(
        case_id=case.id,
        kind=m.code,
        decided_on=day,
        due=due,
        approved_by=approval.approver.user_id,
        approval_ref=approval.approval_ref,
        reason=reason.strip(),
    )
    session.add(row)
    session.flush()
    deadlines.start(session, "case", case.id, case.unit_id, (m.rule,), day)
    record(
        session,
        "case",
        case.id,
        m.code,
        actor=actor,
        day=day,
        from_state=case.state,
        to_state=case.state,
        reason=row.reason,
        data={"measure": row.id, "approved_by": row.approved_by, "approval_ref": row.approval_ref, "due": str(due)},
    )
    return row


def end_measure(session: Session, *, actor: Actor, measure_id: int, reason: str, on: date | None = None) -> CaseMeasure:
    """解除管护 / 解除责令候查."""
    row = session.get(CaseMeasure, measure_id)
    if row is None:
        raise NotFound(f"措施 {measure_id} 不存在", f"no measure {measure_id}")
    case = session.get(DisciplineCase, row.case_id)
    assert case is not None
    check_case(session, actor, case)
    day = business_day(on, not_before=row.decided_on)
    if row.ended_on is not None:
        raise refuse(f"该措施已于 {row.ended_on.isoformat()} 解除", f"already ended on {row.ended_on}")
    row.ended_on = day
    deadlines.meet(session, "case", case.id, [case_rules().measure(row.kind).rule], day)
    record(session, "case", case.id, f"{row.kind}_end", actor=actor, day=day, reason=reason or None,
           data={"measure": row.id, "late": day > row.due})  # fmt: skip
    return row


def _open_detention_deadline(session: Session, case: DisciplineCase) -> Deadline | None:
    return session.scalar(
        select(Deadline).where(
            Deadline.entity_kind == "case",
            Deadline.entity_id == case.id,
            Deadline.rule.in_(DETENTION_RULES),
            Deadline.met_on.is_(None),
        )
    )


def _restart(session: Session, case: DisciplineCase, d: Detention, rule: str, trigger: date, day: date) -> date:
    """Close the open detention deadline (replaced on ``day``) and start ``rule`` from ``trigger``."""
    old = _open_detention_deadline(session, case)
    if old is not None:
        old.met_on = day
    due, _, _ = deadlines.compute(rule, trigger)
    deadlines.start(session, "case", case.id, case.unit_id, (rule,), trigger)
    d.due = due
    return due


def _record(
    session: Session,
    case: DisciplineCase,
    action: str,
    actor: Actor,
    day: date,
    reason: str,
    old: date,
    new: date,
    approval: MeasureApproval,
) -> None:
    data = {
        "old_due": old.isoformat(),
        "new_due": new.isoformat(),
        "approved_by": approval.approver.user_id,
        "approval_ref": approval.approval_ref,
    }
    record(session, "case", case.id, action, actor=actor, day=day, from_state=case.state, to_state=case.state,
           reason=reason.strip(), data=data)  # fmt: skip


def _renew_detention(
    session: Session, *, actor: Actor, number: str, approver: str, reason: str, approval_ref: str | None,
    on: date | None, recount: bool,
) -> Detention:  # fmt: skip
    """再延长 or 重新计算: the checks of the one asked for, then the detention's clock restarts under its rule."""
    approval = _approval(session, approver, approval_ref)
    case, day = _case(session, actor, number, on)
    check = check_recount if recount else check_further_extension
    m = check(snapshot(session, case), actor, approval, day, reason)
    d = _detention(session, case)
    assert d is not None
    old = d.due
    # A recount runs from the day the new offence is found; a further extension from the end of the extended period.
    new_due = _restart(session, case, d, m.rule, day if recount else old, day)
    if recount:
        d.recounted_on = day
    else:
        d.further_extensions = (d.further_extensions or 0) + 1
    _record(session, case, m.code, actor, day, reason, old, new_due, approval)
    return d


def further_extend_detention(
    session: Session, *, actor: Actor, number: str, approver: str, reason: str, approval_ref: str | None = None,
    on: date | None = None,
) -> Detention:  # fmt: skip
    """再延长留置时间 (2 months from the end of the extended period), with the national commission's approval."""
    return _renew_detention(session, actor=actor, number=number, approver=approver, reason=reason,
                            approval_ref=approval_ref, on=on, recount=False)  # fmt: skip


def recount_detention(
    session: Session, *, actor: Actor, number: str, approver: str, reason: str, approval_ref: str | None = None,
    on: date | None = None,
) -> Detention:  # fmt: skip
    """重新计算留置时间: a new period from ``on``, the day the new serious offence was found (once per detention)."""
    return _renew_detention(session, actor=actor, number=number, approver=approver, reason=reason,
                            approval_ref=approval_ref, on=on, recount=True)  # fmt: skip


def list_measures(session: Session, case: DisciplineCase) -> list[CaseMeasure]:
    return list(session.scalars(select(CaseMeasure).where(CaseMeasure.case_id == case.id).order_by(CaseMeasure.id)))
