"""复审 / 复核 (review of case decisions) and 典型案例通报 (typical-case bulletins) on discipline cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.cases import check_one_in_force
from sanwang.domain.errors import NotFound, TransitionRefused
from sanwang.domain.reviews import (
    ReviewLevel,
    ReviewResult,
    ReviewSnapshot,
    check_apply,
    check_decide,
    review_level,
    review_result,
)
from sanwang.domain.sanctions import case_rules
from sanwang.domain.workflow import Actor
from sanwang.services import deadlines
from sanwang.services.cases import _unit_ref, get_case, snapshot, standing_outcome
from sanwang.services.context import business_day, record
from sanwang.services.policy import check_case, own_commission_id
from sanwang.store.tables import CaseReview, DisciplineCase, Outcome, Unit


def _outcome(session: Session, case: DisciplineCase, outcome_id: int) -> Outcome:
    o = session.get(Outcome, outcome_id)
    if o is None or o.case_id != case.id:
        raise NotFound(
            f"案件 {case.number} 没有编号为 {outcome_id} 的处理决定", f"case {case.number} has no outcome {outcome_id}"
        )
    return o


def _snapshots(session: Session, outcome_id: int) -> list[ReviewSnapshot]:
    rows = session.scalars(select(CaseReview).where(CaseReview.outcome_id == outcome_id).order_by(CaseReview.id))
    return [
        ReviewSnapshot(ReviewLevel(r.level), r.decided_on, ReviewResult(r.result) if r.result else None) for r in rows
    ]


def apply_review(
    session: Session,
    *,
    actor: Actor,
    number: str,
    outcome_id: int,
    level: str,
    grounds: str,
    served_on: date | None = None,
    on: date | None = None,
) -> CaseReview:
    """Record an application for 复审 (to the deciding commission) or 复核 (one level up) and start its deadline.

    ``served_on`` is when the contested decision reached the person (送达): by default the day the outcome was
    decided (复审) or the 复审 decided (复核).
    """
    case = get_case(session, number)
    check_case(session, actor, case)
    lvl = review_level(level)
    outcome = _outcome(session, case, outcome_id)
    earlier = _snapshots(session, outcome.id)
    parent: CaseReview | None = None
    unit_id = case.unit_id
    default_served = outcome.decided_on
    if lvl is ReviewLevel.RECHECK:
        parent = session.scalar(
            select(CaseReview).where(CaseReview.outcome_id == outcome.id, CaseReview.level == ReviewLevel.REVIEW.value)
        )
        if parent is not None and parent.decided_on is not None:
            default_served = parent.decided_on
        unit = session.get(Unit, case.unit_id)
        assert unit is not None
        above = _unit_ref(session, unit).parent_id
        if above is None:
            raise TransitionRefused("本案决定机关没有上一级纪委监委，无法申请复核", "no commission above to recheck")
        unit_id = above
    served = served_on or default_served
    day = business_day(on, not_before=served)
    window_ends, _, _ = deadlines.compute("review_application", served)
    check_apply(actor, lvl, served_on=served, applied_on=day, window_ends=window_ends, earlier=earlier, grounds=grounds)
    review = CaseReview(
        case_id=case.id,
        outcome_id=outcome.id,
        level=lvl.value,
        parent_id=parent.id if parent else None,
        unit_id=unit_id,
        served_on=served,
        applied_on=day,
        grounds=grounds.strip(),
        recorded_by=actor.user_id,
    )
    session.add(review)
    session.flush()
    deadlines.start(session, "review", review.id, unit_id, (lvl.decision_rule,), day)
    record(
        session,
        "case",
        case.id,
        f"{lvl.value}_applied",
        actor=actor,
        day=day,
        reason=review.grounds,
        data={"review": review.id, "outcome": outcome.id, "served_on": served.isoformat()},
    )
    return review


def decide_review(
    session: Session,
    *,
    actor: Actor,
    review_id: int,
    result: str,
    decision: str,
    new_value: str | None = None,
    form: int | str | None = None,
    on: date | None = None,
) -> CaseReview:
    """Decide a 复审 or 复核: 维持 (uphold), 变更 (change: a new outcome takes the old one's place) or 撤销 (revoke).

    撤销 and 变更 retire the outcome that stands (``outcomes.retired_on``; for 变更 ``superseded_by`` names its
    successor); the rows are kept verbatim, so the history shows both and statistics count only what is in force.
    """
    review = session.get(CaseReview, review_id)
    if review is None:
        raise NotFound(f"复审复核申请 {review_id} 不存在", f"no review application {review_id}")
    case = session.get(DisciplineCase, review.case_id)
    assert case is not None
    check_case(session, actor, case)
    lvl, res = ReviewLevel(review.level), review_result(result)
    day = business_day(on, not_before=review.applied_on)
    check_decide(
        actor,
        lvl,
        decided_on=review.decided_on,
        in_deciding_unit=own_commission_id(session, actor) == review.unit_id,
        applied_on=review.applied_on,
        on=day,
        result=res,
        new_value=new_value,
        decision=decision,
    )
    contested = session.get(Outcome, review.outcome_id)
    assert contested is not None
    # A 复核 after a 复审 that changed the decision contests what stands now: the changed outcome.
    old = standing_outcome(session, contested)
    data: dict[str, Any] = {"review": review.id, "result": res.value, "retired": None}
    if res is not ReviewResult.UPHELD:
        if old.retired_on is not None:
            raise TransitionRefused(
                f"处理结果 {old.id} 已于 {old.retired_on.isoformat()} 被撤销，无可{res.zh}",
                f"outcome {old.id} was already revoked on {old.retired_on}",
            )
        old.retired_on = day
        data["retired"] = old.id
        session.flush()
    if res is ReviewResult.CHANGED:
        rules = case_rules()
        kind = rules.kind(old.kind)
        value = rules.value(kind, str(new_value))
        new_form = rules.form(form) if form is not None else old.form
        rules.check_form(kind, value, new_form)
        check_one_in_force(snapshot(session, case), kind.code)  # the old one is already retired above
        changed = Outcome(
            case_id=case.id,
            kind=kind.code,
            value=value,
            form=new_form,
            decided_on=day,
            decided_by=actor.user_id,
        )
        session.add(changed)
        session.flush()
        old.superseded_by = changed.id
        review.new_outcome_id = changed.id
        data.update(new_outcome=changed.id, value=changed.value)
    review.decided_on, review.result, review.decision, review.decided_by = (
        day,
        res.value,
        decision.strip(),
        actor.user_id,
    )
    due = deadlines.due_of(session, "review", review.id, lvl.decision_rule)
    deadlines.meet(session, "review", review.id, [lvl.decision_rule], day)
    data["late"] = bool(due and day > due)
    record(session, "case", case.id, f"{lvl.value}_decided", actor=actor, day=day, reason=review.decision, data=data)
    return review
