"""Gang cases (一案三查), discipline cases (立案审查调查), measures, outcomes and supervision marks: pure rules.

Like :mod:`sanwang.domain.workflow` for clues, every step is decided here by a pure function that either
returns what to change or raises :class:`TransitionRefused` saying, in Chinese and English, what is missing.
The services load a snapshot, call the guard, write the rows and append the event.

- ``plan_track(snapshot, action, actor, args)``: the three tracks of a gang case (assign, endorse, conclude,
  reopen), and ``clearance`` (清底) over the three.
- ``plan_case(snapshot, action, actor, args)``: a discipline case (detain, notify_family, waive_notice,
  extend_detention, release, record_outcome, recommend, conclude), plus ``check_open_case`` and
  ``check_follow_up``.
- ``check_mark`` / ``check_clear_mark`` / ``check_instruction``: supervision marks and leaders' instructions.

Vocabularies that an office may change (outcome kinds and values, the four forms, who approves a detention,
the family-notice window) live in ``data/sanctions.yaml`` ⚙.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sanwang.domain import endorsement
from sanwang.domain.config import load
from sanwang.domain.errors import TransitionRefused, ValidationError
from sanwang.domain.regions import Level, level_of
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor

# ----------------------------------------------------------------------------------------------- vocabularies

GANG_KINDS: tuple[str, ...] = ("黑社会性质组织", "恶势力犯罪集团", "恶势力团伙")
MEMBER_ROLES: tuple[str, ...] = ("组织者/领导者", "骨干", "一般参加者")
_MEMBER_ALIASES = {
    "组织者": "组织者/领导者",
    "领导者": "组织者/领导者",
    "组织领导者": "组织者/领导者",
    "一般成员": "一般参加者",
}
POLICE_STAGES: tuple[str, ...] = ("侦查", "起诉", "审判", "判决")
RANKS: tuple[str, ...] = ("省部级", "厅局级", "县处级", "乡科级", "一般干部", "村(社区)干部", "其他")


def _pick(text: str | None, allowed: Sequence[str], field_name: str, what_zh: str, what_en: str) -> str:
    key = (text or "").strip().replace("（", "(").replace("）", ")")
    if key in allowed:
        return key
    raise ValidationError(
        f"未知{what_zh}「{text}」，可选：{'、'.join(allowed)}",
        f"unknown {what_en} {text!r}; choose from: {', '.join(allowed)}",
        field=field_name,
    )


def gang_kind(text: str) -> str:
    """黑社会性质组织 / 恶势力犯罪集团 / 恶势力团伙."""
    return _pick(text, GANG_KINDS, "kind", "案件类型", "gang case type")


def member_role(text: str) -> str:
    """组织者/领导者 / 骨干 / 一般参加者 (组织者, 领导者 accepted)."""
    key = (text or "").strip()
    return _pick(_MEMBER_ALIASES.get(key, key), MEMBER_ROLES, "role", "成员地位", "member role")


def police_stage(text: str) -> str:
    """侦查 / 起诉 / 审判 / 判决."""
    return _pick(text, POLICE_STAGES, "stage", "诉讼阶段", "police stage")


def subject_rank(text: str | None) -> str | None:
    """A subject's rank (级别), or None when not given."""
    if text is None or not text.strip():
        return None
    return _pick(text, RANKS, "rank", "职级", "rank")


# ------------------------------------------------------------------------------- outcome vocabulary (YAML ⚙)


class OutcomeKind(BaseModel):
    """A kind of case outcome (处理结果类别) and the values it allows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z_]*$", max_length=20)
    name: str = Field(min_length=1)
    aliases: list[str] = []
    values: list[str] = Field(min_length=1)


class Form(BaseModel):
    """One of the four forms (四种形态)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1, le=4)
    name: str
    aliases: list[str] = []


