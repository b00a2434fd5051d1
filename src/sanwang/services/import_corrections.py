"""Corrections on re-import (导入更正): a ledger row whose 外部编号 is already registered is compared with the
clue's content as registered, or as last corrected. Equal, it is a plain duplicate; different, the import names
the line (同一外部编号内容不同), or — accepted — records a correction event (更正登记内容) with the fields before
and after. The registered original is never rewritten: history stays append-only, the first text verbatim."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sanwang.domain.errors import LineProblem
from sanwang.domain.workflow import Actor
from sanwang.services.clues import ClueDraft
from sanwang.services.context import record
from sanwang.store.tables import Clue, ClueReporter, ClueSubject, Event

# What a row says, by the column people know it by; compared to tell a correction from a plain re-import.
Content = dict[str, Any]


def content_of(d: ClueDraft) -> Content:
    """The registered content (登记内容) a ledger row carries, in a comparable form."""
    # A reporter is stored only for a real-name row or one naming a reporter (see register_clues).
    reporter = _reporter_key([d.reporter_name, d.reporter_id_number, d.reporter_phone]) if (
        d.real_name or d.reporter_name or d.reporter_phone) else None  # fmt: skip
    return {
        "来源渠道": d.channel,
        "收到日期": d.received.isoformat(),
        "实名": d.real_name,
        "反映人": reporter,
        "被反映人": [[s.name, s.unit_name, s.position, s.id_number] for s in d.subjects],
        "问题摘要": d.summary,
        "涉黑涉恶": d.gang_related,
        "涉嫌保护伞": d.umbrella_suspected,
    }


def _reporter_key(values: list[str | None]) -> str:
    """The reporter (反映人) as a digest: history is read more widely than reporters may be, so a correction event
    says that the reporter changed, never who it is."""
    return hashlib.sha256("\x1f".join(v or "" for v in values).encode()).hexdigest()[:16]


class Registered:
    """A clue already registered under an 外部编号, with its content as last registered or corrected."""

    def __init__(self, clue_id: int, number: str, state: str, content: Content, last_day: Any) -> None:
        self.clue_id, self.number, self.state, self.content, self.last_day = clue_id, number, state, content, last_day

    def diff(self, d: ClueDraft) -> list[str]:
        new = content_of(d)
        return [k for k in new if new[k] != self.content.get(k)]


def registered_content(session: Session, unit_id: int, refs: list[str]) -> dict[str, Registered]:
    out: dict[str, Registered] = {}
    for i in range(0, len(refs), 900):  # stay under SQLite's bound-parameter limit
        chunk = refs[i : i + 900]
        clues = session.scalars(select(Clue).where(Clue.unit_id == unit_id, Clue.external_ref.in_(chunk))).all()
        if not clues:
            continue
        ids = [c.id for c in clues]
        subjects: dict[int, list[list[str | None]]] = {i: [] for i in ids}
        for s in session.scalars(select(ClueSubject).where(ClueSubject.clue_id.in_(ids)).order_by(ClueSubject.ordinal)):
            subjects[s.clue_id].append([s.name, s.unit_name, s.position, s.id_number])
        reporters = {r.clue_id: _reporter_key([r.name, r.id_number, r.phone])
                     for r in session.scalars(select(ClueReporter).where(ClueReporter.clue_id.in_(ids)))}  # fmt: skip
        # The latest accepted correction is the content in force: importing the corrected file again adds nothing.
        corrected: dict[int, Content] = {}
        for e in session.scalars(select(Event).where(Event.entity_kind == "clue", Event.entity_id.in_(ids),
                                                     Event.action == "correct").order_by(Event.id)):  # fmt: skip
            corrected[e.entity_id] = dict((e.data or {}).get("content") or {})
        last_day = dict(session.execute(select(Event.entity_id, func.max(Event.day)).where(
            Event.entity_kind == "clue", Event.entity_id.in_(ids)).group_by(Event.entity_id)).all())  # fmt: skip
        for c in clues:
            content = corrected.get(c.id) or {
                "来源渠道": c.channel,
                "收到日期": c.received.isoformat(),
                "实名": c.real_name,
                "反映人": reporters.get(c.id),
                "被反映人": subjects[c.id],
                "问题摘要": c.summary,
                "涉黑涉恶": c.gang_related,
                "涉嫌保护伞": c.umbrella_suspected,
            }
            out[str(c.external_ref)] = Registered(c.id, c.number, c.state, content, last_day.get(c.id, c.received))
    return out


_FIELD_EN = {"来源渠道": "channel", "收到日期": "date received", "实名": "real-name", "反映人": "reporter",
             "被反映人": "subjects", "问题摘要": "summary", "涉黑涉恶": "gang-related",
             "涉嫌保护伞": "umbrella suspected"}  # fmt: skip


def changed_problem(line: int, d: ClueDraft, known: Registered) -> LineProblem:
    fields = known.diff(d)
    return LineProblem(
        line,
        "外部编号",
        f"同一外部编号内容不同：已登记为线索 {known.number}，不同之处：{'、'.join(fields)}；"
        "如属更正，请加 --accept-corrections 记为更正",
        f"same reference, different content: registered as clue {known.number}, differing in "
        f"{', '.join(_FIELD_EN[f] for f in fields)}; add --accept-corrections to record it as a correction",
    )


def record_correction(session: Session, actor: Actor, known: Registered, d: ClueDraft, where: str) -> None:
    """A correction event (更正登记内容): what changed, before and after. The registered original is never rewritten,
    so history stays append-only and the first text stays verbatim."""
    new = content_of(d)
    changes = {f: [known.content.get(f), new[f]] for f in known.diff(d)}
    # Dated with the clue's latest step, not today: a data correction must not block back-dated workflow entries.
    # The reason is what people read in the history: in Chinese, naming what changed (before and after in data).
    record(session, "clue", known.clue_id, "correct", actor=actor, day=known.last_day, from_state=known.state,
           to_state=known.state, reason=f"导入更正（{'、'.join(changes)}）：{where}",
           data={"source": where, "changes": changes, "content": new})  # fmt: skip
