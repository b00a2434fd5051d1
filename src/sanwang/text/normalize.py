"""Text normalisation (文本规范化) with an offset map back to the verbatim original.

``normalize(text)`` runs a chain of steps; each returns an aligned :class:`~sanwang.text.alignment.Edit` (or
None when it changes nothing, the usual case for clean text), and the spans are composed as they go:

1. converter artefacts (拼音注音): ``來(lái)`` → ``來`` — :func:`sanwang.text.pinyin_repair.strip_annotations`
2. lost characters (缺字): ``日?qǐng)?bào)`` → ``日报``, or □ when not confident — ``restore_lost``
   (then step 1 once more, for an annotation that only now follows a character)
3. traditional → simplified (繁转简), OpenCC t2s data — :func:`sanwang.text.t2s.t2s_edit`
4. width (全角转半角): full-width letters, digits and ASCII symbols become half-width; **kept full-width**, because
   they are Chinese sentence punctuation and downstream rules expect them: ``，！？：；（）`` (and, untouched
   anyway, ``。、“”‘’《》【】…—``). Half-width CJK forms (｡｢｣､) become ``。「」、``; U+3000 and other Unicode
   spaces become a plain space. ASCII punctuation is *not* turned full-width: that would guess.
5. whitespace (空白): runs of spaces/tabs → one space; any run containing a line break → one ``\\n`` (a
   paragraph break; blank lines between paragraphs collapse, so every source gives one paragraph per line);
   leading/trailing whitespace of the text and of every line removed; zero-width and control characters dropped.

The original is kept verbatim on the result; ``to_original`` and ``span_to_original`` map back, and
``repairs`` lists what was removed or restored, in original coordinates, with a confidence.
The result is idempotent: ``normalize(normalize(x).text).text == normalize(x).text``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sanwang.text.alignment import Edit, EditBuilder, Repair
from sanwang.text.pinyin_repair import restore_lost, strip_annotations
from sanwang.text.t2s import t2s_edit

# Full-width forms kept as they are: Chinese sentence punctuation (中文标点).
KEEP_FULL_WIDTH = frozenset("，！？：；（）")

_WIDTH_TABLE: dict[int, str] = {
    code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in KEEP_FULL_WIDTH
}
_WIDTH_TABLE.update({0xFF61: "。", 0xFF62: "「", 0xFF63: "」", 0xFF64: "、"})
for _space in "\u3000\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f":
    _WIDTH_TABLE[ord(_space)] = " "

_LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")
# Whitespace plus what renders as nothing (zero-width, BOM, C0/C1 controls): all handled as one run.
_WS_RUN = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]+")


_WIDTH_NEEDED = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_WIDTH_TABLE)) + "]")


def _width_edit(text: str) -> Edit | None:
    # A regex search runs in C; str.translate with a dict costs a Python lookup per character, so only
    # translate text that has something to translate.
    if _WIDTH_NEEDED.search(text) is None:
        return None
    return Edit.one_to_one(text.translate(_WIDTH_TABLE))  # every mapping is one character to one


# Whitespace other than a plain space or \n, and invisibles. Listed explicitly: a class built on \s is
# an order of magnitude slower to search than a class of BMP code points.
_WS_ODD = re.compile(
    r"[\t\r\v\f\x1c-\x1f\x85\xa0\u1680\u2000-\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
    r"\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]"
)


def _whitespace_edit(text: str) -> Edit | None:
    # Clean text is recognised by a few C-speed searches; only text with something to do is walked.
    if (
        _WS_ODD.search(text) is None
        and "  " not in text
        and "\n\n" not in text
        and " \n" not in text
        and "\n " not in text
        and not (text and (text[0] in " \n" or text[-1] in " \n"))
    ):
        return None
    n = len(text)
    b = EditBuilder()
    pos = 0
    for m in _WS_RUN.finditer(text):
        i, j = m.span()
        run = m.group()
        if (run == " " or run == "\n") and i > 0 and j < n:
            continue  # already normal: stays inside the next copied stretch
        b.copy(text, pos, i)
        pos = j
        if i == 0 or j == n:
            continue  # leading / trailing whitespace goes
        brk = next((k for k, c in enumerate(run) if c in _LINE_BREAKS), -1)
        if brk >= 0:
            b.emit("\n", i + brk, i + brk + 1)
            continue
        space = next((k for k, c in enumerate(run) if c.isspace()), -1)
        if space >= 0:
            b.emit(" ", i + space, i + space + 1)
        # otherwise only invisible characters: dropped
    b.copy(text, pos, n)
    return b.build()


Step = Callable[[str], Edit | None]


def _annotations_again(text: str) -> Edit | None:
    # Restoring a character can leave an annotation right after it (`?(bào)(bào)`); strip it now, so a second
    # normalisation finds nothing left to do (idempotence).
    return strip_annotations(text)


STEPS: tuple[Step, ...] = (strip_annotations, restore_lost, _annotations_again, t2s_edit, _width_edit, _whitespace_edit)


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised text (规范化文本) with its verbatim original, offset map and repair list."""

    text: str
    original: str
    repairs: tuple[Repair, ...] = ()
    # Per normalised character, the original span [start, end) it came from; None = identity (i ↔ i).
    _starts: list[int] | None = field(default=None, repr=False, compare=False)
    _ends: list[int] | None = field(default=None, repr=False, compare=False)

    def to_original(self, i: int) -> int:
        """Index in the original of normalised character ``i``; ``len(text)`` maps to ``len(original)``."""
        n = len(self.text)
        if not 0 <= i <= n:
            raise IndexError(f"offset {i} outside 0..{n}")
        if i == n:
            return len(self.original)
        return i if self._starts is None else self._starts[i]

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original span covering normalised ``text[start:end]`` (an empty span maps to an empty span)."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise IndexError(f"span {start}..{end} outside 0..{n}")
        if start == end:
            p = self.to_original(start)
            return p, p
        if self._starts is None or self._ends is None:
            return start, end
        return self._starts[start], self._ends[end - 1]

    def offsets(self) -> list[tuple[int, int]]:
        """The whole map: one original span per normalised character."""
        if self._starts is None or self._ends is None:
            return [(i, i + 1) for i in range(len(self.text))]
        return list(zip(self._starts, self._ends, strict=True))

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "original": self.original,
            "offsets": [list(p) for p in self.offsets()],
            "repairs": [r.to_dict() for r in self.repairs],
        }


