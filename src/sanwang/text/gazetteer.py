"""Gazetteer (词典匹配): names the system already knows, found exactly in a text.

Entries are ``(text, type, key)``: an official's name from the registry with the person id, a unit name with
its unit code, a gang member's name from a police list. Matching runs an Aho-Corasick automaton (pyahocorasick,
C) over the text and keeps the leftmost-longest non-overlapping hits, so 昭阳区公安局 wins over 公安局 and a scan
costs one pass whatever the number of names.

Memory: the automaton stores only a slot number per name (``STORE_INTS``, no Python object per trie node);
the slot's type, length and key(s) sit in compact side tables. One name may belong to several entries (two
officials called 张伟): the hit then carries the tuple of their keys, and telling them apart is the job of
entity resolution, not of the gazetteer.

Two-character person names (guard, 双字人名防误配). A known name such as 张三 or 王平 also occurs inside other,
unknown names: 张三丰, 李王平. A two-character person hit is dropped when

1. the character after it is a Chinese character that does not usually follow a name (not a function word, not
   the first character of a typical verb, kin word or title: see ``lexicon.NAME_FOLLOW_CHARS``) — the hit is
   then probably the head of a three-character name (张三 in 张三丰, but kept in 张三收受 and 张三的); or
2. the character before it is a surname that is not also a function word (向, 和, 于 ... are kept) — the hit
   is then probably the given name of a three-character name (王平 in 李王平, but kept in 和王平).

Both rules trade recall for precision. So the guard yields to independent evidence that the name ends where the
known name ends: the caller may pass ``confirmed`` spans (the rules or the name model read a person exactly
there) and ``title_ends`` (positions where a title or role word ends: 科长方玉长期… names 方玉, not 方玉长).
Conversely a person name starting inside one of the ``titles`` spans is a misreading (主任林强元 holds 任林).
Names of three or more characters and all other types are taken as they are.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Iterable

import ahocorasick

from sanwang.text.entity_types import ENTITY_TYPES, Entity, EntityType
from sanwang.text.lexicon import FUNCTION_CHARS, NAME_FOLLOW_CHARS, is_han
from sanwang.text.surnames import SINGLE_SURNAMES

# When one text is registered under several types, the type listed first here wins (a registry of people and
# a registry of units rarely collide; if they do, the person reading matters more to the analysis).
_TYPE_ORDER: tuple[EntityType, ...] = ENTITY_TYPES  # person, org, place, position, then the patterned types
_TYPE_CODE: dict[str, int] = {t: i for i, t in enumerate(_TYPE_ORDER)}
_PERSON = _TYPE_CODE["person"]


class Gazetteer:
    """An exact-match dictionary of known names, scanned with Aho-Corasick (longest match, no overlaps)."""

    __slots__ = ("_automaton", "_types", "_lengths", "_keys", "dropped")

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        self._types = array("B")  # slot → index into _TYPE_ORDER
        self._lengths = array("H")  # slot → length of the name in characters
        self._keys: list[str | tuple[str, ...]] = []  # slot → key, or keys when the name is shared
        # Entries set aside because their text was already registered under a type that wins (see _TYPE_ORDER).
        self.dropped = 0

    @classmethod
    def build(cls, entries: Iterable[tuple[str, str, str]]) -> Gazetteer:
        """A gazetteer of ``(text, type, key)`` entries; blank texts are skipped, unknown types refused."""
        gaz = cls()
        automaton = gaz._automaton
        for text, kind, key in entries:
            name = text.strip()
            if not name:
                continue
            code = _TYPE_CODE.get(kind)
            if code is None:
                raise ValueError(
                    f"unknown entity type {kind!r} for gazetteer entry {name!r}; use one of {ENTITY_TYPES}"
                )
            if len(name) > 0xFFFF:
                raise ValueError(f"gazetteer entry too long ({len(name)} characters): {name[:20]!r}…")
            slot = automaton.get(name, -1)
            if slot < 0:
                automaton.add_word(name, len(gaz._keys))
                gaz._types.append(code)
                gaz._lengths.append(len(name))
                gaz._keys.append(key)
                continue
            gaz._merge(slot, code, key)
        if len(automaton):
            automaton.make_automaton()
        return gaz

    def _merge(self, slot: int, code: int, key: str) -> None:
        held = self._types[slot]
        if code > held:
            self.dropped += 1
            return
        if code < held:
            # The winning type replaces the keys gathered under the losing one.
            self.dropped += len(self._keys[slot]) if isinstance(self._keys[slot], tuple) else 1
            self._types[slot] = code
            self._keys[slot] = key
            return
        current = self._keys[slot]
        keys = current if isinstance(current, tuple) else (current,)
        if key not in keys:
            self._keys[slot] = (*keys, key)

    def __len__(self) -> int:
        """The number of distinct names."""
        return len(self._keys)

    def find(
        self,
        text: str,
        confirmed: Collection[tuple[int, int]] = (),
        title_ends: Collection[int] = (),
        titles: Collection[tuple[int, int]] = (),
    ) -> list[Entity]:
        """Known names in ``text``, leftmost-longest and non-overlapping, sorted by start (``confirmed`` and
        ``title_ends``: evidence that lifts the two-character guard, see the module docstring)."""
        types, keys = self._types, self._keys
        # One list comprehension with positional arguments: this runs once per hit, and a generator or keyword
        # arguments cost a third more per entity.
        return [
            Entity(_TYPE_ORDER[types[slot]], text[start:end], start, end, keys[slot], "gazetteer")
            for start, end, slot in self.scan(text, confirmed, title_ends, titles)
        ]

    def scan(
        self,
        text: str,
        confirmed: Collection[tuple[int, int]] = (),
        title_ends: Collection[int] = (),
        titles: Collection[tuple[int, int]] = (),
    ) -> list[tuple[int, int, int]]:
        """``(start, end, slot)`` of the leftmost-longest non-overlapping hits, guard applied, by start.

        Every match the automaton reports (nested ones included) is sorted by start, longest first, and taken
        greedily. pyahocorasick's own ``iter_long`` is not used: it misses a short name that follows the
        unfinished prefix of a longer one (names 乙 and 丁乙丁 in the text 丁乙 give nothing).
        """
        if not self._keys or not text:
            return []
        lengths, types = self._lengths, self._types
        # (start, -end) sorts leftmost first and, at one start, longest first.
        matches = sorted([(last + 1 - lengths[slot], -last - 1, slot) for last, slot in self._automaton.iter(text)])
        chosen: list[tuple[int, int, int]] = []
        taken_to = 0
        for start, neg_end, slot in matches:
            end = -neg_end
            if start < taken_to:
                continue
            if (
                types[slot] == _PERSON
                and end - start == 2
                and not _two_char_name_stands_alone(text, start, end)
                and start not in title_ends
                and (start, end) not in confirmed
            ):
                continue
            if titles and types[slot] == _PERSON and any(a < start < b for a, b in titles):
                continue
            chosen.append((start, end, slot))
            taken_to = end
        return chosen

    def memory_estimate(self) -> int:
        """Bytes held by the automaton and the side tables (the keys' string objects not counted)."""
        stats = self._automaton.get_stats() if len(self._automaton) else {"total_size": 0}
        return int(stats["total_size"]) + self._types.itemsize * len(self._types) + 2 * len(self._lengths)


def _two_char_name_stands_alone(text: str, start: int, end: int) -> bool:
    """The guard described in the module docstring: False when the hit is probably part of a longer name."""
    if end < len(text):
        after = text[end]
        if is_han(after) and after not in NAME_FOLLOW_CHARS:
            return False
    if start > 0:
        before = text[start - 1]
        if before in SINGLE_SURNAMES and before not in FUNCTION_CHARS:
            return False
    return True
