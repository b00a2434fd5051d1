"""Statistics offices report (统计数据): every figure for a period and unit subtree, its change since a
baseline date, and the list behind it.

Each figure is defined once, as the query of the records it counts; the count and the drill-down list are
both taken from that one query, so a figure always reproduces from the ledger.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from sanwang.domain.errors import ValidationError
from sanwang.domain.vocab import channels, disposal_methods
from sanwang.domain.workflow import Actor
from sanwang.services.context import today, unit_by_code
from sanwang.services.policy import audit, restrict_clues, visible_unit_ids
from sanwang.services.units import subtree_ids
from sanwang.store.tables import (
    CaseTrack,
    Clue,
    ClueSubject,
    Deadline,
    Detention,
    DisciplineCase,
    GangCase,
    Mark,
    Outcome,
    Transfer,
    User,
)


@dataclass(frozen=True)
class Period:
    """A reporting period (统计期间), both ends included, and the units counted (None = all)."""

    since: date
    until: date
    units: Sequence[int] | None
    # Recusal (回避): clues naming the reader, and the reader's own ID number for cases — never counted or listed.
    recused: tuple[int, ...] = ()
    own_id: str | None = None

    def not_recused(self, col: Any) -> ColumnElement[bool]:
        return col.not_in(self.recused) if self.recused else literal(True)

    def not_own_case(self) -> ColumnElement[bool]:
        if not self.own_id:
            return literal(True)
        return or_(DisciplineCase.subject_id_number.is_(None), DisciplineCase.subject_id_number != self.own_id)

    def between(self, col: Any) -> ColumnElement[bool]:
        return and_(col >= self.since, col <= self.until)

    def within(self, col: Any) -> ColumnElement[bool]:
        # `col + 0`: keeps planners on the period's range index (which carries unit_id) instead of a unit index
        # that would visit every row the unit ever had.
        return (col + 0).in_(self.units) if self.units is not None else literal(True)


Rows = Select[*tuple[Any, ...]]
SUBSTANTIATED = ("substantiated", "case_opened")  # 查实: substantiated, or substantiated enough to open a case

# A figure's query selects (key, label) of the records it counts: clue number, case number, ...
Query = Callable[[Period], Rows]


@dataclass(frozen=True)
class Figure:
    name: str
    zh: str
    unit: str  # 件 / 人 / 起
    query: Query


def _clues(p: Period, *cond: Any) -> Rows:
    return select(Clue.id, Clue.number).where(p.within(Clue.unit_id), p.not_recused(Clue.id), *cond)


def _cases(p: Period, *cond: Any) -> Rows:
    return select(DisciplineCase.id, DisciplineCase.number).where(
        p.within(DisciplineCase.unit_id), p.not_own_case(), *cond
    )


def _cases_with_outcome(p: Period, kinds: tuple[str, ...], form: int | None = None) -> Rows:
    cond = [Outcome.case_id == DisciplineCase.id, Outcome.kind.in_(kinds), p.between(Outcome.decided_on)]
    if form is not None:
        cond = [Outcome.case_id == DisciplineCase.id, Outcome.form == form, p.between(Outcome.decided_on)]
    return _cases(p, exists().where(*cond))


def _marked(p: Period, kind: str) -> Rows:
    marked = select(Mark.entity_id).where(Mark.entity_kind == "clue", Mark.kind == kind, p.between(Mark.set_on))
    return _clues(p, Clue.id.in_(marked))


def _gang(p: Period, *cond: Any) -> Rows:
    return select(GangCase.id, GangCase.police_number).where(p.within(GangCase.unit_id), *cond)


def _transfers(p: Period, direction: str) -> Rows:
    return select(Transfer.id, func.coalesce(Transfer.content, "")).where(
        Transfer.direction == direction,
        p.between(Transfer.sent_on),
        p.within(Transfer.to_unit_id) if direction == "police_to_commission" else p.within(Transfer.from_unit_id),
    )


FIGURES: tuple[Figure, ...] = (
    Figure("clues_received", "受理问题线索", "件", lambda p: _clues(p, p.between(Clue.received))),
    Figure(
        "clues_gang_related", "其中涉黑涉恶", "件", lambda p: _clues(p, p.between(Clue.received), Clue.gang_related)
    ),
    Figure("clues_disposed", "处置问题线索", "件", lambda p: _clues(p, p.between(Clue.disposed_on))),
    Figure("clues_concluded", "办结问题线索", "件", lambda p: _clues(p, p.between(Clue.concluded_on))),
    Figure(
        "clues_substantiated",
        "查实问题线索",
        "件",
        lambda p: _clues(p, p.between(Clue.concluded_on), Clue.outcome.in_(SUBSTANTIATED)),
    ),
    Figure(
        "clues_overdue",
        "超期线索（期内有期限逾期未办）",
        "件",
        lambda p: _clues(
            p,
            # Historical: a deadline due within the period and not met by its end (met later still counts).
            Clue.id.in_(
                select(Deadline.entity_id).where(
                    Deadline.entity_kind == "clue",
                    Deadline.due < p.until,
                    Deadline.due >= p.since,
                    p.within(Deadline.unit_id),
                    or_(Deadline.met_on.is_(None), Deadline.met_on > p.until),
                )
            ),
        ),
    ),
    Figure("escalated", "提级办理", "件", lambda p: _marked(p, "escalated")),
    Figure("priority_supervised", "重点督办", "件", lambda p: _marked(p, "priority")),
    Figure("persons_filed", "立案审查调查", "人", lambda p: _cases(p, p.between(DisciplineCase.opened_on))),
    Figure(
        "umbrella_filed",
        "其中涉黑涉恶腐败和保护伞",
        "人",
        lambda p: _cases(p, p.between(DisciplineCase.opened_on), DisciplineCase.umbrella),
    ),
    Figure(
        "detained",
        "采取留置措施",
        "人",
        lambda p: _cases(p, exists().where(Detention.case_id == DisciplineCase.id, p.between(Detention.started_on))),
    ),
    Figure("sanctioned", "给予党纪政务处分", "人", lambda p: _cases_with_outcome(p, ("party", "administrative"))),
    Figure(
        "org_accountability",
        "组织处理、问责",
        "人",
        lambda p: _cases_with_outcome(p, ("organisational", "accountability_org", "accountability_cadre")),
    ),
    Figure("prosecuted", "移送司法机关", "人", lambda p: _cases_with_outcome(p, ("prosecution",))),
    Figure("first_form", "运用第一种形态", "人", lambda p: _cases_with_outcome(p, (), form=1)),
    Figure("transfers_received", "接收公安机关移送线索", "件", lambda p: _transfers(p, "police_to_commission")),
    Figure("transfers_sent", "向公安机关移送线索", "件", lambda p: _transfers(p, "commission_to_police")),
    Figure("gang_cases", "涉黑涉恶案件", "起", lambda p: _gang(p, p.between(GangCase.notified_on))),
    Figure("gang_cases_cleared", "一案三查清底", "起", lambda p: _gang(p, p.between(GangCase.cleared_on))),
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
    ),
)
BY_NAME = {f.name: f for f in FIGURES}


def _count(session: Session, q: Rows) -> int:
    # Every figure selects rows of one table by conditions, so its keys are unique: count(*) suffices.
    return int(session.scalar(select(func.count()).select_from(q.subquery())) or 0)


def _period(session: Session, actor: Actor, since: date | None, until: date | None, unit_code: str | None) -> Period:
    until = until or today()
    since = since or date(1900, 1, 1)
    if since > until:
        raise ValidationError("起始日期晚于截止日期", "--since is after --until", field="since")
    allowed = visible_unit_ids(session, actor)
    units: list[int] | None
    if unit_code:
        units = subtree_ids(session, unit_by_code(session, unit_code))
        if allowed is not None:
            units = [u for u in units if u in set(allowed)]
    else:
        units = allowed
    own_id = session.scalar(select(User.id_number).where(User.id == actor.user_id))
    recused = (
        tuple(session.scalars(select(ClueSubject.clue_id).where(ClueSubject.id_number == own_id))) if own_id else ()
    )
    return Period(since, until, units, recused, own_id)


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def statistics(
    session: Session,
    *,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    unit_code: str | None = None,
    baseline: date | None = None,
) -> dict[str, Any]:
    """All figures for the period and subtree; with ``baseline``, also the figures as of that day and the change."""
    p = _period(session, actor, since, until, unit_code)
    values, extra = _values(session, p)
    base: dict[str, int] | None = None
    if baseline is not None:
        if baseline < p.since or baseline > p.until:
            raise ValidationError("基准日期须在统计期间内", "the baseline must lie inside the period", field="baseline")
        base, _ = _values(session, Period(p.since, baseline, p.units, p.recused, p.own_id))
    figures = {
        f.name: {
            "zh": f.zh,
            "unit": f.unit,
            "value": values[f.name],
            **({"baseline": base[f.name], "change": values[f.name] - base[f.name]} if base is not None else {}),
        }
        for f in FIGURES
    }
    return {
        "since": p.since.isoformat() if since else None,
        "until": p.until.isoformat(),
        "unit": unit_code,
        "baseline": baseline.isoformat() if baseline else None,
        "figures": figures,
        "rates": {
            "conclusion_rate": _rate(extra["concluded_of_received"], values["clues_received"]),  # 查结率
            "substantiation_rate": _rate(values["clues_substantiated"], values["clues_concluded"]),  # 查实率
            "umbrella_in_step_share": _rate(values["umbrella_in_step"], values["gang_cases_cleared"]),
        },
        "by_channel": extra["by_channel"],
        "by_disposal": extra["by_disposal"],
    }


# Figures counted by the three grouped passes below rather than one query each. Their definitions stay those
# in FIGURES (what drill() lists); the tests check that every count equals the length of its list.
PASS_FIGURES = (
    "clues_received",
    "clues_gang_related",
    "clues_disposed",
    "clues_concluded",
    "clues_substantiated",
    "clues_overdue",
)


def _values(session: Session, p: Period) -> tuple[dict[str, int], dict[str, Any]]:
    """Every figure's value, the big clue figures in one covering-index pass per date column."""
    values = {f.name: _count(session, f.query(p)) for f in FIGURES if f.name not in PASS_FIGURES}
    concluded_by = and_(Clue.concluded_on.is_not(None), Clue.concluded_on <= p.until)
    received = session.execute(
        select(Clue.channel, Clue.gang_related, func.sum(case((concluded_by, 1), else_=0)), func.count())
        .where(p.between(Clue.received), p.within(Clue.unit_id), p.not_recused(Clue.id))
        .group_by(Clue.channel, Clue.gang_related)
    ).all()
    disposed = session.execute(
        select(Clue.disposal, func.count())
        .where(p.between(Clue.disposed_on), p.within(Clue.unit_id), p.not_recused(Clue.id))
        .group_by(Clue.disposal)
    ).all()
    concluded = session.execute(
        select(Clue.outcome, func.count())
        .where(p.between(Clue.concluded_on), p.within(Clue.unit_id), p.not_recused(Clue.id))
        .group_by(Clue.outcome)
    ).all()
    # A deadline carries its clue's unit, so the overdue figure is counted on the deadline index alone.
    values["clues_overdue"] = int(
        session.scalar(
            select(func.count(distinct(Deadline.entity_id))).where(
                Deadline.entity_kind == "clue",
                Deadline.due < p.until,
                Deadline.due >= p.since,
                p.within(Deadline.unit_id),
                p.not_recused(Deadline.entity_id),
                or_(Deadline.met_on.is_(None), Deadline.met_on > p.until),
            )
        )
        or 0
    )
    values["clues_received"] = sum(n for *_, n in received)
    values["clues_gang_related"] = sum(n for _, gang, _, n in received if gang)
    values["clues_disposed"] = sum(n for _, n in disposed)
    values["clues_concluded"] = sum(n for _, n in concluded)
    values["clues_substantiated"] = sum(n for outcome, n in concluded if outcome in SUBSTANTIATED)
    channel_names = {c.code: c.name for c in channels().channels}
    method_names = {m.code: m.name for m in disposal_methods().methods}
    by_channel: dict[str, int] = {}
    for code, _, _, n in received:
        by_channel[channel_names.get(code, code)] = by_channel.get(channel_names.get(code, code), 0) + n
    extra = {
        "concluded_of_received": sum(int(done or 0) for _, _, done, _ in received),
        "by_channel": dict(sorted(by_channel.items(), key=lambda kv: -kv[1])),
        "by_disposal": {method_names.get(k, k): n for k, n in sorted(disposed, key=lambda r: -r[1]) if k is not None},
    }
    return values, extra


def drill(
    session: Session,
    *,
    actor: Actor,
    figure: str,
    since: date | None = None,
    until: date | None = None,
    unit_code: str | None = None,
) -> list[str]:
    """The records behind one figure (数据明细): clue numbers, case numbers or police case numbers."""
    f = BY_NAME.get(figure)
    if f is None:
        known = ", ".join(BY_NAME)
        raise ValidationError(f"未知统计项 {figure}，可选：{known}", f"unknown figure {figure}; choose from {known}")
    p = _period(session, actor, since, until, unit_code)
    q = f.query(p).subquery()
    listing = select(q.c[1]).distinct().order_by(q.c[1])
    if f.query(p).selected_columns[0].table is Clue.__table__:
        # The list names clues: recusal applies to it exactly as to any other read of clues.
        listing = restrict_clues(session, actor, select(Clue.number).where(Clue.id.in_(select(q.c[0])))).order_by(
            Clue.number
        )
    records = [str(label) for label in session.scalars(listing)]
    audit(session, actor, "list", "statistics", None, None, {"figure": figure, "rows": len(records)})
    return records


ZH_RATES = {
    "conclusion_rate": "查结率",
    "substantiation_rate": "查实率",
    "umbrella_in_step_share": "同步挖出保护伞比例",
}
