"""The figures of the statistics (统计项) and the one query that defines each.

Every figure's query selects ``(key, label, ref)`` rows: ``key`` is what the figure counts (a clue, a disposal, a
transfer, a person), ``label`` how people know it, ``ref`` the ledger record behind the row. A figure's value is
the number of distinct keys, and its drill-down (明细) groups the same rows by key, so count and list agree by
construction — two transfers with the same wording are two keys, a person with two cases is one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.sql import Select

from sanwang.domain.transfers import TRANSFER_DIRECTIONS
from sanwang.services.cases import in_force_on
from sanwang.services.summary import CONCLUDED, DISPOSED, SUBSTANTIATED
from sanwang.store.tables import (
    CaseTrack,
    Clue,
    ClueMilestone,
    Deadline,
    Detention,
    DisciplineCase,
    GangCase,
    Mark,
    Outcome,
    Transfer,
)


@dataclass(frozen=True)
class Period:
    """A reporting period (统计期间), both ends included, the units counted (None = all) and the filters."""

    since: date
    until: date
    units: Sequence[int] | None
    # Recusal (回避, decided by policy.check_drilldown): clues and cases the reader recuses from — never counted or
    # listed.
    recused: tuple[int, ...] = ()
    recused_cases: tuple[int, ...] = ()
    channel: str | None = None  # 来源渠道 code: only clues of this channel and what came of them
    method: str | None = None  # 处置方式 code: only disposals by this method
    recused_gang_cases: tuple[int, ...] = ()  # gang cases with a member the reader recuses from
    recused_transfers: tuple[int, ...] = ()  # transfers on such a gang case or on a clue recused from

    def not_recused(self, col: Any) -> ColumnElement[bool]:
        return col.not_in(self.recused) if self.recused else literal(True)

    def not_own_case(self) -> ColumnElement[bool]:
        return DisciplineCase.id.not_in(self.recused_cases) if self.recused_cases else literal(True)

    def between(self, col: Any) -> ColumnElement[bool]:
        return and_(col >= self.since, col <= self.until)

    def within(self, col: Any) -> ColumnElement[bool]:
        # `col + 0`: keeps planners on the period's range index (which carries unit_id) instead of a unit index
        # that would visit every row the unit ever had.
        return (col + 0).in_(self.units) if self.units is not None else literal(True)

    def of_channel(self, clue_id: Any) -> ColumnElement[bool]:
        """Records whose clue came through the period's channel (all records when no channel is asked)."""
        if self.channel is None:
            return literal(True)
        cond: ColumnElement[bool] = clue_id.in_(select(Clue.id).where(Clue.channel == self.channel))
        return cond

    def ending(self, day: date) -> Period:
        """The same period and filters, ending on ``day`` (the baseline)."""
        return replace(self, until=day)


Rows = Select[*tuple[Any, ...]]

Query = Callable[[Period], Rows]


@dataclass(frozen=True)
class Figure:
    name: str
    zh: str
    unit: str  # 件 / 人 / 起
    query: Query
    by_channel: bool = True  # its records trace back to a clue, so a channel filter applies
    by_method: bool = False  # disposals: a 处置方式 filter applies


def _clues(p: Period, *cond: Any) -> Rows:
    return select(Clue.id, Clue.number, Clue.number).where(
        p.within(Clue.unit_id), p.not_recused(Clue.id), p.of_channel(Clue.id), *cond
    )


def _milestones(p: Period, kind: str, *cond: Any) -> Rows:
    """Disposals or conclusions that happened in the period (each one, as recorded: a clue concluded, re-examined
    and concluded again is listed twice, the second time as ``number#2``)."""
    label = case(
        (ClueMilestone.seq > 1, Clue.number + "#" + cast(ClueMilestone.seq, String)),
        else_=Clue.number,
    )
    method = [ClueMilestone.code == p.method] if p.method is not None and kind == DISPOSED else []
    return (
        select(ClueMilestone.id, label, label)
        .join(Clue, Clue.id == ClueMilestone.clue_id)
        .where(
            ClueMilestone.kind == kind,
            p.between(ClueMilestone.day),
            p.within(ClueMilestone.unit_id),
            p.not_recused(ClueMilestone.clue_id),
            Clue.channel == p.channel if p.channel is not None else literal(True),
            *method,
            *cond,
        )
    )