class DetentionRules(BaseModel):
    """Rules on 留置 that differ by province (⚙)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    approve_one_level_up: list[Level] = ["city", "county"]
    family_notice_hours: int = Field(default=24, gt=0)


class CaseRules(BaseModel):
    """The outcome vocabulary and measure rules (处理结果词表与措施规则)."""

    model_config = ConfigDict(extra="forbid")

    outcome_kinds: list[OutcomeKind]
    forms: list[Form]
    detention: DetentionRules = DetentionRules()

    @model_validator(mode="after")
    def _unique(self) -> CaseRules:
        seen: set[str] = set()
        for k in self.outcome_kinds:
            for key in (k.code, k.name, *k.aliases):
                if key in seen:
                    raise ValueError(f"outcome kind key {key!r} appears twice")
                seen.add(key)
        if sorted(f.number for f in self.forms) != [1, 2, 3, 4]:
            raise ValueError("forms must be numbered 1, 2, 3 and 4, once each")
        return self

    def kind(self, text: str) -> OutcomeKind:
        key = (text or "").strip().replace("(", "（").replace(")", "）")
        for k in self.outcome_kinds:
            if key in (k.code, k.name) or text.strip() in k.aliases or key in k.aliases:
                return k
        names = "、".join(k.name for k in self.outcome_kinds)
        raise ValidationError(
            f"未知处理结果类别「{text}」，可选：{names}",
            f"unknown outcome kind {text!r}; choose from: {', '.join(k.code for k in self.outcome_kinds)}",
            field="kind",
        )

    def value(self, kind: OutcomeKind, text: str) -> str:
        key = (text or "").strip()
        if key in kind.values:
            return key
        raise ValidationError(
            f"「{kind.name}」没有「{text}」这一种，可选：{'、'.join(kind.values)}",
            f"{kind.code} has no value {text!r}; choose from: {', '.join(kind.values)}",
            field="value",
        )

    def form(self, value: int | str | None) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        for f in self.forms:
            if value == f.number or str(value).strip() in (str(f.number), f.name, *f.aliases):
                return f.number
        raise ValidationError(
            f"「{value}」不是四种形态之一，应为 1-4 或 第一种形态…第四种形态",
            f"{value!r} is not one of the four forms; give 1-4 or 第一种形态…第四种形态",
            field="form",
        )

    def kind_name(self, code: str) -> str:
        for k in self.outcome_kinds:
            if k.code == code:
                return k.name
        return code


@cache
def case_rules() -> CaseRules:
    """The outcome vocabulary and measure rules, loaded once (clear with ``case_rules.cache_clear()``)."""
    return load(CaseRules, "sanctions.yaml")


# ---------------------------------------------------------------------------------------------------- helpers


def _refuse(zh: str, en: str) -> TransitionRefused:
    return TransitionRefused(zh, en)


def _need_role(actor: Actor, roles: tuple[Role, ...], action_zh: str, action: str) -> None:
    if not actor.has(*roles):
        zh = "、".join(r.zh for r in roles)
        en = ", ".join(r.value for r in roles)
        raise _refuse(f"{action_zh}需要以下角色之一：{zh}", f"{action} needs one of the roles: {en}")


def _need_text(args: Mapping[str, Any], key: str, action_zh: str, action: str, what_zh: str = "理由") -> str:
    value = str(args.get(key) or "").strip()
    if not value:
        raise _refuse(f"{action_zh}必须写明{what_zh}", f"{action} needs a {key}")
    return value


def _texts(value: Any) -> list[str]:
    if not value:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


# ------------------------------------------------------------------------------------- 一案三查: the three tracks


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
    raise _refuse(
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
        raise _refuse(
            f"第{int(snap.track)}查当前为「{snap.status.zh}」，不能{action_zh}；只有「{zh}」可以{hint_zh}",
            f"cannot {action} track {int(snap.track)} while {snap.status.value}; allowed only in: {en}{hint_en}",
        )


def _assign_track(snap: TrackSnapshot, actor: Actor, args: dict[str, Any]) -> TrackTransition:
    _need_status(snap, (TrackStatus.OPEN, TrackStatus.IN_PROGRESS), "指定承办人", "assign an owner to")
    roles: tuple[Role, ...] = (Role.CASE_MANAGER, Role.LEADER)
    if snap.track is Track.GANG_CRIME:
        roles = (Role.POLICE_LIAISON, *roles)
    _need_role(actor, roles, "指定一案三查承办人", "assigning a track")
    if not args.get("owner_id"):
        raise _refuse("须指定承办人", "name the owner")
    if args.get("owner_in_unit") is False:
        side_zh = "公安机关" if snap.track is Track.GANG_CRIME else "纪委监委"
        raise _refuse(
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
        raise _refuse("只有第二查（保护伞）的查否结论需要背书", "only a not-found finding on track 2 is endorsed")
    _need_status(snap, (TrackStatus.IN_PROGRESS,), "查否背书", "endorse")
    text = _need_text(args, "reason", "查否背书", "an endorsement", "背书意见")
    endorsements = endorsement.sign(snap.endorsements, _track_signatories(snap), actor.user_id, text)
    return TrackTransition("endorse", snap.status, snap.status, {"endorsements": endorsements})


def _conclude_track(snap: TrackSnapshot, actor: Actor, args: dict[str, Any]) -> TrackTransition:
    _need_status(snap, (TrackStatus.IN_PROGRESS,), "办结", "conclude")
    allowed = actor.user_id == snap.owner_id or actor.has(Role.LEADER)
    if snap.track is Track.GANG_CRIME:
        allowed = allowed or actor.has(Role.POLICE_LIAISON)
    if not allowed:
        raise _refuse("只有该查的承办人或领导可以办结", "only the track's owner or a leader can conclude it")
    conclusion = track_conclusion(snap.track, str(args.get("conclusion") or ""))
    cases, persons, outcomes = _texts(args.get("cases")), _texts(args.get("persons")), _texts(args.get("outcomes"))
    reason = str(args.get("reason") or "").strip()
    if snap.track is Track.GANG_CRIME:
        if conclusion == "prosecuted" and snap.stage not in ("起诉", "审判", "判决"):
            raise _refuse(
                f"案件尚在「{snap.stage}」阶段，须先更新为起诉及以后阶段", "update the stage to 起诉 or later first"
            )
        if conclusion == "judged" and snap.stage != "判决":
            raise _refuse(f"案件尚在「{snap.stage}」阶段，须先更新为「判决」", "update the stage to 判决 first")
        if conclusion == "dropped" and not reason:
            raise _refuse("撤销案件必须写明理由", "dropping the case needs a reason")
    elif snap.track is Track.UMBRELLA:
        if conclusion == "umbrella_found" and not (cases or persons):
            raise _refuse(
                "查实保护伞须列明立案审查的案件编号或涉及的人员",
                "an umbrella finding needs the linked discipline case numbers or the persons",
            )
        if conclusion == "not_found":
            endorsement.require(snap.endorsements, _track_signatories(snap))
    else:
        if conclusion == "accountability" and not (outcomes or cases):
            raise _refuse(
                "以问责办结须列明问责结果或立案审查的案件编号",
                "an accountability conclusion needs the accountability outcomes or linked case numbers",
            )
        if conclusion == "none" and not reason:
            raise _refuse(
                "认定未发现失职失责须写明理由（调查认定意见）", "a finding of no failure needs a reasoned finding"
            )
    finding: dict[str, Any] = {"cases": cases, "persons": persons, "outcomes": outcomes, "reason": reason or None}
    return TrackTransition(
        "conclude", snap.status, TrackStatus.CONCLUDED, {"conclusion": conclusion, "finding": finding}
    )


def _reopen_track(snap: TrackSnapshot, actor: Actor, args: dict[str, Any]) -> TrackTransition:
    _need_status(snap, (TrackStatus.CONCLUDED,), "重新打开", "reopen")
    _need_role(actor, (Role.LEADER,), "重新打开一案三查", "reopening a track")
    _need_text(args, "reason", "重新打开", "reopening")
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
        raise _refuse(f"未知操作「{action}」", f"unknown action {action!r}")
    return fn(snap, actor, dict(args or {}))


def clearance(tracks: Mapping[int, tuple[str, str | None]]) -> tuple[bool, bool | None]:
    """清底: (cleared, umbrella dug out in step) from each track's (status, conclusion)."""
    if set(tracks) != {1, 2, 3}:
        return False, None
    if any(status != TrackStatus.CONCLUDED for status, _ in tracks.values()):
        return False, None
    return True, tracks[2][1] == "umbrella_found"


