"""Clue use cases (线索业务): register, act on, list and show problem clues.

Registration is one bulk path used by single registration, ledger import and the demo: numbers are
allocated gap-free per unit and year inside the same transaction that writes the clues, so a failed batch
leaves neither clues nor burnt numbers behind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from sanwang.domain.deadlines import deadline_rules
from sanwang.domain.errors import AccessDenied, NotFound, TransitionRefused, ValidationError
from sanwang.domain.roles import Role
from sanwang.domain.values import ClueNumber
from sanwang.domain.vocab import channels, disposal_methods
from sanwang.domain.workflow import WORKFLOW_ACTIONS, Actor, ClueOutcome, ClueSnapshot, ClueState, plan
from sanwang.services import clue_entities, clue_view, deadlines, textindex
from sanwang.services import summary as statsum
from sanwang.services.context import business_day, history, now, record, unit_by_code
from sanwang.services.policy import audit, check_clue, find_clue, mask, may_see_reporter, restrict_clues
from sanwang.services.units import commission_of
from sanwang.store.db import bulk_insert, first_page_plan
from sanwang.store.tables import (
    Clue,
    ClueCounter,
    ClueLink,
    ClueReporter,
    ClueSubject,
    ClueTriage,
    Deadline,
    Event,
    Instruction,
    Mark,
    Transfer,
    Unit,
    User,
    table_of,
)
from sanwang.text.triage import fingerprint


@dataclass(frozen=True)
class SubjectDraft:
    """A reported person as entered (被反映人)."""

    name: str
    unit_name: str | None = None
    position: str | None = None
    id_number: str | None = None
    rank: str | None = None


@dataclass(frozen=True)
class ClueDraft:
    """A clue about to be registered (待登记线索). ``channel`` is a channel code."""

    channel: str
    received: date
    real_name: bool
    summary: str
    subjects: tuple[SubjectDraft, ...] = ()
    reporter_name: str | None = None
    reporter_id_number: str | None = None
    reporter_phone: str | None = None
    external_ref: str | None = None
    gang_related: bool = False
    umbrella_suspected: bool = False
    gang_case_id: int | None = None
    flags: dict[str, Any] = field(default_factory=dict)


REGISTER_ROLES = (Role.INTAKE_CLERK, Role.CASE_MANAGER, Role.ADMIN)

# The event of a clue being flagged 涉黑涉恶 (at registration or later): starts the commission → police transfer.
GANG_FLAGGED = "clue_flagged_gang"


# The channel (来源渠道, by its name in channels.yaml) of a clue the police transferred to the commission.
POLICE_CHANNEL = "公安机关移送"


def gang_flag_rules(flags: dict[str, Any] | None, channel: str | None, on: date) -> list[str]:
    """The deadline rules a 涉黑涉恶 flag starts (trigger ``clue_flagged_gang``): the transfer of a gang-crime clue
    to the police (纪委监委向公安机关移送涉黑涉恶犯罪线索). A clue that came from the police is not sent back."""
    # The one place this trigger is decided (registration and set_flags both ask here).
    known = channels().resolve(channel) if channel else None
    from_police = (known is not None and known.name == POLICE_CHANNEL) or bool((flags or {}).get("from_transfer"))
    facts = {"channel": known.code if known else channel, "gang_related": True, "from_police": from_police}
    return deadlines.started_by((GANG_FLAGGED,), facts, on)


def gang_transfer_clock(session: Session, clue_id: int) -> Deadline | None:
    """The clue's latest commission → police transfer deadline, started when it was flagged 涉黑涉恶, if any."""
    rules = [r.name for r in deadline_rules().rules if GANG_FLAGGED in r.triggers]
    if not rules:
        return None
    return session.scalar(
        select(Deadline)
        .where(Deadline.entity_kind == "clue", Deadline.entity_id == clue_id, Deadline.rule.in_(rules))
        .order_by(Deadline.id.desc())
        .limit(1)
    )


def check_register(session: Session, actor: Actor, unit: Unit) -> None:
    if not actor.has(*REGISTER_ROLES):
        raise TransitionRefused(
            "登记线索需要信访受理员或案管人员角色", "registering clues needs an intake or case role"
        )
    if unit.kind != "纪委监委":
        raise ValidationError(
            f"线索只能登记在纪委监委，「{unit.name}」是{unit.kind}",
            "clues are registered by a commission",
            field="unit",
        )
    if not actor.has(Role.ADMIN) and commission_of(session, actor.unit_id).id != unit.id:
        raise TransitionRefused(f"您不属于「{unit.name}」，不能以其名义登记", f"you do not belong to {unit.code}")


