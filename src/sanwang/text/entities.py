"""Entity extraction (实体抽取): rules and gazetteer combined into one non-overlapping list per text.

``extract(text, gazetteer)`` runs the rule extractors of ``sanwang.text.patterns`` and, when given, the
gazetteer of known names, then keeps a set of non-overlapping entities chosen greedily by priority:

1. **Validated patterns first** — id_number, bank_card, phone, plate, date, amount. Their shapes are checked
   (checksum, Luhn, calendar), so when one overlaps a name candidate the pattern is the better reading.
2. **Gazetteer first** for the name types (person, org, place, position): a name the system already knows (an
   official in the registry, a unit, a gang member) is exact; a rule or model hit is a guess.
3. **Longer before shorter** among the guesses: 昭通市公安局 (org) over 昭通市 (place), 某镇派出所 (org) over
   某镇 (place), 陈某某 over 陈某 — whether the rules or the name model (``sanwang.text.ner``) proposed them.
4. On equal length **a rule wins over the model**, whatever the types (rules fire only where the context is
   near certain: 某镇 in 某镇镇长 is the rule's place, not a unit the model guessed).
5. **Type order** on equal length and source: the order of the list in point 1, then org, place, person,
   position (a unit ending is more specific than a region name of the same span, a person more specific than a
   title); then higher confidence, then the earlier start — so the result is deterministic.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from sanwang.text import ner
from sanwang.text.entity_types import ENTITY_TYPES, Entity, EntityType, EntityValue, Source
from sanwang.text.gazetteer import Gazetteer
from sanwang.text.patterns import role_ends, rule_entities

__all__ = ["ENTITY_TYPES", "Entity", "EntityType", "EntityValue", "Gazetteer", "Source", "extract", "resolve_overlaps"]

_PATTERNED: tuple[EntityType, ...] = ("id_number", "bank_card", "phone", "plate", "date", "amount")
_TYPE_RANK: dict[EntityType, int] = {t: i for i, t in enumerate((*_PATTERNED, "org", "place", "person", "position"))}
_EXACT: dict[Source, int] = {"gazetteer": 0, "rule": 1, "model": 1}
_GUESS: dict[Source, int] = {"gazetteer": 0, "rule": 0, "model": 1}


def _priority(e: Entity) -> tuple[int, int, int, int, int, float, int]:
    tier = 0 if e.type in _PATTERNED else 1
    exact = _EXACT[e.source] if tier else 0
    # On one span a rule's reading beats the model's whatever the types (某镇: the rule's place, not the model's
    # unit); the type decides between readings of the same source.
    return (tier, exact, -(e.end - e.start), _GUESS[e.source], _TYPE_RANK[e.type], -e.confidence, e.start)


def resolve_overlaps(candidates: list[Entity]) -> list[Entity]:
    """A non-overlapping subset of ``candidates`` chosen by priority (module docstring), sorted by start."""
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[Entity] = []
    for e in sorted(candidates, key=_priority):
        # Accepted spans are kept sorted and disjoint, so only the neighbours at the insertion point can overlap.
        i = bisect.bisect_left(starts, e.start)
        if (i > 0 and ends[i - 1] > e.start) or (i < len(starts) and starts[i] < e.end):
            continue
        starts.insert(i, e.start)
        ends.insert(i, e.end)
        chosen.insert(i, e)
    return chosen


def extract(text: str, gazetteer: Gazetteer | Sequence[Gazetteer] | None = None, *, model: bool = True) -> list[Entity]:
    """Entities in ``text`` (offsets into it, ``text[e.start:e.end] == e.text``), non-overlapping, by start.

    ``gazetteer``: one or several (a shared one of known names and a small one of this text's own subjects).
    ``model=False`` leaves out the name model (rules and gazetteer only: ten times faster, for bulk screening
    where the registry names are what matters).
    """
    if not text:
        return []
    candidates = rule_entities(text)
    if model and ner.available():
        candidates.extend(ner.model_entities(text))
    gazetteers = [] if gazetteer is None else [gazetteer] if isinstance(gazetteer, Gazetteer) else list(gazetteer)
    if gazetteers:
        # A short known name the guard would drop is kept where a rule or the model read a person of exactly
        # that span, or where it follows a title (科长方玉长期…).
        confirmed = {(e.start, e.end) for e in candidates if e.type == "person"}
        title_ends = {e.end for e in candidates if e.type == "position"} | role_ends(text)
        titles = [(e.start, e.end) for e in candidates if e.type == "position"]
        for gaz in gazetteers:
            candidates.extend(gaz.find(text, confirmed, title_ends, titles))
    return resolve_overlaps(candidates)
