"""Triage (线索研判): two scores per text — gang-type crime (涉黑涉恶) and official misconduct / protective
umbrella (公职人员违纪违法、充当保护伞) — with the indicators that produced them, suggested sectors (行业领域) and
umbrella typology items (DOMAIN.md §6).

Each score is a logistic model, ``sigmoid(bias + Σ weights of the features present)``, over two kinds of feature:

- **indicators** from the validated rule file ``triage.yaml`` (phrases such as 保护费, 通风报信), found with one
  Aho-Corasick pass; they carry their offsets, so a reader sees exactly which words raised a score;
- **learned character bigrams** (随意, 殴打, 职权 ...), whose weights were fitted with the rule weights held fixed
  (``bench/train_triage.py``) and ship in ``sanwang/text/data/triage_model.json`` with the learned bias. Gang:
  each bigram present adds its weight. Misconduct: tf-idf style — each bigram present counts its idf and the vector
  is scaled to unit length, which cross-validation preferred for it (a long judgment and a short letter weigh
  alike). docs/triage.md says how each was chosen and measured.

The scores sort work queues; they never gate or hide a clue. Pure: text in, result out.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import ahocorasick
import numpy as np
from pydantic import BaseModel, Field, field_validator

from sanwang.domain.config import load
from sanwang.text.t2s import convert as to_simplified

Score = Literal["gang", "misconduct"]
SCORES: tuple[Score, ...] = ("gang", "misconduct")
LEARNED_CUES = 3  # learned cues listed per score


class IndicatorRule(BaseModel):
    key: str
    label: str
    score: Score
    weight: float
    phrases: list[str] = Field(min_length=1)
    typology: list[str] = []
    sectors: list[str] = []

    @field_validator("phrases")
    @classmethod
    def _no_blank(cls, v: list[str]) -> list[str]:
        if any(not p.strip() for p in v):
            raise ValueError("a phrase is empty")
        return v


class SectorRule(BaseModel):
    name: str
    phrases: list[str] = Field(min_length=1)


class TriageRules(BaseModel):
    """The rule file ``triage.yaml`` (研判指标)."""

    version: int
    bias: dict[Score, float]
    indicators: list[IndicatorRule] = Field(min_length=1)
    sectors: list[SectorRule] = []

    @field_validator("indicators")
    @classmethod
    def _unique_keys(cls, v: list[IndicatorRule]) -> list[IndicatorRule]:
        keys = [i.key for i in v]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ValueError(f"indicator keys repeated: {', '.join(dup)}")
        return v


@dataclass(frozen=True)
class Indicator:
    """One reason a score rose (研判指标): a rule phrase or a learned cue, with its place in the text."""

    key: str
    label: str
    score: Score
    weight: float
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Triage:
    """A text's triage result (线索研判结果)."""

    gang: float
    misconduct: float
    indicators: tuple[Indicator, ...]
    sectors: tuple[str, ...]
    typology: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "gang": round(self.gang, 4),
            "misconduct": round(self.misconduct, 4),
            "indicators": [
                {
                    "key": i.key,
                    "label": i.label,
                    "score": i.score,
                    "weight": round(i.weight, 3),
                    "start": i.start,
                    "end": i.end,
                    "text": i.text,
                }
                for i in self.indicators
            ],
            "sectors": list(self.sectors),
            "typology": list(self.typology),
        }


@dataclass(frozen=True)
class _Model:
    rules: TriageRules
    automaton: Any  # ahocorasick.Automaton: phrase → (kind, index)
    bias: dict[Score, float]
    indicator_weight: dict[str, float]
    learned: _Learned | None
    threshold: dict[Score, float]


@dataclass(frozen=True)
class _Learned:
    """The learned bigram weights of every score over one sorted vocabulary, as arrays, so a text's bigrams are
    looked up in a few numpy calls (this runs for every petition screened). A bigram is coded as
    (first − 一) × _SPAN + (second − 一) over the range 一 … 鿿."""

    codes: np.ndarray  # sorted bigram codes
    names: tuple[str, ...]  # the bigrams, in code order (for the cues shown)
    weight: dict[Score, np.ndarray]  # presence scores: weight; tf-idf scores: weight × idf
    idf2: dict[Score, np.ndarray | None]  # tf-idf scores: idf² (0 outside the score's vocabulary); else None