# ----------------------------------------------------------------------------------------- transfers (移送)

TRANSFER_DIRECTIONS = {
    "police_to_commission": ("umbrella_clues", "police_transfer_umbrella", "公安机关向纪委监委移送保护伞线索"),
    "commission_to_police": ("gang_clues", "commission_transfer_gang", "纪委监委向公安机关移送涉黑涉恶线索"),
}


def transfer_direction(text: str) -> str:
    key = (text or "").strip()
    aliases = {"公安移送": "police_to_commission", "移送公安": "commission_to_police"}
    key = aliases.get(key, key)
    if key not in TRANSFER_DIRECTIONS:
        raise ValidationError(
            "移送方向应为 police_to_commission（公安移送）或 commission_to_police（移送公安）",
            f"direction must be police_to_commission or commission_to_police, not {text!r}",
            field="direction",
        )
    return key


def check_acknowledge(*, receiving: bool, acknowledged_on: date | None, sent_on: date, on: date) -> None:
    """Only the receiving side signs for a transfer (签收), once, not before it was sent."""
    if not receiving:
        raise _refuse("只有接收单位的人员可以签收移送", "only a user of the receiving unit can acknowledge a transfer")
    if acknowledged_on is not None:
        raise _refuse(
            f"该移送已于 {acknowledged_on.isoformat()} 签收", f"already acknowledged on {acknowledged_on.isoformat()}"
        )
    if on < sent_on:
        raise _refuse("签收日期不能早于移送日期", "the acknowledgement cannot precede the sending")


