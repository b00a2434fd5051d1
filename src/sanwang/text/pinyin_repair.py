"""Pinyin converter artefacts (拼音注音残留) and lost characters (缺字) — detection and repair.

Some web converters annotated every "hard" character with its reading, and a later encoding accident turned
some characters into ``?``. The damage looks like this::

    來(lái)源:昭通新聞網(wǎng)          → 来源:昭通新闻网      (annotations after a character)
    昭通日?qǐng)?bào)                   → 昭通日报             (lost character: `?` + reading, "(" sometimes eaten)

Two steps, each an aligned edit (see :mod:`sanwang.text.alignment`):

* :func:`strip_annotations` drops a parenthesised pinyin group right after CJK characters when it *is* their
  reading (pypinyin's heteronyms, then tone-insensitive), so ``(2019)``, ``(暂行)``, ``(see)`` or a reading that
  does not fit the character are never touched. ``中國(zhōng guó)`` (one syllable per character) works too.
* :func:`restore_lost` replaces ``?``/``？``/U+FFFD followed by a reading with the character of that reading
  which makes the best word with its neighbours, scored with jieba's dictionary frequencies (an offline word
  list). Only a clear winner is used; otherwise a placeholder □ stays and the repair is marked unresolved.

Lexicon and readings are loaded lazily on first need (pypinyin's table ≈0.4 s, jieba's dict.txt ≈1 s), so clean
text never pays for them.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sanwang.text.alignment import PLACEHOLDER, Edit, EditBuilder, Repair, RepairKind
from sanwang.text.t2s import to_simplified_char

# A syllable as converters write it: lowercase letters with tone marks, or a trailing tone digit.
_TONED_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYL = rf"[a-zü{_TONED_VOWELS}ê:]+[0-5]?"
_SYLS = rf"{_SYL}(?:[ '’]{_SYL})*"
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# A parenthesised reading right after a CJK character (ASCII or full-width brackets).
_ANNOTATION = re.compile(rf"(?<=[{_CJK}])[(（]({_SYLS})[)）]")
# One lost-character unit: a `?` then a reading; the "(" is sometimes swallowed by the same accident.
_ANNOTATION_AT = re.compile(rf"[(（]({_SYLS})[)）]")
_LOST_UNIT = rf"[?？\ufffd](?:[(（]{_SYLS}[)）]|{_SYLS}[)）])"
_LOST_RUN = re.compile(rf"(?:{_LOST_UNIT})+|\ufffd")
_LOST_UNIT_RE = re.compile(rf"[?？\ufffd]([(（])?({_SYLS})[)）]")
_SYL_SPLIT = re.compile(r"[ '’]")
_CJK_CHAR = re.compile(rf"[{_CJK}]")

# Tone-marked letter → (base letter, tone).
_TONE_MARKS: dict[str, tuple[str, int]] = {}
for _base, _marks in (("a", "āáǎà"), ("e", "ēéěè"), ("i", "īíǐì"), ("o", "ōóǒò"), ("u", "ūúǔù"), ("v", "ǖǘǚǜ")):
    for _tone, _mark in enumerate(_marks, start=1):
        _TONE_MARKS[_mark] = (_base, _tone)
_TONE_MARKS.update({"ń": ("n", 2), "ň": ("n", 3), "ǹ": ("n", 4), "ḿ": ("m", 2)})

Syllable = tuple[str, int]  # (base spelled with v for ü, tone 1–4; 0 = neutral or not written)

MIN_MARGIN = 4.0  # the winner's word frequency must be at least this many times the runner-up's
MAX_WORD = 4  # longest dictionary word tried around a lost character
CONTEXT = 3  # characters of context taken on each side
PREFIX_BEAM = 8  # first characters extended when a run stands for several lost characters


def parse_syllable(text: str) -> Syllable | None:
    """``"bào"`` / ``"bao4"`` / ``"lü"`` / ``"lu:3"`` → (base, tone); None when it cannot be a syllable."""
    s = text.strip().lower().replace("u:", "v").replace("ü", "v").replace("ê", "e")
    tone = 0
    if s and s[-1].isdigit():
        tone = int(s[-1]) % 5
        s = s[:-1]
    letters: list[str] = []
    for ch in s:
        if ch in _TONE_MARKS:
            base, t = _TONE_MARKS[ch]
            letters.append(base)
            tone = t
        elif "a" <= ch <= "z":
            letters.append(ch)
        else:
            return None
    return ("".join(letters), tone) if letters else None


@lru_cache(maxsize=8192)
def _split_syllables(group: str) -> tuple[Syllable, ...] | None:
    # Cached: a converter writes the same few hundred readings over and over.
    out: list[Syllable] = []
    for piece in _SYL_SPLIT.split(group):
        syl = parse_syllable(piece)
        if syl is None:
            return None
        out.append(syl)
    return tuple(out)


@lru_cache(maxsize=1)
def _pinyin_table() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict

    table: dict[int, str] = pinyin_dict
    return table


@lru_cache(maxsize=65536)
def readings(ch: str) -> frozenset[Syllable]:
    """Every reading pypinyin knows for a character and for its simplified form (heteronyms included)."""
    table = _pinyin_table()
    found: set[Syllable] = set()
    for c in {ch, to_simplified_char(ch)}:
        for r in table.get(ord(c), "").split(","):
            syl = parse_syllable(r) if r else None
            if syl:
                found.add(syl)
    return frozenset(found)


def reading_matches(ch: str, syl: Syllable) -> bool:
    """True when ``syl`` is a reading of ``ch``: exactly, or ignoring the tone (converters disagree on tones)."""
    known = readings(ch)
    if syl in known:
        return True
    return any(base == syl[0] for base, _ in known)


# ---------------------------------------------------------------------------------------------------------
# Step 1: annotations after characters (拼音注音)


@lru_cache(maxsize=65536)
def annotation_fits(chars: str, group: str) -> bool:
    """True when ``group`` ("bào", "zhōng guó") is the reading of the characters right before it.

    Cached on (characters, reading): a converter writes the same pairs over and over (對(duì) 14 times in
    one short article), so the common case is one dictionary look-up.
    """
    syls = _split_syllables(group)
    if syls is None or len(chars) != len(syls):
        return False
    return all(_CJK_CHAR.match(c) and reading_matches(c, syl) for c, syl in zip(chars, syls, strict=True))


def _group_length(group: str) -> int:
    return len(_SYL_SPLIT.split(group))


def strip_annotations(text: str) -> Edit | None:
    """Remove parenthesised readings that follow the characters they read; None when nothing is removed."""
    if "(" not in text and "（" not in text:
        return None
    b: EditBuilder | None = None
    pos = 0
    for m in _ANNOTATION.finditer(text):
        start = m.start()
        if start < pos:
            continue  # inside a repeated annotation already removed
        n = _group_length(m.group(1))
        if start < n or not annotation_fits(text[start - n : start], m.group(1)):
            continue
        if b is None:
            b = EditBuilder()
        b.copy(text, pos, start)
        end = m.end()
        b.repairs.append(Repair(RepairKind.PINYIN_ANNOTATION, start, end, m.group(0), "", 1.0, True, m.group(1)))
        # The same reading written twice (`我(wǒ)(wǒ)`) goes in this pass too, so the result is idempotent.
        while (again := _ANNOTATION_AT.match(text, end)) and annotation_fits(text[start - n : start], again.group(1)):
            b.repairs.append(
                Repair(RepairKind.PINYIN_ANNOTATION, end, again.end(), again.group(0), "", 1.0, True, again.group(1))
            )
            end = again.end()
        # The annotation belongs to the character(s) it reads: the last one's span swallows it, so a span
        # mapped back covers `來(lái)`, not just `來`.
        b.extend_last(end)
        pos = end
    if b is None:
        return None
    b.copy(text, pos, len(text))
    return b.build()


# ---------------------------------------------------------------------------------------------------------
# Step 2: lost characters (缺字复原)


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, int]:
    """jieba's dict.txt (word → frequency), read directly: no jieba import, no tokenizer initialisation."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:  # without jieba nothing is restored: placeholders, unresolved
        return {}
    path = Path(spec.origin).parent / "dict.txt"
    words: dict[str, int] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split(" ", 2)
            if len(parts) >= 2 and len(parts[0]) <= MAX_WORD:
                words[parts[0]] = int(parts[1])
    return words


