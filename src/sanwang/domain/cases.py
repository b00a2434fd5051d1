"""Discipline cases (立案审查调查) with 留置: pure rules.

Like :mod:`sanwang.domain.workflow` for clues, every step is decided here by a pure function that either
returns what to change or raises :class:`TransitionRefused` saying, in Chinese and English, what is missing.
The services load a snapshot, call the guard, write the rows and append the event.

- ``plan_case(snapshot, action, actor, args)``: a discipline case (detain, notify_family, waive_notice,
  extend_detention, release, record_outcome, recommend, conclude), plus ``check_open_case`` and
  ``check_follow_up``.

The outcome vocabulary and the detention rules are in :mod:`sanwang.domain.sanctions` (``sanctions.yaml`` ⚙);
gang cases and 一案三查 in :mod:`~sanwang.domain.tracks`, transfers in :mod:`~sanwang.domain.transfers`,
supervision marks in :mod:`~sanwang.domain.marks`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sanwang.domain.guards import need_role, need_text, pick, refuse
from sanwang.domain.regions import level_of
from sanwang.domain.roles import Role
from sanwang.domain.sanctions import case_rules
from sanwang.domain.vocab import disposal_methods
from sanwang.domain.workflow import Actor, ClueOutcome

RANKS: tuple[str, ...] = ("省部级", "厅局级", "县处级", "乡科级", "一般干部", "村(社区)干部", "其他")


def subject_rank(text: str | None) -> str | None:
    """A subject's rank (级别), or None when not given."""
    if text is None or not text.strip():
        return None
    return pick(text, RANKS, "rank", "职级", "rank")


class CaseState(StrEnum):
    """States of a discipline case (案件状态)."""

    INVESTIGATING = "investigating"  # 审查调查中
    CONCLUDED = "concluded"  # 审结

    @property
    def zh(self) -> str:
        return CASE_STATE_ZH[self]


CASE_STATE_ZH = {CaseState.INVESTIGATING: "审查调查中", CaseState.CONCLUDED: "审结"}

OPEN_CASE_ROLES = (Role.INVESTIGATOR, Role.CASE_MANAGER, Role.LEADER)


@dataclass(frozen=True)
class SubjectKey:
    """Who a case is about (被审查调查人), as one person: by ID number, or by name and unit where none is given."""

    name: str
    id_number: str | None = None
    unit: str | None = None

    def same_person(self, other: SubjectKey) -> bool:
        if self.id_number and other.id_number:
            return self.id_number == other.id_number
        if self.name.strip() != other.name.strip():
            return False
        # Without an ID number a name alone may be two people: the unit (单位职务) tells them apart when both have
        # one — but not the same post written shorter (交通局局长 / 昭阳区交通局局长).
        mine, theirs = ("".join((u or "").split()) for u in (self.unit, other.unit))
        return not (mine and theirs) or mine in theirs or theirs in mine


@dataclass(frozen=True)
class ClueSource:
    """The clue a case is opened from, as the opening rule sees it."""

    number: str
    disposal: str | None
    outcome: str | None
    approved: bool
    approved_on: date | None = None  # the day 移送审查调查 was approved (the clue concluded with it)