def _allocate(session: Session, unit_id: int, year: int, count: int) -> int:
    """Reserve ``count`` sequence numbers; returns the first. Locked for the transaction."""
    # Create the counter row if missing without racing a concurrent first registration, then lock it.
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        ins = pg_insert if dialect == "postgresql" else sqlite_insert
        session.execute(ins(ClueCounter).values(unit_id=unit_id, year=year, last_seq=0).on_conflict_do_nothing())
    counter = session.scalar(
        select(ClueCounter).where(ClueCounter.unit_id == unit_id, ClueCounter.year == year).with_for_update()
    )
    if counter is None:
        counter = ClueCounter(unit_id=unit_id, year=year, last_seq=0)
        session.add(counter)
    first = counter.last_seq + 1
    counter.last_seq += count
    session.flush()
    return first


def register_clues(
    session: Session, *, actor: Actor, unit: Unit, drafts: Sequence[ClueDraft], on: date | None = None
) -> list[tuple[int, str]]:
    """Register clues (登记线索): numbers, subjects, reporter, the 'registered' event and deadlines."""
    check_register(session, actor, unit)
    if not drafts:
        return []
    by_year: dict[int, list[int]] = defaultdict(list)
    for i, d in enumerate(drafts):
        channels().by_code(d.channel)
        by_year[d.received.year].append(i)
    numbers: list[tuple[int, str]] = [(0, "")] * len(drafts)
    for year, idx in sorted(by_year.items()):
        first = _allocate(session, unit.id, year, len(idx))
        for k, i in enumerate(idx):
            numbers[i] = (first + k, ClueNumber.format(unit.region_code, year, drafts[i].channel, first + k))
    stamp = now()
    rows = [
        {
            "number": numbers[i][1],
            "unit_id": unit.id,
            "year": d.received.year,
            "seq": numbers[i][0],
            "channel": d.channel,
            "external_ref": d.external_ref,
            "received": d.received,
            "registered_at": stamp,
            "real_name": d.real_name,
            "summary": d.summary,
            "state": ClueState.REGISTERED.value,
            "gang_related": d.gang_related,
            "umbrella_suspected": d.umbrella_suspected,
            "gang_case_id": d.gang_case_id,
            "flags": d.flags or {},
            "review_round": 0,
            "version": 1,
        }
        for i, d in enumerate(drafts)
    ]
    # Core (not ORM) executemany; ids are read back by (unit, year, seq), which this transaction reserved, so
    # no per-row RETURNING round trip is needed on either database.
    bulk_insert(session, table_of(Clue), rows)
    statsum.count_registered(session, rows)
    id_of: dict[tuple[int, int], int] = {}
    for year, idx in by_year.items():
        seqs = [numbers[i][0] for i in idx]
        id_of.update(
            ((year, seq), cid)
            for cid, seq in session.execute(
                select(Clue.id, Clue.seq).where(
                    Clue.unit_id == unit.id, Clue.year == year, Clue.seq >= min(seqs), Clue.seq <= max(seqs)
                )
            )
        )
    ids = [id_of[(d.received.year, numbers[i][0])] for i, d in enumerate(drafts)]
    textindex.mark_pending(session, ids)
    clue_entities.mark_pending(session, ids)
    subjects: list[dict[str, Any]] = []
    reporters: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    dls: list[dict[str, Any]] = []
    for cid, d in zip(ids, drafts, strict=True):
        for k, s in enumerate(d.subjects):
            subjects.append({"clue_id": cid, "ordinal": k, **s.__dict__})
        if d.real_name or d.reporter_name or d.reporter_phone:
            reporters.append(
                {"clue_id": cid, "name": d.reporter_name, "id_number": d.reporter_id_number, "phone": d.reporter_phone}
            )
        day = on or d.received
        events.append(
            {
                "entity_kind": "clue",
                "entity_id": cid,
                "action": "register",
                "at": stamp,
                "day": day,
                "actor_id": actor.user_id,
                "to_state": ClueState.REGISTERED.value,
                "data": {"external_ref": d.external_ref} if d.external_ref else None,
            }
        )
        facts = {"channel": d.channel, "real_name": d.real_name, "gang_related": d.gang_related,
                 "umbrella_suspected": d.umbrella_suspected, "disposal": None, "outcome": None}  # fmt: skip
        dls.extend(deadlines.event_rows("clue", cid, unit.id, ("clue_registered",), facts, d.received))
        if d.gang_related:  # flagged at registration: the clock runs from the day the clue came in
            dls.extend(
                deadlines.row("clue", cid, unit.id, r, d.received)
                for r in gang_flag_rules(d.flags, d.channel, d.received)
            )
    for table, batch in ((ClueSubject, subjects), (ClueReporter, reporters), (Event, events), (Deadline, dls)):
        if batch:
            bulk_insert(session, table_of(table), batch)
    return list(zip(ids, (n for _, n in numbers), strict=True))


