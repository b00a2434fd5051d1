"""Gang cases and 一案三查 (涉黑涉恶案件与一案三查): the gang vocabulary and the three tracks, as pure rules.

``plan_track(snapshot, action, actor, args)`` decides a step on one track (assign, endorse, conclude, reopen) or
raises :class:`TransitionRefused`; ``clearance`` (清底) is read over the three.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any

from sanwang.domain import endorsement
from sanwang.domain.errors import ValidationError
from sanwang.domain.guards import need_role, need_text, pick, refuse, texts
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor

GANG_KINDS: tuple[str, ...] = ("黑社会性质组织", "恶势力犯罪集团", "恶势力团伙")
MEMBER_ROLES: tuple[str, ...] = ("组织者/领导者", "骨干", "一般参加者")
_MEMBER_ALIASES = {
    "组织者": "组织者/领导者",
    "领导者": "组织者/领导者",
    "组织领导者": "组织者/领导者",
    "一般成员": "一般参加者",
}
POLICE_STAGES: tuple[str, ...] = ("侦查", "起诉", "审判", "判决")


def gang_kind(text: str) -> str:
    """黑社会性质组织 / 恶势力犯罪集团 / 恶势力团伙."""
    return pick(text, GANG_KINDS, "kind", "案件类型", "gang case type")


def member_role(text: str) -> str:
    """组织者/领导者 / 骨干 / 一般参加者 (组织者, 领导者 accepted)."""
    key = (text or "").strip()
    return pick(_MEMBER_ALIASES.get(key, key), MEMBER_ROLES, "role", "成员地位", "member role")


def police_stage(text: str) -> str:
    """侦查 / 起诉 / 审判 / 判决."""
    return pick(text, POLICE_STAGES, "stage", "诉讼阶段", "police stage")


def stage_back(old: str, new: str) -> bool:
    """Whether a move of the police stage goes backwards (判决 → 审判 on a retrial, 起诉 → 侦查 on 补充侦查)."""
    return old in POLICE_STAGES and POLICE_STAGES.index(new) < POLICE_STAGES.index(old)


def check_stage_move(old: str, new: str, reason: str | None) -> None:
    """A stage is recorded once; going back to an earlier one needs a reason (kept in the event)."""
    if new == old:
        raise refuse(f"案件已处于「{new}」阶段", f"the case is already at stage {new}")
    if stage_back(old, new) and not (reason or "").strip():
        raise refuse(
            f"诉讼阶段由「{old}」退回「{new}」须写明理由（如发回重审、退回补充侦查）",
            f"moving the stage back from {old} to {new} needs a reason",
        )


def crimes(values: Sequence[str]) -> list[str]:
    """A member's crimes (罪名) as entered: trimmed, blanks dropped, each once, in the order given."""
    return list(dict.fromkeys(c.strip() for c in values if c and c.strip()))


class Track(IntEnum):
    """The three investigations of 一案三查."""

    GANG_CRIME = 1  # 涉黑涉恶犯罪本身（公安机关）
    UMBRELLA = 2  # 背后的腐败和“保护伞”
    RESPONSIBILITY = 3  # 党委政府主体责任和有关部门监管责任

    @property
    def zh(self) -> str:
        return TRACK_ZH[self]


TRACK_ZH = {
    Track.GANG_CRIME: "涉黑涉恶犯罪（公安机关）",
    Track.UMBRELLA: "腐败和“保护伞”",
    Track.RESPONSIBILITY: "主体责任和监管责任",
}


def track_of(value: int | str) -> Track:
    try:
        return Track(int(value))
    except (TypeError, ValueError):
        raise ValidationError(
            f"一案三查的第几查应为 1、2 或 3，实为「{value}」", f"the track is 1, 2 or 3, not {value!r}", field="track"
        ) from None


class TrackStatus(StrEnum):
    """Status of one track (每一查的状态)."""

    OPEN = "open"  # 待分配
    IN_PROGRESS = "in_progress"  # 办理中
    CONCLUDED = "concluded"  # 已办结

    @property
    def zh(self) -> str:
        return TRACK_STATUS_ZH[self]


TRACK_STATUS_ZH = {TrackStatus.OPEN: "待分配", TrackStatus.IN_PROGRESS: "办理中", TrackStatus.CONCLUDED: "已办结"}

TRACK_CONCLUSIONS: dict[Track, dict[str, str]] = {
    Track.GANG_CRIME: {"prosecuted": "移送起诉", "judged": "已判决", "dropped": "撤销案件"},
    Track.UMBRELLA: {"umbrella_found": "查实保护伞", "not_found": "查否"},
    Track.RESPONSIBILITY: {"accountability": "已问责", "none": "未发现失职失责"},
}


