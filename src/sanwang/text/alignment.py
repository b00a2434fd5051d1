"""Aligned edits (对齐编辑): the bookkeeping that lets every normalisation step say where its output came from.

Each step of :func:`sanwang.text.normalize.normalize` reads a string and returns an :class:`Edit`: the new
string plus, for every output character, the half-open span ``[start, end)`` of the step's *input* it was made
from, plus the repairs it made. Steps never invent a character out of nothing (every output character has a
non-empty source span), so spans compose by plain indexing: ``orig_start = prev_start[step_start]`` and
``orig_end = prev_end[step_end - 1]``. Characters a step deletes simply belong to no span (a gap), unless the
step deliberately attaches them to a neighbour (a pinyin annotation belongs to the character it annotates).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RepairKind(StrEnum):
    """What a repair did (修复类别)."""

    PINYIN_ANNOTATION = "pinyin_annotation"  # 拼音注音: `來(lái)` → `来`, the parenthesised reading removed
    LOST_CHARACTER = "lost_character"  # 缺字: `?(bào)` → `报`, a character restored from its reading and context
    INVALID_CHARACTER = "invalid_character"  # 乱码字符: U+FFFD with no reading → placeholder


PLACEHOLDER = "□"  # 缺字符号: stands for a character we know was there but cannot infer with confidence


@dataclass(frozen=True, slots=True)
class Repair:
    """One converter artefact removed or one lost character restored (修复记录), in original coordinates."""

    kind: RepairKind
    start: int  # span [start, end) in the verbatim original
    end: int
    original: str  # the verbatim damaged text, e.g. "(lái)" or "?qǐng)?bào)"
    replacement: str  # what the normalised text has instead: "" (removed), the restored character, or □
    confidence: float  # 1.0 for a reading that matches; for a restoration, best / (best + runner-up)
    resolved: bool = True  # False when a placeholder stands in for a character we could not infer
    reading: str = ""  # the pinyin the artefact carried
    candidates: tuple[str, ...] = ()  # the best few candidates considered, best first

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": str(self.kind),
            "start": self.start,
            "end": self.end,
            "original": self.original,
            "replacement": self.replacement,
            "confidence": round(self.confidence, 4),
            "resolved": self.resolved,
            "reading": self.reading,
            "candidates": list(self.candidates),
        }


@dataclass(slots=True)
class Edit:
    """The output of one step: text, per-character source spans in the step's input, repairs (input coords).

    ``aligned`` edits replace characters one for one (same length, character i from character i); their spans
    are the identity and are left empty, so composing them costs nothing.
    """

    text: str
    starts: list[int]
    ends: list[int]
    repairs: list[Repair] = field(default_factory=list)
    aligned: bool = False

    @classmethod
    def one_to_one(cls, text: str) -> Edit:
        return cls(text, [], [], aligned=True)


class EditBuilder:
    """Accumulates output pieces with their source spans; cheap for long unchanged runs (由片段拼出对齐)."""

    __slots__ = ("_parts", "_starts", "_ends", "repairs")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._starts: list[int] = []
        self._ends: list[int] = []
        self.repairs: list[Repair] = []

    def copy(self, source: str, i: int, j: int) -> None:
        """Copy source[i:j] unchanged, each character aligned to itself."""
        if j > i:
            self._parts.append(source[i:j])
            self._starts.extend(range(i, j))
            self._ends.extend(range(i + 1, j + 1))

    def emit(self, piece: str, start: int, end: int) -> None:
        """Output ``piece``, every character of it made from source[start:end] (end > start)."""
        if piece:
            self._parts.append(piece)
            self._starts.extend([start] * len(piece))
            self._ends.extend([end] * len(piece))

    def emit_aligned(self, piece: str, start: int) -> None:
        """Output ``piece`` whose i-th character replaces source[start + i] (same length, 1:1)."""
        n = len(piece)
        if n:
            self._parts.append(piece)
            self._starts.extend(range(start, start + n))
            self._ends.extend(range(start + 1, start + n + 1))

    def extend_last(self, end: int) -> None:
        """Let the last output character also own the deleted source up to ``end`` (an annotation it carried)."""
        if self._ends:
            self._ends[-1] = max(self._ends[-1], end)

    def build(self) -> Edit:
        return Edit("".join(self._parts), self._starts, self._ends, self.repairs)