def _concluded_by_end(p: Period) -> ColumnElement[bool]:
    """The clue was concluded (at least once) by the period's end: the numerator of 查结率."""
    return exists().where(
        ClueMilestone.clue_id == Clue.id, ClueMilestone.kind == CONCLUDED, ClueMilestone.day <= p.until
    )


def person_key() -> Any:
    """Who a discipline case is about (被审查调查人): the ID number, or name and post (职务, which names the unit)
    when no ID number was recorded. Persons figures count these, not cases."""
    return func.coalesce(
        DisciplineCase.subject_id_number,
        DisciplineCase.subject_name + "|" + func.coalesce(DisciplineCase.subject_position, ""),
    )


def _persons(p: Period, *cond: Any) -> Rows:
    """The persons of the discipline cases matching ``cond`` (one row per case; the key is the person)."""
    label = DisciplineCase.subject_name + func.coalesce("（" + DisciplineCase.subject_position + "）", "")
    return select(person_key(), label, DisciplineCase.number).where(
        p.within(DisciplineCase.unit_id), p.not_own_case(), p.of_channel(DisciplineCase.clue_id), *cond
    )


def outcomes_in_force(p: Period, *cond: Any) -> ColumnElement[bool]:
    """A case has an outcome matching ``cond`` decided in the period and still in force at the period's end.

    The one place statistics decide which sanctions count (处分以有效决定为准): an outcome retired by a 复审 or
    复核 decided 撤销 (revoked) or 变更 (changed) by the period's end is left out; the changed outcome that
    replaces it is a row of its own and counts from its decision."""
    # The stored retirement (outcomes.retired_on, set by the review decision) is the one definition, shared with
    # bulletins and case show: services.cases.in_force_on.
    return exists().where(
        Outcome.case_id == DisciplineCase.id, p.between(Outcome.decided_on), in_force_on(p.until), *cond
    )


def _marked(p: Period, kind: str) -> Rows:
    marked = select(Mark.entity_id).where(Mark.entity_kind == "clue", Mark.kind == kind, p.between(Mark.set_on))
    return _clues(p, Clue.id.in_(marked))


def _gang(p: Period, *cond: Any) -> Rows:
    recused = GangCase.id.not_in(p.recused_gang_cases) if p.recused_gang_cases else literal(True)
    q = select(GangCase.id, GangCase.police_number, GangCase.police_number)
    return q.where(p.within(GangCase.unit_id), recused, *cond)


def _transfers(p: Period, direction: str) -> Rows:
    # Each transfer by its id: two transfers with the same wording are two transfers.
    return select(Transfer.id, "#" + cast(Transfer.id, String), func.coalesce(Transfer.content, "")).where(
        Transfer.direction == direction,
        Transfer.kind == TRANSFER_DIRECTIONS[direction][0],  # a non-gang clue referred to the police is no 移送线索
        p.between(Transfer.sent_on),
        p.within(Transfer.to_unit_id) if direction == "police_to_commission" else p.within(Transfer.from_unit_id),
        p.of_channel(Transfer.clue_id) if p.channel is not None else literal(True),
        Transfer.id.not_in(p.recused_transfers) if p.recused_transfers else literal(True),
    )


def _overdue(p: Period) -> Rows:
    # Historical: a deadline due within the period and not met by its end (met later still counts).
    return _clues(
        p,
        Clue.id.in_(
            select(Deadline.entity_id).where(
                Deadline.entity_kind == "clue",
                Deadline.due < p.until,
                Deadline.due >= p.since,
                p.within(Deadline.unit_id),
                or_(Deadline.met_on.is_(None), Deadline.met_on > p.until),
            )
        ),
    )