def _handler_for(session: Session, clue: Clue, username: str) -> User:
    """A handler (承办人) must work in the clue's commission and handle clues."""
    handler = session.scalar(select(User).where(User.username == username))
    if handler is None or not handler.active:
        raise NotFound(f"承办人「{username}」不存在或已停用", f"no active user {username!r} to handle the clue")
    roles = set(handler.roles.split(","))
    try:
        same = commission_of(session, handler.unit_id).id == commission_of(session, clue.unit_id).id
    except ValidationError:  # the handler's unit belongs to no commission (police, regulators ...)
        same = False
    if not same or not roles & {Role.INVESTIGATOR.value, Role.CASE_MANAGER.value, Role.LEADER.value}:
        raise TransitionRefused(
            f"「{handler.name}」不是本纪委监委的承办人员，不能分办给他/她",
            f"{username} is not a handling member of this clue's commission",
        )
    return handler


def get_clue(session: Session, number: str, *, lock: bool = False) -> Clue:
    """A clue by number; ``lock`` holds its row until the transaction ends (two steps on one clue queue)."""
    q = select(Clue).where(Clue.number == number.strip())
    clue = session.scalar(q.with_for_update() if lock else q)
    if clue is None:
        raise NotFound(f"线索 {number} 不存在", f"no clue numbered {number}")
    return clue


def event_facts(clue: Clue) -> dict[str, Any]:
    """The facts a clue's events carry (事件事实), on which deadlines.yaml conditions decide."""
    return {
        "channel": clue.channel,
        "real_name": clue.real_name,
        "gang_related": clue.gang_related,
        "umbrella_suspected": clue.umbrella_suspected,
        "disposal": clue.disposal,
        "outcome": clue.outcome,
    }


def snapshot(clue: Clue, names: dict[int, str] | None = None) -> ClueSnapshot:
    """What the workflow guards see; ``names`` (user id → name) lets refusals name the handler and the approver."""
    flags = dict(clue.flags or {})
    if clue.outcome:
        flags["outcome"] = clue.outcome
    names = names or {}
    return ClueSnapshot(
        state=ClueState(clue.state),
        real_name=clue.real_name,
        disposal=clue.disposal,
        proposal=clue.proposal,
        endorsements=clue.endorsements,
        handler_id=clue.handler_id,
        flags=flags,
        approved_by=clue.approved_by,
        handler_name=names.get(clue.handler_id or 0, ""),
        approver_name=names.get(clue.approved_by or 0, ""),
    )


def _names(session: Session, *user_ids: int | None) -> dict[int, str]:
    ids = [u for u in user_ids if u]
    return (
        {uid: name for uid, name in session.execute(select(User.id, User.name).where(User.id.in_(ids)))} if ids else {}
    )


