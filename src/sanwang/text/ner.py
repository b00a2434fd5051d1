"""Statistical name recognition (命名实体识别): a character CRF for persons, organisations and places.

The rules in ``sanwang.text.patterns`` only name a person where the context makes a name near certain (陈某,
所长张三); the gazetteer only finds names the system already knows. This model finds the rest — an unknown
name in running text — and its candidates rank between the two (``sanwang.text.entities``).

The model is a linear-chain CRF over characters (python-crfsuite, a C library; BIO tags for PER, ORG and LOC).
Features are the characters in a window of ±2 and their bigrams, a coarse character class, and whether a
surname starts at the position — enough for Chinese names, whose shape is mostly surname + one or two given
characters. It ships inside the package (``text/data/ner_crf.bin``, trained by ``bench/train_ner.py`` on data
that never overlaps the MSRA test split the evaluation reports on; see docs/entities.md). Nothing is downloaded.

``features`` is shared by training and tagging, so the two can never drift apart.
"""

from __future__ import annotations

import math
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from sanwang.text.entity_types import Entity, EntityType
from sanwang.text.lexicon import everyday_words
from sanwang.text.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES, surname_at

__all__ = ["MODEL_TYPES", "available", "features", "model_entities", "spans", "tag", "use_model"]

MODEL_FILE = "ner_crf.bin"
# The corpus labels and the entity types they become.
MODEL_TYPES: dict[str, EntityType] = {"PER": "person", "ORG": "org", "LOC": "place"}

_PAD = "∅"


def _kind(ch: str) -> str:
    """A coarse character class: Han, digit (any script), Latin, punctuation/space or other."""
    o = ord(ch)
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        return "h"
    if ch.isdigit() or ch in "〇零一二三四五六七八九十百千万亿":
        return "d"
    if ch.isascii() and ch.isalpha() or 0xFF21 <= o <= 0xFF5A:
        return "l"
    if ch.isspace() or not ch.isalnum():
        return "p"
    return "o"


