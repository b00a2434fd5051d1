"""Fates (处置经过): the workflow path the demo loader replays on each clue.

A fate is a dated list of ``FateStep`` that never runs past the scenario's end date, so the replayed ledger has
clues at every stage: still awaiting disposal, under verification (some overdue), held (暂存待查), concluded
and archived, reopened (复查), and some turned into discipline cases (立案审查调查) with detention (留置) and
sanctions. Each step done by a person names that user in ``args["by"]``; approvals are by a leader of the same
commission, never the proposer.

Arguments by action (all optional except ``by`` where a person acts):
``assign`` {by, to} · ``propose`` {by, method, target?} · ``approve`` {by} · ``reject`` {by, reason} ·
``record_reply`` {by, form 谈话|函询, reply} · ``endorse`` {by, as handler|leader, statement} ·
``conclude`` {by, result substantiated|clarified|not_substantiated|closed} · ``feedback`` {by, how, satisfied} ·
``archive`` {by} · ``reopen`` {by, reason} · ``mark`` {by, kind, reason, leader?} · ``instruct`` {by, text, due} ·
``mark_duplicate`` {by, of} · ``open_case`` {by, subject} · ``detain`` {by, approved_by} ·
``extend_detention`` {by, months} · ``notify_family`` {by} · ``release`` {by} · ``outcome`` {by, form, party?,
administrative?, organisational?, accountability_cadre?, prosecution?} · ``recommend`` {by, unit, text, due} ·
``follow_up`` {by, note} · ``conclude_case`` {by}.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sanwang.scenario.model import FateStep
from sanwang.scenario.units import Staff


class _Past(Exception):
    """Raised when the next step would fall after the scenario's end: the fate stops there."""


@dataclass
class FateInput:
    """What decides a clue's path."""

    received: date
    real_name: bool
    kind: str  # gang, umbrella, ordinary
    true: bool  # whether the reported matter really happened (planted umbrellas are true)
    staff: Staff
    subject_count: int
    police_unit: str
    lower_unit: str | None  # a county commission to pass down to (转办), for city-registered clues
    regulators: list[str]
    duplicate_of: str | None = None


_MARK_REASONS = {
    "提级办理": "涉及县处级干部，由上级纪委监委提级办理",
    "重点督办": "涉黑涉恶问题线索，群众反映强烈",
    "挂牌督办": "中央督导组交办，限期办结",
    "领导包案": "重大复杂信访件，领导包案化解",
}


class _Fate:
    def __init__(self, rng: random.Random, end: date, start: date) -> None:
        self.rng = rng
        self.end = end
        self.day = start
        self.steps: list[FateStep] = []

    def step(self, action: str, lo: int, hi: int, **args: Any) -> None:
        day = self.day + timedelta(days=self.rng.randint(lo, hi))
        if day > self.end:
            raise _Past
        self.day = day
        self.steps.append(FateStep(action, day, args))


def _leader(rng: random.Random, staff: Staff, not_: str | None = None) -> str:
    choices = [u for u in staff.leaders if u != not_]
    return rng.choice(choices)


def _outcome(rng: random.Random, kind: str) -> dict[str, Any]:
    """A case outcome (处理结果) with its four-forms class (第一种…第四种形态)."""
    if kind == "umbrella":
        form = rng.choices((2, 3, 4), weights=(2, 5, 3))[0]
    else:
        form = rng.choices((1, 2, 3, 4), weights=(3, 5, 2, 1))[0]
    # Keys and values follow sanwang/domain/data/sanctions.yaml (outcome_kinds codes).
    out: dict[str, Any] = {"form": form}
    if form == 1:
        out["accountability_cadre"] = rng.choice(("诫勉", "诫勉", "通报"))
    elif form == 2:
        out["party"] = rng.choice(("警告", "严重警告"))
        if rng.random() < 0.5:
            out["administrative"] = rng.choice(("警告", "记过", "记大过"))
        if rng.random() < 0.3:
            out["accountability_cadre"] = "通报"
    elif form == 3:
        out["party"] = rng.choice(("撤销党内职务", "留党察看"))
        out["administrative"] = rng.choice(("降级", "撤职"))
        if rng.random() < 0.4:
            out["organisational"] = rng.choice(("免职", "调整职务", "降职"))
    else:
        out["party"] = "开除党籍"
        out["administrative"] = "开除"
        out["prosecution"] = "移送审查起诉"
    return out