def set_flags(
    session: Session,
    *,
    actor: Actor,
    number: str,
    gang_related: bool | None = None,
    umbrella_suspected: bool | None = None,
    reason: str,
    on: date | None = None,
) -> dict[str, Any]:
    """Correct a clue's flags (涉黑涉恶, 涉嫌保护伞) with a reason in its history; the statistics follow."""
    if not (reason or "").strip():
        raise ValidationError("更正标记须说明理由", "state why the flags change", field="reason")
    if gang_related is None and umbrella_suspected is None:
        raise ValidationError("未指定要更正的标记", "name a flag to set or clear", field="flags")
    if not actor.has(Role.INTAKE_CLERK, Role.CASE_MANAGER, Role.LEADER):
        raise AccessDenied(
            "只有受理、案管人员或领导可以更正线索标记", "only intake, case management or leaders set flags"
        )
    clue = get_clue(session, number, lock=True)
    check_clue(session, actor, clue)
    day = business_day(on, not_before=clue.received)
    before = {"gang_related": clue.gang_related, "umbrella_suspected": clue.umbrella_suspected}
    after = {
        "gang_related": before["gang_related"] if gang_related is None else gang_related,
        "umbrella_suspected": before["umbrella_suspected"] if umbrella_suspected is None else umbrella_suspected,
    }
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        statsum.move_gang_flag(session, clue, before["gang_related"], after["gang_related"])
        clue.gang_related, clue.umbrella_suspected = after["gang_related"], after["umbrella_suspected"]
        clue.version += 1
        if "gang_related" in changed:
            _gang_flag_moved(session, clue, after["gang_related"], day)
        record(session, "clue", clue.id, "flag", actor=actor, day=day, from_state=clue.state, to_state=clue.state,
               reason=reason, data=changed)  # fmt: skip
    return {"number": clue.number, **after, "changed": sorted(changed)}


def _gang_flag_moved(session: Session, clue: Clue, flagged: bool, day: date) -> None:
    """Flagged 涉黑涉恶: the transfer clock starts from the flag's day, unless a transfer already went to the police.
    Unflagged: an open clock stops (nothing is owed to the police any more)."""
    rules = gang_flag_rules(clue.flags, clue.channel, day)
    if flagged:
        sent = session.scalar(
            select(Transfer.id).where(Transfer.clue_id == clue.id, Transfer.kind == "gang_clues").limit(1)
        )
        running = {d.rule for d in deadlines.open_deadlines(session, "clue", clue.id) if d.met_on is None}
        if sent is None:
            deadlines.start(session, "clue", clue.id, clue.unit_id, [r for r in rules if r not in running], day)
    else:
        deadlines.meet(session, "clue", clue.id, rules, day)


def act(
    session: Session,
    *,
    actor: Actor,
    number: str,
    action: str,
    on: date | None = None,
    args: dict[str, Any] | None = None,
) -> Clue:
    """Take one workflow step on a clue (线索流转) — refused, with what is missing, if not allowed now."""
    args = dict(args or {})
    clue = get_clue(session, number, lock=True)
    check_clue(session, actor, clue)
    # Steps happen in order: none may be dated before the clue's latest workflow step. Reminders, flag corrections,
    # marks and progress reports are not steps: one dated today must not block last week's paperwork.
    last = session.scalar(
        select(func.max(Event.day)).where(
            Event.entity_kind == "clue", Event.entity_id == clue.id, Event.action.in_(sorted(WORKFLOW_ACTIONS))
        )
    )
    day = business_day(on, not_before=max(d for d in (clue.received, last) if d is not None))
    if action == "assign" and args.get("handler"):
        args["handler_id"] = _handler_for(session, clue, str(args.pop("handler"))).id
    if action in ("mark_duplicate", "propose") and args.get("of"):
        # Typed into this clue's step: a clue the actor may not see is "not found", like a missing one.
        other = find_clue(session, actor, str(args.pop("of")))
        if other.id == clue.id:
            raise TransitionRefused("线索不能与自身重复", "a clue cannot duplicate itself")
        if other.outcome == "merged":
            raise TransitionRefused(
                f"线索 {other.number} 本身已作为重复件并入其他线索，请链接到主线索",
                f"clue {other.number} is itself merged into another; link to the main clue",
            )
        args["of_id"] = other.id
    if args.get("target"):
        target = unit_by_code(session, str(args.pop("target")))
        if target.id == clue.unit_id:
            raise TransitionRefused("不能转办、交办或移送给本单位", "cannot pass a clue to its own unit")
        args["target_unit_id"] = target.id
        args["target_kind"], args["target_name"] = target.kind, target.name
    proposal = dict(clue.proposal or {})
    t = plan(snapshot(clue, _names(session, clue.handler_id, clue.approved_by)), action, actor, args)
    updates = dict(t.updates)
    for key, value in updates.items():
        if key == "review_round":
            clue.review_round += 1
        else:
            setattr(clue, key, value)
    clue.state = t.to_state.value
    clue.version += 1
    if action == "approve":
        clue.disposed_on = day
    if t.to_state is ClueState.CONCLUDED and t.from_state is not ClueState.CONCLUDED:
        clue.concluded_on = day
    if t.to_state is ClueState.ARCHIVED:
        clue.archived_on = day
    if action == "reopen":
        clue.concluded_on = None
        clue.archived_on = None
    if action == "approve":
        statsum.add_milestone(session, clue, statsum.DISPOSED, day)
    if t.to_state is ClueState.CONCLUDED and t.from_state is not ClueState.CONCLUDED:
        statsum.add_milestone(session, clue, statsum.CONCLUDED, day)
    deadlines.meet(session, "clue", clue.id, t.meets, day)
    deadlines.start_on_events(session, "clue", clue.id, clue.unit_id, t.events, event_facts(clue), day)
    data = {k: v for k, v in args.items() if k not in ("reason", "target_kind", "target_name")}
    data.update(t.data)
    if action == "approve":
        data["approved_by"] = clue.approved_by
    if action == "approve" and clue.disposal in ("pass_down", "assign_down", "refer"):
        data.update(_hand_over(session, actor, clue, proposal.get("target_unit_id"), day))
    merged = clue.outcome == ClueOutcome.MERGED.value and t.from_state is not ClueState.CONCLUDED
    if clue.duplicate_of_id and t.to_state is ClueState.CONCLUDED and merged:
        session.add(
            ClueLink(
                clue_id=clue.id,
                other_id=clue.duplicate_of_id,
                kind="duplicate",
                created_on=day,
                created_by=actor.user_id,
            )
        )
    record(
        session,
        "clue",
        clue.id,
        action,
        actor=actor,
        day=day,
        from_state=t.from_state.value,
        to_state=t.to_state.value,
        reason=str(args.get("reason") or "") or None,
        data=data or None,
    )
    return clue