def _model_file() -> dict[str, Any]:
    try:
        text = resources.files("sanwang.text").joinpath("data", "triage_model.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    data: dict[str, Any] = json.loads(text)
    return data


@lru_cache(maxsize=1)
def _model() -> _Model:
    rules = load(TriageRules, "triage.yaml")
    learned = _model_file()
    auto = ahocorasick.Automaton()
    entries: dict[str, list[tuple[str, int]]] = {}
    for i, rule in enumerate(rules.indicators):
        for phrase in rule.phrases:
            entries.setdefault(to_simplified(phrase), []).append(("i", i))
    for i, sector in enumerate(rules.sectors):
        for phrase in sector.phrases:
            entries.setdefault(to_simplified(phrase), []).append(("s", i))
    for phrase, hits in entries.items():
        auto.add_word(phrase, (len(phrase), tuple(hits)))
    auto.make_automaton()
    weight = {r.key: r.weight for r in rules.indicators}
    bias = dict(rules.bias)
    threshold: dict[Score, float] = {s: 0.5 for s in SCORES}
    parts: dict[Score, dict[str, Any]] = {}
    if learned.get("rules_version") == rules.version:  # an office's own rule file: its prior weights stand
        parts = {s: learned[s] for s in SCORES if learned.get(s)}
    for score, part in parts.items():
        bias[score] = float(part["bias"])
        threshold[score] = float(part.get("threshold", 0.5))
    return _Model(rules, auto, bias, weight, _learned_arrays(parts) if parts else None, threshold)


_FIRST = 0x4E00
_SPAN = 0xA000 - _FIRST


def _code(bigram: str) -> int:
    return (ord(bigram[0]) - _FIRST) * _SPAN + ord(bigram[1]) - _FIRST


def _learned_arrays(parts: dict[Score, dict[str, Any]]) -> _Learned:
    names = sorted({g for part in parts.values() for key in ("bigrams", "idf") for g in part.get(key, {})}, key=_code)
    position = {g: i for i, g in enumerate(names)}
    weight: dict[Score, np.ndarray] = {}
    idf2: dict[Score, np.ndarray | None] = {}
    for score, part in parts.items():
        w = np.zeros(len(names))
        for g, v in part.get("bigrams", {}).items():
            w[position[g]] = float(v)
        idf = part.get("idf")
        if idf:
            column = np.zeros(len(names))
            for g, v in idf.items():
                column[position[g]] = float(v)
            w *= column
            idf2[score] = column * column
        else:
            idf2[score] = None
        weight[score] = w
    codes = np.array([_code(g) for g in names], dtype=np.int64)
    return _Learned(codes, tuple(names), weight, idf2)


def review_threshold(score: Score) -> float:
    """The score at which the shipped model was measured (docs/triage.md): above it, read the clue first."""
    return _model().threshold[score]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -60 else 0.0


def bigrams_of(text: str) -> set[str]:
    """The distinct character bigrams of Chinese characters in ``text`` (the learned features)."""
    out: set[str] = set()
    prev = ""
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff":
            if prev:
                out.add(prev + ch)
            prev = ch
        else:
            prev = ""
    return out


@dataclass(frozen=True)
class LearnedPart:
    """One score's learned contribution for one text: the contributions of its vocabulary bigrams."""

    contributions: np.ndarray
    positions: np.ndarray  # into names
    names: tuple[str, ...]  # the vocabulary (_Learned.names)

    @property
    def total(self) -> float:
        return float(self.contributions.sum())

    def cues(self) -> list[tuple[float, str]]:
        """The strongest cues (contribution, bigram), best first (computed only for scores worth explaining)."""
        top = np.argsort(-self.contributions, kind="stable")[:LEARNED_CUES]
        return [(float(self.contributions[i]), self.names[self.positions[i]]) for i in top]


def learned(simple: str) -> dict[Score, LearnedPart]:
    """The learned part of each score's logit from the bigrams of ``simple`` (the simplified text). Its total
    equals summing the weights of ``bigrams_of(simple)`` (tf-idf scores: weight × idf over the norm of the idfs
    present), done on arrays."""
    m = _model().learned
    if m is None:
        return {}
    cp = np.frombuffer(simple.encode("utf-32-le"), dtype=np.uint32).astype(np.int64) - _FIRST
    han = (cp >= 0) & (cp < _SPAN)
    pair = han[:-1] & han[1:]
    codes = np.sort(cp[:-1][pair] * _SPAN + cp[1:][pair])
    if len(codes) > 1:
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]  # distinct: a sort beats np.unique here
    at = np.minimum(np.searchsorted(m.codes, codes), len(m.codes) - 1)
    at = at[m.codes[at] == codes]  # the text's bigrams that are in the vocabulary
    out: dict[Score, LearnedPart] = {}
    for score, weight in m.weight.items():
        w = weight[at]
        idf2 = m.idf2[score]
        if idf2 is not None:
            w = w / (math.sqrt(float(idf2[at].sum())) or 1.0)
        out[score] = LearnedPart(w, at, m.names)
    return out


