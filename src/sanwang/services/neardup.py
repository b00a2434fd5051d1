"""Near-duplicate suggestions (重复件提示): clues whose texts say nearly the same, for a person to confirm.

Lookup keys (``clue_bands``) are derived after registration — at the end of ``sanwang clue import``, by
``sanwang init``, and before any suggestion is made — so that the clerk's registration stays fast. A suggestion
is only that: linking a duplicate is the workflow step ``clue duplicate`` (``mark_duplicate``), taken by a person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from sanwang.domain.workflow import Actor
from sanwang.services.clues import get_clue
from sanwang.services.policy import audit, check_clue, restrict_clues
from sanwang.store.tables import Clue, ClueBand, ClueSubject
from sanwang.text.neardup import STRONG, THRESHOLD, band_keys, similarity, suggested

BATCH = 2_000


def ensure_banded(session: Session) -> int:
    """Compute the lookup keys of every clue that has none yet. Returns how many clues were keyed."""
    missing = select(Clue.id, Clue.summary).where(~select(ClueBand.id).where(ClueBand.clue_id == Clue.id).exists())
    done = 0
    while True:
        rows = session.execute(missing.order_by(Clue.id).limit(BATCH)).all()
        if not rows:
            return done
        keys = [{"clue_id": cid, "band_key": k} for cid, body in rows for k in (band_keys(body) or [0])]
        session.execute(insert(ClueBand), keys)
        done += len(rows)


def _subject_names(session: Session, clue_ids: list[int]) -> set[str]:
    return {n for n in session.scalars(select(ClueSubject.name).where(ClueSubject.clue_id.in_(clue_ids))) if n}


def suggest(session: Session, *, actor: Actor, number: str, limit: int = 10) -> dict[str, Any]:
    """Clues the actor may see whose text nearly matches clue ``number``'s (``neardup.suggested``): those naming
    the same subject first, then by similarity."""
    clue = get_clue(session, number)
    check_clue(session, actor, clue)
    ensure_banded(session)
    mine = select(ClueBand.band_key).where(ClueBand.clue_id == clue.id, ClueBand.band_key != 0)
    candidates = restrict_clues(
        session,
        actor,
        select(Clue)
        .where(Clue.id.in_(select(ClueBand.clue_id).where(ClueBand.band_key.in_(mine))), Clue.id != clue.id)
        .order_by(Clue.id),
    )
    found: list[dict[str, Any]] = []
    names = _subject_names(session, [clue.id])
    for other in session.scalars(candidates):
        score = similarity(clue.summary, other.summary)
        if score < THRESHOLD:
            continue
        same = bool(names & _subject_names(session, [other.id]))
        if suggested(score, same):
            linked = other.id == clue.duplicate_of_id or other.duplicate_of_id == clue.id
            found.append(
                {
                    "number": other.number,
                    "similarity": round(score, 3),
                    "same_subject": same,
                    "state": other.state,
                    "received": other.received.isoformat(),
                    "linked": linked,
                    "summary": other.summary,
                }
            )
    # A report naming the same person is likelier the same matter than one that only shares wording.
    found.sort(key=lambda r: (not r["same_subject"], -r["similarity"], r["number"]))
    audit(session, actor, "similar", "clue", clue.id, None, {"rows": len(found[:limit])})
    return {"number": clue.number, "threshold": THRESHOLD, "strong": STRONG, "similar": found[:limit]}
