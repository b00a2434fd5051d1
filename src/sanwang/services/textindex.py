"""The full-text index of clue texts (线索全文索引): the text and its subjects' names, units and positions.
Derived data: the clue's own text is never touched.

Registration only notes a clue as pending (one small insert, so a 100,000-row import does not wait for text
processing); ``index_pending`` indexes the pending clues — after ``sanwang clue import`` commits, in ``sanwang
init``, and at the start of every search, so a search never misses a registered clue.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, column, delete, func, insert, or_, select, table, text
from sqlalchemy.orm import Session

from sanwang.store.db import bulk_insert
from sanwang.store.tables import Clue, ClueSubject, ClueTextPending, ClueTriage, table_of
from sanwang.text.normalize import normalize
from sanwang.text.segment import index_tokens
from sanwang.text.triage import fingerprint, triage

BATCH = 5_000


def _fts5_match(terms: list[list[str]]) -> str:
    parts = []
    for tokens in terms:
        if len(tokens) == 1 and len(tokens[0]) == 1:
            parts.append(f'"{tokens[0]}"*')  # one character: any bigram that starts with it
        else:
            parts.append('"' + " ".join(tokens) + '"')  # a phrase: the tokens next to each other
    return " AND ".join(parts)


def _tsquery(terms: list[list[str]]) -> str:
    parts = []
    for tokens in terms:
        if len(tokens) == 1 and len(tokens[0]) == 1:
            parts.append(f"'{tokens[0]}':*")
        else:
            parts.append("(" + " <-> ".join(f"'{t}'" for t in tokens) + ")")
    return " & ".join(parts)


def matching(session: Session, terms: list[list[str]]) -> Select[Clue]:
    """Clues whose indexed text holds every term (``sanwang.text.segment.query_terms``), newest first; no access
    policy: callers apply it (``restrict_clues``) or use the ids only for derived work."""
    if session.get_bind().dialect.name == "sqlite":
        fts = table("clue_fts", column("rowid"))
        return (
            select(Clue)
            .join(fts, fts.c.rowid == Clue.id)
            .where(text("clue_fts MATCH :match").bindparams(match=_fts5_match(terms)))
            .order_by(fts.c.rowid.desc())
        )
    fts = table("clue_fts", column("clue_id"))
    return (
        select(Clue)
        .join(fts, fts.c.clue_id == Clue.id)
        .where(text("clue_fts.tokens @@ CAST(:tsq AS tsquery)").bindparams(tsq=_tsquery(terms)))
        .order_by(Clue.id.desc())
    )


def tsvector_literal(tokens: str) -> str:
    """PostgreSQL tsvector input built from the tokens themselves (``'张三':1 '三收':2``), so no text-search parser
    or server locale decides what a word is: both databases index exactly the same tokens."""
    positions: dict[str, list[int]] = defaultdict(list)
    for i, tok in enumerate(tokens.split(), start=1):
        positions[tok].append(min(i, 16383))  # PostgreSQL's largest position
    return " ".join(f"'{tok}':{','.join(map(str, pos))}" for tok, pos in positions.items())


def triage_rows(clues: Sequence[tuple[int, str]]) -> list[dict[str, Any]]:
    """The ``clue_triage`` rows of ``(clue id, text)`` pairs: scored on the normalised text, offsets mapped back."""
    rows = []
    version = fingerprint()
    for cid, body in clues:
        norm = normalize(body)
        t = triage(norm.text).as_dict()
        for ind in t["indicators"]:
            ind["start"], ind["end"] = norm.span_to_original(ind["start"], ind["end"])
            ind["text"] = body[ind["start"] : ind["end"]]
        detail = {k: t[k] for k in ("indicators", "sectors", "typology")}
        rows.append(
            {"clue_id": cid, "gang": t["gang"], "misconduct": t["misconduct"], "detail": detail, "version": version}
        )
    return rows


def searchable_text(session: Session, clues: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """What search finds a clue by (检索内容): its text, then each subject's name, unit and position (被反映人), so
    a clerk finds every clue about 张三 or about 某县国土局 even where the text does not name them."""
    subjects: dict[int, list[str]] = defaultdict(list)
    ids = [cid for cid, _ in clues]
    for k in range(0, len(ids), 900):  # stay under SQLite's bound-parameter limit
        rows = session.execute(
            select(ClueSubject.clue_id, ClueSubject.name, ClueSubject.unit_name, ClueSubject.position)
            .where(ClueSubject.clue_id.in_(ids[k : k + 900]))
            .order_by(ClueSubject.clue_id, ClueSubject.ordinal)
        )
        for cid, *parts in rows:
            subjects[int(cid)].append(" ".join(p for p in parts if p))
    return [(cid, "\n".join([body, *subjects.get(cid, [])])) for cid, body in clues]


def index_clues(session: Session, clues: Sequence[tuple[int, str]], *, scored: bool = True) -> None:
    """Index ``(clue id, text)`` pairs: full-text tokens of the text and the subjects, and (``scored``) triage of
    the text alone."""
    if not clues:
        return
    if scored:
        session.execute(insert(ClueTriage), triage_rows(clues))
    found = searchable_text(session, clues)
    if session.get_bind().dialect.name == "sqlite":
        stmt = text("INSERT INTO clue_fts (rowid, tokens) VALUES (:id, :tokens)")
        session.execute(stmt, [{"id": cid, "tokens": index_tokens(body)} for cid, body in found])
    else:
        stmt = text("INSERT INTO clue_fts (clue_id, tokens) VALUES (:id, CAST(:tokens AS tsvector))")
        session.execute(stmt, [{"id": cid, "tokens": tsvector_literal(index_tokens(body))} for cid, body in found])


def _stale() -> Any:
    """Clues scored by another model or other rules than the ones in force (or before versions were kept)."""
    return or_(ClueTriage.version.is_(None), ClueTriage.version != fingerprint())


def stale_count(session: Session) -> int:
    """How many clues' triage is out of date (研判版本过期)."""
    return int(session.scalar(select(func.count()).select_from(ClueTriage).where(_stale())) or 0)


