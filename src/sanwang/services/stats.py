"""Statistics offices report (统计数据): every figure for a period and unit subtree, its change since a
baseline date, and the list behind it.

Each figure is defined once (``stats_figures``), as the query of the records it counts; the count and the
drill-down list are both taken from that one query, so a figure always reproduces from the ledger. The clue
figures are counted faster from the monthly summary (``stats_tally``); ``verify`` names any drift between the two.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import distinct, func, or_, select
from sqlalchemy.orm import Session

from sanwang.domain.errors import AccessDenied, ValidationError
from sanwang.domain.roles import Role
from sanwang.domain.vocab import channels, disposal_methods
from sanwang.domain.workflow import Actor
from sanwang.services.context import today, unit_by_code
from sanwang.services.policy import audit, check_drilldown
from sanwang.services.stats_figures import (
    BY_NAME,
    FIGURES,
    RATES,
    Figure,
    Period,
    Rows,
    figure_named,
)
from sanwang.services.stats_tally import tally
from sanwang.services.summary import SUBSTANTIATED, Drift, rebuild
from sanwang.services.summary import verify as verify_months
from sanwang.services.units import subtree_ids
from sanwang.store.tables import Deadline, Unit

__all__ = ["BY_NAME", "FIGURES", "ZH_RATES", "Drill", "Record", "drill", "rebuild_summary", "statistics", "verify"]

ZH_RATES = {name: zh for name, (zh, _, _) in RATES.items()}


def _count(session: Session, q: Rows) -> int:
    """A figure's value: the distinct keys its query selects (a person with two cases counts once)."""
    sub = q.subquery()
    return int(session.scalar(select(func.count(distinct(sub.c[0])))) or 0)