def _repair_in_original(r: Repair, original: str, starts: list[int], ends: list[int]) -> Repair:
    # Steps never produce a repair with an empty source span, so end - 1 is a real character.
    a, b = starts[r.start], ends[r.end - 1]
    return replace(r, start=a, end=b, original=original[a:b])


def normalize(text: str) -> Normalized:
    """Normalise ``text`` (see the module docstring for the steps); the original is kept verbatim."""
    current = text
    starts: list[int] | None = None  # None while every step so far was the identity
    ends: list[int] | None = None
    repairs: list[Repair] = []
    for step in STEPS:
        edit = step(current)
        if edit is None:
            continue
        if edit.aligned:  # one for one: the map so far still holds
            pass
        elif starts is None or ends is None:
            repairs.extend(edit.repairs)
            starts, ends = edit.starts, edit.ends
        else:
            s0, e0 = starts, ends
            repairs.extend(_repair_in_original(r, text, s0, e0) for r in edit.repairs)
            starts = [s0[i] for i in edit.starts]
            ends = [e0[j - 1] for j in edit.ends]
        current = edit.text
    if starts is None:  # only one-for-one steps (or none): the identity map, stored as None
        return Normalized(current, text, tuple(repairs))
    return Normalized(current, text, tuple(repairs), starts, ends)