def _case(f: _Fate, fi: FateInput, handler: str) -> None:
    """From 立案 to 结案: case opening, maybe detention, outcome, maybe a supervision recommendation."""
    rng, staff = f.rng, fi.staff
    f.step("open_case", 3, 20, by=_leader(rng, staff), subject=rng.randrange(fi.subject_count))
    if rng.random() < (0.6 if fi.kind == "umbrella" else 0.2):
        f.step("detain", 2, 30, by=handler, approved_by=_leader(rng, staff))
        f.step("notify_family", 0, 1, by=handler)
        if rng.random() < 0.3:
            f.step("extend_detention", 80, 88, by=_leader(rng, staff), months=3)
            f.step("release", 30, 85, by=handler)
        else:
            f.step("release", 40, 88, by=handler)
        f.step("outcome", 20, 90, by=rng.choice(staff.adjudicators), **_outcome(rng, fi.kind))
    else:
        f.step("outcome", 60, 150, by=rng.choice(staff.adjudicators), **_outcome(rng, fi.kind))
    f.step("conclude_case", 1, 15, by=_leader(rng, staff))
    if fi.regulators and rng.random() < 0.4:
        due = f.day + timedelta(days=60)
        f.step(
            "recommend",
            1,
            20,
            by=handler,
            unit=rng.choice(fi.regulators),
            text="针对案件暴露出的监管漏洞，建议健全制度、加强监管，以案促改。",
            due=due,
        )
        f.step("follow_up", 30, 75, by=handler, note="被建议单位已书面反馈整改情况。")


def _conclude(f: _Fate, fi: FateInput, handler: str, result: str, leader: str) -> None:
    if result == "not_substantiated":
        # 查否 needs the handler's and the approving leader's signed endorsement before concluding.
        f.step("endorse", 1, 10, by=handler, **{"as": "handler"}, statement="经核实，反映问题查无实据。")
        f.step("endorse", 0, 5, by=leader, **{"as": "leader"}, statement="同意查否意见。")
    if result == "closed":  # 予以了结 is a disposal decision: proposed by the handler, approved by the leader
        f.step("propose", 0, 7, by=handler, method="予以了结")
        f.step("approve", 0, 5, by=leader)
        return
    f.step("conclude", 0, 7, by=handler, result=result)


def _result(rng: random.Random, fi: FateInput, method: str) -> str:
    if method == "谈话函询":
        return rng.choices(("clarified", "closed", "substantiated", "not_substantiated"), weights=(5, 3, 1, 1))[0]
    if fi.true:
        return rng.choices(("substantiated", "not_substantiated", "clarified"), weights=(7, 2, 1))[0]
    return rng.choices(("substantiated", "clarified", "not_substantiated", "closed"), weights=(2, 3, 4, 1))[0]


def _method(rng: random.Random, fi: FateInput) -> str:
    if fi.kind == "umbrella":
        return rng.choices(("初步核实", "谈话函询", "暂存待查"), weights=(85, 10, 5))[0]
    if fi.kind == "gang":
        return rng.choices(("初步核实", "移送", "暂存待查", "予以了结"), weights=(45, 30, 10, 15))[0]
    methods = ["谈话函询", "初步核实", "予以了结", "暂存待查", "退回"]
    weights = [30, 35, 15, 10, 5]
    if fi.lower_unit:
        methods.append("转办")
        weights.append(8)
    return rng.choices(methods, weights=weights)[0]