def track_conclusion(track: Track, text: str) -> str:
    """The conclusion code for a track from its code or Chinese name."""
    options = TRACK_CONCLUSIONS[track]
    key = (text or "").strip()
    for code, zh in options.items():
        if key in (code, zh):
            return code
    raise refuse(
        f"第{int(track)}查（{track.zh}）的办结结论应为：{'、'.join(f'{z}({c})' for c, z in options.items())}",
        f"track {int(track)} concludes as one of: {', '.join(options)}; not {text!r}",
    )


@dataclass(frozen=True)
class TrackSnapshot:
    """What the guards need to know about one track (每一查的当前状况)."""

    track: Track
    status: TrackStatus
    owner_id: int | None = None
    endorsements: dict[str, Any] | None = None
    stage: str = "侦查"  # the gang case's police stage, for track 1
    approved_by: int | None = None  # the leader who assigned the owner (审批领导)
    owner_name: str = ""
    approver_name: str = ""


@dataclass(frozen=True)
class TrackTransition:
    """A permitted step on a track: the new status and the column updates to write."""

    action: str
    from_status: TrackStatus
    to_status: TrackStatus
    updates: dict[str, Any]


def _need_status(snap: TrackSnapshot, allowed: tuple[TrackStatus, ...], action_zh: str, action: str) -> None:
    if snap.status not in allowed:
        zh = "、".join(s.zh for s in allowed)
        en = ", ".join(s.value for s in allowed)
        hint_zh = "，须先指定承办人" if snap.status is TrackStatus.OPEN else ""
        hint_en = "; assign an owner first" if snap.status is TrackStatus.OPEN else ""
        raise refuse(
            f"第{int(snap.track)}查当前为「{snap.status.zh}」，不能{action_zh}；只有「{zh}」可以{hint_zh}",
            f"cannot {action} track {int(snap.track)} while {snap.status.value}; allowed only in: {en}{hint_en}",
        )


def _assign_track(snap: TrackSnapshot, actor: Actor, args: dict[str, Any]) -> TrackTransition:
    _need_status(snap, (TrackStatus.OPEN, TrackStatus.IN_PROGRESS), "指定承办人", "assign an owner to")
    roles: tuple[Role, ...] = (Role.CASE_MANAGER, Role.LEADER)
    if snap.track is Track.GANG_CRIME:
        roles = (Role.POLICE_LIAISON, *roles)
    need_role(actor, roles, "指定一案三查承办人", "assigning a track")
    if not args.get("owner_id"):
        raise refuse("须指定承办人", "name the owner")
    if args.get("owner_in_unit") is False:
        side_zh = "公安机关" if snap.track is Track.GANG_CRIME else "纪委监委"
        raise refuse(
            f"第{int(snap.track)}查的承办人须是{side_zh}的人员",
            f"the owner of track {int(snap.track)} must be on that side",
        )
    # The leader who assigns the owner approves the track's handling and signs its 查否 with the owner; a case
    # manager's assignment names no approver. A new assignment voids earlier signatures.
    approver = actor.user_id if actor.has(Role.LEADER) else None
    updates = {"owner_id": args["owner_id"], "approved_by": approver, "endorsements": None}
    return TrackTransition("assign", snap.status, TrackStatus.IN_PROGRESS, updates)


def _track_signatories(snap: TrackSnapshot) -> endorsement.Signatories:
    return endorsement.Signatories(
        snap.owner_id,
        snap.approved_by,
        snap.owner_name,
        snap.approver_name,
        "本查的承办人不是由领导指定的，须由领导重新指定承办人",
        "the owner was not assigned by a leader; a leader must assign the owner again",
    )


def _endorse_track(snap: TrackSnapshot, actor: Actor, args: dict[str, Any]) -> TrackTransition:
    if snap.track is not Track.UMBRELLA:
        raise refuse("只有第二查（保护伞）的查否结论需要背书", "only a not-found finding on track 2 is endorsed")
    _need_status(snap, (TrackStatus.IN_PROGRESS,), "查否背书", "endorse")
    text = need_text(args, "reason", "查否背书", "an endorsement", "背书意见")
    endorsements = endorsement.sign(snap.endorsements, _track_signatories(snap), actor.user_id, text)
    return TrackTransition("endorse", snap.status, snap.status, {"endorsements": endorsements})