def _channel_code(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    ch = channels().resolve(text)
    if ch is None:
        names = "、".join(c.name for c in channels().channels)
        raise ValidationError(f"未知来源渠道「{text}」，可选：{names}", f"unknown channel {text!r}", field="channel")
    return ch.code


def _period(
    session: Session,
    actor: Actor,
    since: date | None,
    until: date | None,
    unit_code: str | None,
    channel: str | None = None,
    method: str | None = None,
) -> Period:
    until = until or today()
    since = since or date(1900, 1, 1)
    if since > until:
        raise ValidationError("起始日期晚于截止日期", "--since is after --until", field="since")
    scope = check_drilldown(
        session, actor, subtree_ids(session, unit_by_code(session, unit_code)) if unit_code else None
    )
    code = disposal_methods().get(method.strip()).code if method and method.strip() else None
    return Period(
        since,
        until,
        scope.units,
        scope.recused_clues,
        scope.recused_cases,
        _channel_code(channel),
        code,
        recused_gang_cases=scope.recused_gang_cases,
        recused_transfers=scope.recused_transfers,
    )


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _figures(p: Period) -> tuple[Figure, ...]:
    """The figures that apply to the period: with a channel filter, those whose records trace to a clue."""
    return tuple(f for f in FIGURES if f.by_channel or p.channel is None)


def statistics(
    session: Session,
    *,
    actor: Actor,
    since: date | None = None,
    until: date | None = None,
    unit_code: str | None = None,
    baseline: date | None = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """All figures for the period and subtree; with ``baseline``, also the figures as of that day and the change.

    ``channel`` (来源渠道, code or name) keeps the clues of that channel and what came of them; figures that do not
    trace to a clue (gang cases) are then left out."""
    p = _period(session, actor, since, until, unit_code, channel)
    values, extra = _values(session, p)
    base: dict[str, int] | None = None
    if baseline is not None:
        if baseline < p.since or baseline > p.until:
            raise ValidationError("基准日期须在统计期间内", "the baseline must lie inside the period", field="baseline")
        base, _ = _values(session, p.ending(baseline))
    figures = {
        f.name: {
            "zh": f.zh,
            "unit": f.unit,
            "value": values[f.name],
            **({"baseline": base[f.name], "change": values[f.name] - base[f.name]} if base is not None else {}),
        }
        for f in _figures(p)
    }
    rates = {k: _rate(values[num], values[den]) for k, (_, num, den) in RATES.items() if num in values}
    audit(session, actor, "read", "statistics", None, None, {"unit": unit_code, "until": p.until.isoformat()})
    return {
        "since": p.since.isoformat() if since else None,
        "until": p.until.isoformat(),
        "unit": unit_code,
        "channel": channels().by_code(p.channel).name if p.channel else None,
        "baseline": baseline.isoformat() if baseline else None,
        "figures": figures,
        "rates": rates,
        # Each rate's parts, as figures that drill down (查结率、查实率的分子和分母).
        "rate_parts": {
            k: {"zh": zh, "numerator": num, "denominator": den, "of": [values[num], values[den]]}
            for k, (zh, num, den) in RATES.items()
            if num in values
        },
        "by_channel": extra["by_channel"],
        "by_disposal": extra["by_disposal"],
    }


def _values(session: Session, p: Period, use_summary: bool = True) -> tuple[dict[str, int], dict[str, Any]]:
    """Every figure's value: the clue figures from the monthly summary for whole months and from the ledger for
    the rest of the period (``use_summary=False``: all from the ledger, which the tests compare against)."""
    passes = ("clues_received", "clues_gang_related", "clues_received_concluded", "clues_disposed",
              "clues_concluded", "clues_substantiated", "clues_overdue")  # fmt: skip
    values = {f.name: _count(session, f.query(p)) for f in _figures(p) if f.name not in passes}
    # A deadline carries its clue's unit, so the overdue figure is counted on the deadline index alone.
    values["clues_overdue"] = int(
        session.scalar(
            select(func.count(distinct(Deadline.entity_id))).where(
                Deadline.entity_kind == "clue",
                Deadline.due < p.until,
                Deadline.due >= p.since,
                p.within(Deadline.unit_id),
                p.not_recused(Deadline.entity_id),
                p.of_channel(Deadline.entity_id),
                or_(Deadline.met_on.is_(None), Deadline.met_on > p.until),
            )
        )
        or 0
    )
    t = tally(session, p, use_summary)
    values["clues_received"] = sum(t.received.values())
    values["clues_gang_related"] = sum(n for (_, gang), n in t.received.items() if gang)
    values["clues_received_concluded"] = t.done_of_received
    values["clues_disposed"] = sum(t.disposed.values())
    values["clues_concluded"] = sum(t.concluded.values())
    values["clues_substantiated"] = sum(n for outcome, n in t.concluded.items() if outcome in SUBSTANTIATED)
    channel_names = {c.code: c.name for c in channels().channels}
    method_names = {m.code: m.name for m in disposal_methods().methods}
    by_channel: Counter[str] = Counter()
    for (code, _), n in t.received.items():
        by_channel[channel_names.get(code, code)] += n
    extra = {
        "by_channel": {k: n for k, n in sorted(by_channel.items(), key=lambda kv: -kv[1]) if n},
        "by_disposal": {
            method_names.get(k, k): n for k, n in sorted(t.disposed.items(), key=lambda r: -r[1]) if k and n
        },
    }
    return values, extra


@dataclass(frozen=True)
class Record:
    """One counted thing in a drill-down (明细): a clue, a disposal, a transfer, a person."""

    key: str  # what is counted (a record id, or a person's ID number / name and post)
    label: str  # how people know it: clue number, case number, 姓名（职务）, #transfer id
    refs: tuple[str, ...]  # the ledger records behind it: a person's cases, a transfer's content


@dataclass(frozen=True)
class Drill:
    """The records behind one figure; with a baseline, what was added since (and what dropped out)."""

    figure: str
    zh: str
    unit: str
    records: list[Record]
    baseline: str | None = None
    added: list[Record] = field(default_factory=list)
    removed: list[Record] = field(default_factory=list)

    @property
    def labels(self) -> list[str]:
        return [r.label for r in self.records]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _records(session: Session, q: Rows) -> list[Record]:
    """The figure's rows grouped by what it counts, in label order."""
    grouped: dict[str, tuple[str, list[str]]] = {}
    for key, label, ref in session.execute(q):
        entry = grouped.setdefault(str(key), (str(label), []))
        if ref is not None and str(ref) not in entry[1]:
            entry[1].append(str(ref))
    return sorted(
        (Record(k, label, tuple(sorted(refs))) for k, (label, refs) in grouped.items()), key=lambda r: (r.label, r.key)
    )


def drill(
    session: Session,
    *,
    actor: Actor,
    figure: str,
    since: date | None = None,
    until: date | None = None,
    unit_code: str | None = None,
    channel: str | None = None,
    method: str | None = None,
    baseline: date | None = None,
) -> Drill:
    """The records behind one figure (数据明细), by its name or Chinese name; audited.

    ``channel`` drills the by-channel breakdown, ``method`` (处置方式) the by-disposal one, ``baseline`` the change
    since that day: the records counted now and not then (新增), and the reverse (减少)."""
    f = figure_named(figure)
    p = _period(session, actor, since, until, unit_code, channel, method)
    if p.channel is not None and not f.by_channel:
        raise ValidationError(f"「{f.zh}」不按来源渠道统计", f"{f.name} has no channel breakdown", field="channel")
    if p.method is not None and not f.by_method:
        raise ValidationError(f"「{f.zh}」不按处置方式统计", f"{f.name} has no disposal breakdown", field="method")
    records = _records(session, f.query(p))
    result = Drill(f.name, f.zh, f.unit, records)
    if baseline is not None:
        if baseline < p.since or baseline > p.until:
            raise ValidationError("基准日期须在统计期间内", "the baseline must lie inside the period", field="baseline")
        before = _records(session, f.query(p.ending(baseline)))
        then, now = {r.key for r in before}, {r.key for r in records}
        result = Drill(
            f.name,
            f.zh,
            f.unit,
            records,
            baseline.isoformat(),
            [r for r in records if r.key not in then],
            [r for r in before if r.key not in now],
        )
    audit(
        session,
        actor,
        "list",
        "statistics",
        None,
        None,
        {
            "figure": f.name,
            "since": p.since.isoformat(),
            "until": p.until.isoformat(),
            "unit": unit_code,
            "channel": p.channel,
            "method": p.method,
            "baseline": result.baseline,
            "rows": len(records),
        },
    )
    return result


def verify(session: Session, *, actor: Actor) -> dict[str, Any]:
    """Compare the monthly summary with the ledger (核对统计汇总): every figure, month and unit that drifted,
    with the summary's value and the ledger's. Administrators and auditors, audited."""
    if not actor.has(Role.ADMIN, Role.AUDITOR):
        raise AccessDenied(
            "只有系统管理员或审计员可以核对统计汇总", "only an administrator or auditor can verify the summary"
        )
    drifts: list[Drift] = verify_months(session)
    codes = {int(i): str(c) for i, c in session.execute(select(Unit.id, Unit.code))}
    rows = [
        {
            "figure": d.figure,
            "zh": BY_NAME[d.figure].zh,
            "month": d.month,
            "unit": codes.get(d.unit_id, str(d.unit_id)),
            "summary": d.summary,
            "ledger": d.ledger,
        }
        for d in drifts
    ]
    audit(session, actor, "verify", "statistics", None, None, {"drifts": len(rows)})
    return {"ok": not rows, "drifts": rows}


def rebuild_summary(session: Session, *, actor: Actor) -> dict[str, int]:
    """Rebuild the monthly statistics summary from the ledger (重建统计汇总); administrators only, audited."""
    if not actor.has(Role.ADMIN):
        raise AccessDenied("只有系统管理员可以重建统计汇总", "only an administrator can rebuild the statistics summary")
    rows = rebuild(session)
    audit(session, actor, "rebuild", "statistics", None, None, {"rows": rows})
    return {"rows": rows}