def _simplified(text: str) -> str:
    # Offsets must stay those of the text given: use the simplified form only where it keeps every position.
    simple = to_simplified(text)
    return simple if len(simple) == len(text) else text


def indicator_hits(simple: str) -> list[tuple[int, int, int]]:
    """Rule phrases and sector phrases found in the simplified text, as (rule index or -1 - sector index, start,
    end)."""
    m = _model()
    hits: list[tuple[int, int, int]] = []
    for end, (length, targets) in m.automaton.iter(simple):
        for kind, index in targets:
            if kind == "i":
                hits.append((index, end - length + 1, end + 1))
            else:
                hits.append((-1 - index, end - length + 1, end + 1))
    return hits


def triage(text: str) -> Triage:
    """Score ``text`` (normalised or raw; offsets are into the text as given)."""
    m = _model()
    simple = _simplified(text)
    hits = indicator_hits(simple)
    seen: set[int] = set()
    indicators: list[Indicator] = []
    sectors: list[str] = []
    typology: list[str] = []
    logit = dict(m.bias)
    for index, start, end in sorted(hits, key=lambda h: (h[1], -h[2])):
        if index < 0:
            name = m.rules.sectors[-1 - index].name
            if name not in sectors:
                sectors.append(name)
            continue
        rule = m.rules.indicators[index]
        w = m.indicator_weight[rule.key]
        indicators.append(Indicator(rule.key, rule.label, rule.score, w, start, end, text[start:end]))
        if index in seen:
            continue  # each indicator counts once, however often its phrases recur
        seen.add(index)
        logit[rule.score] += w
        for t in rule.typology:
            if t not in typology:
                typology.append(t)
        for s in rule.sectors:
            if s not in sectors:
                sectors.append(s)
    for score, part in learned(simple).items():
        logit[score] += part.total
        # The strongest learned cues are shown with a score at or above its review threshold, so such a score never
        # comes without a visible reason; below it they would only be noise.
        if _sigmoid(logit[score]) < m.threshold[score]:
            continue
        for w, g in part.cues():
            if w >= 0.3:
                i = simple.find(g)
                indicators.append(
                    Indicator(f"learned.{score}", f"模型特征「{g}」", score, w, i, i + len(g), text[i : i + len(g)])
                )
    indicators.sort(key=lambda i: (i.start, i.end))
    return Triage(
        gang=_sigmoid(logit["gang"]),
        misconduct=_sigmoid(logit["misconduct"]),
        indicators=tuple(indicators),
        sectors=tuple(sectors),
        typology=tuple(typology),
    )
