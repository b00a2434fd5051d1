"""Supervision marks (督办标记) and leaders' instructions (领导批示): pure rules.

``check_mark`` / ``check_clear_mark`` / ``check_progress_report`` / ``check_instruction`` /
``check_complete_instruction`` refuse, in Chinese and English, a step that may not be taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import StrEnum

from sanwang.domain.errors import ValidationError
from sanwang.domain.guards import need_role, refuse
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor


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
# Every kind of record a deadline, mark or instruction is on, as people name it (the stored code is in --json).
RECORD_KIND_ZH = {
    "clue": "线索",
    "gang_case": "涉黑涉恶案件",
    "case": "审查调查案件",
    "transfer": "线索移送",
    "recommendation": "监察建议",
    "review": "复审复核",
    "instruction": "领导批示",
    "mark": "督办标记",
}


def record_kind(text: str) -> str:
    """A kind of record by its code or its Chinese name (线索 or clue); an unknown one is refused, not matched to
    nothing (an empty overdue list would read as "nothing overdue")."""
    key = (text or "").strip()
    for code, zh in RECORD_KIND_ZH.items():
        if key in (code, zh):
            return code
    raise ValidationError(
        f"未知对象类型「{text}」，可选：{'、'.join(RECORD_KIND_ZH.values())}",
        f"unknown record kind {text!r}; choose from: {', '.join(RECORD_KIND_ZH)}",
        field="--kind",
    )


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
    """The kind of record a mark or an instruction is on, by code or Chinese name (线索 or clue)."""
    text = next((code for code in ENTITY_KINDS if (text or "").strip() in (code, RECORD_KIND_ZH[code])), text)
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
    need_role(actor, (Role.LEADER,), f"设置「{kind.zh}」", f"setting the mark {kind.value}")
    if not reason.strip():
        raise refuse(f"设置「{kind.zh}」必须写明理由", f"the mark {kind.value} needs a reason")
    if kind.value in active:
        raise refuse(f"已有未撤销的「{kind.zh}」标记", f"the mark {kind.value} is already set")
    if kind in (MarkKind.ESCALATED, MarkKind.DIRECT) and not actor_above:
        raise refuse(
            f"「{kind.zh}」只能由上级纪委监委的领导决定", f"{kind.value} is decided by a leader of a higher commission"
        )
    if kind is MarkKind.LEADER_OWNED:
        if owner is None:
            raise refuse("领导包案须指定包案领导", "a leader-owned mark needs the named leader")
        if not owner.has(Role.LEADER):
            raise refuse("包案人须是领导", "the owner of a leader-owned record must be a leader")
    if kind is MarkKind.DESIGNATED:
        if target_unit_id is None:
            raise refuse("指定管辖须写明被指定的单位", "a designation needs the unit given jurisdiction")
        if target_unit_id == entity_unit_id:
            raise refuse("被指定的单位不能是原管辖单位", "the designated unit must differ from the current one")


def check_clear_mark(actor: Actor, kind: MarkKind, *, active: Sequence[str], reason: str) -> None:
    need_role(actor, (Role.LEADER,), f"撤销「{kind.zh}」", f"clearing the mark {kind.value}")
    if kind.value not in active:
        raise refuse(f"没有未撤销的「{kind.zh}」标记", f"there is no mark {kind.value} to clear")
    if not reason.strip():
        raise refuse("撤销督办标记必须写明理由", "clearing a mark needs a reason")


def check_progress_report(actor: Actor, *, active: Sequence[str], text: str) -> None:
    """重点督办 needs periodic progress reports (定期报告进展)."""
    if MarkKind.PRIORITY.value not in active:
        raise refuse("只有重点督办的事项需要报告进展", "only a record under priority supervision reports progress")
    need_role(actor, (Role.INVESTIGATOR, Role.CASE_MANAGER, Role.LEADER, Role.POLICE_LIAISON), "报告进展", "reporting")
    if not text.strip():
        raise refuse("进展报告须写明内容", "a progress report needs its text")


def check_instruction(actor: Actor, *, text: str, actions: Sequence[str], due: date | None, given_on: date) -> None:
    """领导批示: only a leader writes one; text required; the due date, if any, not before the day it is given."""
    need_role(actor, (Role.LEADER,), "领导批示", "writing an instruction")
    if not text.strip():
        raise refuse("批示须有内容", "an instruction needs its text")
    if any(not a.strip() for a in actions):
        raise refuse("批示要求的事项不能为空", "a required action cannot be empty")
    if due is not None and due < given_on:
        raise refuse("批示的办理期限不能早于批示日期", "the due date cannot precede the instruction")


def check_complete_instruction(actor: Actor, *, done_on: date | None, note: str) -> None:
    need_role(actor, (Role.INVESTIGATOR, Role.CASE_MANAGER, Role.LEADER, Role.POLICE_LIAISON), "办结批示", "completing")
    if done_on is not None:
        raise refuse(f"该批示已于 {done_on.isoformat()} 办结", f"the instruction was completed on {done_on}")
    if not note.strip():
        raise refuse("办结批示须写明落实情况", "say how the instruction was carried out")
