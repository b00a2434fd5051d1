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

from sanwang.domain import endorsement
from sanwang.domain.errors import TransitionRefused
from sanwang.domain.guards import need_role, need_text, refuse
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

# Findings a handler may conclude with after handling (办理中 → 办结). Outcomes that are disposal decisions
# (予以了结, 立案审查调查, 并入重复件, 移交, 退回) are never concluded directly: they come only from an approved
# proposal (提出处置建议 → 领导审批), so no step can bypass the leader's approval.
HANDLING_RESULTS = (
    ClueOutcome.CLARIFIED,
    ClueOutcome.SUBSTANTIATED,
    ClueOutcome.NOT_SUBSTANTIATED,
)


def outcome_from(text: str) -> ClueOutcome:
    for o in ClueOutcome:
        if text.strip() in (o.value, o.zh):
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
    approved_by: int | None = None  # the leader who approved the current disposal (审批领导)
    handler_name: str = ""
    approver_name: str = ""


@dataclass(frozen=True)
class Transition:
    """The result of a permitted action: the new state and the column updates to write."""

    action: str
    from_state: ClueState
    to_state: ClueState
    updates: dict[str, Any]
    meets: tuple[str, ...] = ()  # deadline rules this step fulfils
    events: tuple[str, ...] = ()  # events it reports; deadlines.yaml says which deadlines they start
    data: dict[str, Any] = field(default_factory=dict)  # facts the event records (e.g. endorsements cleared)


def _need_state(snap: ClueState, allowed: tuple[ClueState, ...], action_zh: str, action: str) -> None:
    if snap not in allowed:
        zh = "、".join(s.zh for s in allowed)
        en = ", ".join(s.value for s in allowed)
        raise refuse(
            f"线索当前为「{snap.zh}」状态，不能{action_zh}；只有「{zh}」状态可以",
            f"cannot {action} a clue in state {snap.value}; allowed only in: {en}",
        )


S = ClueState
OPEN_STATES = (S.REGISTERED, S.AWAITING, S.HANDLING)
# Deadlines of the handling under a disposal; a new approved disposal closes them (复核处置 replaces the old one).
HANDLING_DEADLINES = ("verification", "inquiry_reply", "inquiry_conclusion", "hold_review")


def _signatories(snap: ClueSnapshot) -> endorsement.Signatories:
    return endorsement.Signatories(
        snap.handler_id,
        snap.approved_by,
        snap.handler_name,
        snap.approver_name,
        "本线索未记录批准处置的领导，须重新报批处置",
        "no leader is recorded as approving the disposal; have the disposal approved again",
    )


def _clearing(snap: ClueSnapshot) -> tuple[dict[str, Any], dict[str, Any]]:
    """(updates, event data) that clear the 查否 signatures: a new handler or approval needs fresh ones."""
    return {"endorsements": None}, endorsement.cleared(snap.endorsements)


