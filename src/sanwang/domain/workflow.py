"""The clue state machine (线索处置流程): guarded transitions as a pure function.

``plan(snapshot, action, actor, args)`` either returns the transition to apply or raises
:class:`TransitionRefused` saying, in Chinese and English, what is missing. The services layer loads the
snapshot, calls ``plan``, writes the new state and appends the event — nothing else decides legality.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sanwang.domain.errors import TransitionRefused
from sanwang.domain.roles import Role
from sanwang.domain.vocab import disposal_methods


class ClueState(StrEnum):
    """Clue states (线索状态)."""

    REGISTERED = "registered"  # 登记
    AWAITING = "awaiting_disposal"  # 待处置
    HANDLING = "handling"  # 办理中
    CONCLUDED = "concluded"  # 办结
    ARCHIVED = "archived"  # 归档

    @property
    def zh(self) -> str:
        return STATE_ZH[self]


STATE_ZH = {
    ClueState.REGISTERED: "登记",
    ClueState.AWAITING: "待处置",
    ClueState.HANDLING: "办理中",
    ClueState.CONCLUDED: "办结",
    ClueState.ARCHIVED: "归档",
}


class ClueOutcome(StrEnum):
    """How a clue was concluded (办结方式)."""

    CLOSED = "closed"  # 予以了结
    CLARIFIED = "clarified"  # 澄清
    SUBSTANTIATED = "substantiated"  # 查实
    NOT_SUBSTANTIATED = "not_substantiated"  # 查否
    CASE_OPENED = "case_opened"  # 移送审查调查（立案）
    TRANSFERRED = "transferred"  # 转办/交办/移送
    RETURNED = "returned"  # 退回
    MERGED = "merged"  # 作为重复件并入

    @property
    def zh(self) -> str:
        return OUTCOME_ZH[self]


OUTCOME_ZH = {
    ClueOutcome.CLOSED: "予以了结",
    ClueOutcome.CLARIFIED: "澄清",
    ClueOutcome.SUBSTANTIATED: "查实",
    ClueOutcome.NOT_SUBSTANTIATED: "查否",
    ClueOutcome.CASE_OPENED: "立案审查调查",
    ClueOutcome.TRANSFERRED: "移交办理",
    ClueOutcome.RETURNED: "退回",
    ClueOutcome.MERGED: "并入重复件",
}

# Results a handler may conclude with after handling (办理中 → 办结).
HANDLING_RESULTS = (
    ClueOutcome.CLARIFIED,
    ClueOutcome.SUBSTANTIATED,
    ClueOutcome.NOT_SUBSTANTIATED,
    ClueOutcome.CLOSED,
    ClueOutcome.CASE_OPENED,
)


def outcome_from(text: str) -> ClueOutcome:
    for o in ClueOutcome:
        if text in (o.value, o.zh):
            return o
    names = "、".join(f"{o.zh}({o.value})" for o in HANDLING_RESULTS)
    raise TransitionRefused(f"未知办结结果「{text}」，可选：{names}", f"unknown conclusion {text!r}")


@dataclass(frozen=True)
class Actor:
    """Who acts (操作人): user id, roles and unit."""

    user_id: int
    roles: frozenset[Role]
    unit_id: int
    name: str = ""

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


@dataclass(frozen=True)
class ClueSnapshot:
    """What the guards need to know about a clue (线索当前状况)."""

    state: ClueState
    real_name: bool
    disposal: str | None = None
    proposal: dict[str, Any] | None = None
    endorsements: dict[str, Any] | None = None
    handler_id: int | None = None
    flags: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Transition:
    """The result of a permitted action: the new state and the column updates to write."""

    action: str
    from_state: ClueState
    to_state: ClueState
    updates: dict[str, Any]
    meets: tuple[str, ...] = ()  # deadline rules this step fulfils
    events: tuple[str, ...] = ()  # events it reports; deadlines.yaml says which deadlines they start


def _refuse(zh: str, en: str) -> TransitionRefused:
    return TransitionRefused(zh, en)


def _need_state(snap: ClueState, allowed: tuple[ClueState, ...], action_zh: str, action: str) -> None:
    if snap not in allowed:
        zh = "、".join(s.zh for s in allowed)
        en = ", ".join(s.value for s in allowed)
        raise _refuse(
            f"线索当前为「{snap.zh}」状态，不能{action_zh}；只有「{zh}」状态可以",
            f"cannot {action} a clue in state {snap.value}; allowed only in: {en}",
        )


def _need_role(actor: Actor, roles: tuple[Role, ...], action_zh: str, action: str) -> None:
    if not actor.has(*roles):
        zh = "、".join(r.zh for r in roles)
        en = ", ".join(r.value for r in roles)
        raise _refuse(f"{action_zh}需要以下角色之一：{zh}", f"{action} needs one of the roles: {en}")


def _need_reason(args: dict[str, Any], action_zh: str, action: str) -> str:
    reason = str(args.get("reason") or "").strip()
    if not reason:
        raise _refuse(f"{action_zh}必须写明理由", f"{action} needs a reason")
    return reason


S = ClueState
OPEN_STATES = (S.REGISTERED, S.AWAITING, S.HANDLING)


def _assign(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.REGISTERED, S.AWAITING), "分办", "assign")
    _need_role(actor, (Role.CASE_MANAGER, Role.LEADER), "分办", "assigning")
    if not args.get("handler_id"):
        raise _refuse("分办必须指定承办人", "assigning needs a handler")
    return Transition("assign", snap.state, S.AWAITING, {"handler_id": args["handler_id"]})


def _propose(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.AWAITING,), "提出处置建议", "propose a disposal for")
    _need_role(actor, (Role.INVESTIGATOR, Role.CASE_MANAGER), "提出处置建议", "proposing a disposal")
    if snap.proposal:
        raise _refuse(
            f"已有待审批的处置建议（{snap.proposal.get('name')}），须先审批或退回",
            "a disposal proposal is already awaiting approval; approve or reject it first",
        )
    method = disposal_methods().get(str(args.get("method", "")))
    if method.needs_target and not args.get("target_unit_id"):
        raise _refuse(f"{method.name}必须指定接收单位", f"{method.code} needs a receiving unit")
    proposal = {
        "method": method.code,
        "name": method.name,
        "by": actor.user_id,
        "reason": str(args.get("reason") or ""),
        "target_unit_id": args.get("target_unit_id"),
    }
    return Transition("propose", snap.state, snap.state, {"proposal": proposal})


def _approve(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.AWAITING,), "审批处置建议", "approve a disposal of")
    if not snap.proposal:
        raise _refuse("没有待审批的处置建议", "there is no disposal proposal to approve")
    _need_role(actor, (Role.LEADER,), "审批处置建议", "approving a disposal")
    if snap.proposal.get("by") == actor.user_id:
        raise _refuse("审批人不能是提出建议的本人", "the approver cannot be the person who proposed it")
    method = disposal_methods().get(snap.proposal["method"])
    updates: dict[str, Any] = {"disposal": method.code, "proposal": None, "approved_by": actor.user_id}
    if method.next == "handling":
        return Transition("approve", snap.state, S.HANDLING, updates, ("disposal_opinion",), ("disposal_approved",))
    updates["outcome"] = method.outcome
    events = ("disposal_approved", "clue_concluded")
    return Transition("approve", snap.state, S.CONCLUDED, updates, ("disposal_opinion",), events)


def _reject(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.AWAITING,), "退回处置建议", "reject a disposal of")
    if not snap.proposal:
        raise _refuse("没有待审批的处置建议", "there is no disposal proposal to reject")
    _need_role(actor, (Role.LEADER,), "退回处置建议", "rejecting a disposal")
    _need_reason(args, "退回处置建议", "rejecting a proposal")
    return Transition("reject", snap.state, snap.state, {"proposal": None})


def _record_reply(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "登记函询回复", "record an inquiry reply on")
    if snap.disposal != "talk_inquiry":
        raise _refuse("只有谈话函询的线索才有函询回复", "only a talk/inquiry disposal has a reply")
    _need_role(actor, (Role.INVESTIGATOR, Role.CASE_MANAGER), "登记函询回复", "recording a reply")
    flags = {**snap.flags, "reply_recorded": True}
    return Transition(
        "record_reply", snap.state, snap.state, {"flags": flags}, ("inquiry_reply",), ("inquiry_replied",)
    )


def _resume(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "启用暂存线索", "resume")
    if snap.disposal != "hold":
        raise _refuse("只有暂存待查的线索可以重新启用", "only a clue on hold can be resumed")
    if actor.user_id != snap.handler_id:
        _need_role(actor, (Role.CASE_MANAGER, Role.LEADER), "启用暂存线索", "resuming")
    _need_reason(args, "启用暂存线索", "resuming")
    return Transition("resume", snap.state, S.AWAITING, {"disposal": None})


def _endorse(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "查否背书", "endorse a not-substantiated finding on")
    as_leader = actor.has(Role.LEADER) and actor.user_id != snap.handler_id
    if not as_leader and actor.user_id != snap.handler_id:
        raise _refuse("查否背书只能由承办人本人或审批领导签署", "only the handler or a leader can endorse")
    slot = "leader" if as_leader else "handler"
    text = _need_reason(args, "查否背书", "an endorsement")
    endorsements = {**(snap.endorsements or {}), slot: {"by": actor.user_id, "text": text}}
    return Transition("endorse", snap.state, snap.state, {"endorsements": endorsements})


def _conclude(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "办结", "conclude")
    if actor.user_id != snap.handler_id and not actor.has(Role.LEADER):
        raise _refuse("只有承办人或领导可以办结线索", "only the handler or a leader can conclude a clue")
    result = outcome_from(str(args.get("result", "")))
    if result not in HANDLING_RESULTS:
        raise _refuse(f"办理中的线索不能以「{result.zh}」办结", f"cannot conclude handling with {result.value}")
    if snap.disposal == "hold" and result is not ClueOutcome.CLOSED:
        raise _refuse("暂存待查的线索须先重新启用处置，或予以了结", "a clue on hold must be resumed first, or closed")
    if snap.disposal == "talk_inquiry" and not snap.flags.get("reply_recorded"):
        raise _refuse("谈话函询须先登记谈话或函询回复", "record the talk or the inquiry reply first")
    if result is ClueOutcome.NOT_SUBSTANTIATED:
        have = snap.endorsements or {}
        missing = [zh for slot, zh in (("handler", "承办人"), ("leader", "审批领导")) if slot not in have]
        if missing:
            raise _refuse(
                f"查否结论须有查否背书，缺少：{'、'.join(missing)}",
                "a not-substantiated conclusion needs the endorsement of: "
                + ", ".join(s for s in ("handler", "leader") if s not in have),
            )
    meets = ("verification", "inquiry_conclusion", "disposal_opinion")
    return Transition("conclude", snap.state, S.CONCLUDED, {"outcome": result.value}, meets, ("clue_concluded",))


def _feedback(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    if not snap.real_name:
        raise _refuse("匿名线索没有可反馈的反映人", "an anonymous clue has no reporter to inform")
    if actor.user_id != snap.handler_id:
        _need_role(actor, (Role.INTAKE_CLERK, Role.CASE_MANAGER, Role.LEADER), "反馈反映人", "informing the reporter")
    kind = args.get("kind")
    if kind == "accepted":
        return Transition("feedback", snap.state, snap.state, {}, ("reporter_acceptance", "contact_12337"))
    if kind == "result":
        _need_state(snap.state, (S.CONCLUDED,), "反馈办理结果", "report the result of")
        flags = {**snap.flags, "result_fed_back": True}
        return Transition("feedback", snap.state, snap.state, {"flags": flags}, ("reporter_result",))
    raise _refuse("反馈类型须为 accepted（受理告知）或 result（结果反馈）", "feedback kind: accepted or result")


def _archive(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.CONCLUDED,), "归档", "archive")
    _need_role(actor, (Role.CASE_MANAGER, Role.LEADER), "归档", "archiving")
    if snap.real_name and not snap.flags.get("result_fed_back") and snap.flags.get("outcome") != "merged":
        raise _refuse("实名举报须先向反映人反馈办理结果才能归档", "tell the real-name reporter the result first")
    return Transition("archive", snap.state, S.ARCHIVED, {})


def _reopen(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.CONCLUDED, S.ARCHIVED), "复查", "reopen")
    _need_role(actor, (Role.LEADER,), "复查", "reopening")
    _need_reason(args, "复查", "reopening")
    # The earlier conclusion stays in the event history; the live row starts a new round, awaiting a fresh
    # disposal decision (复查 is decided like any disposal: proposed, then approved).
    flags = {k: v for k, v in snap.flags.items() if k not in ("result_fed_back", "reply_recorded", "outcome")}
    return Transition(
        "reopen",
        snap.state,
        S.AWAITING,
        {"outcome": None, "disposal": None, "endorsements": None, "flags": flags, "review_round": "+1"},
        (),
        ("clue_reopened",),
    )


# Who decides that two clues are (or are not) the same matter: marking a duplicate, dismissing a suggestion.
DUPLICATE_ROLES = (Role.INTAKE_CLERK, Role.CASE_MANAGER, Role.LEADER)


def _mark_duplicate(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, OPEN_STATES, "标记重复件", "mark as duplicate")
    _need_role(actor, DUPLICATE_ROLES, "标记重复件", "marking duplicates")
    if not args.get("of_id"):
        raise _refuse("须指明与哪条线索重复", "name the clue this one duplicates")
    flags = {**snap.flags, "outcome": "merged"}
    return Transition(
        "mark_duplicate",
        snap.state,
        S.CONCLUDED,
        {"outcome": ClueOutcome.MERGED.value, "duplicate_of_id": args["of_id"], "flags": flags, "proposal": None},
        ("disposal_opinion", "verification", "inquiry_reply", "inquiry_conclusion"),
    )


ACTIONS: dict[str, Callable[[ClueSnapshot, Actor, dict[str, Any]], Transition]] = {
    "assign": _assign,
    "propose": _propose,
    "approve": _approve,
    "reject": _reject,
    "record_reply": _record_reply,
    "resume": _resume,
    "endorse": _endorse,
    "conclude": _conclude,
    "feedback": _feedback,
    "archive": _archive,
    "reopen": _reopen,
    "mark_duplicate": _mark_duplicate,
}

ACTION_ZH = {
    "assign": "分办",
    "propose": "提出处置建议",
    "approve": "审批处置",
    "reject": "退回建议",
    "record_reply": "登记函询回复",
    "resume": "启用暂存",
    "endorse": "查否背书",
    "conclude": "办结",
    "feedback": "反馈反映人",
    "archive": "归档",
    "reopen": "复查",
    "mark_duplicate": "标记重复件",
}


def plan(snap: ClueSnapshot, action: str, actor: Actor, args: dict[str, Any] | None = None) -> Transition:
    """Decide whether ``actor`` may take ``action`` on a clue now, and what it changes."""
    fn = ACTIONS.get(action)
    if fn is None:
        raise _refuse(f"未知操作「{action}」", f"unknown action {action!r}")
    return fn(snap, actor, dict(args or {}))