def _hand_over(session: Session, actor: Actor, clue: Clue, target_id: int | None, day: date) -> dict[str, Any]:
    """转办/交办/移送: a commission target gets a linked clue of its own; any other organ a transfer record."""
    target = session.get(Unit, target_id) if target_id else None
    if target is None:
        raise TransitionRefused("未找到接收单位", "the receiving unit is missing")
    if target.kind == "纪委监委":
        subjects = session.scalars(select(ClueSubject).where(ClueSubject.clue_id == clue.id)).all()
        rep = session.get(ClueReporter, clue.id)
        draft = ClueDraft(
            channel="SJ",
            received=day,
            real_name=clue.real_name,
            summary=clue.summary,
            subjects=tuple(SubjectDraft(s.name, s.unit_name, s.position, s.id_number, s.rank) for s in subjects),
            reporter_name=rep.name if rep else None,
            reporter_id_number=rep.id_number if rep else None,
            reporter_phone=rep.phone if rep else None,
            gang_related=clue.gang_related,
            umbrella_suspected=clue.umbrella_suspected,
            gang_case_id=clue.gang_case_id,
            flags={"from_clue": clue.number},
        )
        # Registered on the receiving side by the system on behalf of the sender: the transfer is the act.
        system = Actor(user_id=actor.user_id, roles=frozenset({Role.ADMIN}), unit_id=target.id, name=actor.name)
        [(new_id, new_number)] = register_clues(session, actor=system, unit=target, drafts=[draft], on=day)
        clue.transferred_to_id = new_id
        deadlines.meet(session, "clue", clue.id, ("pass_on",), day)
        return {"new_clue": new_number, "target": target.code}
    # Only a gang-crime clue sent to the police is a 向公安机关移送涉黑涉恶线索 (and counts as one); its deadline runs
    # from the flag that started the clue's clock, so a transfer sent the day it is approved can still be late.
    to_police = target.kind == "公安机关"
    clock = gang_transfer_clock(session, clue.id) if to_police and clue.gang_related else None
    if clock is not None:
        kind, trigger, due = "gang_clues", clock.trigger_on, clock.due
        deadlines.meet(session, "clue", clue.id, [clock.rule], day)
    elif (
        to_police and clue.gang_related and (rules := gang_flag_rules(None, clue.channel, day))
    ):  # no clock ran: from the approval
        kind, trigger = "gang_clues", day
        due = deadlines.compute(rules[0], day)[0]
    else:
        kind, trigger = "referral", day
        due = deadlines.compute("pass_on", day)[0]
    session.add(
        Transfer(
            direction="commission_to_police" if to_police else "commission_to_other",
            kind=kind,
            gang_case_id=clue.gang_case_id,
            clue_id=clue.id,
            from_unit_id=clue.unit_id,
            to_unit_id=target.id,
            trigger_on=trigger,
            sent_on=day,
            due=due,
            content=f"线索 {clue.number} 移送",
        )
    )
    deadlines.meet(session, "clue", clue.id, ("pass_on",), day)
    return {"transfer_to": target.code}


