"""Milestones and the monthly statistics summary (线索节点与统计月汇总).

Every disposal (处置) and conclusion (办结) of a clue is recorded as an append-only milestone when it happens,
so that a past period's figures never change when a clue is later re-examined (复查). The monthly summary
counts registrations and milestones by unit and month; it is updated in the same transaction as the change it
counts and can always be rebuilt from the ledger (``rebuild``). The statistics read whole months from it and
the rest of a period, and every drill-down list, from the ledger itself; ``verify`` names any drift.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from sanwang.store.tables import Clue, ClueMilestone, ClueMonthCount, table_of

DISPOSED = "disposed"
CONCLUDED = "concluded"
RECEIVED = "received"
SUBSTANTIATED = ("substantiated", "case_opened")  # 查实: substantiated, or substantiated enough to open a case

_KEY = ("kind", "month", "unit_id", "channel", "gang", "first_concluded", "code")


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _bump(session: Session, deltas: Counter[tuple[str, str, int, str, bool, str, str]]) -> None:
    """Add ``deltas`` to the summary counts (insert the row, or add to the one there)."""
    rows = [dict(zip(_KEY, key, strict=True), n=n) for key, n in sorted(deltas.items()) if n]
    if not rows:
        return
    table = table_of(ClueMonthCount)
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    stmt = upsert(table)
    stmt = stmt.on_conflict_do_update(index_elements=list(_KEY), set_={"n": table.c.n + stmt.excluded.n})
    session.execute(stmt, rows)


def count_registered(session: Session, rows: Iterable[dict[str, Any]]) -> None:
    """Count newly registered clues (rows as ``register_clues`` inserts them) into the summary."""
    deltas: Counter[tuple[str, str, int, str, bool, str, str]] = Counter(
        (RECEIVED, month_of(r["received"]), r["unit_id"], r["channel"], bool(r["gang_related"]), "", "") for r in rows
    )
    _bump(session, deltas)


def add_milestone(session: Session, clue: Clue, kind: str, day: date) -> None:
    """Record a disposal or conclusion of ``clue`` on ``day`` and count it (call after the clue is updated)."""
    last = session.scalar(
        select(func.max(ClueMilestone.seq)).where(ClueMilestone.clue_id == clue.id, ClueMilestone.kind == kind)
    )
    seq = int(last or 0) + 1
    code = clue.disposal if kind == DISPOSED else clue.outcome
    session.execute(
        insert(ClueMilestone).values(
            clue_id=clue.id,
            unit_id=clue.unit_id,
            kind=kind,
            seq=seq,
            day=day,
            review_round=clue.review_round,
            code=code,
        )
    )
    deltas: Counter[tuple[str, str, int, str, bool, str, str]] = Counter()
    deltas[(kind, month_of(day), clue.unit_id, "", False, "", code or "")] += 1
    if kind == CONCLUDED and seq == 1:
        # The first conclusion moves the clue's registration into the bucket of its conclusion month, which
        # the conclusion rate (查结率) reads. Later conclusions (after 复查) leave it where it is.
        received = (RECEIVED, month_of(clue.received), clue.unit_id, clue.channel, bool(clue.gang_related))
        deltas[(*received, "", "")] -= 1
        deltas[(*received, month_of(day), "")] += 1
    _bump(session, deltas)


def move_gang_flag(session: Session, clue: Clue, old: bool, new: bool) -> None:
    """Move a clue's registration between the gang / not-gang buckets when its flag is corrected."""
    if old == new:
        return
    first = session.scalar(
        select(ClueMilestone.day).where(
            ClueMilestone.clue_id == clue.id, ClueMilestone.kind == CONCLUDED, ClueMilestone.seq == 1
        )
    )
    base = (RECEIVED, month_of(clue.received), clue.unit_id, clue.channel)
    concluded = month_of(first) if first else ""
    deltas: Counter[tuple[str, str, int, str, bool, str, str]] = Counter()
    deltas[(*base, old, concluded, "")] -= 1
    deltas[(*base, new, concluded, "")] += 1
    _bump(session, deltas)