@lru_cache(maxsize=1)
def _chars_by_reading() -> dict[str, dict[int, tuple[str, ...]]]:
    """base → tone → simplified characters with that reading (traditional ones folded into simplified)."""
    index: dict[str, dict[int, set[str]]] = {}
    for code, value in _pinyin_table().items():
        ch = to_simplified_char(chr(code))
        for r in value.split(","):
            syl = parse_syllable(r)
            if syl:
                index.setdefault(syl[0], {}).setdefault(syl[1], set()).add(ch)
    return {base: {tone: tuple(sorted(cs)) for tone, cs in tones.items()} for base, tones in index.items()}


@lru_cache(maxsize=4096)
def _candidates(syl: Syllable) -> tuple[str, ...]:
    """Characters read ``syl`` that the lexicon knows (a character it has never seen cannot be inferred)."""
    lexicon = _lexicon()
    tones = _chars_by_reading().get(syl[0], {})
    exact = tones.get(syl[1], ()) if syl[1] else ()
    pool = exact or tuple({c for cs in tones.values() for c in cs})  # tone not written, or no such tone
    return tuple(sorted((c for c in pool if c in lexicon), key=lambda c: (-lexicon[c], c)))


def _support(window: str, lo: int, hi: int, lexicon: dict[str, int]) -> int:
    """The frequency of the best dictionary word (2+ characters) covering every position in [lo, hi)."""
    best = 0
    for p in range(lo, hi):
        here = 0
        for a in range(max(0, p - MAX_WORD + 1), p + 1):
            for e in range(max(a + 2, p + 1), min(len(window), a + MAX_WORD) + 1):
                f = lexicon.get(window[a:e], 0)
                if f > here:
                    here = f
        if here == 0:
            return 0
        best = here if best == 0 else min(best, here)
    return best