@cache
def _lexicon() -> tuple[Any, dict[str, str]]:
    """jieba's tokenizer and its dictionary's part-of-speech tags (both ship inside the jieba package)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt, jieba.posseg.dt.word_tag_tab


def _word_features(text: str) -> list[tuple[str, str]]:
    """Per character: its place in jieba's word (B, M, E or S plus the word length, capped at 4) and the word's
    dictionary tag (nr person, ns place, nt organisation …; ``?`` for a word jieba's HMM made up)."""
    tokenizer, tags = _lexicon()
    out: list[tuple[str, str]] = []
    for word in tokenizer.cut(text):
        n = len(word)
        tag = tags.get(word, "?")
        if n == 1:
            out.append(("S", tag))
            continue
        size = str(min(n, 4))
        out.append(("B" + size, tag))
        out.extend(("M" + size, tag) for _ in range(n - 2))
        out.append(("E" + size, tag))
    return out


def features(text: str) -> list[list[str]]:
    """The CRF attributes of every character of ``text`` (one list per character)."""
    n = len(text)
    words = _word_features(text)
    padded = _PAD + _PAD + text + _PAD + _PAD
    kinds = ["p", "p", *(_kind(c) for c in text), "p", "p"]
    surname = [0] * (n + 4)
    for i in range(n):
        if text[i : i + 2] in COMPOUND_SURNAMES:
            surname[i + 2] = 2
        elif text[i] in SINGLE_SURNAMES:
            surname[i + 2] = 1
    out: list[list[str]] = []
    for i in range(2, n + 2):
        a, b, c, d, e = padded[i - 2], padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        out.append(
            [
                "c=" + c,
                "l=" + b,
                "r=" + d,
                "ll=" + a,
                "rr=" + e,
                "lc=" + b + c,
                "cr=" + c + d,
                "llb=" + a + b,
                "rrb=" + d + e,
                "lr=" + b + d,
                "k=" + kinds[i - 1] + kinds[i] + kinds[i + 1],
                f"s={surname[i - 1]}{surname[i]}{surname[i + 1]}",
                "w=" + words[i - 2][0],
                "wt=" + words[i - 2][1],
                "wtw=" + words[i - 2][0][0] + words[i - 2][1],
            ]
        )
    return out


# ------------------------------------------------------------------------------------------------ tagging

_local = threading.local()  # a crfsuite Tagger is not safe to share between threads


_override: list[Path] = []


def use_model(path: Path) -> None:
    """Tag with the model at ``path`` from now on, in this process (evaluation of a freshly trained model)."""
    _override[:] = [path]
    _model_path.cache_clear()
    _local.__dict__.clear()


@cache
def _model_path() -> Path | None:
    if _override:
        return _override[0]
    ref = resources.files("sanwang.text") / "data" / MODEL_FILE
    path = Path(str(ref))
    return path if path.is_file() else None


def available() -> bool:
    """Whether the model file and python-crfsuite are both installed."""
    if _model_path() is None:
        return False
    try:
        import pycrfsuite  # noqa: F401
    except ImportError:
        return False
    return True


def _tagger() -> Any:
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import pycrfsuite

        path = _model_path()
        if path is None:
            raise FileNotFoundError(f"NER model {MODEL_FILE} is not installed with sanwang")
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        _local.tagger = tagger
    return tagger


def tag(text: str) -> list[str]:
    """The BIO label of every character of ``text`` (``B-PER``, ``I-PER``, ``O`` …)."""
    if not text:
        return []
    return list(_tagger().tag(features(text)))


def spans(labels: list[str]) -> list[tuple[str, int, int]]:
    """``(label, start, end)`` for every entity in a BIO sequence; a stray ``I-`` opens an entity, as in conlleval."""
    found: list[tuple[str, int, int]] = []
    kind: str | None = None
    start = 0
    for i, lab in enumerate([*labels, "O"]):
        head, _, name = lab.partition("-")
        if kind is not None and (head != "I" or name != kind):
            found.append((kind, start, i))
            kind = None
        if head == "B" or (head == "I" and kind is None):
            kind, start = name, i
    return found


# Chinese personal names are two to four characters; in a run of five or more characters tagged as one person
# the model has merged a list (主席团成员王光英程思远卢嘉锡…, 张三李四王五等人), which news and petitions both
# write without separators. Prior of each name length, from the training corpora's persons; minority and
# foreign names joined by a middle dot (阿沛·阿旺晋美) are one piece of any length.
_NAME_LENGTH_PRIOR = {2: math.log(0.2), 3: math.log(0.75), 4: math.log(0.05)}
_DOTTED_PRIOR = math.log(0.05)
_NO_SURNAME = math.log(0.1)  # a name starting without a listed surname (热地, 顿珠多吉)
_STRAY = math.log(0.1)  # one character at either end left out (the model ran into the next word)
_DOTS = "·•・‧"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _split_names(tagger: Any, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A merged run of names cut into names by the model's own marginals.

    Dynamic programming over the cuts: a name scores log P(B-PER at its first character) + Σ log P(I-PER) over
    the rest, plus its length prior and a penalty when it does not start with a surname. Returns the span whole
    when it is short or holds anything but Han characters and middle dots.
    """
    chunk = text[start:end]
    if end - start < 5 or not all(_is_han(ch) or ch in _DOTS for ch in chunk) or chunk[0] in _DOTS:
        return [(start, end)]
    floor = 1e-9
    b_log = [math.log(max(tagger.marginal("B-PER", k), floor)) for k in range(start, end)]
    i_log = [math.log(max(tagger.marginal("I-PER", k), floor)) for k in range(start, end)]

    def piece(i: int, j: int) -> float | None:
        name = text[i:j]
        if name[0] in _DOTS or name[-1] in _DOTS or (j < end and text[j] in _DOTS):
            return None
        dotted = any(ch in _DOTS for ch in name)
        if dotted:
            prior = _DOTTED_PRIOR
        elif j - i in _NAME_LENGTH_PRIOR:
            prior = _NAME_LENGTH_PRIOR[j - i] + (0.0 if surname_at(text, i) else _NO_SURNAME)
        else:
            return None
        return prior + b_log[i - start] + sum(i_log[k - start] for k in range(i + 1, j))

    best: dict[int, tuple[float, int]] = {start: (0.0, -1), start + 1: (_STRAY, start)}
    for i in range(start, end):
        if i not in best:
            continue
        for j in range(i + 2, min(i + 13, end) + 1):
            score = piece(i, j)
            if score is not None and (j not in best or best[i][0] + score > best[j][0]):
                best[j] = (best[i][0] + score, i)
    if end - 1 in best and (end not in best or best[end - 1][0] + _STRAY > best[end][0]):
        best[end] = (best[end - 1][0] + _STRAY, end - 1)
    if end not in best:
        return [(start, end)]
    cuts: list[tuple[int, int]] = []
    j = end
    while j != start:
        i = best[j][1]
        if j - i >= 2:
            cuts.append((i, j))
        j = i
    return cuts[::-1]


def _posterior_persons(tagger: Any, labels: list[str]) -> list[tuple[str, int, int]]:
    """Persons the best path left out but the per-character posteriors keep (max-marginal decoding).

    The best label sequence can say O at characters that are more likely than not inside a person — typically a
    rare name the model half recognises. Such a run (P(B-PER) + P(I-PER) > 0.5 at every character, all O on the
    path) becomes a person, cut where P(B-PER) beats P(I-PER); one-character runs are left out.
    """
    found: list[tuple[str, int, int]] = []
    start = -1
    for i, lab in enumerate([*labels, "B-END"]):
        b = tagger.marginal("B-PER", i) if lab == "O" else 0.0
        inside = tagger.marginal("I-PER", i) if lab == "O" else 0.0
        if start >= 0 and (b + inside <= 0.5 or b > inside):
            if i - start >= 2:
                found.append(("PER", start, i))
            start = -1
        if start < 0 and b + inside > 0.5:
            start = i
    return found


def model_entities(text: str) -> list[Entity]:
    """Persons, organisations and places the model finds in ``text`` (source ``model``).

    Confidence is the model's marginal probability of the first label of the span: a cheap, honest measure of
    how sure it was that an entity starts there.
    """
    if not text:
        return []
    tagger = _tagger()
    labels = list(tagger.tag(features(text)))
    everyday = everyday_words()
    found: list[Entity] = []
    for label, start, end in spans(labels) + _posterior_persons(tagger, labels):
        etype = MODEL_TYPES.get(label)
        if etype is None:
            continue
        pieces = _split_names(tagger, text, start, end) if label == "PER" else [(start, end)]
        for i, j in pieces:
            if text[i:j] in everyday:
                continue  # 陈述, 高兴 (a surname and a character), 政府, 单位: everyday words, not names
            confidence = round(float(tagger.marginal(labels[start] if i == start else "B-PER", i)), 3)
            found.append(Entity(etype, text[i:j], i, j, None, "model", confidence))
    return found