def transfer_problem(sent_on: date, due: date, acknowledged_on: date | None, as_of: date) -> str | None:
    """Why a transfer shows on the overdue list: sent late, acknowledged late, or still unacknowledged past due."""
    if sent_on > due:
        return "sent_late"
    if acknowledged_on is None:
        return "unacknowledged" if as_of > due else None
    return "acknowledged_late" if acknowledged_on > due else None


TRANSFER_PROBLEM_ZH = {"sent_late": "逾期移送", "unacknowledged": "逾期未签收", "acknowledged_late": "逾期签收"}


# -------------------------------------------------------------------------------- discipline cases (立案审查调查)


class CaseState(StrEnum):
    """States of a discipline case (案件状态)."""

    INVESTIGATING = "investigating"  # 审查调查中
    CONCLUDED = "concluded"  # 审结

    @property
    def zh(self) -> str:
        return CASE_STATE_ZH[self]


CASE_STATE_ZH = {CaseState.INVESTIGATING: "审查调查中", CaseState.CONCLUDED: "审结"}

OPEN_CASE_ROLES = (Role.INVESTIGATOR, Role.CASE_MANAGER, Role.LEADER)


def check_open_case(proposer: Actor, approver: Actor, *, subject_name: str, has_source: bool) -> None:
    """立案: proposed by a case handler, approved by another person who is a leader, from a clue or a gang case."""
    _need_role(proposer, OPEN_CASE_ROLES, "提请立案", "proposing a case")
    if not approver.has(Role.LEADER):
        raise _refuse("立案须经领导批准，批准人不是领导", "opening a case needs a leader's approval")
    if approver.user_id == proposer.user_id:
        raise _refuse("批准立案的领导不能是提请人本人", "the approving leader cannot be the proposer")
    if not subject_name.strip():
        raise _refuse("立案须写明被审查调查人姓名", "name the person under investigation")
    if not has_source:
        raise _refuse(
            "立案须注明来源：问题线索编号或涉黑涉恶案件", "give the source: a clue number or a gang case, or both"
        )


def case_number(region_code: str, year: int, seq: int) -> str:
    """``530600-2019-LA-0001``: region, year, 立案, sequence per unit and year."""
    return f"{region_code}-{year}-LA-{seq:04d}"