def _month_expr(session: Session, col: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(col, "YYYY-MM")
    return func.strftime("%Y-%m", col)


def _ledger_counts(session: Session) -> tuple[Select[Any], Select[Any]]:
    """What the summary should hold, counted from the ledger: registrations, then milestones (``_KEY`` + n)."""
    first = (
        select(ClueMilestone.clue_id, ClueMilestone.day)
        .where(ClueMilestone.kind == CONCLUDED, ClueMilestone.seq == 1)
        .subquery()
    )
    received_month = _month_expr(session, Clue.received)
    first_month = func.coalesce(_month_expr(session, first.c.day), "")
    received = (
        select(
            literal(RECEIVED),
            received_month,
            Clue.unit_id,
            Clue.channel,
            Clue.gang_related,
            first_month,
            literal(""),
            func.count(),
        )
        .select_from(Clue)
        .outerjoin(first, first.c.clue_id == Clue.id)
        .group_by(received_month, Clue.unit_id, Clue.channel, Clue.gang_related, first_month)
    )
    month = _month_expr(session, ClueMilestone.day)
    code = func.coalesce(ClueMilestone.code, "")
    milestones = select(
        ClueMilestone.kind,
        month,
        ClueMilestone.unit_id,
        literal(""),
        literal(False),
        literal(""),
        code,
        func.count(),
    ).group_by(ClueMilestone.kind, month, ClueMilestone.unit_id, code)
    return received, milestones


def rebuild(session: Session) -> int:
    """Rebuild the summary from the ledger (clues and milestones). Returns the number of summary rows."""
    session.execute(delete(ClueMonthCount))
    for counts in _ledger_counts(session):
        session.execute(insert(ClueMonthCount).from_select(list(_KEY) + ["n"], counts))
    return int(session.scalar(select(func.count()).select_from(ClueMonthCount)) or 0)


@dataclass(frozen=True)
class Drift:
    """A figure whose monthly summary disagrees with the ledger (汇总与台账不符)."""

    figure: str
    month: str  # YYYY-MM; for clues_received_concluded, the month of the first conclusion
    unit_id: int
    summary: int
    ledger: int


def _by_figure(rows: Iterable[Any]) -> Counter[tuple[str, str, int]]:
    """Summary-shaped rows as the figures they feed, by (figure, month, unit)."""
    out: Counter[tuple[str, str, int]] = Counter()
    for kind, month, unit_id, _channel, gang, first_concluded, code, n in rows:
        n = int(n or 0)
        if kind == RECEIVED:
            out[("clues_received", month, unit_id)] += n
            if gang:
                out[("clues_gang_related", month, unit_id)] += n
            if first_concluded:
                out[("clues_received_concluded", first_concluded, unit_id)] += n
        elif kind == DISPOSED:
            out[("clues_disposed", month, unit_id)] += n
        else:
            out[("clues_concluded", month, unit_id)] += n
            if code in SUBSTANTIATED:
                out[("clues_substantiated", month, unit_id)] += n
    return out


def verify(session: Session) -> list[Drift]:
    """Every (figure, month, unit) on which the monthly summary and the ledger disagree, in month order."""
    ledger: Counter[tuple[str, str, int]] = Counter()
    for counts in _ledger_counts(session):
        ledger.update(_by_figure(session.execute(counts)))
    summary = _by_figure(session.execute(select(*(getattr(ClueMonthCount, k) for k in _KEY), ClueMonthCount.n)))
    keys = sorted(set(ledger) | set(summary), key=lambda k: (k[1], k[2], k[0]))
    return [
        Drift(fig, month, unit, summary[(fig, month, unit)], ledger[(fig, month, unit)])
        for fig, month, unit in keys
        if summary[(fig, month, unit)] != ledger[(fig, month, unit)]
    ]


def ensure_built(session: Session) -> bool:
    """Build the summary of a ledger that has clues but no summary yet (just upgraded). True if it built one."""
    if session.scalar(select(ClueMonthCount.id).limit(1)) is not None:
        return False
    if session.scalar(select(Clue.id).limit(1)) is None:
        return False
    rebuild(session)
    return True


def backfill_milestones(session: Session) -> int:
    """Milestones for clues whose current disposal or conclusion has none (a ledger filled by bulk UPDATEs,
    as the benchmarks do). Returns how many were added; ``rebuild`` must follow."""
    added = 0
    for kind, day_col, code_col in (
        (DISPOSED, Clue.disposed_on, Clue.disposal),
        (CONCLUDED, Clue.concluded_on, Clue.outcome),
    ):
        has = select(ClueMilestone.id).where(ClueMilestone.clue_id == Clue.id, ClueMilestone.kind == kind).exists()
        result = session.execute(
            insert(ClueMilestone).from_select(
                ["clue_id", "unit_id", "kind", "seq", "day", "review_round", "code"],
                select(Clue.id, Clue.unit_id, literal(kind), literal(1), day_col, Clue.review_round, code_col).where(
                    day_col.is_not(None), ~has
                ),
            )
        )
        added += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return added