def list_clues(
    session: Session,
    *,
    actor: Actor,
    overdue: bool = False,
    warning: bool = False,
    state: str | None = None,
    as_of: date | None = None,
    limit: int | None = None,
    sort: str | None = None,
    handler: str | None = None,
    flag: str | None = None,
    channel: str | None = None,
    unit: str | None = None,
) -> list[dict[str, Any]]:
    """The ledger (线索台账) as the actor may see it; with ``overdue``, only clues past a deadline; with
    ``warning``, only clues inside a deadline's warning window (临期预警); with ``sort`` (``gang`` or
    ``misconduct``), highest triage score first — a work queue order, never a filter — each row saying whether
    its score came from an older model or other rules (``triage_stale``).

    Filters: ``state``, ``handler`` (承办人, a username), ``flag`` (涉黑涉恶 ``gang`` or 涉嫌保护伞 ``umbrella``),
    ``channel`` (来源渠道, name or code) and ``unit`` (登记单位 code, the units under it included)."""
    as_of = as_of or date.today()
    if sort is not None and sort not in ("gang", "misconduct"):
        raise ValidationError(f"未知排序「{sort}」，可选 gang、misconduct", f"unknown sort {sort!r}", field="--sort")
    filters = clue_view.list_filters(session, handler=handler, flag=flag, channel=channel, unit=unit)
    if overdue or warning:
        # Driven by the open-deadline index in due order, keeping each clue's earliest qualifying deadline, so a
        # first page stops after `limit` rows instead of grouping every open deadline first.
        d, d2 = aliased(Deadline), aliased(Deadline)

        def window(x: Any) -> Any:
            return x.due < as_of if overdue else and_(x.warn_from <= as_of, x.due >= as_of)

        earlier = exists().where(
            d2.entity_kind == "clue",
            d2.entity_id == d.entity_id,
            d2.met_on.is_(None),
            window(d2),
            or_(d2.due < d.due, and_(d2.due == d.due, d2.id < d.id)),
        )
        q = (
            select(Clue, d.due, d.provisional)
            .join(d, d.entity_id == Clue.id)
            .where(d.entity_kind == "clue", d.met_on.is_(None), window(d), ~earlier)
            .order_by(d.due, Clue.id)
        )
    else:
        due = (
            select(func.min(Deadline.due))
            .where(Deadline.entity_kind == "clue", Deadline.entity_id == Clue.id, Deadline.met_on.is_(None))
            # Correlated to the listed clue also inside the EXISTS below: left to itself, SQLAlchemy took the
            # minimum over every clue there, so a clue's nearest due date was hardly ever marked （暂定）.
            .correlate(Clue)
            .scalar_subquery()
        )
        nearest = aliased(Deadline)
        provisional = (
            exists()
            .where(nearest.entity_kind == "clue", nearest.entity_id == Clue.id, nearest.met_on.is_(None))
            .where(nearest.due == due, nearest.provisional.is_(True))
        )
        q = select(Clue, due, provisional).order_by(Clue.id)
    if state:
        q = q.where(Clue.state == _state_value(state))
    if filters:
        q = q.where(*filters)
    if sort:
        textindex.index_pending(session)  # every clue scored before the queue is ordered
        score = getattr(ClueTriage, sort)
        q = q.outerjoin(ClueTriage, ClueTriage.clue_id == Clue.id).order_by(None).order_by(score.desc(), Clue.id)
        q = q.add_columns(ClueTriage.version)
    q = restrict_clues(session, actor, q)
    if limit:
        q = q.limit(limit)
        first_page_plan(session)
    rows = []
    current = fingerprint()
    found_rows = session.execute(q).all()
    handlers = clue_view.handler_names(session, [r[0].handler_id for r in found_rows])
    for found in found_rows:
        row: tuple[Any, ...] = tuple(found)  # (clue, due, provisional) or, sorted, (…, triage version)
        rows.append(summary_row(row[0], row[1], bool(row[2]), handler=handlers.get(row[0].handler_id or 0)))
        if sort:  # scored by an older model or other rules: the order may be off until `sanwang clue rescore`
            rows[-1]["triage_stale"] = row[3] != current
    audit(
        session,
        actor,
        "list",
        "clue",
        None,
        None,
        {"overdue": overdue, "warning": warning, "state": state, "handler": handler, "flag": flag,
         "channel": channel, "unit": unit, "rows": len(rows)},
    )  # fmt: skip
    return rows