@dataclass(frozen=True)
class UnitRef:
    """A commission as the approval rules see it: id, region code and the commission one level up."""

    id: int
    region_code: str
    name: str = ""
    parent_id: int | None = None
    parent_name: str = ""


@dataclass(frozen=True)
class DetentionSnapshot:
    """The case's detention (留置), when there is one."""

    started_on: date
    started_at: datetime | None
    extensions: int = 0
    family_notified_at: datetime | None = None
    notify_waiver: str | None = None
    released_on: date | None = None

    @property
    def active(self) -> bool:
        return self.released_on is None


@dataclass(frozen=True)
class CaseSnapshot:
    """What the guards need to know about a discipline case (案件当前状况)."""

    state: CaseState
    unit: UnitRef
    detention: DetentionSnapshot | None = None
    outcomes: int = 0


@dataclass(frozen=True)
class CaseTransition:
    """A permitted step on a case: its new state, updates (to the case or its detention), and event data."""

    action: str
    from_state: CaseState
    to_state: CaseState
    updates: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    meets: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()


def _need_case_state(snap: CaseSnapshot, allowed: tuple[CaseState, ...], action_zh: str, action: str) -> None:
    if snap.state not in allowed:
        zh = "、".join(s.zh for s in allowed)
        raise _refuse(
            f"案件当前为「{snap.state.zh}」，不能{action_zh}；只有「{zh}」可以",
            f"cannot {action} a case that is {snap.state.value}; allowed only in: "
            + ", ".join(s.value for s in allowed),
        )


def _need_active_detention(snap: CaseSnapshot, action_zh: str, action: str) -> DetentionSnapshot:
    d = snap.detention
    if d is None or not d.active:
        raise _refuse(
            f"本案没有正在执行的留置，不能{action_zh}", f"cannot {action}: the case has no detention in force"
        )
    return d


def check_measure_approver(unit: UnitRef, approver: Actor, approver_commission_id: int | None, what_zh: str) -> None:
    """留置 and its extension: at city level and below a leader one level up approves; a province its own."""
    if not approver.has(Role.LEADER):
        raise _refuse(f"{what_zh}须经领导批准，批准人不是领导", f"{what_zh} needs a leader's approval")
    level = level_of(unit.region_code)
    if level in case_rules().detention.approve_one_level_up:
        if unit.parent_id is None:
            raise _refuse(
                f"「{unit.name}」没有上一级纪委监委，无法报批{what_zh}",
                f"{unit.name} has no commission one level up to approve",
            )
        if approver_commission_id != unit.parent_id:
            raise _refuse(
                f"{'市' if level == 'city' else '县'}级及以下纪委监委采取{what_zh}须报上一级纪委监委"
                f"（{unit.parent_name}）领导批准，本级或其他单位领导不能批准",
                f"at city level and below, {what_zh} must be approved by a leader of the commission one level up "
                f"({unit.parent_name}); a leader of the same level cannot approve it",
            )
    elif approver_commission_id not in (unit.id, unit.parent_id):
        raise _refuse(
            f"{what_zh}须由本级或上级纪委监委领导批准", f"{what_zh} needs a leader of this commission or the one above"
        )