def check_open_case(
    proposer: Actor,
    approver: Actor,
    *,
    subject_name: str,
    clue: ClueSource | None,
    direct_basis: str | None,
    already_open: str | None = None,
    on: date | None = None,
) -> None:
    """立案: proposed by a case handler, approved by another person who is a leader; from a clue whose disposal
    移送审查调查 was approved, or by a recorded decision to open directly (直接立案) that the approving leader makes;
    never a second open case on the same person and clue (``already_open`` names the first)."""
    need_role(proposer, OPEN_CASE_ROLES, "提请立案", "proposing a case")
    if not approver.has(Role.LEADER):
        raise refuse("立案须经领导批准，批准人不是领导", "opening a case needs a leader's approval")
    if approver.user_id == proposer.user_id:
        raise refuse("批准立案的领导不能是提请人本人", "the approving leader cannot be the proposer")
    if not subject_name.strip():
        raise refuse("立案须写明被审查调查人姓名", "name the person under investigation")
    direct = (direct_basis or "").strip()
    if not direct:
        if clue is None:
            raise refuse(
                "立案须来自经批准移送审查调查的问题线索（--clue），或写明直接立案的决定（--direct）",
                "a case opens from a clue whose disposal 移送审查调查 was approved (--clue), or by a recorded "
                "decision to open it directly (--direct)",
            )
        opening = {m.code for m in disposal_methods().methods if m.outcome == ClueOutcome.CASE_OPENED.value}
        if clue.disposal not in opening or clue.outcome != ClueOutcome.CASE_OPENED.value or not clue.approved:
            names = "、".join(m.name for m in disposal_methods().methods if m.code in opening)
            raise refuse(
                f"线索 {clue.number} 的处置方式未经批准为「{names}」，不能据此立案；"
                "如经领导决定直接立案，请用 --direct 写明决定",
                f"clue {clue.number} has no approved disposal to open a case ({names}); a leader's decision to "
                "open directly is recorded with --direct",
            )
        if on and clue.approved_on and on < clue.approved_on:  # the case rests on that approval
            raise refuse(
                f"立案日期 {on.isoformat()} 早于线索 {clue.number} "
                f"批准移送审查调查的日期 {clue.approved_on.isoformat()}",
                f"the case cannot open on {on.isoformat()}, before clue {clue.number} was approved for investigation "
                f"on {clue.approved_on.isoformat()}",
            )
    if already_open:
        raise refuse(
            f"该被审查调查人已有就同一线索立案、尚未审结的案件 {already_open}，不能重复立案",
            f"this person already has an open case on the same clue: {already_open}",
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
    due: date | None = None
    further_extensions: int = 0
    recounted_on: date | None = None

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
    in_force: tuple[tuple[str, str], ...] = ()
    """The outcomes in force (kind code, value): those no 复审/复核 has retired."""
    measures: tuple[tuple[str, date | None], ...] = ()
    """管护 / 责令候查 taken on the case: (kind, ended_on)."""


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
        raise refuse(
            f"案件当前为「{snap.state.zh}」，不能{action_zh}；只有「{zh}」可以",
            f"cannot {action} a case that is {snap.state.value}; allowed only in: "
            + ", ".join(s.value for s in allowed),
        )


def _need_active_detention(snap: CaseSnapshot, action_zh: str, action: str) -> DetentionSnapshot:
    d = snap.detention
    if d is None or not d.active:
        raise refuse(f"本案没有正在执行的留置，不能{action_zh}", f"cannot {action}: the case has no detention in force")
    return d


def check_measure_approver(unit: UnitRef, approver: Actor, approver_commission_id: int | None, what_zh: str) -> None:
    """留置 and its extension: at city level and below a leader one level up approves; a province its own."""
    if not approver.has(Role.LEADER):
        raise refuse(f"{what_zh}须经领导批准，批准人不是领导", f"{what_zh} needs a leader's approval")
    level = level_of(unit.region_code)
    if level in case_rules().detention.approve_one_level_up:
        if unit.parent_id is None:
            raise refuse(
                f"「{unit.name}」没有上一级纪委监委，无法报批{what_zh}",
                f"{unit.name} has no commission one level up to approve",
            )
        if approver_commission_id != unit.parent_id:
            raise refuse(
                f"{'市' if level == 'city' else '县'}级及以下纪委监委采取{what_zh}须报上一级纪委监委"
                f"（{unit.parent_name}）领导批准，本级或其他单位领导不能批准",
                f"at city level and below, {what_zh} must be approved by a leader of the commission one level up "
                f"({unit.parent_name}); a leader of the same level cannot approve it",
            )
    elif approver_commission_id not in (unit.id, unit.parent_id):
        raise refuse(
            f"{what_zh}须由本级或上级纪委监委领导批准", f"{what_zh} needs a leader of this commission or the one above"
        )


def family_notice_deadline(d: DetentionSnapshot) -> datetime:
    """When the family must have been told: N hours after the start (end of the next day when no time known)."""
    hours = case_rules().detention.family_notice_hours
    if d.started_at is not None:
        return d.started_at + timedelta(hours=hours)
    return datetime.combine(d.started_on + timedelta(days=1 + (hours - 1) // 24), time(23, 59, 59))


def family_notice_lateness(due_at: datetime, notified_at: datetime | None, waived: bool, now: datetime) -> int | None:
    """Hours (rounded up) by which the family notice was or is late; None when on time, waived, or not yet due."""
    if waived:
        return None
    when = notified_at or now
    if when <= due_at:
        return None
    return -(-int((when - due_at).total_seconds()) // 3600)


def _detain(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_case_state(snap, (CaseState.INVESTIGATING,), "采取留置措施", "detain in")
    need_role(actor, OPEN_CASE_ROLES, "提请留置", "proposing detention")
    if snap.detention is not None:
        raise refuse(
            "本案已采取过留置措施，不能再次留置（期满只能依法延长一次）",
            "this case already had a detention; it cannot start another (it may be extended once)",
        )
    approver = args.get("approver")
    if not isinstance(approver, Actor):
        raise refuse("留置须写明批准领导", "detention needs the approving leader")
    check_measure_approver(snap.unit, approver, args.get("approver_commission_id"), "留置")
    return CaseTransition(
        "detain", snap.state, snap.state, {}, {"approved_by": approver.user_id}, starts=("detention",)
    )


def _notify_family(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    d = _need_active_detention(snap, "登记通知家属", "record the family notice")
    need_role(actor, OPEN_CASE_ROLES, "登记通知家属", "recording the family notice")
    if d.family_notified_at is not None or d.notify_waiver:
        raise refuse("已登记通知家属或不通知的决定", "the family notice (or its waiver) is already recorded")
    at = args.get("at")
    if not isinstance(at, datetime):
        raise refuse("须写明通知家属的时间", "give the time the family was told")
    start = d.started_at or datetime.combine(d.started_on, time(0, 0))
    if at < start:
        raise refuse("通知家属的时间不能早于留置开始", "the family cannot be told before the detention started")
    deadline = family_notice_deadline(d)
    late = at > deadline
    data = {"at": at.isoformat(), "deadline": deadline.isoformat(), "late": late}
    return CaseTransition("notify_family", snap.state, snap.state, {"family_notified_at": at}, data, ("family_notice",))


def _waive_notice(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    d = _need_active_detention(snap, "决定不通知家属", "waive the family notice")
    if d.family_notified_at is not None or d.notify_waiver:
        raise refuse("已登记通知家属或不通知的决定", "the family notice (or its waiver) is already recorded")
    need_role(actor, (Role.LEADER,), "决定不通知家属（有碍调查）", "waiving the family notice")
    reason = need_text(args, "reason", "不通知家属", "waiving the notice", "有碍调查的具体理由")
    return CaseTransition(
        "waive_notice", snap.state, snap.state, {"notify_waiver": reason}, {"reason": reason}, ("family_notice",)
    )


def _extend_detention(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    d = _need_active_detention(snap, "延长留置", "extend the detention")
    need_role(actor, OPEN_CASE_ROLES, "提请延长留置", "proposing an extension")
    if d.extensions >= 1:
        raise refuse("留置期限只能延长一次，已经延长过", "a detention can be extended only once; it already was")
    need_text(args, "reason", "延长留置", "extending a detention")
    approver = args.get("approver")
    if not isinstance(approver, Actor):
        raise refuse("延长留置须写明批准领导", "an extension needs the approving leader")
    check_measure_approver(snap.unit, approver, args.get("approver_commission_id"), "延长留置")
    return CaseTransition("extend_detention", snap.state, snap.state, {}, {"approved_by": approver.user_id})


def _release(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_active_detention(snap, "解除留置", "release")
    need_role(actor, OPEN_CASE_ROLES, "解除留置", "releasing")
    return CaseTransition("release", snap.state, snap.state, {}, meets=("detention",))


OUTCOME_ROLES = (Role.LEADER, Role.ADJUDICATOR, Role.CASE_MANAGER)


def _record_outcome(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    _need_case_state(snap, (CaseState.INVESTIGATING,), "登记处理结果", "record an outcome on")
    need_role(actor, OUTCOME_ROLES, "登记处理结果", "recording an outcome")
    rules = case_rules()
    kind = rules.kind(str(args.get("kind") or ""))
    value = rules.value(kind, str(args.get("value") or ""))
    form = rules.form(args.get("form"))
    rules.check_form(kind, value, form)
    check_one_in_force(snap, kind.code, args.get("replacing"))
    data = {"kind": kind.code, "kind_zh": kind.name, "value": value, "form": form}
    return CaseTransition("record_outcome", snap.state, snap.state, {}, data)


def check_one_in_force(snap: CaseSnapshot, kind_code: str, replacing: str | None = None) -> None:
    """At most one outcome of a ``one_in_force`` kind (党纪处分, 政务处分) stands on a case; ``replacing`` is the
    value a 复审/复核 change retires at the same time."""
    kind = case_rules().kind(kind_code)
    if not kind.one_in_force:
        return
    standing = [v for k, v in snap.in_force if k == kind.code]
    if replacing is not None and replacing in standing:
        standing.remove(replacing)
    if standing:
        raise refuse(
            f"本案已有生效的{kind.name}「{standing[0]}」，同一案件只能有一项{kind.name}；"
            "如需改变，应经复审、复核撤销或变更原处分",
            f"the case already has a {kind.code} sanction in force ({standing[0]}); only one may stand — change it "
            "through a review (复审/复核)",
        )


def _recommend(snap: CaseSnapshot, actor: Actor, args: dict[str, Any]) -> CaseTransition:
    need_role(actor, OPEN_CASE_ROLES, "提出监察建议", "issuing a recommendation")
    to_unit = need_text(args, "to_unit", "监察建议", "a recommendation", "收受建议的单位")
    content = need_text(args, "content", "监察建议", "a recommendation", "建议内容")
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
    need_role(actor, (Role.LEADER,), "审结案件", "concluding a case")
    if snap.detention is not None and snap.detention.active:
        raise refuse("被审查调查人仍在留置中，须先解除留置", "the person is still detained; release first")
    reason = str(args.get("reason") or "").strip()
    if snap.outcomes == 0 and not reason:
        raise refuse(
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
    "guanhu": "管护",
    "guanhu_end": "解除管护",
    "zeling_houcha": "责令候查",
    "zeling_houcha_end": "解除责令候查",
    "detention_further_extension": "再延长留置时间",
    "detention_recount": "重新计算留置时间",
}


def plan_case(snap: CaseSnapshot, action: str, actor: Actor, args: dict[str, Any] | None = None) -> CaseTransition:
    """Decide whether ``actor`` may take ``action`` on a discipline case now, and what it changes."""
    fn = CASE_ACTIONS.get(action)
    if fn is None:
        raise refuse(f"未知操作「{action}」", f"unknown action {action!r}")
    return fn(snap, actor, dict(args or {}))


def check_follow_up(actor: Actor, *, followed_up_on: date | None, result: str) -> None:
    """监察建议落实情况: recorded once, with what the unit did."""
    need_role(actor, OPEN_CASE_ROLES, "登记建议落实情况", "recording a follow-up")
    if followed_up_on is not None:
        raise refuse(
            f"该建议的落实情况已于 {followed_up_on.isoformat()} 登记", f"already followed up on {followed_up_on}"
        )
    if not result.strip():
        raise refuse("须写明建议的落实情况", "say what the unit did about the recommendation")