@dataclass(frozen=True, slots=True)
class _Choice:
    text: str
    score: int
    prior: int  # single-character frequency, only to order candidates nobody supports


def _best_for(syls: tuple[Syllable, ...], left: str, right: str, lexicon: dict[str, int]) -> list[_Choice]:
    """Candidates for a sequence of lost characters, chosen left to right (greedy), best first."""
    choices: list[_Choice] = []
    first = _candidates(syls[0])
    if len(syls) > 1:
        # Several lost characters in a row: only the first characters that already make a word with the left
        # context (or the commonest ones) are extended, which keeps this at a few thousand look-ups.
        here = len(left)
        first = tuple(
            sorted(first, key=lambda c: (_support(left + c, here, here + 1, lexicon), lexicon.get(c, 0)), reverse=True)
        )[:PREFIX_BEAM]
    for c in first:
        text = c
        for syl in syls[1:]:
            nxt = _candidates(syl)
            if not nxt:
                break
            best_next, best_key = nxt[0], (-1, -1)
            for d in nxt:
                here = len(left) + len(text)
                key = (_support(left + text + d + right, here, here + 1, lexicon), lexicon.get(d, 0))
                if key > best_key:
                    best_next, best_key = d, key
            text += best_next
        window = left + text + right
        choices.append(_Choice(text, _support(window, len(left), len(left) + len(text), lexicon), lexicon.get(c, 0)))
    choices.sort(key=lambda ch: (-ch.score, -ch.prior, ch.text))
    return choices