def family_notice_deadline(d: DetentionSnapshot) -> datetime:
    """When the family must have been told: N hours after the start (end of the next day when no time known)."""
    hours = case_rules().detention.family_notice_hours
    if d.started_at is not None:
        return d.started_at + timedelta(hours=hours)
    return datetime.combine(d.started_on + timedelta(days=1 + (hours - 1) // 24), time(23, 59, 59))


def _detain(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_case_state(snap, (CaseState.INVESTIGATING,), "采取留置措施", "detain in")
    _need_role(actor, OPEN_CASE_ROLES, "提请留置", "proposing detention")
    if snap.detention is not None:
        raise _refuse(
            "本案已采取过留置措施，不能再次留置（期满只能依法延长一次）",
            "this case already had a detention; it cannot start another (it may be extended once)",
        )
    approver = args.get("approver")
    if not isinstance(approver, Actor):
        raise _refuse("留置须写明批准领导", "detention needs the approving leader")
    check_measure_approver(snap.unit, approver, args.get("approver_commission_id"), "留置")
    return CaseTransition(
        "detain", snap.state, snap.state, {}, {"approved_by": approver.user_id}, starts=("detention",)
    )


def _notify_family(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    d = _need_active_detention(snap, "登记通知家属", "record the family notice")
    _need_role(actor, OPEN_CASE_ROLES, "登记通知家属", "recording the family notice")
    if d.family_notified_at is not None or d.notify_waiver:
        raise _refuse("已登记通知家属或不通知的决定", "the family notice (or its waiver) is already recorded")
    at = args.get("at")
    if not isinstance(at, datetime):
        raise _refuse("须写明通知家属的时间", "give the time the family was told")
    start = d.started_at or datetime.combine(d.started_on, time(0, 0))
    if at < start:
        raise _refuse("通知家属的时间不能早于留置开始", "the family cannot be told before the detention started")
    deadline = family_notice_deadline(d)
    late = at > deadline
    data = {"at": at.isoformat(), "deadline": deadline.isoformat(), "late": late}
    return CaseTransition("notify_family", snap.state, snap.state, {"family_notified_at": at}, data, ("family_notice",))


def _waive_notice(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    d = _need_active_detention(snap, "决定不通知家属", "waive the family notice")
    if d.family_notified_at is not None or d.notify_waiver:
        raise _refuse("已登记通知家属或不通知的决定", "the family notice (or its waiver) is already recorded")
    _need_role(actor, (Role.LEADER,), "决定不通知家属（有碍调查）", "waiving the family notice")
    reason = _need_text(args, "reason", "不通知家属", "waiving the notice", "有碍调查的具体理由")
    return CaseTransition(
        "waive_notice", snap.state, snap.state, {"notify_waiver": reason}, {"reason": reason}, ("family_notice",)
    )


def _extend_detention(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    d = _need_active_detention(snap, "延长留置", "extend the detention")
    _need_role(actor, OPEN_CASE_ROLES, "提请延长留置", "proposing an extension")
    if d.extensions >= 1:
        raise _refuse("留置期限只能延长一次，已经延长过", "a detention can be extended only once; it already was")
    _need_text(args, "reason", "延长留置", "extending a detention")
    approver = args.get("approver")
    if not isinstance(approver, Actor):
        raise _refuse("延长留置须写明批准领导", "an extension needs the approving leader")
    check_measure_approver(snap.unit, approver, args.get("approver_commission_id"), "延长留置")
    return CaseTransition("extend_detention", snap.state, snap.state, {}, {"approved_by": approver.user_id})


def _release(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_active_detention(snap, "解除留置", "release")
    _need_role(actor, OPEN_CASE_ROLES, "解除留置", "releasing")
    return CaseTransition("release", snap.state, snap.state, {}, meets=("detention",))


OUTCOME_ROLES = (Role.LEADER, Role.ADJUDICATOR, Role.CASE_MANAGER)


def _record_outcome(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_case_state(snap, (CaseState.INVESTIGATING,), "登记处理结果", "record an outcome on")
    _need_role(actor, OUTCOME_ROLES, "登记处理结果", "recording an outcome")
    rules = case_rules()
    kind = rules.kind(str(args.get("kind") or ""))
    value = rules.value(kind, str(args.get("value") or ""))
    form = rules.form(args.get("form"))
    data = {"kind": kind.code, "kind_zh": kind.name, "value": value, "form": form}
    return CaseTransition("record_outcome", snap.state, snap.state, {}, data)


def _recommend(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_role(actor, OPEN_CASE_ROLES, "提出监察建议", "issuing a recommendation")
    to_unit = _need_text(args, "to_unit", "监察建议", "a recommendation", "收受建议的单位")
    content = _need_text(args, "content", "监察建议", "a recommendation", "建议内容")
    return CaseTransition(
        "recommend",
        snap.state,
        snap.state,
        {},
        {"to_unit": to_unit, "content": content},
        (),
        ("recommendation_followup",),
    )


def _conclude_case(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_case_state(snap, (CaseState.INVESTIGATING,), "审结", "conclude")
    _need_role(actor, (Role.LEADER,), "审结案件", "concluding a case")
    if snap.detention is not None and snap.detention.active:
        raise _refuse("被审查调查人仍在留置中，须先解除留置", "the person is still detained; release first")
    reason = str(args.get("reason") or "").strip()
    if snap.outcomes == 0 and not reason:
        raise _refuse(
            "审结须先登记处理结果，或写明不予处理的理由", "record an outcome first, or give the reason for none"
        )
    return CaseTransition("conclude", snap.state, CaseState.CONCLUDED, {}, {"outcomes": snap.outcomes})


CASE_ACTIONS: dict[str, Callable[[CaseSnapshot, Actor, dict[str, Any]], CaseTransition]] = {
    "detain": _detain,
    "notify_family": _notify_family,
    "waive_notice": _waive_notice,
    "extend_detention": _extend_detention,
    "release": _release,
    "record_outcome": _record_outcome,
    "recommend": _recommend,
    "conclude": _conclude_case,
}

CASE_ACTION_ZH = {
    "open": "立案",
    "detain": "留置",
    "notify_family": "通知家属",
    "waive_notice": "不通知家属",
    "extend_detention": "延长留置",
    "release": "解除留置",
    "record_outcome": "登记处理结果",
    "recommend": "监察建议",
    "follow_up": "建议落实情况",
    "conclude": "审结",
}


def plan_case(snap: CaseSnapshot, action: str, actor: Actor, args: dict[str, Any] | None = None) -> CaseTransition:
    """Decide whether ``actor`` may take ``action`` on a discipline case now, and what it changes."""
    fn = CASE_ACTIONS.get(action)
    if fn is None:
        raise _refuse(f"未知操作「{action}」", f"unknown action {action!r}")
    return fn(snap, actor, dict(args or {}))


def check_follow_up(actor: Actor, *, followed_up_on: date | None, result: str) -> None:
    """监察建议落实情况: recorded once, with what the unit did."""
    _need_role(actor, OPEN_CASE_ROLES, "登记建议落实情况", "recording a follow-up")
    if followed_up_on is not None:
        raise _refuse(
            f"该建议的落实情况已于 {followed_up_on.isoformat()} 登记", f"already followed up on {followed_up_on}"
        )
    if not result.strip():
        raise _refuse("须写明建议的落实情况", "say what the unit did about the recommendation")


# ---------------------------------------------------------------------------------- supervision marks (督办)


class MarkKind(StrEnum):
    """Supervision marks (督办标记)."""

    ESCALATED = "escalated"  # 提级办理
    DIRECT = "direct"  # 直查直办
    PRIORITY = "priority"  # 重点督办
    FLAGGED = "flagged"  # 挂牌督办
    LEADER_OWNED = "leader_owned"  # 领导包案
    DESIGNATED = "designated"  # 指定管辖

    @property
    def zh(self) -> str:
        return MARK_ZH[self]


MARK_ZH = {
    MarkKind.ESCALATED: "提级办理",
    MarkKind.DIRECT: "直查直办",
    MarkKind.PRIORITY: "重点督办",
    MarkKind.FLAGGED: "挂牌督办",
    MarkKind.LEADER_OWNED: "领导包案",
    MarkKind.DESIGNATED: "指定管辖",
}

ENTITY_KINDS = ("clue", "gang_case", "case")


def mark_kind(text: str) -> MarkKind:
    key = (text or "").strip()
    for k in MarkKind:
        if key in (k.value, k.zh):
            return k
    raise ValidationError(
        f"未知督办标记「{text}」，可选：{'、'.join(k.zh for k in MarkKind)}",
        f"unknown mark {text!r}; choose from: {', '.join(k.value for k in MarkKind)}",
        field="kind",
    )


def entity_kind(text: str) -> str:
    if text not in ENTITY_KINDS:
        raise ValidationError(
            "对象类型应为 clue（线索）、gang_case（涉黑涉恶案件）或 case（审查调查案件）",
            f"the record kind is clue, gang_case or case, not {text!r}",
            field="entity_kind",
        )
    return text


def check_mark(
    actor: Actor,
    kind: MarkKind,
    *,
    reason: str,
    active: Sequence[str],
    actor_above: bool,
    owner: Actor | None = None,
    target_unit_id: int | None = None,
    entity_unit_id: int | None = None,
) -> None:
    """May ``actor`` put mark ``kind`` on a record now? ``actor_above``: the actor's commission is above it."""
    _need_role(actor, (Role.LEADER,), f"设置「{kind.zh}」", f"setting the mark {kind.value}")
    if not reason.strip():
        raise _refuse(f"设置「{kind.zh}」必须写明理由", f"the mark {kind.value} needs a reason")
    if kind.value in active:
        raise _refuse(f"已有未撤销的「{kind.zh}」标记", f"the mark {kind.value} is already set")
    if kind in (MarkKind.ESCALATED, MarkKind.DIRECT) and not actor_above:
        raise _refuse(
            f"「{kind.zh}」只能由上级纪委监委的领导决定", f"{kind.value} is decided by a leader of a higher commission"
        )
    if kind is MarkKind.LEADER_OWNED:
        if owner is None:
            raise _refuse("领导包案须指定包案领导", "a leader-owned mark needs the named leader")
        if not owner.has(Role.LEADER):
            raise _refuse("包案人须是领导", "the owner of a leader-owned record must be a leader")
    if kind is MarkKind.DESIGNATED:
        if target_unit_id is None:
            raise _refuse("指定管辖须写明被指定的单位", "a designation needs the unit given jurisdiction")
        if target_unit_id == entity_unit_id:
            raise _refuse("被指定的单位不能是原管辖单位", "the designated unit must differ from the current one")


def check_clear_mark(actor: Actor, kind: MarkKind, *, active: Sequence[str], reason: str) -> None:
    _need_role(actor, (Role.LEADER,), f"撤销「{kind.zh}」", f"clearing the mark {kind.value}")
    if kind.value not in active:
        raise _refuse(f"没有未撤销的「{kind.zh}」标记", f"there is no mark {kind.value} to clear")
    if not reason.strip():
        raise _refuse("撤销督办标记必须写明理由", "clearing a mark needs a reason")


def check_progress_report(actor: Actor, *, active: Sequence[str], text: str) -> None:
    """重点督办 needs periodic progress reports (定期报告进展)."""
    if MarkKind.PRIORITY.value not in active:
        raise _refuse("只有重点督办的事项需要报告进展", "only a record under priority supervision reports progress")
    _need_role(actor, (Role.INVESTIGATOR, Role.CASE_MANAGER, Role.LEADER, Role.POLICE_LIAISON), "报告进展", "reporting")
    if not text.strip():
        raise _refuse("进展报告须写明内容", "a progress report needs its text")


def check_instruction(actor: Actor, *, text: str, actions: Sequence[str], due: date | None, given_on: date) -> None:
    """领导批示: only a leader writes one; text required; the due date, if any, not before the day it is given."""
    _need_role(actor, (Role.LEADER,), "领导批示", "writing an instruction")
    if not text.strip():
        raise _refuse("批示须有内容", "an instruction needs its text")
    if any(not a.strip() for a in actions):
        raise _refuse("批示要求的事项不能为空", "a required action cannot be empty")
    if due is not None and due < given_on:
        raise _refuse("批示的办理期限不能早于批示日期", "the due date cannot precede the instruction")


def check_complete_instruction(actor: Actor, *, done_on: date | None, note: str) -> None:
    _need_role(
        actor, (Role.INVESTIGATOR, Role.CASE_MANAGER, Role.LEADER, Role.POLICE_LIAISON), "办结批示", "completing"
    )
    if done_on is not None:
        raise _refuse(f"该批示已于 {done_on.isoformat()} 办结", f"the instruction was completed on {done_on}")
    if not note.strip():
        raise _refuse("办结批示须写明落实情况", "say how the instruction was carried out")
