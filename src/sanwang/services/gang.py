"""Gang cases and 一案三查 (涉黑涉恶案件与一案三查): registration of the police notification, members, stage,
the three tracks to clearance (清底), and linked discipline cases.

Every step is decided by the pure guards in :mod:`sanwang.domain.tracks` and leaves an event on the gang case.
Who may see or write a gang case is decided in :mod:`sanwang.services.policy`; the two-way clue transfers are
in :mod:`sanwang.services.transfers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sanwang.domain import endorsement
from sanwang.domain.cases import CaseState
from sanwang.domain.errors import NotFound, TransitionRefused, ValidationError
from sanwang.domain.idnumber import IdNumber
from sanwang.domain.marks import MarkKind
from sanwang.domain.regions import region_table
from sanwang.domain.roles import Role
from sanwang.domain.tracks import (
    TRACK_CONCLUSIONS,
    TRACK_STATUS_ZH,
    Track,
    TrackSnapshot,
    TrackStatus,
    check_stage_move,
    clearance,
    crimes,
    gang_kind,
    member_role,
    plan_track,
    police_stage,
    stage_back,
    track_conclusion,
    track_of,
)
from sanwang.domain.workflow import Actor
from sanwang.services import clue_entities, deadlines
from sanwang.services.context import business_day, history, record, unit_by_code
from sanwang.services.policy import (
    COMMISSION_ROLES,
    GangView,
    audit,
    check_gang_case,
    check_gang_writer,
    find_case,
    gang_events,
    gang_view,
    get_gang_case,
    hidden_cases,
    own_commission_id,
    restrict_cases,
    restrict_gang_cases,
    restrict_transfers,
)
from sanwang.services.transfers import transfer_row
from sanwang.services.units import commission_of
from sanwang.store.tables import (
    CaseTrack,
    Deadline,
    DisciplineCase,
    GangCase,
    GangMember,
    Instruction,
    Mark,
    Transfer,
    Unit,
    User,
)

REGISTER_ROLES = (Role.POLICE_LIAISON, Role.CASE_MANAGER, Role.ADMIN)


@dataclass(frozen=True)
class MemberDraft:
    """A gang member as notified by the police (涉黑涉恶成员)."""

    name: str
    role: str
    id_number: str | None = None
    crimes: tuple[str, ...] = ()
    """The crimes charged (罪名), e.g. 组织、领导黑社会性质组织罪."""


# -------------------------------------------------------------------------------------------------- helpers


def _day(on: date | None, gc: GangCase) -> date:
    return business_day(on, not_before=gc.filed_on)


def _user(session: Session, username: str, what: str = "用户") -> User:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        raise NotFound(f"{what}「{username}」不存在或已停用", f"no active user {username!r}")
    return user


# --------------------------------------------------------------------------------------------- registration


def _members(drafts: Sequence[MemberDraft], known_ids: set[str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen = set(known_ids)
    for i, m in enumerate(drafts, start=1):
        name = m.name.strip()
        if not name:
            raise ValidationError("成员姓名不能为空", "a member needs a name", field="members", line=i)
        id_number = None
        if m.id_number and m.id_number.strip():
            id_number = IdNumber.parse(m.id_number, field="members.id_number", line=i).value
            if id_number in seen:
                raise ValidationError(
                    f"身份证号 {id_number} 重复", f"ID number {id_number} appears twice", field="members", line=i
                )
            seen.add(id_number)
        rows.append({"name": name, "id_number": id_number, "role": member_role(m.role), "crimes": crimes(m.crimes)})
    return rows


def register_gang_case(
    session: Session,
    *,
    actor: Actor,
    police_number: str,
    name: str,
    kind: str,
    region_code: str,
    sectors: Sequence[str],
    stage: str,
    filed_on: date,
    members: Sequence[MemberDraft] = (),
    notified_on: date | None = None,
    unit_code: str | None = None,
    police_unit_code: str | None = None,
) -> GangCase:
    """Register a police notification of a gang case (涉黑涉恶案件通报登记) and open its three tracks.

    A notification later than the ``police_notify`` rule allows is registered all the same and marked late.
    """
    if not actor.has(*REGISTER_ROLES):
        raise TransitionRefused(
            "登记涉黑涉恶案件通报需要公安联络员或案管人员角色",
            "registering a gang case needs a police liaison or case role",
        )
    actor_unit = session.get(Unit, actor.unit_id)
    is_police = actor_unit is not None and actor_unit.kind == "公安机关"
    if unit_code:
        unit = unit_by_code(session, unit_code)
    elif not is_police:
        unit = commission_of(session, actor.unit_id)
    else:
        raise ValidationError("公安机关通报须写明接收的纪委监委", "name the receiving commission", field="unit")
    if unit.kind != "纪委监委":
        raise ValidationError(f"「{unit.name}」不是纪委监委", f"{unit.code} is not a commission", field="unit")
    if not is_police and not actor.has(Role.ADMIN) and own_commission_id(session, actor) != unit.id:
        raise TransitionRefused(f"您不属于「{unit.name}」，不能以其名义登记", f"you do not belong to {unit.code}")
    police_unit: Unit | None = actor_unit if is_police else None
    if police_unit is None and police_unit_code:
        police_unit = unit_by_code(session, police_unit_code)
        if police_unit.kind != "公安机关":
            raise ValidationError(
                f"「{police_unit.name}」不是公安机关", f"{police_unit.code} is not a police unit", field="police_unit"
            )
    number = police_number.strip()
    if not number:
        raise ValidationError("公安案件编号不能为空", "the police case number is required", field="police_number")
    if session.scalar(select(GangCase.id).where(GangCase.police_number == number)) is not None:
        raise ValidationError(
            f"公安案件编号 {number} 已登记", f"police case number {number} is already registered", field="police_number"
        )
    if not name.strip():
        raise ValidationError("案件名称不能为空", "the case name is required", field="name")
    if not region_table().is_known(region_code):
        raise ValidationError(
            f"行政区划代码 {region_code} 不存在", f"unknown region code {region_code}", field="region_code"
        )
    business_day(filed_on, what="filed_on")
    day = business_day(notified_on, not_before=filed_on, what="notified_on")
    member_rows = _members(members, set())
    notify_due, _, _ = deadlines.compute("police_notify", filed_on)
    late = day > notify_due
    gc = GangCase(
        police_number=number,
        name=name.strip(),
        kind=gang_kind(kind),
        region_code=region_code,
        sectors=[s.strip() for s in sectors if s.strip()],
        stage=police_stage(stage),
        filed_on=filed_on,
        notified_on=day,
        unit_id=unit.id,
        police_unit_id=police_unit.id if police_unit else None,
    )
    session.add(gc)
    session.flush()
    if member_rows:
        session.execute(insert(GangMember), [{"gang_case_id": gc.id, **m} for m in member_rows])
        clue_entities.requeue_mentions(session, [m["name"] for m in member_rows])  # earlier clues naming them
    session.add_all(
        CaseTrack(
            gang_case_id=gc.id,
            track=int(t),
            owner_unit_id=(police_unit.id if police_unit else None) if t is Track.GANG_CRIME else unit.id,
            status=TrackStatus.OPEN.value,
        )
        for t in Track
    )
    notify = deadlines.row("gang_case", gc.id, unit.id, "police_notify", filed_on)
    session.execute(insert(Deadline), [{**notify, "met_on": day}])
    record(
        session,
        "gang_case",
        gc.id,
        "register",
        actor=actor,
        day=day,
        data={
            "filed_on": filed_on.isoformat(),
            "notify_due": notify_due.isoformat(),
            "notified_late": late,
            "members": len(member_rows),
        },
    )
    if late:
        record(
            session,
            "gang_case",
            gc.id,
            "notified_late",
            actor=actor,
            day=day,
            reason=f"通报逾期：应于 {notify_due.isoformat()} 前通报，实际 {day.isoformat()}",
            data={"due": notify_due.isoformat(), "days_late": (day - notify_due).days},
        )
    return gc


def update_stage(
    session: Session, *, actor: Actor, police_number: str, stage: str, on: date | None = None, reason: str | None = None
) -> GangCase:
    """Record the police stage (侦查 / 起诉 / 审判 / 判决). Going back (判决 → 审判 on a retrial, 起诉 → 侦查 on
    补充侦查) needs a reason, kept in the event."""
    gc = get_gang_case(session, police_number)
    check_gang_writer(session, actor, gc, "更新诉讼阶段", "update the stage")
    new = police_stage(stage)
    check_stage_move(gc.stage, new, reason)
    day = _day(on, gc)
    old, gc.stage = gc.stage, new
    record(
        session, "gang_case", gc.id, "update_stage", actor=actor, day=day, from_state=old, to_state=new,
        reason=(reason or "").strip() or None, data={"backwards": True} if stage_back(old, new) else None,
    )  # fmt: skip
    return gc


def add_members(
    session: Session, *, actor: Actor, police_number: str, members: Sequence[MemberDraft], on: date | None = None
) -> int:
    """Add members the police identified later (补充成员); returns how many were added."""
    gc = get_gang_case(session, police_number)
    check_gang_writer(session, actor, gc, "补充成员", "add members")
    if not members:
        return 0
    known = {
        i
        for i in session.scalars(select(GangMember.id_number).where(GangMember.gang_case_id == gc.id))
        if i is not None
    }
    rows = _members(members, known)
    session.execute(insert(GangMember), [{"gang_case_id": gc.id, **m} for m in rows])
    clue_entities.requeue_mentions(session, [m["name"] for m in rows])  # earlier clues naming them
    record(
        session,
        "gang_case",
        gc.id,
        "add_members",
        actor=actor,
        day=_day(on, gc),
        data={"members": [{"name": m["name"], "role": m["role"], "crimes": m["crimes"]} for m in rows]},
    )
    return len(rows)


# ---------------------------------------------------------------------------------------------- the tracks


def _track(session: Session, gc: GangCase, track: Track) -> CaseTrack:
    row = session.scalar(select(CaseTrack).where(CaseTrack.gang_case_id == gc.id, CaseTrack.track == int(track)))
    if row is None:
        raise NotFound(f"案件 {gc.police_number} 没有第{int(track)}查", f"gang case has no track {int(track)}")
    return row


def _linked_cases(session: Session, gc: GangCase, *, umbrella_only: bool) -> list[str]:
    """Numbers of the discipline cases linked to a gang case (only those on umbrella conduct, if asked)."""
    q = select(DisciplineCase.number).where(DisciplineCase.gang_case_id == gc.id).order_by(DisciplineCase.id)
    if umbrella_only:
        q = q.where(DisciplineCase.umbrella.is_(True))
    return list(session.scalars(q))


def _case_numbers(session: Session, actor: Actor, gc: GangCase, numbers: Sequence[str]) -> list[str]:
    """Check that the named discipline cases exist for the actor (one they may not see does not)."""
    return [find_case(session, actor, n).number for n in numbers]


def act_track(
    session: Session,
    *,
    actor: Actor,
    police_number: str,
    track: int | str,
    action: str,
    on: date | None = None,
    args: dict[str, Any] | None = None,
) -> CaseTrack:
    """Take one step on a track of 一案三查 (assign / endorse / conclude / reopen); clearance follows from it."""
    args = dict(args or {})
    gc = get_gang_case(session, police_number)
    check_gang_case(session, actor, gc)
    t_no = track_of(track)
    row = _track(session, gc, t_no)
    day = _day(on, gc)
    if action == "assign" and args.get("owner"):
        owner = _user(session, str(args.pop("owner")), "承办人")
        args["owner_id"] = owner.id
        if t_no is Track.GANG_CRIME:
            args["owner_in_unit"] = gc.police_unit_id is not None and owner.unit_id == gc.police_unit_id
        else:
            args["owner_in_unit"] = _is_below(session, owner.unit_id, gc.unit_id)
    if t_no is not Track.GANG_CRIME and not actor.has(*COMMISSION_ROLES):
        raise TransitionRefused("第二、三查由纪委监委办理", "tracks 2 and 3 are handled by the commission")
    check_gang_case(session, actor, gc, track=int(t_no))
    if action == "conclude" and t_no is Track.UMBRELLA:  # a 查否 cannot stand beside umbrella findings
        args["umbrella_cases"] = _linked_cases(session, gc, umbrella_only=True)
    if action == "conclude":
        given = [str(n).strip() for n in args.get("cases") or [] if str(n).strip()]
        if given:
            args["cases"] = _case_numbers(session, actor, gc, given)
        elif (
            t_no is Track.UMBRELLA
            and not args.get("persons")
            and track_conclusion(t_no, str(args.get("conclusion") or "")) == "umbrella_found"
        ):
            args["cases"] = _linked_cases(session, gc, umbrella_only=True)
    snap = TrackSnapshot(
        track=t_no,
        status=TrackStatus(row.status),
        owner_id=row.owner_id,
        endorsements=row.endorsements,
        stage=gc.stage,
        approved_by=row.approved_by,
        owner_name=_user_name(session, row.owner_id),
        approver_name=_user_name(session, row.approved_by),
    )
    tr = plan_track(snap, action, actor, args)
    signed_before = row.endorsements
    for key, value in tr.updates.items():
        setattr(row, key, value)
    row.status = tr.to_status.value
    if action == "conclude":
        row.concluded_on = day
    data: dict[str, Any] = {"track": int(t_no)}
    if action == "assign":
        data["owner"] = session.scalar(select(User.username).where(User.id == row.owner_id))
    if action == "conclude":
        data.update({"conclusion": row.conclusion, "finding": row.finding})
    if action != "endorse" and signed_before and not row.endorsements:
        data.update(endorsement.cleared(signed_before))  # a new owner or approval voids the 查否 signatures
    record(
        session,
        "gang_case",
        gc.id,
        f"track_{action}",
        actor=actor,
        day=day,
        from_state=tr.from_status.value,
        to_state=tr.to_status.value,
        reason=str(args.get("reason") or "") or None,
        data=data,
    )
    session.flush()
    _update_clearance(session, actor, gc, day)
    return row


def _user_name(session: Session, user_id: int | None) -> str:
    return (session.scalar(select(User.name).where(User.id == user_id)) or "") if user_id else ""


def _is_below(session: Session, unit_id: int, top_id: int) -> bool:
    unit, top = session.get(Unit, unit_id), session.get(Unit, top_id)
    return unit is not None and top is not None and unit.path.startswith(top.path)


def _update_clearance(session: Session, actor: Actor, gc: GangCase, day: date) -> None:
    tracks = {
        t.track: (t.status, t.conclusion)
        for t in session.scalars(select(CaseTrack).where(CaseTrack.gang_case_id == gc.id))
    }
    cleared, umbrella = clearance(tracks)
    if cleared and gc.cleared_on is None:
        gc.cleared_on, gc.umbrella_in_step = day, umbrella
        record(session, "gang_case", gc.id, "clear", actor=actor, day=day, data={"umbrella_in_step": umbrella})
    elif not cleared and gc.cleared_on is not None:
        was = gc.cleared_on
        gc.cleared_on, gc.umbrella_in_step = None, None
        record(
            session,
            "gang_case",
            gc.id,
            "clearance_undone",
            actor=actor,
            day=day,
            data={"was_cleared_on": was.isoformat()},
        )


def assign_track(
    session: Session, *, actor: Actor, police_number: str, track: int | str, owner: str, on: date | None = None
) -> CaseTrack:
    """Name the owner of a track (指定承办人): police for track 1, the commission for tracks 2 and 3."""
    return act_track(
        session, actor=actor, police_number=police_number, track=track, action="assign", on=on, args={"owner": owner}
    )


def endorse_track(
    session: Session, *, actor: Actor, police_number: str, text: str, on: date | None = None
) -> CaseTrack:
    """查否背书 on track 2 by its owner (handler) or a leader."""
    return act_track(
        session, actor=actor, police_number=police_number, track=2, action="endorse", on=on, args={"reason": text}
    )


def conclude_track(
    session: Session,
    *,
    actor: Actor,
    police_number: str,
    track: int | str,
    conclusion: str,
    cases: Sequence[str] = (),
    persons: Sequence[str] = (),
    outcomes: Sequence[str] = (),
    reason: str | None = None,
    on: date | None = None,
) -> CaseTrack:
    """Conclude a track: 1 prosecuted/judged/dropped; 2 umbrella_found (cases or persons) / not_found (endorsed);
    3 accountability (outcomes or cases) / none (reasoned). The third conclusion clears the gang case (清底)."""
    args: dict[str, Any] = {
        "conclusion": conclusion,
        "cases": list(cases),
        "persons": list(persons),
        "outcomes": list(outcomes),
        "reason": reason,
    }
    return act_track(
        session, actor=actor, police_number=police_number, track=track, action="conclude", on=on, args=args
    )


def reopen_track(
    session: Session, *, actor: Actor, police_number: str, track: int | str, reason: str, on: date | None = None
) -> CaseTrack:
    """A leader reopens a concluded track; its earlier conclusion stays in history and clearance is undone."""
    return act_track(
        session, actor=actor, police_number=police_number, track=track, action="reopen", on=on, args={"reason": reason}
    )


def link_case(
    session: Session, *, actor: Actor, police_number: str, case_number: str, on: date | None = None
) -> DisciplineCase:
    """同步立案、同步调查: link a discipline case to the gang case it was opened on."""
    gc = get_gang_case(session, police_number)
    check_gang_case(session, actor, gc)
    if not actor.has(*COMMISSION_ROLES):
        raise TransitionRefused(
            "关联审查调查案件需要纪委监委的案管、承办或领导角色", "linking a case needs a commission role"
        )
    case = find_case(session, actor, case_number)
    if case.gang_case_id == gc.id:
        raise TransitionRefused("该案件已与本涉黑涉恶案件关联", "the case is already linked to this gang case")
    if case.gang_case_id is not None:
        other = session.get(GangCase, case.gang_case_id)
        raise TransitionRefused(
            f"该案件已关联涉黑涉恶案件 {other.police_number if other else case.gang_case_id}",
            "the case is already linked to another gang case",
        )
    day = _day(on, gc)
    case.gang_case_id = gc.id
    record(session, "gang_case", gc.id, "link_case", actor=actor, day=day, data={"case": case.number})
    record(session, "case", case.id, "link_gang_case", actor=actor, day=day, data={"gang_case": gc.police_number})
    return case


# ------------------------------------------------------------------------------------------------ reading


def _tracks(session: Session, gc: GangCase, view: GangView) -> list[dict[str, Any]]:
    rows = session.execute(
        select(CaseTrack, User.username, User.name, Unit.code)
        .outerjoin(User, User.id == CaseTrack.owner_id)
        .outerjoin(Unit, Unit.id == CaseTrack.owner_unit_id)
        .where(CaseTrack.gang_case_id == gc.id, CaseTrack.track.in_(view.tracks))
        .order_by(CaseTrack.track)
    ).all()
    out = []
    for t, username, name, unit_code in rows:
        track = Track(t.track)
        out.append(
            {
                "track": t.track,
                "track_zh": track.zh,
                "status": t.status,
                "status_zh": TRACK_STATUS_ZH[TrackStatus(t.status)],
                "owner": username,
                "owner_name": name,
                "owner_unit": unit_code,
                "conclusion": t.conclusion,
                "conclusion_zh": TRACK_CONCLUSIONS[track].get(t.conclusion or ""),
                "finding": t.finding,
                "endorsements": t.endorsements,
                "concluded_on": t.concluded_on.isoformat() if t.concluded_on else None,
            }
        )
    return out


def summary_row(session: Session, gc: GangCase, view: GangView) -> dict[str, Any]:
    """One gang case as ``view`` allows: the police get track 1 only, and no clearance (it tells of tracks 2–3)."""
    notify_due, _, _ = deadlines.compute("police_notify", gc.filed_on)
    tracks = {
        t.track: t.status
        for t in session.scalars(
            select(CaseTrack).where(CaseTrack.gang_case_id == gc.id, CaseTrack.track.in_(view.tracks))
        )
    }
    unit = session.get(Unit, gc.unit_id)
    police = session.get(Unit, gc.police_unit_id) if gc.police_unit_id else None
    return {
        "police_number": gc.police_number,
        "name": gc.name,
        "kind": gc.kind,
        "region_code": gc.region_code,
        "sectors": gc.sectors,
        "stage": gc.stage,
        "filed_on": gc.filed_on.isoformat(),
        "notified_on": gc.notified_on.isoformat(),
        "notify_due": notify_due.isoformat(),
        "notified_late": gc.notified_on > notify_due,
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else None,
        "police_unit_name": police.name if police else None,
        "tracks": {str(k): v for k, v in sorted(tracks.items())},
        "tracks_concluded": sum(1 for v in tracks.values() if v == TrackStatus.CONCLUDED.value),
        "cleared_on": gc.cleared_on.isoformat() if gc.cleared_on and view.commission else None,
        "umbrella_in_step": gc.umbrella_in_step if view.commission else None,
        # Whether clearance is shown at all: for the police an empty cleared_on means "not theirs", not "not yet".
        "commission_view": view.commission,
    }


def list_gang_cases(
    session: Session,
    *,
    actor: Actor,
    cleared: bool | None = None,
    late_notice: bool = False,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Gang cases the actor may see, with track status and clearance; filter by cleared or late notification."""
    q = restrict_gang_cases(session, actor, select(GangCase).order_by(GangCase.filed_on, GangCase.id))
    if cleared is not None:
        # Clearance tells of tracks 2 and 3: only the commission side may filter on it.
        q = restrict_gang_cases(session, actor, q, commission=True)
        q = q.where(GangCase.cleared_on.is_not(None) if cleared else GangCase.cleared_on.is_(None))
    rows = []
    for gc in session.scalars(q):
        view = gang_view(session, actor, gc)
        if view is not None:
            rows.append(summary_row(session, gc, view))
    if late_notice:
        rows = [r for r in rows if r["notified_late"]]
    rows = rows[:limit] if limit else rows
    audit(session, actor, "list", "gang_case", None, None, {"cleared": cleared, "late_notice": late_notice,
                                                             "rows": len(rows)})  # fmt: skip
    return rows


