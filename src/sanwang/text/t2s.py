"""Traditional → simplified conversion (繁体转简体) with OpenCC's t2s data, fast and character-aligned.

``opencc-python-reimplemented`` ships OpenCC's dictionaries but converts at about 2.5 ms per 300 characters,
far too slow for millions of petitions. This module reads the *same* dictionary files (TSCharacters.txt and
TSPhrases.txt, the ``t2s`` configuration) and reproduces OpenCC's result: phrases first, longest match first
(leftmost among equals) without overlap, then character by character for the rest — the exact order of
OpenCC's ``StringTree``. Characters go through ``str.translate`` (C speed); phrases are only looked for where
one of their first characters occurs. The tests check the output equals ``OpenCC('t2s').convert``, with one
deliberate difference: OpenCC's t2s is not idempotent (乾清宮 → 乾清宫 → 干清宫, 薴 → 苧 → 苎), ours is — character
chains are followed to their end and a phrase's converted form is protected like the phrase itself.

Alignment: a character converts to one character, so those are 1:1. A phrase whose conversion has the same
length is aligned character by character too; one of a different length (none in the current data, but the
data may change) maps every output character to the whole source phrase — coarse, never wrong.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from sanwang.text.alignment import Edit, EditBuilder

_T2S_SEPARATORS = frozenset(" \t\n\r-,.?!*　，。、；：？！…“”‘’『』「」—－（）《》〈〉～．／＼［］｛｝【】")


def _read_dictionary(name: str) -> dict[str, str]:
    # The first of several values is the one OpenCC uses ("乾\t干 乾" → 干).
    text = resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if "\t" in line:
            key, values = line.split("\t", 1)
            table[key] = values.split(" ")[0]
    return table


class _T2S:
    """The loaded tables: a translate table for characters, and phrases indexed by their first character."""

    def __init__(self) -> None:
        chars = {k: v for k, v in _read_dictionary("TSCharacters.txt").items() if len(k) == 1 and len(v) == 1}
        # Follow chains to their end (薴 → 苧 → 苎) so a second conversion changes nothing (idempotence).
        for k in chars:
            seen = {k}
            while chars[k] in chars and chars[k] not in seen:
                seen.add(chars[k])
                chars[k] = chars[chars[k]]
        self.char_table: dict[int, str] = {ord(k): v for k, v in chars.items()}
        self.phrases: dict[str, str] = {
            k: v for k, v in _read_dictionary("TSPhrases.txt").items() if not (_T2S_SEPARATORS & set(k))
        }
        # A phrase's simplified form must survive a second pass too: 乾清宮 → 乾清宫, and 乾清宫 must not then
        # become 干清宫 character by character. So the converted form is itself a (fixed) phrase.
        for value in list(self.phrases.values()):
            if value not in self.phrases and value.translate(self.char_table) != value:
                self.phrases[value] = value
        self.lengths: dict[str, tuple[int, ...]] = {}
        for key in self.phrases:
            self.lengths[key[0]] = tuple(sorted({*self.lengths.get(key[0], ()), len(key)}, reverse=True))
        changing = {k for k, v in chars.items() if k != v}
        # A text with none of the changing characters can only change through a phrase that has none of them
        # either yet converts to something else: add the characters such a phrase changes.
        quiet: set[str] = set()
        for k, v in self.phrases.items():
            if v == k or changing & set(k):
                continue
            if len(k) == len(v):  # e.g. 一目瞭然 → 一目了然, where 瞭 alone stays 瞭: 瞭 is the trigger
                quiet.update(a for a, b in zip(k, v, strict=True) if a != b)
            else:
                quiet.update(k)
        # Python's re scans a class of BMP characters with a bitmap, but one astral character in the class turns
        # it into a linear list (≈100× slower). So: BMP triggers in one class; any astral character at all
        # sends the text down the full path.
        triggers = changing | quiet
        self.triggers = re.compile(
            "[" + "".join(re.escape(c) for c in sorted(triggers) if ord(c) < 0x10000) + "]|[\U00010000-\U0010ffff]"
        )
        # str.translate looks a list up faster than a dict: identity entries are code points, changes strings.
        # Astral characters fall outside the list (a LookupError means "unchanged"), so text with any goes
        # through the dict.
        self.bmp_table: list[int | str] = list(range(0x10000))
        for code, value in self.char_table.items():
            if code < 0x10000:
                self.bmp_table[code] = value
        self.astral = re.compile("[\U00010000-\U0010ffff]")
        self.phrase_start = re.compile("[" + "".join(re.escape(c) for c in sorted(self.lengths)) + "]")

    def translate(self, text: str) -> str:
        """Character by character (phrases already handled by the caller)."""
        if self.astral.search(text) is None:
            return text.translate(self.bmp_table)
        return text.translate(self.char_table)


@lru_cache(maxsize=1)
def tables() -> _T2S:
    """Loaded once per process (about 20 ms)."""
    return _T2S()


def to_simplified_char(ch: str) -> str:
    """One character's simplified form (context-free), e.g. for scoring candidates."""
    return tables().char_table.get(ord(ch), ch) if len(ch) == 1 else ch


def _phrase_matches(text: str, t: _T2S) -> list[tuple[int, int]]:
    """Non-overlapping phrase matches chosen longest first, then leftmost — OpenCC's StringTree order."""
    found: list[tuple[int, int]] = []
    for m in t.phrase_start.finditer(text):
        p = m.start()
        for n in t.lengths[text[p]]:
            if text[p : p + n] in t.phrases:
                found.append((p, n))
    if not found:
        return []
    found.sort(key=lambda pn: (-pn[1], pn[0]))
    taken = bytearray(len(text))
    chosen: list[tuple[int, int]] = []
    for p, n in found:
        if not any(taken[p : p + n]):
            taken[p : p + n] = b"\x01" * n
            chosen.append((p, n))
    chosen.sort()
    return chosen


def convert(text: str) -> str:
    """Traditional → simplified, as ``OpenCC('t2s').convert(text)`` but idempotent (see the module docstring)."""
    edit = t2s_edit(text)
    return text if edit is None else edit.text


def t2s_edit(text: str) -> Edit | None:
    """The t2s step as an aligned edit, or None when nothing changes (the common case for simplified input)."""
    t = tables()
    # One C-speed search decides the common case (simplified input: nothing to do).
    if t.triggers.search(text) is None:
        return None
    chosen = _phrase_matches(text, t)
    if not chosen:
        out = t.translate(text)
        return None if out == text else Edit.one_to_one(out)
    b = EditBuilder()
    pos = 0
    for p, n in chosen:
        b.emit_aligned(t.translate(text[pos:p]), pos)
        value = t.phrases[text[p : p + n]]
        if len(value) == n:
            b.emit_aligned(value, p)
        else:
            b.emit(value, p, p + n)
        pos = p + n
    b.emit_aligned(t.translate(text[pos:]), pos)
    edit = b.build()
    if edit.text == text:
        return None
    return Edit.one_to_one(edit.text) if len(edit.text) == len(text) else edit
