"""Demo replay of gang cases, discipline cases and supervision (演示：案件与督办).

Gang cases are registered by the police liaison who notified them, their umbrella clues transferred and
signed for, and the three tracks of 一案三查 carried as far as the scenario's end allows; clue fates that
open discipline cases, detain, sanction or supervise go through the same services users call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import SanwangError
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor
from sanwang.scenario.model import FateStep, GangCaseSpec, Scenario
from sanwang.services import cases, gang, marks, transfers
from sanwang.services.clues import get_clue
from sanwang.services.context import actor_for
from sanwang.services.units import commission_of
from sanwang.store.tables import ClueSubject, GangCase, Unit, User

END = date(2020, 12, 31)


class Staffing:
    """Who can act for a commission: its leaders, investigators and the commission above it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._leaders: dict[int, list[str]] = {}
        self._by_role: dict[tuple[int, str], list[str]] = {}

    def _users(self, commission_id: int, role: Role) -> list[str]:
        key = (commission_id, role.value)
        if key not in self._by_role:
            rows = self.session.execute(select(User.username, User.unit_id, User.roles).order_by(User.id)).all()
            self._by_role[key] = [
                u for u, unit_id, roles in rows
                if role.value in roles.split(",") and commission_of(self.session, unit_id).id == commission_id
            ]  # fmt: skip
        return self._by_role[key]

    def leaders(self, commission_id: int) -> list[str]:
        return self._users(commission_id, Role.LEADER)

    def one_of(self, commission_id: int, role: Role, not_: str | None = None) -> str:
        people = [u for u in self._users(commission_id, role) if u != not_]
        if not people:
            raise SanwangError(
                "演示数据缺少所需人员", f"the scenario has no {role.value} for commission {commission_id}"
            )
        return people[0]

    def approver_above(self, unit_id: int) -> str:
        """A leader of the commission one level up (or of this one at province level)."""
        commission = commission_of(self.session, unit_id)
        if commission.region_code.endswith("0000") or commission.parent_id is None:
            return self.one_of(commission.id, Role.LEADER)
        return self.one_of(commission_of(self.session, commission.parent_id).id, Role.LEADER)


def load_gangs(session: Session, scenario: Scenario) -> dict[str, int]:
    """Register every gang case; transfer and sign for its umbrella clues; carry its tracks forward."""
    liaison = {u.unit_code: u.username for u in scenario.users if "police_liaison" in u.roles}
    umbrellas: dict[str, list[str]] = {}
    for u in scenario.ground_truth.get("umbrellas", []):
        umbrellas.setdefault(u["gang_case"], []).append(u["name"])
    staff = Staffing(session)
    ids: dict[str, int] = {}
    for g in scenario.gang_cases:
        police = actor_for(session, liaison[g.police_unit_code])
        notified = min(g.filed_on + timedelta(days=1 + len(g.members) % 6), END)
        case = gang.register_gang_case(
            session,
            actor=police,
            police_number=g.police_number,
            name=g.name,
            kind=g.kind,
            region_code=g.region_code,
            sectors=list(g.sectors),
            stage=g.stage,
            filed_on=g.filed_on,
            members=[gang.MemberDraft(m.name, m.role, m.id_number) for m in g.members],
            notified_on=notified,
            unit_code=g.commission_unit_code,
            police_unit_code=g.police_unit_code,
        )
        ids[g.police_number] = case.id
        _transfer_and_tracks(session, staff, g, police, notified, umbrellas.get(g.police_number, []))
    return ids


def _transfer_and_tracks(
    session: Session, staff: Staffing, g: GangCaseSpec, police: Actor, notified: date, found: list[str]
) -> None:
    commission = commission_of(session, session.scalar(select(Unit.id).where(Unit.code == g.commission_unit_code)) or 0)
    sent = notified + timedelta(days=3 + len(g.members) % 9)  # some later than the 10-day rule allows
    if sent > END:
        return
    t = transfers.send_transfer(
        session,
        actor=police,
        police_number=g.police_number,
        content=f"{g.name}中发现的涉黑涉恶腐败和保护伞问题线索",
        direction="police_to_commission",
        on=sent,
    )
    manager = actor_for(session, staff.one_of(commission.id, Role.CASE_MANAGER))
    transfers.acknowledge_transfer(session, actor=manager, transfer_id=t.id, on=min(sent + timedelta(days=1), END))
    start = sent + timedelta(days=5)
    if start + timedelta(days=150) > END:
        return  # too recent: the tracks are still open at the scenario's end
    leader_name = staff.one_of(commission.id, Role.LEADER)
    leader = actor_for(session, leader_name)
    handler_name = staff.one_of(commission.id, Role.INVESTIGATOR)
    handler = actor_for(session, handler_name)
    pn = g.police_number
    gang.assign_track(session, actor=leader, police_number=pn, track=1, owner=police_name(police, session), on=start)
    gang.assign_track(session, actor=leader, police_number=pn, track=2, owner=handler_name, on=start)
    gang.assign_track(session, actor=leader, police_number=pn, track=3, owner=handler_name, on=start)
    if g.stage in ("起诉", "审判", "判决"):
        gang.conclude_track(
            session, actor=police, police_number=pn, track=1, conclusion="prosecuted", on=start + timedelta(days=30)
        )
    day2 = start + timedelta(days=120)
    if found:
        gang.conclude_track(
            session, actor=handler, police_number=pn, track=2, conclusion="umbrella_found", persons=found, on=day2
        )
        gang.conclude_track(
            session, actor=handler, police_number=pn, track=3, conclusion="accountability",
            outcomes=["对监管部门负责人诫勉谈话"], on=day2 + timedelta(days=20),
        )  # fmt: skip
    else:
        gang.endorse_track(session, actor=handler, police_number=pn, text="经深挖彻查，未发现保护伞问题", on=day2)
        gang.endorse_track(session, actor=leader, police_number=pn, text="同意查否意见", on=day2)
        gang.conclude_track(session, actor=handler, police_number=pn, track=2, conclusion="not_found", on=day2)
        gang.conclude_track(
            session, actor=handler, police_number=pn, track=3, conclusion="none",
            reason="经调查，相关部门已依法履行监管职责", on=day2 + timedelta(days=20),
        )  # fmt: skip


