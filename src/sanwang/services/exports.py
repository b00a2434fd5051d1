"""Ledger export (台账导出): the import headers plus number, state, disposal and deadlines; watermarked."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.vocab import channels, disposal_methods
from sanwang.domain.workflow import Actor, ClueOutcome, ClueState
from sanwang.services import deadlines
from sanwang.services.context import now
from sanwang.services.deadlines import rule_zh
from sanwang.services.imports import HEADERS
from sanwang.services.ledgerio import write_rows
from sanwang.services.policy import audit, mask, may_see_reporter, restrict_clues
from sanwang.store.tables import Clue, ClueReporter, ClueSubject, Deadline, Unit, User

EXTRA = ("线索编号", "登记单位", "状态", "处置方式", "办结方式", "最近期限", "期限明细")


def joined(values: Iterable[str | None]) -> str:
    """Several subjects' values in one cell (、), aligned by position as ``clue import`` reads them: an empty
    value between two others keeps its place, but nothing trails and an all-empty cell is empty (no lone 、)."""
    return "、".join(v or "" for v in values).rstrip("、")


def export_ledger(
    session: Session,
    *,
    actor: Actor,
    path: Path,
    reveal_reporter: bool = False,
    purpose: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Write the clues the actor may see to ``path`` (.xlsx, .csv or .jsonl). Audited and watermarked; an existing
    file is overwritten only with ``force``. Several subjects share one cell, joined with 、 and aligned by position
    as ``clue import`` reads them; the export is a report, not an import file (its added columns and the
    watermark line are not import columns)."""
    from sanwang.domain.errors import TransitionRefused, ValidationError

    if reveal_reporter and not may_see_reporter(actor):
        raise TransitionRefused("您的角色无权导出反映人身份", "your role may not export reporters' identities")
    if reveal_reporter and not (purpose or "").strip():
        raise ValidationError("导出反映人身份须说明用途", "state the purpose to export reporters", field="purpose")
    clues = session.execute(
        restrict_clues(session, actor, select(Clue, Unit.code).join(Unit, Unit.id == Clue.unit_id)).order_by(Clue.id)
    ).all()
    ids = [c.id for c, _ in clues]
    subjects: dict[int, list[ClueSubject]] = defaultdict(list)
    reporters: dict[int, ClueReporter] = {}
    open_dl: dict[int, list[Deadline]] = defaultdict(list)
    for i in range(0, len(ids), 900):
        chunk = ids[i : i + 900]
        for s in session.scalars(
            select(ClueSubject).where(ClueSubject.clue_id.in_(chunk)).order_by(ClueSubject.ordinal)
        ):
            subjects[s.clue_id].append(s)
        for r in session.scalars(select(ClueReporter).where(ClueReporter.clue_id.in_(chunk))):
            reporters[r.clue_id] = r
        for d in session.scalars(
            select(Deadline)
            .where(Deadline.entity_kind == "clue", Deadline.entity_id.in_(chunk), Deadline.met_on.is_(None))
            .order_by(Deadline.due)
        ):
            open_dl[d.entity_id].append(d)
    methods = {m.code: m.name for m in disposal_methods().methods}
    rows = []
    for c, unit_code in clues:
        subs, rep, dls = subjects[c.id], reporters.get(c.id), open_dl[c.id]
        name, idn, phone = (rep.name, rep.id_number, rep.phone) if rep else (None, None, None)
        if not reveal_reporter:
            name, idn, phone = mask(name), mask(idn, 0, 0), mask(phone, 3, 2)
        rows.append(
            [
                c.external_ref,
                channels().by_code(c.channel).name,
                c.received,
                "是" if c.real_name else "否",
                name,
                idn,
                phone,
                joined(s.name for s in subs),
                joined(s.unit_name for s in subs),
                joined(s.position for s in subs),
                joined(s.id_number for s in subs),
                c.summary,
                "是" if c.gang_related else "否",
                "是" if c.umbrella_suspected else "否",
                c.number,
                unit_code,
                ClueState(c.state).zh,
                methods.get(c.disposal or "", ""),
                ClueOutcome(c.outcome).zh if c.outcome else "",
                dls[0].due if dls else None,
                "；".join(f"{rule_zh(d.rule)} {deadlines.shown_due(d.due, d.provisional)}" for d in dls),
            ]
        )
    who = session.scalar(select(User.username).where(User.id == actor.user_id))
    stamp = now().isoformat(sep=" ")
    watermark = f"导出人 {who}（{actor.name}） 导出时间 {stamp} 共 {len(rows)} 条 / exported by {who} at {stamp}"
    write_rows(path, [*HEADERS, *EXTRA], rows, watermark=watermark, force=force)
    audit(
        session,
        actor,
        "export",
        "clue",
        None,
        purpose,
        {"file": str(path), "rows": len(rows), "reporters_revealed": reveal_reporter},
    )
    return {"file": str(path), "rows": len(rows), "watermark": watermark}
