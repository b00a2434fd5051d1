"""The measures the Supervision Law gained in its 2024 revision (in force 2025-06-01): pure rules.

管护 and 责令候查 on a case, and on a 留置 its further extension (再延长) and its recount when a new serious offence
is found (重新计算). Which rule applies, from when, and who approves are configuration (``sanctions.yaml``,
``measures`` ⚙, with the articles and what was verified); the limits are the deadline rules of the same names.
A measure decided before the law provided it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sanwang.domain.cases import (
    OPEN_CASE_ROLES,
    CaseSnapshot,
    CaseState,
    DetentionSnapshot,
    check_measure_approver,
)
from sanwang.domain.guards import need_role, refuse
from sanwang.domain.roles import Role
from sanwang.domain.sanctions import Measure, case_rules
from sanwang.domain.workflow import Actor

CASE_MEASURES = ("guanhu", "zeling_houcha")  # taken on a case; the other two act on its 留置


@dataclass(frozen=True)
class MeasureApproval:
    """Who approved a measure: a leader in this ledger, and for 国家监察委员会 its reference (批准文号)."""

    approver: Actor
    approver_commission_id: int | None
    approval_ref: str | None = None


def _in_force(m: Measure, on: date) -> None:
    if on < m.in_force_from:
        raise refuse(
            f"{m.name}是 2024 年修正的监察法新增的规定，自 {m.in_force_from.isoformat()} 起施行；"
            f"{on.isoformat()} 决定的措施不能适用",
            f"{m.code} exists only since the revised Supervision Law came into force on {m.in_force_from}; "
            f"a measure decided on {on} cannot use it",
        )


def _approve(snap: CaseSnapshot, m: Measure, a: MeasureApproval) -> None:
    if m.approval == "one_level_up":
        check_measure_approver(snap.unit, a.approver, a.approver_commission_id, m.name)
        return
    if not a.approver.has(Role.LEADER):
        raise refuse(f"{m.name}须经领导批准，批准人不是领导", f"{m.code} needs a leader's approval")
    if a.approver_commission_id not in (snap.unit.id, snap.unit.parent_id):
        raise refuse(
            f"{m.name}须由本级或上级纪委监委领导批准", f"{m.code} needs a leader of this commission or the one above"
        )
    if m.approval == "national" and not (a.approval_ref or "").strip():
        raise refuse(
            f"{m.name}须经国家监察委员会批准或者决定，请用 --approval-ref 写明批准文号",
            f"{m.code} needs the approval of the National Supervisory Commission: give its reference (--approval-ref)",
        )


def _need_investigating(snap: CaseSnapshot, m: Measure) -> None:
    if snap.state is not CaseState.INVESTIGATING:
        raise refuse(f"案件已{snap.state.zh}，不能采取{m.name}", f"the case is {snap.state.value}: no {m.code}")


def check_case_measure(
    snap: CaseSnapshot, code: str, actor: Actor, approval: MeasureApproval, on: date, reason: str
) -> Measure:
    """管护 / 责令候查 on a case now: in force on ``on``, approved as configured, not while detained nor twice."""
    if code not in CASE_MEASURES:
        raise refuse(f"未知措施「{code}」，可选：管护、责令候查", f"unknown measure {code!r}: guanhu or zeling_houcha")
    m = case_rules().measure(code)
    _in_force(m, on)
    _need_investigating(snap, m)
    need_role(actor, OPEN_CASE_ROLES, f"提请{m.name}", f"proposing {m.code}")
    if not reason.strip():
        raise refuse(f"{m.name}须写明理由", f"{m.code} needs a reason")
    if snap.detention is not None and snap.detention.active:
        raise refuse(
            f"被审查调查人正在留置中，不能同时{m.name}", f"the person is detained: no {m.code} at the same time"
        )
    if any(kind == code and ended is None for kind, ended in snap.measures):
        raise refuse(f"本案已在{m.name}中", f"the case already has {m.code} in force")
    _approve(snap, m, approval)
    return m


def _detention(snap: CaseSnapshot, m: Measure) -> DetentionSnapshot:
    d = snap.detention
    if d is None or not d.active:
        raise refuse(f"本案没有正在执行的留置，不能{m.name}", f"no detention in force: no {m.code}")
    return d


def check_further_extension(
    snap: CaseSnapshot, actor: Actor, approval: MeasureApproval, on: date, reason: str
) -> Measure:
    """再延长 (2 months): only after the one extension, once, for an offence punishable by ten years or more."""
    m = case_rules().measure("detention_further_extension")
    _in_force(m, on)
    d = _detention(snap, m)
    need_role(actor, OPEN_CASE_ROLES, f"提请{m.name}", f"proposing {m.code}")
    if d.extensions < 1:
        raise refuse(f"留置须先依法延长一次，期满仍不能调查终结的才能{m.name}", f"extend once before {m.code}")
    if d.further_extensions >= 1:
        raise refuse(f"留置时间已经再延长过，不能再次{m.name}", f"{m.code} was already granted once")
    if d.due is not None and on > d.due:
        raise refuse(f"留置期限已于 {d.due.isoformat()} 届满，不能{m.name}", f"the detention expired on {d.due}")
    if not reason.strip():
        raise refuse(
            f"{m.name}须写明理由（涉嫌职务犯罪、可能判处十年有期徒刑以上刑罚）",
            f"{m.code} needs its ground (an offence punishable by ten years or more)",
        )
    _approve(snap, m, approval)
    return m


def check_recount(snap: CaseSnapshot, actor: Actor, approval: MeasureApproval, on: date, reason: str) -> Measure:
    """重新计算 (from the day a new serious offence is found): once per detention, with the offence named."""
    m = case_rules().measure("detention_recount")
    _in_force(m, on)
    d = _detention(snap, m)
    need_role(actor, OPEN_CASE_ROLES, f"提请{m.name}", f"proposing {m.code}")
    if d.recounted_on is not None:
        raise refuse(
            f"留置时间已于 {d.recounted_on.isoformat()} 重新计算过，以一次为限",
            f"already recounted on {d.recounted_on}",
        )
    if on < d.started_on:
        raise refuse("发现新罪行的日期不能早于留置开始", "the new offence cannot be found before the detention began")
    if not reason.strip():
        raise refuse(f"{m.name}须写明新发现的重大职务犯罪", f"{m.code} needs the new serious offence that was found")
    _approve(snap, m, approval)
    return m