def police_name(actor: Actor, session: Session) -> str:
    return session.scalar(select(User.username).where(User.id == actor.user_id)) or ""


Handler = Callable[[Session, Staffing, Actor, str, FateStep, dict[str, Any]], None]


def _open_case(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    clue = get_clue(s, number)
    subjects = list(s.scalars(select(ClueSubject).where(ClueSubject.clue_id == clue.id).order_by(ClueSubject.ordinal)))
    subject = subjects[min(int(step.args.get("subject", 0)), len(subjects) - 1)]
    commission = commission_of(s, clue.unit_id)
    by = police_name(who, s)
    gang_number = ctx.get("gang_number")
    if gang_number:
        filed = s.scalar(select(GangCase.filed_on).where(GangCase.police_number == gang_number))
        if filed is None or filed > step.on:
            gang_number = None  # the clue came before the police filed the gang case: linked later, not now
    case = cases.open_case(
        s,
        actor=who,
        approver=staff.one_of(commission.id, Role.LEADER, not_=by),
        subject_name=subject.name,
        subject_id_number=subject.id_number,
        subject_position=subject.position,
        subject_rank=subject.rank,
        clue_number=number,
        gang_number=gang_number,
        umbrella=clue.umbrella_suspected,
        # The demo's clues end 查实 after verification; the case is then opened by the leaders' decision (直接立案).
        direct_basis="初步核实查实，经纪委常委会研究决定立案审查调查",
        on=step.on,
    )
    ctx["case"] = case.number
    ctx["case_unit"] = case.unit_id


def _detain(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    at = datetime.combine(step.on, time(9, 0))
    cases.detain(s, actor=who, number=ctx["case"], approver=staff.approver_above(ctx["case_unit"]), on=step.on, at=at)


def _extend(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    cases.extend_detention(
        s, actor=who, number=ctx["case"], approver=staff.approver_above(ctx["case_unit"]),
        reason="案情重大复杂，需延长留置期限", on=step.on,
    )  # fmt: skip


def _notify(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    cases.notify_family(s, actor=who, number=ctx["case"], at=datetime.combine(step.on, time(17, 0)), on=step.on)


def _release(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    cases.release(s, actor=who, number=ctx["case"], on=step.on)


OUTCOME_KEYS = (
    "party",
    "administrative",
    "organisational",
    "accountability_org",
    "accountability_cadre",
    "prosecution",
)


def _outcome(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    form = step.args.get("form")
    for kind in OUTCOME_KEYS:
        if step.args.get(kind):
            cases.record_outcome(s, actor=who, number=ctx["case"], kind=kind, value=str(step.args[kind]), form=form,
                                 on=step.on)  # fmt: skip


def _recommend(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    unit = s.scalar(select(Unit).where(Unit.code == str(step.args.get("unit"))))
    rec = cases.recommend(
        s, actor=who, number=ctx["case"], to_unit=unit.name if unit else str(step.args.get("unit")),
        content=str(step.args.get("text")), on=step.on,
    )  # fmt: skip
    ctx["recommendation"] = rec.id


def _follow_up(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    cases.follow_up(s, actor=who, recommendation_id=ctx["recommendation"], result=str(step.args.get("note")),
                    on=step.on)  # fmt: skip


def _conclude_case(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    cases.conclude_case(s, actor=who, number=ctx["case"], on=step.on)


def _mark(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    kind = str(step.args["kind"])
    actor = who
    if kind in ("提级办理", "直查直办"):
        actor = actor_for(s, staff.approver_above(get_clue(s, number).unit_id))
    owner = step.args.get("leader") or (police_name(who, s) if kind == "领导包案" else None)
    marks.set_mark(s, actor=actor, entity_kind="clue", number=number, kind=kind, reason=str(step.args["reason"]),
                   owner=owner, on=step.on)  # fmt: skip


def _instruct(s: Session, staff: Staffing, who: Actor, number: str, step: FateStep, ctx: dict[str, Any]) -> None:
    marks.instruct(s, actor=who, entity_kind="clue", number=number, text=str(step.args["text"]),
                   due=step.args.get("due"), on=step.on)  # fmt: skip


HANDLERS: dict[str, Handler] = {
    "open_case": _open_case,
    "detain": _detain,
    "extend_detention": _extend,
    "notify_family": _notify,
    "release": _release,
    "outcome": _outcome,
    "recommend": _recommend,
    "follow_up": _follow_up,
    "conclude_case": _conclude_case,
    "mark": _mark,
    "instruct": _instruct,
}
