"""Full-text search over clues (线索全文检索): the same segmentation on SQLite (FTS5) and PostgreSQL (tsvector),
results in the access policy, newest first, with highlighted snippets; every search is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, select, table, text
from sqlalchemy.orm import Session

from sanwang.domain.errors import ValidationError
from sanwang.domain.workflow import Actor
from sanwang.services.clues import summary_row
from sanwang.services.policy import audit, restrict_clues
from sanwang.services.textindex import index_pending
from sanwang.store.db import first_page_plan
from sanwang.store.tables import Clue
from sanwang.text.normalize import normalize
from sanwang.text.segment import normalised_terms, query_terms

SNIPPET = 40  # characters of context on each side of the first hit


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


def highlight(body: str, query: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet of ``body`` around the first hit with hits in 【】, and every hit's offsets in ``body``."""
    norm = normalize(body)
    lowered = norm.text.lower()
    spans: list[tuple[int, int]] = []
    for term in normalised_terms(query):
        t = term.lower()
        i = lowered.find(t)
        while i >= 0 and t:
            spans.append(norm.span_to_original(i, i + len(t)))
            i = lowered.find(t, i + len(t))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    if not merged:
        return body[: 2 * SNIPPET], []
    lo = max(0, merged[0][0] - SNIPPET)
    hi = min(len(body), merged[0][1] + SNIPPET)
    out, last = [], lo
    for a, b in merged:
        if a >= hi:
            break
        out += [body[last:a], "【", body[a : min(b, hi)], "】"]
        last = min(b, hi)
    out.append(body[last:hi])
    return ("…" if lo else "") + "".join(out) + ("…" if hi < len(body) else ""), merged


def search(session: Session, *, actor: Actor, query: str, limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Clues whose text contains every term of ``query`` (words ANDed, a Chinese word as a phrase)."""
    terms = query_terms(query)
    if not terms:
        raise ValidationError("检索词为空或只有标点", "the query has no searchable words", field="query")
    index_pending(session)  # clues registered since the last search are searchable too
    if session.get_bind().dialect.name == "sqlite":
        fts = table("clue_fts", column("rowid"))
        q = (
            select(Clue)
            .join(fts, fts.c.rowid == Clue.id)
            .where(text("clue_fts MATCH :match").bindparams(match=_fts5_match(terms)))
            .order_by(fts.c.rowid.desc())
        )
    else:
        fts = table("clue_fts", column("clue_id"))
        q = (
            select(Clue)
            .join(fts, fts.c.clue_id == Clue.id)
            .where(text("clue_fts.tokens @@ CAST(:tsq AS tsquery)").bindparams(tsq=_tsquery(terms)))
            .order_by(Clue.id.desc())
        )
    q = restrict_clues(session, actor, q).limit(limit + 1).offset(offset)
    first_page_plan(session)
    found = list(session.scalars(q))
    rows = []
    for clue in found[:limit]:
        snippet, hits = highlight(clue.summary, query)
        rows.append({**summary_row(clue, None), "snippet": snippet, "hits": [list(h) for h in hits]})
    audit(session, actor, "search", "clue", None, None, {"query": query, "rows": len(rows)})
    return {"query": query, "results": rows, "more": len(found) > limit, "offset": offset}