def _assign(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    # 分办 before disposal; 改派 (reassigning) while in handling keeps the clue in handling.
    _need_state(snap.state, OPEN_STATES, "分办", "assign")
    need_role(actor, (Role.CASE_MANAGER, Role.LEADER), "分办", "assigning")
    if not args.get("handler_id"):
        raise refuse("分办必须指定承办人", "assigning needs a handler")
    to = S.HANDLING if snap.state is S.HANDLING else S.AWAITING
    updates, data = _clearing(snap)
    return Transition("assign", snap.state, to, {**updates, "handler_id": args["handler_id"]}, data=data)


# A proposal decides the first disposal (待处置) or a new one after handling (办理中: 初核后予以了结, 暂存待查复核 …).
PROPOSAL_STATES = (S.AWAITING, S.HANDLING)


def _propose(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, PROPOSAL_STATES, "提出处置建议", "propose a disposal for")
    need_role(actor, (Role.INVESTIGATOR, Role.CASE_MANAGER), "提出处置建议", "proposing a disposal")
    # As for resuming and concluding: another investigator does not propose how someone else's clue ends.
    if actor.user_id != snap.handler_id and not actor.has(Role.CASE_MANAGER):
        raise refuse(
            "只有承办人或案件监督管理员可以提出处置建议", "only the handler or a case manager can propose a disposal"
        )
    if snap.proposal:
        raise refuse(
            f"已有待审批的处置建议（{snap.proposal.get('name')}），须先审批或退回",
            "a disposal proposal is already awaiting approval; approve or reject it first",
        )
    method = disposal_methods().get(str(args.get("method", "")))
    if method.needs_target and not args.get("target_unit_id"):
        raise refuse(f"{method.name}必须指定接收单位", f"{method.code} needs a receiving unit")
    if method.target_kinds and args.get("target_kind") not in method.target_kinds:
        kinds = "、".join(method.target_kinds)
        raise refuse(
            f"{method.name}的接收单位须为{kinds}，「{args.get('target_name')}」是{args.get('target_kind')}"
            "（向公安机关等移送请用「移送」）",
            f"{method.code} goes to a {', '.join(method.target_kinds)} only; use refer to send to the police",
        )
    if method.needs_duplicate and not args.get("of_id"):
        raise refuse(f"{method.name}须指明与哪条线索重复", f"{method.code} needs the clue this one duplicates")
    # 暂存待查 proposed again is the periodic review deciding to keep holding: approved, its review clock restarts.
    if snap.state is S.HANDLING and method.code == snap.disposal and method.code != "hold":
        raise refuse(f"线索已按「{method.name}」办理中", f"the clue is already handled as {method.code}")
    proposal = {
        "method": method.code,
        "name": method.name,
        "by": actor.user_id,
        "reason": str(args.get("reason") or ""),
        "target_unit_id": args.get("target_unit_id"),
    }
    if method.needs_duplicate:
        proposal["of_id"] = args["of_id"]
    return Transition("propose", snap.state, snap.state, {"proposal": proposal})


def _approve(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, PROPOSAL_STATES, "审批处置建议", "approve a disposal of")
    if not snap.proposal:
        raise refuse("没有待审批的处置建议", "there is no disposal proposal to approve")
    need_role(actor, (Role.LEADER,), "审批处置建议", "approving a disposal")
    if snap.proposal.get("by") == actor.user_id:
        raise refuse("审批人不能是提出建议的本人", "the approver cannot be the person who proposed it")
    method = disposal_methods().get(snap.proposal["method"])
    cleared, data = _clearing(snap)
    # A new approval starts a new handling: the reply of an earlier inquiry and earlier signatures do not carry over.
    flags = {k: v for k, v in snap.flags.items() if k not in ("reply_recorded", "outcome")}
    updates: dict[str, Any] = {
        **cleared,
        "disposal": method.code,
        "proposal": None,
        "approved_by": actor.user_id,
        "flags": flags,
    }
    meets = ("disposal_opinion", *HANDLING_DEADLINES)
    # Which clocks the approval starts (初核, 函询回复, 暂存复核, 转办 …) is deadlines.yaml's decision, by disposal.
    if method.next == "handling":
        return Transition("approve", snap.state, S.HANDLING, updates, meets, ("disposal_approved",), data)
    updates["outcome"] = method.outcome
    if method.needs_duplicate:
        updates["duplicate_of_id"] = snap.proposal.get("of_id")
        updates["flags"] = {**flags, "outcome": method.outcome}
    return Transition("approve", snap.state, S.CONCLUDED, updates, meets, ("disposal_approved", "clue_concluded"), data)


def _reject(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, PROPOSAL_STATES, "退回处置建议", "reject a disposal of")
    if not snap.proposal:
        raise refuse("没有待审批的处置建议", "there is no disposal proposal to reject")
    need_role(actor, (Role.LEADER,), "退回处置建议", "rejecting a disposal")
    need_text(args, "reason", "退回处置建议", "rejecting a proposal")
    return Transition("reject", snap.state, snap.state, {"proposal": None})


def _record_reply(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "登记函询回复", "record an inquiry reply on")
    if snap.disposal != "talk_inquiry":
        raise refuse("只有谈话函询的线索才有函询回复", "only a talk/inquiry disposal has a reply")
    need_role(actor, (Role.INVESTIGATOR, Role.CASE_MANAGER), "登记函询回复", "recording a reply")
    if snap.flags.get("reply_recorded"):
        # A second reply is a supplement (补充说明): kept in the history, but the clock of the opinion keeps running
        # from the first reply — it neither restarts nor doubles.
        return Transition("record_reply", snap.state, snap.state, {}, data={"supplementary": True})
    flags = {**snap.flags, "reply_recorded": True}
    return Transition(
        "record_reply", snap.state, snap.state, {"flags": flags}, ("inquiry_reply",), ("inquiry_replied",)
    )


def _resume(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "启用暂存线索", "resume")
    if snap.disposal != "hold":
        raise refuse("只有暂存待查的线索可以重新启用", "only a clue on hold can be resumed")
    if actor.user_id != snap.handler_id:
        need_role(actor, (Role.CASE_MANAGER, Role.LEADER), "启用暂存线索", "resuming")
    need_text(args, "reason", "启用暂存线索", "resuming")
    cleared, data = _clearing(snap)
    # Back to 待处置: the clue again owes a disposal opinion, counted from the day it is resumed.
    updates = {**cleared, "disposal": None, "approved_by": None}
    return Transition("resume", snap.state, S.AWAITING, updates, ("hold_review",), ("clue_resumed",), data)


def _endorse(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "查否背书", "endorse a not-substantiated finding on")
    text = need_text(args, "reason", "查否背书", "an endorsement")
    endorsements = endorsement.sign(snap.endorsements, _signatories(snap), actor.user_id, text)
    return Transition("endorse", snap.state, snap.state, {"endorsements": endorsements})


def _conclude(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.HANDLING,), "办结", "conclude")
    if actor.user_id != snap.handler_id and not actor.has(Role.LEADER):
        raise refuse("只有承办人或领导可以办结线索", "only the handler or a leader can conclude a clue")
    if snap.disposal == "hold":
        raise refuse(
            "暂存待查的线索不能直接办结：予以了结或改用其他方式，须提出处置建议并经领导审批",
            "a clue on hold is not concluded directly: propose closing it (予以了结) or another disposal "
            "for a leader's approval",
        )
    result = outcome_from(str(args.get("result", "")))
    if result not in HANDLING_RESULTS:
        raise refuse(
            f"「{result.zh}」是处置决定，不能直接办结；须提出处置建议并经领导审批",
            f"{result.value} is a disposal decision, not a finding: propose it for a leader's approval",
        )
    if snap.disposal == "talk_inquiry" and not snap.flags.get("reply_recorded"):
        raise refuse("谈话函询须先登记谈话或函询回复", "record the talk or the inquiry reply first")
    if result is ClueOutcome.NOT_SUBSTANTIATED:
        endorsement.require(snap.endorsements, _signatories(snap))
    meets = HANDLING_DEADLINES + ("disposal_opinion",)
    return Transition("conclude", snap.state, S.CONCLUDED, {"outcome": result.value}, meets, ("clue_concluded",))