def _hypotheses(units: list[tuple[Syllable, ...]]) -> list[tuple[Syllable, ...]]:
    """How many characters a damaged run stands for: one per syllable, or one (the last or first reading).

    ``?qǐng)?bào)`` (日报) is one character whose damage repeated itself; ``?(zhōng)?(guó)`` is two. The
    dictionary decides which reading of the run makes a word.
    """
    every = tuple(s for unit in units for s in unit)
    options = [every, units[-1], units[0]]
    out: list[tuple[Syllable, ...]] = []
    for o in options:
        if o not in out:
            out.append(o)
    return out


def _simplified_context(chars: Iterable[str]) -> str:
    return "".join(to_simplified_char(c) for c in chars)


def restore_lost(text: str) -> Edit | None:
    """Replace lost-character runs with the confidently inferred character or □; None when there are none."""
    if "?" not in text and "？" not in text and "\ufffd" not in text:
        return None
    b: EditBuilder | None = None
    pos = 0
    scan = 0
    while (m := _LOST_RUN.search(text, scan)) is not None:
        start, end = m.start(), m.end()
        repair = _restore_run(text, start, end)
        if repair is None:
            # Not one damaged run after all (a unit's reading is no reading: "�(see)?(bào)"). Settle its first unit
            # alone — a U+FFFD is still a lost character — and look again right after it, so that a good unit
            # further on is not left behind with the bad one.
            first = _LOST_UNIT_RE.match(text, start)
            end = first.end() if first is not None else start + 1
            repair = _restore_run(text, start, end) if end < m.end() else None
            if repair is None and text[start] == "\ufffd":
                end = start + 1
                repair = _restore_run(text, start, end)
            if repair is None:
                scan = start + 1
                continue
        if b is None:
            b = EditBuilder()
        b.copy(text, pos, start)
        b.emit(repair.replacement, start, end)
        b.repairs.append(repair)
        pos = scan = end
    if b is None:
        return None
    b.copy(text, pos, len(text))
    return b.build()


def _restore_run(text: str, start: int, end: int) -> Repair | None:
    damaged = text[start:end]
    if damaged == "\ufffd":
        return Repair(RepairKind.INVALID_CHARACTER, start, end, damaged, PLACEHOLDER, 0.0, False)
    units: list[tuple[Syllable, ...]] = []
    toned = False
    with_paren = False
    for u in _LOST_UNIT_RE.finditer(damaged):
        syls = _split_syllables(u.group(2))
        if syls is None or any(s[0] not in _chars_by_reading() for s in syls):
            return None  # not pinyin after all ("why?ok)"): leave the text alone
        units.append(syls)
        toned = toned or any(s[1] for s in syls)
        with_paren = with_paren or u.group(1) is not None
    if not units or not (toned or with_paren):
        return None  # "?an)" with neither a tone nor a bracket is too weak a sign of damage
    reading = " ".join(u.group(2) for u in _LOST_UNIT_RE.finditer(damaged))
    lexicon = _lexicon()
    left = _simplified_context(_CJK_CHAR.findall(text[max(0, start - CONTEXT) : start]))
    # The right context may still carry a damaged run or an annotation; take its characters only.
    right = _simplified_context(_CJK_CHAR.findall(text[end : end + CONTEXT * 2])[:CONTEXT])
    ranked: list[_Choice] = []
    for syls in _hypotheses(units):
        ranked.extend(_best_for(syls, left, right, lexicon)[:5])
    ranked.sort(key=lambda ch: (-ch.score, -ch.prior, ch.text))
    top = [c.text for c in ranked[:5]]
    best = ranked[0] if ranked else None
    runner_up = next((c.score for c in ranked[1:] if best is None or c.text != best.text), 0)
    if best is not None and best.score > 0 and best.score >= MIN_MARGIN * runner_up:
        confidence = best.score / (best.score + runner_up)
        return Repair(RepairKind.LOST_CHARACTER, start, end, damaged, best.text, confidence, True, reading, tuple(top))
    confidence = 0.0 if best is None or best.score == 0 else best.score / (best.score + runner_up)
    width = 1 if best is None else len(best.text)
    return Repair(
        RepairKind.LOST_CHARACTER, start, end, damaged, PLACEHOLDER * width, confidence, False, reading, tuple(top)
    )
