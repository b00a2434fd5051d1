"""Full-text search over clues (线索全文检索): the same segmentation on SQLite (FTS5) and PostgreSQL (tsvector),
results in the access policy, newest first, with highlighted snippets; every search is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from sanwang.domain.errors import ValidationError
from sanwang.domain.workflow import Actor
from sanwang.services.clue_view import due_dates, handler_names
from sanwang.services.clues import summary_row
from sanwang.services.policy import audit, restrict_clues
from sanwang.services.textindex import index_pending, matching
from sanwang.store.db import first_page_plan
from sanwang.text.normalize import normalize
from sanwang.text.segment import normalised_terms, query_terms

SNIPPET = 40  # characters of context on each side of the first hit


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
    q = restrict_clues(session, actor, matching(session, terms)).limit(limit + 1).offset(offset)
    first_page_plan(session)
    found = list(session.scalars(q))
    page = found[:limit]
    # The same nearest deadline and handler as the ledger list shows for each clue.
    due = due_dates(session, [c.id for c in page])
    handlers = handler_names(session, [c.handler_id for c in page])
    rows = []
    for clue in page:
        snippet, hits = highlight(clue.summary, query)
        nearest, provisional = due.get(clue.id, (None, False))
        row = summary_row(clue, nearest, provisional, handler=handlers.get(clue.handler_id or 0))
        rows.append({**row, "snippet": snippet, "hits": [list(h) for h in hits]})
    audit(session, actor, "search", "clue", None, None, {"query": query, "rows": len(rows)})
    return {"query": query, "results": rows, "more": len(found) > limit, "offset": offset}
