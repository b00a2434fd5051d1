"""Near-duplicate suggestions (重复件提示): clues whose texts say nearly the same, for a person to confirm.

Lookup keys (``clue_bands``) are derived after registration — at the end of ``sanwang clue import``, by
``sanwang init``, and before any suggestion is made — so that the clerk's registration stays fast. A suggestion
is only that: linking a duplicate is the workflow step ``clue duplicate`` (``mark_duplicate``), taken by a person.
A person who finds a suggested pair to be different matters dismisses it (``dismiss``: a ``not_duplicate`` link
with the reason in both clues' history); it is not suggested again unless asked for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import insert, or_, select
from sqlalchemy.orm import Session

from sanwang.domain.errors import AccessDenied, TransitionRefused, ValidationError
from sanwang.domain.workflow import DUPLICATE_ROLES, Actor
from sanwang.services.clues import get_clue
from sanwang.services.context import business_day, record
from sanwang.services.policy import audit, check_clue, find_clue, restrict_clues
from sanwang.store.tables import Clue, ClueBand, ClueLink, ClueSubject
from sanwang.text.neardup import STRONG, THRESHOLD, band_keys, similarity, suggested

BATCH = 2_000
NOT_DUPLICATE = "not_duplicate"  # the clue_links kind of a dismissed suggestion


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


def _dismissed(session: Session, clue_id: int) -> set[int]:
    """Clues dismissed as not duplicates of ``clue_id``, in either direction."""
    links = session.execute(
        select(ClueLink.clue_id, ClueLink.other_id).where(
            ClueLink.kind == NOT_DUPLICATE, or_(ClueLink.clue_id == clue_id, ClueLink.other_id == clue_id)
        )
    )
    return {b if a == clue_id else a for a, b in links}


def dismiss(
    session: Session, *, actor: Actor, number: str, other: str, reason: str, on: date | None = None
) -> dict[str, Any]:
    """Record that clues ``number`` and ``other`` are not the same matter (不是重复件): they are no longer suggested
    to each other. Added, never removed — a later ``clue duplicate`` still links them if a person decides so."""
    if not (reason or "").strip():
        raise ValidationError("排除疑似重复须说明理由", "state why the two clues are not duplicates", field="reason")
    if not actor.has(*DUPLICATE_ROLES):
        raise AccessDenied(
            "只有受理、案管人员或领导可以排除疑似重复件", "only intake, case management or leaders dismiss"
        )
    a = get_clue(session, number)
    check_clue(session, actor, a)
    b = find_clue(session, actor, other)  # the other clue is typed in: one the actor may not see is "not found"
    if a.id == b.id:
        raise TransitionRefused("线索不能与自身比较", "a clue cannot be compared with itself")
    if a.duplicate_of_id == b.id or b.duplicate_of_id == a.id:
        raise TransitionRefused(
            f"{a.number} 与 {b.number} 已关联为重复件", f"{a.number} and {b.number} are already linked as duplicates"
        )
    if b.id in _dismissed(session, a.id):
        return {"number": a.number, "other": b.number, "dismissed": False, "already": True}
    day = business_day(on)
    session.add(ClueLink(clue_id=a.id, other_id=b.id, kind=NOT_DUPLICATE, created_on=day, created_by=actor.user_id))
    for this, that in ((a, b), (b, a)):
        record(session, "clue", this.id, "not_duplicate", actor=actor, day=day, from_state=this.state,
               to_state=this.state, reason=reason, data={"other": that.number})  # fmt: skip
    return {"number": a.number, "other": b.number, "dismissed": True, "already": False}


def suggest(
    session: Session, *, actor: Actor, number: str, limit: int = 10, include_dismissed: bool = False
) -> dict[str, Any]:
    """Clues the actor may see whose text nearly matches clue ``number``'s (``neardup.suggested``): those naming
    the same subject first, then by similarity. Pairs a person dismissed are left out unless
    ``include_dismissed`` (then they carry ``dismissed: true``)."""
    clue = get_clue(session, number)
    check_clue(session, actor, clue)
    ensure_banded(session)
    dismissed = _dismissed(session, clue.id)
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
        if other.id in dismissed and not include_dismissed:
            continue
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
                    "dismissed": other.id in dismissed,
                    "summary": other.summary,
                }
            )
    # A report naming the same person is likelier the same matter than one that only shares wording.
    found.sort(key=lambda r: (not r["same_subject"], -r["similarity"], r["number"]))
    audit(session, actor, "similar", "clue", clue.id, None, {"rows": len(found[:limit])})
    return {"number": clue.number, "threshold": THRESHOLD, "strong": STRONG, "similar": found[:limit]}
