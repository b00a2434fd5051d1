"""Entities of clue texts (线索实体): extracted once per clue and kept, for the clue view and the analysis to come.

Registration notes each new clue as pending (one small insert); the background worker (``sanwang worker``,
``sanwang.jobs``) works through the list, and a clue shown before the worker reached it is done on the spot.
Extraction runs on the normalised text (``sanwang.text.normalize``) and stores offsets into the verbatim text.

Names the system already knows are found exactly, with their record: gang members (``gang_member:<id>``), units
(``unit:<code>``) and the clue's own subjects (``subject:<id>``). Gang members registered after a clue reach it
too: registering them puts the clues that mention them back on the waiting list (``requeue_mentions``). Subjects
of other clues are not matched here: linking people across clues is entity resolution's job, with more than a
name to go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sanwang.services import textindex
from sanwang.store.db import Store, bulk_insert
from sanwang.store.tables import (
    Clue,
    ClueEntity,
    ClueEntityPending,
    ClueSubject,
    ClueTextPending,
    GangMember,
    Unit,
    table_of,
)
from sanwang.text.entities import Entity, extract
from sanwang.text.gazetteer import Gazetteer
from sanwang.text.normalize import normalize
from sanwang.text.segment import query_terms

BATCH = 500


def mark_pending(session: Session, clue_ids: Sequence[int]) -> None:
    bulk_insert(session, table_of(ClueEntityPending), [{"clue_id": i} for i in clue_ids])


def requeue_mentions(session: Session, names: Iterable[str]) -> int:
    """Put back on the waiting list every clue whose text mentions one of ``names`` (gang members just registered:
    重新抽取), so its stored entities link to the new record once the worker — or a reader opening the clue — has
    extracted it again. Found through the full-text index, in either script; returns how many clues were queued."""
    textindex.index_pending(session)  # clues registered a moment ago are found too
    ids: set[int] = set()
    for name in {n.strip() for n in names}:
        terms = query_terms(name)
        if len(name) >= 2 and name != "不详" and terms:
            ids.update(int(i) for i in session.scalars(textindex.matching(session, terms).with_only_columns(Clue.id)))
    waiting = set(session.scalars(select(ClueEntityPending.clue_id).where(ClueEntityPending.clue_id.in_(ids))))
    mark_pending(session, sorted(ids - waiting))
    return len(ids - waiting)


def known_names(session: Session) -> Gazetteer:
    """The gazetteer of gang members and units (small: hundreds to thousands of names, rebuilt per batch)."""
    entries: list[tuple[str, str, str]] = [
        (name, "person", f"gang_member:{mid}") for mid, name in session.execute(select(GangMember.id, GangMember.name))
    ]
    entries += [(name, "org", f"unit:{code}") for code, name in session.execute(select(Unit.code, Unit.name))]
    return Gazetteer.build(entries)


def _value(e: Entity) -> str | None:
    if e.value is None:
        return None
    if isinstance(e.value, tuple):
        return ",".join(e.value)
    return str(e.value)


def entity_rows(clue_id: int, body: str, known: Gazetteer, subjects: Sequence[tuple[int, str]]) -> list[dict[str, Any]]:
    """The ``clue_entities`` rows of one clue's text."""
    norm = normalize(body)
    own = Gazetteer.build((name, "person", f"subject:{sid}") for sid, name in subjects if name and name != "不详")
    rows = []
    for e in extract(norm.text, [known, own]):
        start, end = norm.span_to_original(e.start, e.end)
        rows.append(
            {"clue_id": clue_id, "kind": e.type, "text": body[start:end], "start": start, "end": end,
             "value": _value(e), "source": e.source, "confidence": round(e.confidence, 3),
             "precision": e.precision}
        )  # fmt: skip
    return rows


