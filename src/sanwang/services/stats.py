"""Statistics offices report (统计数据): every figure for a period and unit subtree, its change since a
baseline date, and the list behind it.

Each figure is defined once, as the query of the records it counts; the count and the drill-down list are
both taken from that one query, so a figure always reproduces from the ledger.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, cast, distinct, exists, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from sanwang.domain.errors import AccessDenied, ValidationError
from sanwang.domain.roles import Role
from sanwang.domain.transfers import TRANSFER_DIRECTIONS
from sanwang.domain.vocab import channels, disposal_methods
from sanwang.domain.workflow import Actor
from sanwang.services.context import today, unit_by_code
from sanwang.services.policy import audit, recusal_ids, restrict_clues, visible_unit_ids
from sanwang.services.summary import CONCLUDED, DISPOSED, RECEIVED, month_of, rebuild
from sanwang.services.units import subtree_ids
from sanwang.store.tables import (
    CaseTrack,
    Clue,
    ClueMilestone,
    ClueMonthCount,
    ClueSubject,
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
    """A reporting period (统计期间), both ends included, and the units counted (None = all)."""

    since: date
    until: date
    units: Sequence[int] | None
    # Recusal (回避): clues naming the reader, and the reader's own ID number for cases — never counted or listed.
    recused: tuple[int, ...] = ()
    own_ids: tuple[str, ...] = ()  # the actor's and their declared relatives' ID numbers (回避)

    def not_recused(self, col: Any) -> ColumnElement[bool]:
        return col.not_in(self.recused) if self.recused else literal(True)

    def not_own_case(self) -> ColumnElement[bool]:
        if not self.own_ids:
            return literal(True)
        return or_(DisciplineCase.subject_id_number.is_(None), DisciplineCase.subject_id_number.not_in(self.own_ids))

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


def _milestones(p: Period, kind: str, *cond: Any) -> Rows:
    """Disposals or conclusions that happened in the period (each one, as recorded: a clue concluded, re-examined
    and concluded again is listed twice, the second time as ``number#2``)."""
    label = case(
        (ClueMilestone.seq > 1, Clue.number + "#" + cast(ClueMilestone.seq, String)),
        else_=Clue.number,
    )
    return (
        select(ClueMilestone.id, label)
        .join(Clue, Clue.id == ClueMilestone.clue_id)
        .where(
            ClueMilestone.kind == kind,
            p.between(ClueMilestone.day),
            p.within(ClueMilestone.unit_id),
            p.not_recused(ClueMilestone.clue_id),
            *cond,
        )
    )


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
        Transfer.kind == TRANSFER_DIRECTIONS[direction][0],  # a non-gang clue referred to the police is no 移送线索
        p.between(Transfer.sent_on),
        p.within(Transfer.to_unit_id) if direction == "police_to_commission" else p.within(Transfer.from_unit_id),
    )