def _feedback(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    if not snap.real_name:
        raise refuse("匿名线索没有可反馈的反映人", "an anonymous clue has no reporter to inform")
    if actor.user_id != snap.handler_id:
        need_role(actor, (Role.INTAKE_CLERK, Role.CASE_MANAGER, Role.LEADER), "反馈反映人", "informing the reporter")
    kind = args.get("kind")
    if kind == "accepted":
        return Transition("feedback", snap.state, snap.state, {}, ("reporter_acceptance", "contact_12337"))
    if kind == "result":
        _need_state(snap.state, (S.CONCLUDED,), "反馈办理结果", "report the result of")
        flags = {**snap.flags, "result_fed_back": True}
        return Transition("feedback", snap.state, snap.state, {"flags": flags}, ("reporter_result",))
    raise refuse("反馈类型须为 accepted（受理告知）或 result（结果反馈）", "feedback kind: accepted or result")


def _archive(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.CONCLUDED,), "归档", "archive")
    need_role(actor, (Role.CASE_MANAGER, Role.LEADER), "归档", "archiving")
    if snap.real_name and not snap.flags.get("result_fed_back") and snap.flags.get("outcome") != "merged":
        raise refuse("实名举报须先向反映人反馈办理结果才能归档", "tell the real-name reporter the result first")
    return Transition("archive", snap.state, S.ARCHIVED, {})


