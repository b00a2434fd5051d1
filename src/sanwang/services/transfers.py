"""Two-way clue transfers (线索双向移送) on a gang case: sending, signing for them (签收), and the lists.

Police → commission (保护伞 clues) and commission → police (gang-crime clues), each with its deadline; the rules
are in :mod:`sanwang.domain.transfers`, who may send or sign in :mod:`sanwang.services.policy`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import NotFound, TransitionRefused, ValidationError
from sanwang.domain.roles import Role
from sanwang.domain.transfers import (
    TRANSFER_DIRECTION_ZH,
    TRANSFER_DIRECTIONS,
    TRANSFER_KIND_ZH,
    TRANSFER_PROBLEM_ZH,
    check_acknowledge,
    transfer_direction,
    transfer_problem,
)
from sanwang.domain.vocab import channels
from sanwang.domain.workflow import Actor
from sanwang.services import deadlines
from sanwang.services.clues import POLICE_CHANNEL, ClueDraft, gang_transfer_clock, register_clues
from sanwang.services.context import business_day, record
from sanwang.services.policy import (
    COMMISSION_ROLES,
    audit,
    check_gang_case,
    check_transfer,
    find_clue,
    get_gang_case,
    is_receiving,
    own_commission_id,
    police_side,
    restrict_transfers,
)
from sanwang.store.tables import Clue, GangCase, Transfer, Unit


def send_transfer(
    session: Session,
    *,
    actor: Actor,
    police_number: str,
    content: str,
    direction: str | None = None,
    found_on: date | None = None,
    clue_number: str | None = None,
    on: date | None = None,
) -> Transfer:
    """线索移送: police → commission (umbrella clues, due ``police_transfer_umbrella`` days from filing) or
    commission → police (gang-crime clues, due ``commission_transfer_gang`` working days from when found)."""
    gc = get_gang_case(session, police_number)
    check_gang_case(session, actor, gc)
    police = police_side(actor, gc)
    way = transfer_direction(direction) if direction else ("police_to_commission" if police else "commission_to_police")
    kind, rule, zh = TRANSFER_DIRECTIONS[way]
    if gc.police_unit_id is None:
        raise TransitionRefused("该案未登记办案公安机关，无法移送", "the gang case has no police unit to transfer with")
    if way == "police_to_commission" and not police:
        raise TransitionRefused(
            "保护伞线索由办案公安机关的联络员移送", "umbrella clues are sent by the police unit's liaison"
        )
    if (
        way == "commission_to_police"
        and (police or not actor.has(*COMMISSION_ROLES) or own_commission_id(session, actor) != gc.unit_id)
        and not actor.has(Role.ADMIN)
    ):
        raise TransitionRefused(
            "涉黑涉恶犯罪线索由承办该案的纪委监委移送", "gang-crime clues are sent by the commission of the case"
        )
    if not content.strip():
        raise ValidationError("移送内容不能为空", "say what is transferred", field="content")
    day = business_day(on, not_before=gc.filed_on)
    clue_id = None
    if clue_number:
        clue_id = find_clue(session, actor, clue_number).id  # a clue the sender may not see is "not found"
    trigger = gc.filed_on if way == "police_to_commission" else (found_on or day)
    # A clue flagged 涉黑涉恶 in the ledger started its clock on the flag: the transfer is due from then, whatever
    # day it is sent (and the clock is met by sending it).
    clock = gang_transfer_clock(session, clue_id) if clue_id and way == "commission_to_police" else None
    if clock is not None:
        trigger = min(trigger, clock.trigger_on) if found_on else clock.trigger_on
    if trigger > day:
        raise ValidationError(
            "发现线索的日期不能晚于移送日期", "the clue cannot be found after it is sent", field="found_on"
        )
    due, _, _ = deadlines.compute(rule, trigger)
    from_id, to_id = (
        (gc.police_unit_id, gc.unit_id) if way == "police_to_commission" else (gc.unit_id, gc.police_unit_id)
    )
    t = Transfer(
        direction=way,
        kind=kind,
        gang_case_id=gc.id,
        clue_id=clue_id,
        from_unit_id=from_id,
        to_unit_id=to_id,
        trigger_on=trigger,
        sent_on=day,
        due=due,
        content=content.strip(),
    )
    session.add(t)
    session.flush()
    deadlines.start(session, "transfer", t.id, gc.unit_id, [rule], trigger)
    if clock is not None:
        deadlines.meet(session, "clue", clock.entity_id, [clock.rule], day)
    record(
        session,
        "gang_case",
        gc.id,
        "send_transfer",
        actor=actor,
        day=day,
        reason=zh,
        data={"transfer": t.id, "direction": way, "due": due.isoformat(), "late": day > due, "clue": clue_number},
    )
    return t


def acknowledge_transfer(session: Session, *, actor: Actor, transfer_id: int, on: date | None = None) -> Transfer:
    """The receiving side signs for a transfer (签收); only a user of the receiving unit may."""
    t = session.get(Transfer, transfer_id)
    if t is None:
        raise NotFound(f"移送记录 {transfer_id} 不存在", f"no transfer {transfer_id}")
    check_transfer(session, actor, t)
    day = business_day(on, not_before=t.sent_on)
    check_acknowledge(
        receiving=is_receiving(session, actor, t), acknowledged_on=t.acknowledged_on, sent_on=t.sent_on, on=day
    )
    t.acknowledged_on, t.acknowledged_by = day, actor.user_id
    rule = TRANSFER_DIRECTIONS[t.direction][1] if t.direction in TRANSFER_DIRECTIONS else None
    if rule:
        deadlines.meet(session, "transfer", t.id, [rule], day)
    new_clue = _register_received(session, actor, t, day) if t.direction == "police_to_commission" else None
    if t.gang_case_id is not None:
        record(
            session,
            "gang_case",
            t.gang_case_id,
            "acknowledge_transfer",
            actor=actor,
            day=day,
            data={"transfer": t.id, "late": day > t.due, **({"clue": new_clue} if new_clue else {})},
        )
    return t


def _register_received(session: Session, actor: Actor, t: Transfer, day: date) -> str | None:
    """Umbrella clues the police transferred, once signed for, become a clue in the commission's ledger (channel
    公安机关移送), linked to the gang case and the transfer, with the deadlines of any clue. Once per transfer."""
    if t.clue_id is not None:  # already in the ledger (signed for before, or sent about a known clue)
        return None
    gc = session.get(GangCase, t.gang_case_id) if t.gang_case_id else None
    unit = session.get(Unit, t.to_unit_id)
    if unit is None or unit.kind != "纪委监委":
        return None
    channel = next((c for c in channels().channels if c.name == POLICE_CHANNEL), None)
    if channel is None:
        raise ValidationError(
            f"来源渠道配置缺少「{POLICE_CHANNEL}」，无法登记公安机关移送的线索",
            f"channels.yaml has no channel named {POLICE_CHANNEL}",
            field="channels",
        )
    draft = ClueDraft(
        channel=channel.code,
        received=day,
        real_name=False,
        summary=t.content,
        gang_related=True,
        umbrella_suspected=True,
        gang_case_id=t.gang_case_id,
        flags={"from_transfer": t.id, **({"gang_case": gc.police_number} if gc else {})},
    )
    # Registered by the system on behalf of whoever signs (a leader may sign without an intake role): the
    # acknowledgement is the act, as with a clue passed down by a commission above.
    system = Actor(user_id=actor.user_id, roles=frozenset({Role.ADMIN}), unit_id=unit.id, name=actor.name)
    [(clue_id, number)] = register_clues(session, actor=system, unit=unit, drafts=[draft], on=day)
    t.clue_id = clue_id
    return number


def transfer_row(session: Session, t: Transfer, as_of: date) -> dict[str, Any]:
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_((t.from_unit_id, t.to_unit_id))))}
    problem = transfer_problem(t.sent_on, t.due, t.acknowledged_on, as_of)
    gang = session.get(GangCase, t.gang_case_id) if t.gang_case_id else None
    return {
        "id": t.id,
        "gang_case": gang.police_number if gang else None,
        "direction": t.direction,
        "direction_zh": TRANSFER_DIRECTION_ZH.get(t.direction, t.direction),
        "kind": t.kind,
        "kind_zh": TRANSFER_KIND_ZH.get(t.kind, t.kind),
        "from_unit": units[t.from_unit_id].code if t.from_unit_id in units else None,
        "to_unit": units[t.to_unit_id].code if t.to_unit_id in units else None,
        "from_unit_name": units[t.from_unit_id].name if t.from_unit_id in units else None,
        "to_unit_name": units[t.to_unit_id].name if t.to_unit_id in units else None,
        "clue": session.scalar(select(Clue.number).where(Clue.id == t.clue_id)) if t.clue_id else None,
        "trigger_on": t.trigger_on.isoformat(),
        "sent_on": t.sent_on.isoformat(),
        "due": t.due.isoformat(),
        "acknowledged_on": t.acknowledged_on.isoformat() if t.acknowledged_on else None,
        "content": t.content,
        "problem": problem,
        "problem_zh": TRANSFER_PROBLEM_ZH.get(problem) if problem else None,
    }


def list_transfers(
    session: Session,
    *,
    actor: Actor,
    overdue: bool = False,
    as_of: date | None = None,
    police_number: str | None = None,
) -> list[dict[str, Any]]:
    """Transfers both ways (移送登记); with ``overdue``, those sent late, acknowledged late, or unsigned past due."""
    as_of = as_of or date.today()
    q = restrict_transfers(session, actor, select(Transfer).order_by(Transfer.due, Transfer.id))
    if police_number:
        gc = get_gang_case(session, police_number)
        check_gang_case(session, actor, gc)
        q = q.where(Transfer.gang_case_id == gc.id)
    rows = [transfer_row(session, t, as_of) for t in session.scalars(q)]
    rows = [r for r in rows if r["problem"]] if overdue else rows
    data = {"overdue": overdue, "gang_case": police_number, "rows": len(rows)}
    audit(session, actor, "list", "transfer", None, None, data)
    return rows