def _close_out(f: _Fate, fi: FateInput) -> None:
    if fi.real_name:
        f.step("feedback", 3, 20, by=f.rng.choice(fi.staff.clerks), how=f.rng.choice(("当面", "电话", "书面")),
               satisfied=f.rng.random() < 0.8)  # fmt: skip
    f.step("archive", 5, 60, by=f.rng.choice(fi.staff.managers))


def _handle(f: _Fate, fi: FateInput, handler: str, method: str, *, allow_reject: bool) -> None:
    """Propose a method, get it approved (maybe after a rejection), and carry it through."""
    rng, staff = f.rng, fi.staff
    args: dict[str, Any] = {"method": method}
    if method == "转办" and fi.lower_unit:
        args["target"] = fi.lower_unit
    elif method == "移送":
        args["target"] = fi.police_unit
    f.step("propose", 2, 25, by=handler, **args)
    leader = _leader(rng, staff)
    if allow_reject and rng.random() < 0.08:
        f.step("reject", 1, 7, by=leader, reason="处置意见依据不足，请补充后重新报批。")
        _handle(f, fi, handler, "初步核实", allow_reject=False)
        return
    f.step("approve", 0, 7, by=leader)
    if method in ("予以了结", "移送", "转办", "退回"):
        _close_out(f, fi)
        return
    if method == "暂存待查":
        if rng.random() < 0.45:
            f.step("propose", 60, 300, by=handler, method="初步核实")
            f.step("approve", 0, 7, by=leader)
            method = "初步核实"
        else:
            return
    if method == "谈话函询":
        form = rng.choice(("谈话", "函询"))
        f.step("record_reply", 7, 25, by=handler, form=form, reply="本人对反映问题作出书面说明。")
    elif rng.random() < 0.05:
        f.step("instruct", 0, 5, by=leader, text="请依规依纪依法核查，按期报告。", due=f.day + timedelta(days=30))
    # Verification takes from two weeks to several months: the long tail is the overdue list.
    f.day += timedelta(days=rng.choice((5, 10, 20, 30, 45, 80)))
    if f.day > f.end:
        raise _Past
    result = _result(rng, fi, method)
    _conclude(f, fi, handler, result, leader)
    if result == "substantiated" and (fi.kind == "umbrella" or rng.random() < 0.45):
        _case(f, fi, handler)
    _close_out(f, fi)


def build_fate(rng: random.Random, fi: FateInput, end: date) -> tuple[FateStep, ...]:
    """The dated steps a clue goes through, cut at ``end``."""
    f = _Fate(rng, end, fi.received)
    staff = fi.staff
    try:
        if rng.random() < 0.03:
            return ()  # still sitting in the intake queue: the 1-month disposal deadline runs
        handler = rng.choice(staff.investigators)
        f.step("assign", 0, 10, by=rng.choice(staff.managers), to=handler)
        if fi.duplicate_of and rng.random() < 0.5:
            f.step("mark_duplicate", 0, 15, by=rng.choice(staff.managers), of=fi.duplicate_of)
            return tuple(f.steps)
        if rng.random() < (0.08 if fi.kind != "ordinary" else 0.015):
            kind = rng.choice(tuple(_MARK_REASONS))
            extra = {"leader": _leader(rng, staff)} if kind == "领导包案" else {}
            f.step("mark", 0, 5, by=_leader(rng, staff), kind=kind, reason=_MARK_REASONS[kind], **extra)
        if rng.random() < (0.15 if fi.kind != "ordinary" else 0.04):
            f.step("instruct", 0, 5, by=_leader(rng, staff), text="请抓紧核查，从严从快处理。",
                   due=f.day + timedelta(days=rng.choice((15, 30, 60))))  # fmt: skip
        _handle(f, fi, handler, _method(rng, fi), allow_reject=True)
        if f.steps[-1].action == "archive" and rng.random() < 0.04:
            f.step("reopen", 30, 200, by=_leader(rng, staff), reason="当事人申诉，复查原处置结论。")
            _handle(f, fi, handler, "初步核实", allow_reject=False)
    except _Past:
        pass
    return tuple(f.steps)