def rescore_batch(session: Session, limit: int = BATCH) -> int:
    """Re-score up to ``limit`` out-of-date clues, lowest id first (derived data: the clue and its history are not
    touched). Returns how many; 0 when none is left. One batch per transaction keeps a killed run's work."""
    ids = [int(i) for i in session.scalars(select(ClueTriage.clue_id).where(_stale()).order_by(ClueTriage.clue_id)
                                          .limit(limit))]  # fmt: skip
    if not ids:
        return 0
    rows = triage_rows([(int(i), str(b)) for i, b in session.execute(select(Clue.id, Clue.summary)
                                                                      .where(Clue.id.in_(ids)))])  # fmt: skip
    session.execute(delete(ClueTriage).where(ClueTriage.clue_id.in_(ids)))
    session.execute(insert(ClueTriage), rows)
    return len(rows)


def mark_pending(session: Session, clue_ids: Sequence[int]) -> None:
    bulk_insert(session, table_of(ClueTextPending), [{"clue_id": i} for i in clue_ids])


def index_pending(session: Session) -> int:
    """Index every pending clue and clear it from the list. Returns how many were indexed."""
    done = 0
    while True:
        # DELETE … RETURNING takes the rows: a concurrent indexer (PostgreSQL) waits for them, then finds none.
        ids = [int(i) for i in session.scalars(
            delete(ClueTextPending)
            .where(ClueTextPending.clue_id.in_(select(ClueTextPending.clue_id).order_by(ClueTextPending.clue_id).limit(BATCH)))
            .returning(ClueTextPending.clue_id)
        )]  # fmt: skip
        if not ids:
            return done
        rows = session.execute(select(Clue.id, Clue.summary).where(Clue.id.in_(ids))).all()
        index_clues(session, [(int(i), str(b)) for i, b in rows])
        done += len(rows)


def ensure_indexed(session: Session) -> int:
    """Index every clue that is not in the full-text index yet (a ledger upgraded to revision 0003, or whose index
    a migration cleared to rebuild it); triage is scored only where it is missing. Returns how many."""
    if session.get_bind().dialect.name == "sqlite":
        missing = "SELECT id, summary FROM clues WHERE id NOT IN (SELECT rowid FROM clue_fts) ORDER BY id"
    else:
        missing = (
            "SELECT id, summary FROM clues c WHERE NOT EXISTS (SELECT 1 FROM clue_fts f WHERE f.clue_id = c.id) "
            "ORDER BY id"
        )
    index_pending(session)
    rows = [(int(i), str(s)) for i, s in session.execute(text(missing))]
    scored = set(session.scalars(select(ClueTriage.clue_id)))
    for k in range(0, len(rows), BATCH):
        batch = rows[k : k + BATCH]
        index_clues(session, [r for r in batch if r[0] in scored], scored=False)
        index_clues(session, [r for r in batch if r[0] not in scored])
    return len(rows)