FIGURES: tuple[Figure, ...] = (
    Figure("clues_received", "受理问题线索", "件", lambda p: _clues(p, p.between(Clue.received))),
    Figure(
        "clues_gang_related", "其中涉黑涉恶", "件", lambda p: _clues(p, p.between(Clue.received), Clue.gang_related)
    ),
    Figure("clues_disposed", "处置问题线索", "件", lambda p: _milestones(p, DISPOSED)),
    Figure("clues_concluded", "办结问题线索", "件", lambda p: _milestones(p, CONCLUDED)),
    Figure(
        "clues_substantiated",
        "查实问题线索",
        "件",
        lambda p: _milestones(p, CONCLUDED, ClueMilestone.code.in_(SUBSTANTIATED)),
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
    own_ids = recusal_ids(session, actor)
    recused = (
        tuple(sorted(set(session.scalars(select(ClueSubject.clue_id).where(ClueSubject.id_number.in_(own_ids))))))
        if own_ids
        else ()
    )
    return Period(since, until, units, recused, own_ids)


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
        base, _ = _values(session, Period(p.since, baseline, p.units, p.recused, p.own_ids))
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


@dataclass
class _Tally:
    """The clue figures' grouped counts, added up over the parts of a period."""

    received: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (channel, gang) → clues
    done_of_received: int = 0  # of those, concluded (at least once) by the period's end — 查结率
    disposed: Counter[str] = field(default_factory=Counter)  # disposal method → disposals
    concluded: Counter[str] = field(default_factory=Counter)  # outcome → conclusions

    def add(self, other: _Tally, sign: int = 1) -> None:
        for mine, theirs in ((self.received, other.received), (self.disposed, other.disposed)):
            for k, n in theirs.items():
                mine[k] += sign * n  # type: ignore[index]
        for k, n in other.concluded.items():
            self.concluded[k] += sign * n
        self.done_of_received += sign * other.done_of_received


def _month_span(since: date, until: date) -> tuple[date, date] | None:
    """The whole calendar months inside [since, until] as (first day, last day), or None."""
    first = since if since.day == 1 else _next_month(since)
    last = _next_month(until) - timedelta(days=1)
    if last != until:
        last = until.replace(day=1) - timedelta(days=1)
    return (first, last) if first <= last else None


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _detail(session: Session, p: Period, since: date, until: date, only: tuple[int, ...] | None = None) -> _Tally:
    """Counts for [since, until] read from the ledger: clues and milestones (``only``: just those clues)."""

    def scope(clue_col: Any, unit_col: Any) -> list[ColumnElement[bool]]:
        if only is not None:
            return [clue_col.in_(only), p.within(unit_col)]
        return [p.within(unit_col), p.not_recused(clue_col)]

    t = _Tally()
    done = exists().where(
        ClueMilestone.clue_id == Clue.id, ClueMilestone.kind == CONCLUDED, ClueMilestone.day <= p.until
    )
    for channel, gang, concluded, n in session.execute(
        select(Clue.channel, Clue.gang_related, func.sum(case((done, 1), else_=0)), func.count())
        .where(Clue.received >= since, Clue.received <= until, *scope(Clue.id, Clue.unit_id))
        .group_by(Clue.channel, Clue.gang_related)
    ):
        t.received[(channel, bool(gang))] += n
        t.done_of_received += int(concluded or 0)
    for kind, counter in ((DISPOSED, t.disposed), (CONCLUDED, t.concluded)):
        for code, n in session.execute(
            select(ClueMilestone.code, func.count())
            .where(
                ClueMilestone.kind == kind,
                ClueMilestone.day >= since,
                ClueMilestone.day <= until,
                *scope(ClueMilestone.clue_id, ClueMilestone.unit_id),
            )
            .group_by(ClueMilestone.code)
        ):
            counter[code or ""] += n
    return t


def _summarised(session: Session, p: Period, first: date, last: date) -> _Tally:
    """Counts for the whole months [first, last] read from the monthly summary, recusal included."""
    t = _Tally()
    until_month = month_of(p.until)
    units = [] if p.units is None else [ClueMonthCount.unit_id.in_(p.units)]
    for kind, channel, gang, first_concluded, code, n in session.execute(
        select(
            ClueMonthCount.kind,
            ClueMonthCount.channel,
            ClueMonthCount.gang,
            ClueMonthCount.first_concluded,
            ClueMonthCount.code,
            func.sum(ClueMonthCount.n),
        )
        .where(ClueMonthCount.month >= month_of(first), ClueMonthCount.month <= month_of(last), *units)
        .group_by(
            ClueMonthCount.kind,
            ClueMonthCount.channel,
            ClueMonthCount.gang,
            ClueMonthCount.first_concluded,
            ClueMonthCount.code,
        )
    ):
        n = int(n or 0)
        if kind == RECEIVED:
            t.received[(channel, bool(gang))] += n
            if first_concluded and first_concluded <= until_month:
                t.done_of_received += n
        elif kind == DISPOSED:
            t.disposed[code] += n
        else:
            t.concluded[code] += n
    if _next_month(p.until) - timedelta(days=1) != p.until:
        # The summary knows the month of a first conclusion, not the day: take out those after the period's end.
        late = select(ClueMilestone.clue_id).where(
            ClueMilestone.kind == CONCLUDED,
            ClueMilestone.seq == 1,
            ClueMilestone.day > p.until,
            ClueMilestone.day < _next_month(p.until),
        )
        t.done_of_received -= int(
            session.scalar(
                select(func.count()).where(
                    Clue.id.in_(late), Clue.received >= first, Clue.received <= last, p.within(Clue.unit_id)
                )
            )
            or 0
        )
    if p.recused:
        t.add(_detail(session, p, first, last, only=p.recused), sign=-1)
    return t


def _tally(session: Session, p: Period, use_summary: bool = True) -> _Tally:
    span = _month_span(p.since, p.until) if use_summary else None
    if span is None:
        return _detail(session, p, p.since, p.until)
    t = _summarised(session, p, *span)
    if p.since < span[0]:
        t.add(_detail(session, p, p.since, span[0] - timedelta(days=1)))
    if span[1] < p.until:
        t.add(_detail(session, p, span[1] + timedelta(days=1), p.until))
    return t


def _values(session: Session, p: Period, use_summary: bool = True) -> tuple[dict[str, int], dict[str, Any]]:
    """Every figure's value: the clue figures from the monthly summary for whole months and from the ledger for
    the rest of the period (``use_summary=False``: all from the ledger, which the tests compare against)."""
    values = {f.name: _count(session, f.query(p)) for f in FIGURES if f.name not in PASS_FIGURES}
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
    t = _tally(session, p, use_summary)
    values["clues_received"] = sum(t.received.values())
    values["clues_gang_related"] = sum(n for (_, gang), n in t.received.items() if gang)
    values["clues_disposed"] = sum(t.disposed.values())
    values["clues_concluded"] = sum(t.concluded.values())
    values["clues_substantiated"] = sum(n for outcome, n in t.concluded.items() if outcome in SUBSTANTIATED)
    channel_names = {c.code: c.name for c in channels().channels}
    method_names = {m.code: m.name for m in disposal_methods().methods}
    by_channel: Counter[str] = Counter()
    for (code, _), n in t.received.items():
        by_channel[channel_names.get(code, code)] += n
    extra = {
        "concluded_of_received": t.done_of_received,
        "by_channel": {k: n for k, n in sorted(by_channel.items(), key=lambda kv: -kv[1]) if n},
        "by_disposal": {
            method_names.get(k, k): n for k, n in sorted(t.disposed.items(), key=lambda r: -r[1]) if k and n
        },
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
    if f.query(p).selected_columns[0].table is ClueMilestone.__table__:
        # Milestone lists join their clue, so the policy applies to them directly (labels are unique).
        mq = restrict_clues(session, actor, f.query(p)).subquery()
        listing = select(mq.c[1]).order_by(mq.c[1])
    elif f.query(p).selected_columns[0].table is Clue.__table__:
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


def rebuild_summary(session: Session, *, actor: Actor) -> dict[str, int]:
    """Rebuild the monthly statistics summary from the ledger (重建统计汇总); administrators only, audited."""
    if not actor.has(Role.ADMIN):
        raise AccessDenied("只有系统管理员可以重建统计汇总", "only an administrator can rebuild the statistics summary")
    rows = rebuild(session)
    audit(session, actor, "rebuild", "statistics", None, None, {"rows": rows})
    return {"rows": rows}