FIGURES: tuple[Figure, ...] = (
    Figure("clues_received", "受理问题线索", "件", lambda p: _clues(p, p.between(Clue.received))),
    Figure(
        "clues_gang_related", "其中涉黑涉恶", "件", lambda p: _clues(p, p.between(Clue.received), Clue.gang_related)
    ),
    Figure(
        "clues_received_concluded",
        "受理线索中已办结",
        "件",
        lambda p: _clues(p, p.between(Clue.received), _concluded_by_end(p)),
    ),
    Figure("clues_disposed", "处置问题线索", "件", lambda p: _milestones(p, DISPOSED), by_method=True),
    Figure("clues_concluded", "办结问题线索", "件", lambda p: _milestones(p, CONCLUDED)),
    Figure(
        "clues_substantiated",
        "查实问题线索",
        "件",
        lambda p: _milestones(p, CONCLUDED, ClueMilestone.code.in_(SUBSTANTIATED)),
    ),
    Figure("clues_overdue", "超期线索（期内有期限逾期未办）", "件", _overdue),
    Figure("escalated", "提级办理", "件", lambda p: _marked(p, "escalated")),
    Figure("priority_supervised", "重点督办", "件", lambda p: _marked(p, "priority")),
    Figure("persons_filed", "立案审查调查", "人", lambda p: _persons(p, p.between(DisciplineCase.opened_on))),
    Figure(
        "umbrella_filed",
        "其中涉黑涉恶腐败和保护伞",
        "人",
        lambda p: _persons(p, p.between(DisciplineCase.opened_on), DisciplineCase.umbrella),
    ),
    Figure(
        "detained",
        "采取留置措施",
        "人",
        lambda p: _persons(p, exists().where(Detention.case_id == DisciplineCase.id, p.between(Detention.started_on))),
    ),
    Figure(
        "sanctioned",
        "给予党纪政务处分",
        "人",
        lambda p: _persons(p, outcomes_in_force(p, Outcome.kind.in_(("party", "administrative")))),
    ),
    Figure(
        "org_accountability",
        "组织处理、问责",
        "人",
        lambda p: _persons(
            p,
            outcomes_in_force(p, Outcome.kind.in_(("organisational", "accountability_org", "accountability_cadre"))),
        ),
    ),
    Figure(
        "prosecuted", "移送司法机关", "人", lambda p: _persons(p, outcomes_in_force(p, Outcome.kind == "prosecution"))
    ),
    Figure("first_form", "运用第一种形态", "人", lambda p: _persons(p, outcomes_in_force(p, Outcome.form == 1))),
    Figure("transfers_received", "接收公安机关移送线索", "件", lambda p: _transfers(p, "police_to_commission")),
    Figure("transfers_sent", "向公安机关移送线索", "件", lambda p: _transfers(p, "commission_to_police")),
    Figure("gang_cases", "涉黑涉恶案件", "起", lambda p: _gang(p, p.between(GangCase.notified_on)), by_channel=False),
    Figure(
        "gang_cases_cleared",
        "一案三查清底",
        "起",
        lambda p: _gang(p, p.between(GangCase.cleared_on)),
        by_channel=False,
    ),
    Figure(
        "umbrella_in_step",
        "同步挖出保护伞",
        "起",
        lambda p: _gang(
            p,
            p.between(GangCase.cleared_on),
            exists().where(
                CaseTrack.gang_case_id == GangCase.id, CaseTrack.track == 2, CaseTrack.conclusion == "umbrella_found"
            ),
        ),
        by_channel=False,
    ),
)
BY_NAME = {f.name: f for f in FIGURES}
BY_ZH = {f.zh: f for f in FIGURES}

# Each rate (比率) as numerator / denominator figures, so both drill down (查结率: of the clues received in the
# period, those concluded by its end; 查实率: of the conclusions, those substantiated).
RATES: dict[str, tuple[str, str, str]] = {
    "conclusion_rate": ("查结率", "clues_received_concluded", "clues_received"),
    "substantiation_rate": ("查实率", "clues_substantiated", "clues_concluded"),
    "umbrella_in_step_share": ("同步挖出保护伞比例", "umbrella_in_step", "gang_cases_cleared"),
}


def figure_named(name: str) -> Figure:
    """A figure by its name or its Chinese name (people type the Chinese one)."""
    from sanwang.domain.errors import ValidationError

    f = BY_NAME.get(name.strip()) or BY_ZH.get(name.strip())
    rate = next(((k, *r) for k, r in RATES.items() if name.strip() in (k, r[0])), None)
    if f is None and rate is not None:  # a rate has no records of its own: name the two figures that do
        key, zh, num, den = rate
        raise ValidationError(
            f"「{zh}」是比率，由两项数据相除：分子「{BY_NAME[num].zh}」，分母「{BY_NAME[den].zh}」，请分别列出明细",
            f"{key} is a rate: list its numerator {num!r} and its denominator {den!r}",
            field="figure",
        )
    if f is None:
        known = "；".join(BY_ZH)  # names hold 、 themselves (组织处理、问责)
        raise ValidationError(f"未知统计项「{name}」，可选：{known}", f"unknown figure {name!r}", field="figure")
    return f