def _compute(session: Session, ids: Sequence[int], known: Gazetteer) -> dict[int, list[dict[str, Any]]]:
    """The entity rows of the clues ``ids`` (read through ``session``), by clue."""
    subjects: dict[int, list[tuple[int, str]]] = {}
    for sid, cid, name in session.execute(
        select(ClueSubject.id, ClueSubject.clue_id, ClueSubject.name).where(ClueSubject.clue_id.in_(ids))
    ):
        subjects.setdefault(int(cid), []).append((int(sid), str(name)))
    texts = session.execute(select(Clue.id, Clue.summary).where(Clue.id.in_(ids)).order_by(Clue.id)).all()
    return {int(cid): entity_rows(int(cid), str(body), known, subjects.get(int(cid), [])) for cid, body in texts}


def _claim_and_store(session: Session, computed: dict[int, list[dict[str, Any]]]) -> int:
    """Take the clues off the waiting list and store their rows — only those still on it, so two workers never
    store a clue twice. Returns how many were taken."""
    claimed = session.scalars(
        delete(ClueEntityPending)
        .where(ClueEntityPending.clue_id.in_(list(computed)))
        .returning(ClueEntityPending.clue_id)
    ).all()
    # A clue extracted before (queued again by requeue_mentions) has its old rows replaced, never doubled.
    session.execute(delete(ClueEntity).where(ClueEntity.clue_id.in_(list(claimed))))
    bulk_insert(session, table_of(ClueEntity), [r for cid in sorted(claimed) for r in computed.get(int(cid), [])])
    return len(claimed)


def extract_pending(
    store: Store, *, limit: int | None = None, batch: int = BATCH, progress: Callable[[int], None] | None = None
) -> int:
    """Extract the entities of pending clues, ``batch`` at a time. Returns how many clues were done.

    Each batch is read in a read transaction, computed with no transaction open (a few milliseconds a clue: the
    clerks' writes never wait for it) and stored in a short write transaction that also takes the clues off the
    list. A worker killed at any point loses at most the batch in hand, which stays on the list for the next run.
    """
    done = 0
    with store.reading() as s:
        known = known_names(s)
    while limit is None or done < limit:
        take = batch if limit is None else min(batch, limit - done)
        with store.reading() as s:
            ids = [int(i) for i in s.scalars(
                select(ClueEntityPending.clue_id).order_by(ClueEntityPending.clue_id).limit(take))]  # fmt: skip
            if not ids:
                break
            computed = _compute(s, ids, known)
        computed.update({i: [] for i in ids if i not in computed})
        with store.session() as s:
            taken = _claim_and_store(s, computed)
        done += taken
        if progress:
            progress(taken)
    return done


def entities_of(session: Session, clue_id: int) -> list[dict[str, Any]]:
    """A clue's entities by position; extracted now if the worker has not reached the clue yet."""
    claimed = session.scalars(
        delete(ClueEntityPending).where(ClueEntityPending.clue_id == clue_id).returning(ClueEntityPending.clue_id)
    ).all()  # taken off the list first: a worker that computed it meanwhile finds it gone and stores nothing
    if claimed:
        session.execute(delete(ClueEntity).where(ClueEntity.clue_id == clue_id))
        bulk_insert(session, table_of(ClueEntity), _compute(session, [clue_id], known_names(session)).get(clue_id, []))
    rows = session.execute(
        select(ClueEntity.kind, ClueEntity.text, ClueEntity.start, ClueEntity.end, ClueEntity.value,
               ClueEntity.source, ClueEntity.confidence, ClueEntity.precision)
        .where(ClueEntity.clue_id == clue_id)
        .order_by(ClueEntity.start)
    ).all()  # fmt: skip
    return [
        {"type": k, "text": t, "start": s, "end": e, "value": v, "source": src, "confidence": c, "precision": p}
        for k, t, s, e, v, src, c, p in rows
    ]


def pending_counts(session: Session) -> dict[str, int]:
    """What derived work is waiting: clues not yet in the search index, and clues without entities."""
    return {
        "search_index": int(session.scalar(select(func.count()).select_from(ClueTextPending)) or 0),
        "entities": int(session.scalar(select(func.count()).select_from(ClueEntityPending)) or 0),
    }
