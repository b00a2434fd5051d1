"""Review of case decisions (复审 / 复核): pure rules, no database.

A person who disagrees with a decision may, within one month of receiving it, apply to the commission that
made it for 复审 (review, decided within one month); against the 复审 decision, within one month of receiving
it, to the commission one level up for 复核 (re-check, decided within two months). The periods are the
deadline rules ``review_application``, ``review_decision`` and ``recheck_decision`` (DOMAIN.md §4, §5).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sanwang.domain.errors import ValidationError
from sanwang.domain.guards import refuse
from sanwang.domain.roles import Role
from sanwang.domain.workflow import Actor


class ReviewLevel(StrEnum):
    REVIEW = "review"  # 复审
    RECHECK = "recheck"  # 复核

    @property
    def zh(self) -> str:
        return "复审" if self is ReviewLevel.REVIEW else "复核"

    @property
    def decision_rule(self) -> str:
        return "review_decision" if self is ReviewLevel.REVIEW else "recheck_decision"


class ReviewResult(StrEnum):
    UPHELD = "upheld"  # 维持
    CHANGED = "changed"  # 变更
    REVOKED = "revoked"  # 撤销

    @property
    def zh(self) -> str:
        return RESULT_ZH[self]


RESULT_ZH = {ReviewResult.UPHELD: "维持", ReviewResult.CHANGED: "变更", ReviewResult.REVOKED: "撤销"}

RECORD_ROLES = (Role.INTAKE_CLERK, Role.CASE_MANAGER, Role.LEADER)


def review_level(text: str) -> ReviewLevel:
    for level in ReviewLevel:
        if text.strip() in (level.value, level.zh):
            return level
    raise ValidationError(f"未知申请类别「{text}」，可选：复审、复核", f"unknown level {text!r}: review or recheck")


def review_result(text: str) -> ReviewResult:
    for result in ReviewResult:
        if text.strip() in (result.value, result.zh):
            return result
    raise ValidationError(
        f"未知复审复核结果「{text}」，可选：维持、变更、撤销", f"unknown result {text!r}: upheld, changed or revoked"
    )


@dataclass(frozen=True)
class ReviewSnapshot:
    """An earlier application against the same decision."""

    level: ReviewLevel
    decided_on: date | None
    result: ReviewResult | None


def check_apply(
    actor: Actor,
    level: ReviewLevel,
    *,
    served_on: date,
    applied_on: date,
    window_ends: date,
    earlier: Sequence[ReviewSnapshot],
    grounds: str,
) -> None:
    """May this application be recorded? ``window_ends`` is the last day to apply (review_application rule)."""
    if not actor.has(*RECORD_ROLES):
        raise refuse(
            "登记复审复核申请须为受理人员、案件管理人员或领导", "only clerks, case managers or leaders record it"
        )
    if not grounds.strip():
        raise refuse(f"申请{level.zh}须写明理由", f"an application for {level.value} must state its grounds")
    if applied_on < served_on:
        raise refuse(
            f"申请日期 {applied_on} 早于决定送达日期 {served_on}", f"applied on {applied_on}, before it was served"
        )
    if applied_on > window_ends:
        raise refuse(
            f"申请{level.zh}的期限已于 {window_ends} 届满（收到决定之日起一个月），原决定已生效",
            f"the time to apply for {level.value} ended on {window_ends} (one month after service)",
        )
    reviews = [r for r in earlier if r.level is ReviewLevel.REVIEW]
    if level is ReviewLevel.REVIEW:
        if reviews:
            raise refuse("该处理决定已申请过复审，不能重复申请", "a review of this decision was already applied for")
        return
    if not reviews or reviews[0].decided_on is None:
        raise refuse("须先经复审并作出复审决定，才能申请复核", "a recheck needs a decided review first")
    if reviews[0].result is ReviewResult.REVOKED:
        raise refuse("复审已撤销原处理决定，无可复核", "the review revoked the decision: nothing to recheck")
    if any(r.level is ReviewLevel.RECHECK for r in earlier):
        raise refuse("该处理决定已申请过复核，不能重复申请", "a recheck of this decision was already applied for")


def check_decide(
    actor: Actor,
    level: ReviewLevel,
    *,
    decided_on: date | None,
    in_deciding_unit: bool,
    applied_on: date,
    on: date,
    result: ReviewResult,
    new_value: str | None,
    decision: str,
) -> None:
    """May this decision be recorded? Leaders of the deciding commission decide, once, with reasons."""
    if decided_on is not None:
        raise refuse(f"该{level.zh}申请已于 {decided_on} 作出决定", f"this {level.value} was decided on {decided_on}")
    if not actor.has(Role.LEADER) or not in_deciding_unit:
        raise refuse(
            f"{level.zh}决定须由{'作出原决定的' if level is ReviewLevel.REVIEW else '上一级'}纪委监委领导作出",
            f"a {level.value} is decided by a leader of the "
            + ("commission that decided" if level is ReviewLevel.REVIEW else "commission one level up"),
        )
    if on < applied_on:
        raise refuse(f"决定日期 {on} 早于申请日期 {applied_on}", f"decided on {on}, before the application")
    if not decision.strip():
        raise refuse(f"{level.zh}决定须写明理由", f"a {level.value} decision must state its reasons")
    if result is ReviewResult.CHANGED and not (new_value or "").strip():
        raise refuse("变更原处理决定须写明变更后的处理", "a change must give the new outcome")
    if result is not ReviewResult.CHANGED and new_value:
        raise refuse(f"「{result.zh}」决定不产生新的处理", f"a decision to {result.value} gives no new outcome")