def rescore_clues(session: Session, *, actor: Actor) -> int:
    """Re-score one batch of clues whose triage came from another model or other rules (重新研判); administrators
    only, audited. Returns how many; call until 0 (one batch per transaction)."""
    if not actor.has(Role.ADMIN):
        raise AccessDenied("只有系统管理员可以重新研判线索", "only an administrator can re-score clues")
    done = textindex.rescore_batch(session)
    if done:
        audit(session, actor, "rescore", "clue_triage", None, None, {"clues": done, "version": fingerprint()})
    return done


def _state_value(text: str) -> str:
    """A state filter given as value (concluded) or as users read it (办结)."""
    for st in ClueState:
        if text.strip() in (st.value, st.zh):
            return st.value
    names = "、".join(f"{st.zh}({st.value})" for st in ClueState)
    raise ValidationError(f"未知状态「{text}」，可选：{names}", f"unknown state {text!r}", field="--state")


def _method_names() -> dict[str, str]:
    return {m.code: m.name for m in disposal_methods().methods}


def summary_row(clue: Clue, due: date | None, provisional: bool = False, handler: str | None = None) -> dict[str, Any]:
    """One line of the ledger (台账行), the same in the list, in search results and at the head of clue show."""
    return {
        "number": clue.number,
        "state": clue.state,
        "state_zh": ClueState(clue.state).zh,
        "channel": channels().by_code(clue.channel).name,
        "received": clue.received.isoformat(),
        "due": due.isoformat() if due else None,
        "due_provisional": provisional,
        "due_shown": deadlines.shown_due(due, provisional),
        "disposal": clue.disposal,
        "disposal_zh": _method_names().get(clue.disposal or ""),
        "outcome": clue.outcome,
        "outcome_zh": ClueOutcome(clue.outcome).zh if clue.outcome else None,
        "real_name": clue.real_name,
        "gang_related": clue.gang_related,
        "umbrella_suspected": clue.umbrella_suspected,
        "handler": handler,
        "external_ref": clue.external_ref,
    }


def triage_of(session: Session, clue: Clue) -> dict[str, Any]:
    """The clue's triage (研判): as derived when it was indexed, or computed now if it is still pending."""
    row = session.get(ClueTriage, clue.id)
    if row is None:
        [fresh] = textindex.triage_rows([(clue.id, clue.summary)])
        return {"gang": fresh["gang"], "misconduct": fresh["misconduct"], **fresh["detail"]}
    return {"gang": row.gang, "misconduct": row.misconduct, **row.detail}