def _reopen(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    _need_state(snap.state, (S.CONCLUDED, S.ARCHIVED), "复查", "reopen")
    need_role(actor, (Role.LEADER,), "复查", "reopening")
    need_text(args, "reason", "复查", "reopening")
    # The earlier conclusion stays in the event history; the live row starts a new round, awaiting a fresh
    # disposal decision (复查 is decided like any disposal: proposed, then approved).
    flags = {k: v for k, v in snap.flags.items() if k not in ("result_fed_back", "reply_recorded", "outcome")}
    cleared, data = _clearing(snap)
    return Transition(
        "reopen",
        snap.state,
        S.AWAITING,
        {**cleared, "outcome": None, "disposal": None, "approved_by": None, "flags": flags, "review_round": "+1"},
        (),
        ("clue_reopened",),
        data,
    )


# Who decides that two clues are (or are not) the same matter: marking a duplicate, dismissing a suggestion.
DUPLICATE_ROLES = (Role.INTAKE_CLERK, Role.CASE_MANAGER, Role.LEADER)


def _mark_duplicate(snap: ClueSnapshot, actor: Actor, args: dict[str, Any]) -> Transition:
    # At intake (before any disposal is approved) merging a repeat report is a registration decision. Once a
    # disposal is approved or proposed, ending the clue as a duplicate is a disposal decision like any other.
    if snap.state is S.HANDLING:
        raise refuse(
            "线索已按批准的处置办理中，作为重复件并入须提出「并入重复件」处置建议并经领导审批",
            "the clue is in handling under an approved disposal: propose 并入重复件 (merge) for a leader's approval",
        )
    _need_state(snap.state, (S.REGISTERED, S.AWAITING), "标记重复件", "mark as duplicate")
    need_role(actor, DUPLICATE_ROLES, "标记重复件", "marking duplicates")
    if snap.proposal:
        raise refuse(
            f"已有待审批的处置建议（{snap.proposal.get('name')}），须先审批或退回，再标记重复件",
            "a disposal proposal is awaiting approval; approve or reject it before marking a duplicate",
        )
    if not args.get("of_id"):
        raise refuse("须指明与哪条线索重复", "name the clue this one duplicates")
    flags = {**snap.flags, "outcome": "merged"}
    return Transition(
        "mark_duplicate",
        snap.state,
        S.CONCLUDED,
        {"outcome": ClueOutcome.MERGED.value, "duplicate_of_id": args["of_id"], "flags": flags},
        ("disposal_opinion", *HANDLING_DEADLINES),
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


# Steps of the workflow proper: only these order a clue's history, so a later back-dated step is refused only
# when it would come before one of them — never because of a reminder, a flag correction, a mark or a report.
WORKFLOW_ACTIONS = frozenset({"register", *ACTIONS})


def plan(snap: ClueSnapshot, action: str, actor: Actor, args: dict[str, Any] | None = None) -> Transition:
    """Decide whether ``actor`` may take ``action`` on a clue now, and what it changes."""
    fn = ACTIONS.get(action)
    if fn is None:
        raise refuse(f"未知操作「{action}」", f"unknown action {action!r}")
    return fn(snap, actor, dict(args or {}))
