"""Near-duplicate texts (重复件研判): MinHash signatures banded for lookup (LSH), Jaccard similarity to confirm.

The same matter reported through several channels is worded differently — another opening, another order,
traditional script, a damaged copy. Texts are normalised (``normalize``), reduced to Chinese characters, letters
and digits, and cut into overlapping character 3-grams (shingles). Two texts are near-duplicates when the
Jaccard similarity of their shingle sets is high.

Reports of one matter differ most in their opening and closing words (实名举报人某某反映 …, 请组织调查处理), so the
score is the **overlap** of the two shingle sets relative to the smaller one (a short report contained in a
longer one scores 1), not their Jaccard similarity.

To find candidates among a million clues without comparing every pair, each text gets a MinHash signature of
``BANDS × ROWS`` values, hashed into ``BANDS`` band keys; two texts with Jaccard similarity s share at least one
band key with probability ``1 - (1 - s**ROWS) ** BANDS`` (20 × 2: Jaccard 0.2 → 0.56, 0.3 → 0.85, 0.4 → 0.97).
Keys are stable across processes and machines (no Python ``hash``), so they can be stored and looked up.
Pure numpy; a person confirms every suggestion.
"""

from __future__ import annotations

import numpy as np

from sanwang.text.normalize import normalize

BANDS, ROWS = 20, 2
SHINGLE = 3
THRESHOLD = 0.5  # the overlap from which a pair naming the same subject is suggested
STRONG = 0.8  # the overlap from which any pair is suggested

_rng = np.random.default_rng(20191121)  # fixed: the keys are stored, so the hash family must never change
_A = (_rng.integers(1, 2**62, BANDS * ROWS, dtype=np.uint64) | np.uint64(1)).reshape(BANDS * ROWS, 1)
_B = _rng.integers(0, 2**62, BANDS * ROWS, dtype=np.uint64).reshape(BANDS * ROWS, 1)
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _keep(ch: str) -> bool:
    return ch.isalnum()


def content(text: str) -> str:
    """The normalised text reduced to what carries meaning for comparison (no punctuation or spaces)."""
    return "".join(ch for ch in normalize(text).text.lower() if _keep(ch))


def shingles(text: str) -> np.ndarray:
    """Distinct 64-bit shingle hashes of ``text`` (its 3-grams; the whole text when shorter)."""
    codes = np.frombuffer(content(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) == 0:
        return np.zeros(0, dtype=np.uint64)
    if len(codes) < SHINGLE:
        codes = np.concatenate([codes, np.zeros(SHINGLE - len(codes), dtype=np.uint64)])
    h = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            h = (h ^ codes[k : len(codes) - SHINGLE + 1 + k]) * _MIX
    return np.unique(h)


def signature(text: str) -> np.ndarray:
    """The MinHash signature (``BANDS * ROWS`` values); all-ones for a text with no content."""
    sh = shingles(text)
    if len(sh) == 0:
        return np.full(BANDS * ROWS, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        values = (_A * sh[np.newaxis, :] + _B) >> np.uint64(3)  # multiply-shift hashing, one row per function
    return np.asarray(values.min(axis=1))


def band_keys(text: str) -> list[int]:
    """One signed 64-bit key per band (band number mixed in), for storage and lookup; [] for an empty text."""
    if not content(text):
        return []
    sig = signature(text).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        h = (np.arange(1, BANDS + 1, dtype=np.uint64)) * _MIX  # the band number, mixed in
        for r in range(ROWS):
            h = (h ^ sig[:, r]) * _MIX
    return [int(k) for k in h.view(np.int64)]


def similarity(a: str, b: str) -> float:
    """Overlap of the two texts' shingle sets relative to the smaller one, 0..1."""
    sa, sb = shingles(a), shingles(b)
    if len(sa) == 0 or len(sb) == 0:
        return 0.0
    return len(np.intersect1d(sa, sb, assume_unique=True)) / min(len(sa), len(sb))


def suggested(score: float, same_subject: bool) -> bool:
    """Whether a pair is put to a person: nearly the same words, or much the same words about the same person.

    On short petitions, shared wording alone is weak evidence (the same complaint templates recur for different
    people: docs/neardup.md), so below ``STRONG`` a pair must also name the same subject.
    """
    return score >= STRONG or (same_subject and score >= THRESHOLD)
