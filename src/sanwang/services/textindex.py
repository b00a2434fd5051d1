"""The full-text index of clue texts (线索全文索引): written with every registration, rebuilt by ``sanwang init``
for clues registered before it existed. Derived data: the clue's own text (``clues.summary``) is never touched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.orm import Session

from sanwang.text.segment import index_tokens

BATCH = 5_000


def tsvector_literal(tokens: str) -> str:
    """PostgreSQL tsvector input built from the tokens themselves (``'张三':1 '三收':2``), so no text-search parser
    or server locale decides what a word is: both databases index exactly the same tokens."""
    positions: dict[str, list[int]] = defaultdict(list)
    for i, tok in enumerate(tokens.split(), start=1):
        positions[tok].append(min(i, 16383))  # PostgreSQL's largest position
    return " ".join(f"'{tok}':{','.join(map(str, pos))}" for tok, pos in positions.items())


def index_clues(session: Session, clues: Sequence[tuple[int, str]]) -> None:
    """Index ``(clue id, text)`` pairs."""
    if not clues:
        return
    if session.get_bind().dialect.name == "sqlite":
        stmt = text("INSERT INTO clue_fts (rowid, tokens) VALUES (:id, :tokens)")
        session.execute(stmt, [{"id": cid, "tokens": index_tokens(body)} for cid, body in clues])
    else:
        stmt = text("INSERT INTO clue_fts (clue_id, tokens) VALUES (:id, CAST(:tokens AS tsvector))")
        session.execute(stmt, [{"id": cid, "tokens": tsvector_literal(index_tokens(body))} for cid, body in clues])


def ensure_indexed(session: Session) -> int:
    """Index every clue that is not in the index yet (a ledger upgraded to revision 0003). Returns how many."""
    if session.get_bind().dialect.name == "sqlite":
        missing = "SELECT id, summary FROM clues WHERE id NOT IN (SELECT rowid FROM clue_fts) ORDER BY id"
    else:
        missing = (
            "SELECT id, summary FROM clues c WHERE NOT EXISTS (SELECT 1 FROM clue_fts f WHERE f.clue_id = c.id) "
            "ORDER BY id"
        )
    rows = [(int(i), str(s)) for i, s in session.execute(text(missing))]
    for k in range(0, len(rows), BATCH):
        index_clues(session, rows[k : k + BATCH])
    return len(rows)