def show_clue(
    session: Session, *, actor: Actor, number: str, reveal_reporter: bool = False, purpose: str | None = None
) -> dict[str, Any]:
    """One clue in full, as the actor may see it. Every read is audited (留痕)."""
    clue = get_clue(session, number)
    check_clue(session, actor, clue)
    if reveal_reporter and not may_see_reporter(actor):
        raise TransitionRefused("您的角色无权查看反映人身份", "your role may not see the reporter's identity")
    if reveal_reporter and not (purpose or "").strip():
        raise ValidationError("查看反映人身份须说明用途", "state the purpose to see the reporter", field="purpose")
    audit(session, actor, "read_reporter" if reveal_reporter else "read", "clue", clue.id, purpose)
    subjects = session.scalars(select(ClueSubject).where(ClueSubject.clue_id == clue.id).order_by(ClueSubject.ordinal))
    rep = session.get(ClueReporter, clue.id)
    reporter = None
    if rep is not None:
        reporter = (
            {"name": rep.name, "id_number": rep.id_number, "phone": rep.phone}
            if reveal_reporter
            else {"name": mask(rep.name), "id_number": mask(rep.id_number, 0, 0), "phone": mask(rep.phone, 3, 2)}
        )
    nearest = session.execute(
        select(Deadline.due, Deadline.provisional)
        .where(Deadline.entity_kind == "clue", Deadline.entity_id == clue.id, Deadline.met_on.is_(None))
        .order_by(Deadline.due, Deadline.provisional.desc())
        .limit(1)
    ).first()
    unit = session.get(Unit, clue.unit_id)
    out = summary_row(clue, nearest[0] if nearest else None, bool(nearest and nearest[1]))
    out.update(
        {
            "unit": unit.code if unit else None,
            "unit_name": unit.name if unit else None,
            "summary": clue.summary,
            "triage": triage_of(session, clue),
            "entities": clue_entities.entities_of(session, clue.id),
            "reporter": reporter,
            "subjects": [
                {"name": s.name, "unit": s.unit_name, "position": s.position, "id_number": s.id_number, "rank": s.rank}
                for s in subjects
            ],
            "handler": clue_view.handler_of(session, clue.handler_id),
            "flags": clue_view.flags_of(clue),
            "cases": clue_view.cases_of(session, actor, clue.id),
            "transfers": clue_view.transfers_of(session, actor, clue.id),
            "links": clue_view.links_of(session, actor, clue.id),
            "gang_case": clue_view.gang_case_of(session, actor, clue.gang_case_id),
            "proposal": clue.proposal,
            "endorsements": clue.endorsements,
            "review_round": clue.review_round,
            "umbrella_suspected": clue.umbrella_suspected,
            "duplicate_of": _number_of(session, clue.duplicate_of_id),
            "transferred_to": _number_of(session, clue.transferred_to_id),
            "came_from": _came_from(clue, visible_gang=clue_view.gang_case_of(session, actor, clue.gang_case_id)),
            "deadlines": [
                {
                    "rule": d.rule,
                    "rule_zh": deadlines.rule_zh(d.rule),
                    "trigger": d.trigger_on.isoformat(),
                    "due": d.due.isoformat(),
                    "warn_from": d.warn_from.isoformat(),
                    "met_on": d.met_on.isoformat() if d.met_on else None,
                    "extensions": d.extensions,
                    "provisional": d.provisional,
                    "due_shown": deadlines.shown_due(d.due, d.provisional),
                }
                for d in deadlines.open_deadlines(session, "clue", clue.id)
            ],
            "marks": [
                {"kind": m.kind, "set_on": m.set_on.isoformat(), "reason": m.reason, "cleared_on": m.cleared_on}
                for m in session.scalars(select(Mark).where(Mark.entity_kind == "clue", Mark.entity_id == clue.id))
            ],
            "instructions": [
                {"text": i.text, "given_on": i.given_on.isoformat(), "due": i.due.isoformat() if i.due else None}
                for i in session.scalars(
                    select(Instruction).where(Instruction.entity_kind == "clue", Instruction.entity_id == clue.id)
                )
            ],
            "history": history(session, "clue", clue.id),
        }
    )
    return out


def _came_from(clue: Clue, visible_gang: str | None) -> dict[str, Any] | None:
    """Where a clue registered by the system came from: a police transfer (and its gang case, when the reader may
    see it: ``visible_gang``) or a clue passed down by a commission above."""
    flags = clue.flags or {}
    if flags.get("from_transfer"):
        return {"transfer": flags["from_transfer"], "gang_case": flags.get("gang_case") if visible_gang else None}
    if flags.get("from_clue"):
        return {"clue": flags["from_clue"]}
    return None


def _number_of(session: Session, clue_id: int | None) -> str | None:
    return session.scalar(select(Clue.number).where(Clue.id == clue_id)) if clue_id else None


def extend_deadline(
    session: Session, *, actor: Actor, number: str, rule: str, reason: str, on: date | None = None
) -> date:
    """Extend a clue's deadline as its rule allows (延期), on a leader's approval."""
    if not actor.has(Role.LEADER):
        raise TransitionRefused("延长期限须经领导批准", "extending a deadline needs a leader")
    clue = get_clue(session, number, lock=True)
    check_clue(session, actor, clue)
    return deadlines.extend(
        session, "clue", clue.id, rule, actor=actor, on=business_day(on, not_before=clue.received), reason=reason
    )