def show_gang_case(session: Session, *, actor: Actor, police_number: str) -> dict[str, Any]:
    """One gang case in full: members, the three tracks, transfers, linked cases, marks and history (留痕)."""
    gc = get_gang_case(session, police_number)
    view = check_gang_case(session, actor, gc)
    audit(session, actor, "read", "gang_case", gc.id)
    out = summary_row(session, gc, view)
    hidden = hidden_cases(session, actor, gc)  # recusal: linked cases left out of findings and history too
    members = session.scalars(select(GangMember).where(GangMember.gang_case_id == gc.id).order_by(GangMember.id))
    linked = select(DisciplineCase).where(DisciplineCase.gang_case_id == gc.id).order_by(DisciplineCase.id)
    cases = session.scalars(restrict_cases(session, actor, linked))
    on_case = select(Transfer).where(Transfer.gang_case_id == gc.id).order_by(Transfer.id)
    transfers = session.scalars(restrict_transfers(session, actor, on_case))  # not those on a clue recused from
    out.update(
        {
            "members": [
                {"name": m.name, "role": m.role, "id_number": m.id_number, "crimes": m.crimes or []} for m in members
            ],
            "track_detail": [{**t, "finding": hidden.scrub(t["finding"])} for t in _tracks(session, gc, view)],
            "transfers": [transfer_row(session, t, date.today()) for t in transfers],
            "cases": [
                {
                    "number": c.number,
                    "subject": c.subject_name,
                    "state": c.state,
                    "state_zh": CaseState(c.state).zh,
                    "umbrella": c.umbrella,
                }
                for c in cases
            ],
            "marks": [
                {
                    "kind": m.kind,
                    "kind_zh": MarkKind(m.kind).zh,
                    "set_on": m.set_on.isoformat(),
                    "reason": m.reason,
                    "cleared_on": m.cleared_on,
                }
                for m in session.scalars(select(Mark).where(Mark.entity_kind == "gang_case", Mark.entity_id == gc.id))
            ],
            "instructions": [
                {"id": i.id, "text": i.text, "due": i.due.isoformat() if i.due else None, "done_on": i.done_on}
                for i in session.scalars(
                    select(Instruction).where(Instruction.entity_kind == "gang_case", Instruction.entity_id == gc.id)
                )
            ],
            "history": gang_events(view, history(session, "gang_case", gc.id), hidden),
        }
    )
    if not view.commission:  # the police: no supervision (linked cases are left out by restrict_cases)
        out.update({"marks": [], "instructions": []})
    return out
