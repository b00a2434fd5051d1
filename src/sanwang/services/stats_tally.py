"""The clue figures counted in grouped passes (按月汇总与台账分段计数): whole months from the monthly summary,
the rest of a period from the ledger. ``stats._values`` compares them with the figures' own queries in tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session

from sanwang.services.stats_figures import Period
from sanwang.services.summary import CONCLUDED, DISPOSED, RECEIVED, month_of
from sanwang.store.tables import Clue, ClueMilestone, ClueMonthCount


@dataclass
class Tally:
    """The clue figures' grouped counts, added up over the parts of a period."""

    received: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (channel, gang) → clues
    done_of_received: int = 0  # of those, concluded (at least once) by the period's end — 查结率
    disposed: Counter[str] = field(default_factory=Counter)  # disposal method → disposals
    concluded: Counter[str] = field(default_factory=Counter)  # outcome → conclusions

    def add(self, other: Tally, sign: int = 1) -> None:
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


def _detail(session: Session, p: Period, since: date, until: date, only: tuple[int, ...] | None = None) -> Tally:
    """Counts for [since, until] read from the ledger: clues and milestones (``only``: just those clues)."""

    def scope(clue_col: Any, unit_col: Any) -> list[ColumnElement[bool]]:
        if only is not None:
            return [clue_col.in_(only), p.within(unit_col)]
        return [p.within(unit_col), p.not_recused(clue_col), p.of_channel(clue_col)]

    t = Tally()
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


def _summarised(session: Session, p: Period, first: date, last: date) -> Tally:
    """Counts for the whole months [first, last] read from the monthly summary, recusal included."""
    t = Tally()
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


def tally(session: Session, p: Period, use_summary: bool = True) -> Tally:
    """The clue figures' grouped counts for the period (the summary knows no channel: a channel filter reads the
    ledger)."""
    span = _month_span(p.since, p.until) if use_summary and p.channel is None else None
    if span is None:
        return _detail(session, p, p.since, p.until)
    t = _summarised(session, p, *span)
    if p.since < span[0]:
        t.add(_detail(session, p, p.since, span[0] - timedelta(days=1)))
    if span[1] < p.until:
        t.add(_detail(session, p, span[1] + timedelta(days=1), p.until))
    return t