def _conclude_track(snap: TrackSnapshot, actor: Actor, args: dict[str, Any]) -> TrackTransition:
    _need_status(snap, (TrackStatus.IN_PROGRESS,), "办结", "conclude")
    allowed = actor.user_id == snap.owner_id or actor.has(Role.LEADER)
    if snap.track is Track.GANG_CRIME:
        allowed = allowed or actor.has(Role.POLICE_LIAISON)
    if not allowed:
        raise refuse("只有该查的承办人或领导可以办结", "only the track's owner or a leader can conclude it")
    conclusion = track_conclusion(snap.track, str(args.get("conclusion") or ""))
    cases, persons, outcomes = texts(args.get("cases")), texts(args.get("persons")), texts(args.get("outcomes"))
    reason = str(args.get("reason") or "").strip()
    if snap.track is Track.GANG_CRIME:
        if conclusion == "prosecuted" and snap.stage not in ("起诉", "审判", "判决"):
            raise refuse(
                f"案件尚在「{snap.stage}」阶段，须先更新为起诉及以后阶段", "update the stage to 起诉 or later first"
            )
        if conclusion == "judged" and snap.stage != "判决":
            raise refuse(f"案件尚在「{snap.stage}」阶段，须先更新为「判决」", "update the stage to 判决 first")
        if conclusion == "dropped" and not reason:
            raise refuse("撤销案件必须写明理由", "dropping the case needs a reason")
    elif snap.track is Track.UMBRELLA:
        if conclusion == "umbrella_found" and not (cases or persons):
            raise refuse(
                "查实保护伞须列明立案审查的案件编号或涉及的人员",
                "an umbrella finding needs the linked discipline case numbers or the persons",
            )
        if conclusion == "not_found":
            found = texts(args.get("umbrella_cases"))
            if found:
                raise refuse(
                    f"关联的审查调查案件 {'、'.join(found)} 已认定保护伞问题，第二查不能以查否办结",
                    f"linked discipline cases {', '.join(found)} carry umbrella findings; track 2 cannot be not-found",
                )
            endorsement.require(snap.endorsements, _track_signatories(snap))
    else:
        if conclusion == "accountability" and not (outcomes or cases):
            raise refuse(
                "以问责办结须列明问责结果或立案审查的案件编号",
                "an accountability conclusion needs the accountability outcomes or linked case numbers",
            )
        if conclusion == "none" and not reason:
            raise refuse(
                "认定未发现失职失责须写明理由（调查认定意见）", "a finding of no failure needs a reasoned finding"
            )
    finding: dict[str, Any] = {"cases": cases, "persons": persons, "outcomes": outcomes, "reason": reason or None}
    return TrackTransition(
        "conclude", snap.status, TrackStatus.CONCLUDED, {"conclusion": conclusion, "finding": finding}
    )


def _reopen_track(snap: TrackSnapshot, actor: Actor, args: dict[str, Any]) -> TrackTransition:
    _need_status(snap, (TrackStatus.CONCLUDED,), "重新打开", "reopen")
    need_role(actor, (Role.LEADER,), "重新打开一案三查", "reopening a track")
    need_text(args, "reason", "重新打开", "reopening")
    # The earlier conclusion stays in the event history; the live row starts again.
    return TrackTransition(
        "reopen",
        snap.status,
        TrackStatus.IN_PROGRESS,
        {"conclusion": None, "finding": None, "endorsements": None, "concluded_on": None},
    )


TRACK_ACTIONS: dict[str, Callable[[TrackSnapshot, Actor, dict[str, Any]], TrackTransition]] = {
    "assign": _assign_track,
    "endorse": _endorse_track,
    "conclude": _conclude_track,
    "reopen": _reopen_track,
}

TRACK_ACTION_ZH = {"assign": "指定承办人", "endorse": "查否背书", "conclude": "办结", "reopen": "重新打开"}


def plan_track(snap: TrackSnapshot, action: str, actor: Actor, args: dict[str, Any] | None = None) -> TrackTransition:
    """Decide whether ``actor`` may take ``action`` on a track now, and what it changes."""
    fn = TRACK_ACTIONS.get(action)
    if fn is None:
        raise refuse(f"未知操作「{action}」", f"unknown action {action!r}")
    return fn(snap, actor, dict(args or {}))


def clearance(tracks: Mapping[int, tuple[str, str | None]]) -> tuple[bool, bool | None]:
    """清底: (cleared, umbrella dug out in step) from each track's (status, conclusion)."""
    if set(tracks) != {1, 2, 3}:
        return False, None
    if any(status != TrackStatus.CONCLUDED for status, _ in tracks.values()):
        return False, None
    return True, tracks[2][1] == "umbrella_found"
