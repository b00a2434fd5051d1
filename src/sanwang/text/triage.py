"""Triage (线索研判): two scores per text — gang-type crime (涉黑涉恶) and official misconduct / protective
umbrella (公职人员违纪违法、充当保护伞) — with the indicators that produced them, suggested sectors (行业领域) and
umbrella typology items (DOMAIN.md §6).

Each score is a logistic model, ``sigmoid(bias + Σ weights of the features present)``, over two kinds of feature:

- **indicators** from the validated rule file ``triage.yaml`` (phrases such as 保护费, 通风报信), found with one
  Aho-Corasick pass; they carry their offsets, so a reader sees exactly which words raised a score;
- **a learned charge model** over character bigrams (随意, 殴打, 职权 ...): a multinomial logistic regression
  that reads a text as one of ~50 classes — each gang-type charge, each official-misconduct charge, every other
  criminal charge, citizen messages — from its bigrams (present or not, idf-weighted, scaled to unit length).
  A score's learned part is the log-odds of its group of classes (寻衅滋事 + 强迫交易 + … for gang). Reading
  故意伤害 as its own class is what separates it from 寻衅滋事 better than one yes/no line could
  (cross-validated: docs/triage.md). Trained by ``bench/train_triage.py``; the arrays ship in
  ``sanwang/text/data/triage_charges.npz``, the thresholds in ``triage_model.json``.

The scores sort work queues; they never gate or hide a clue. Pure: text in, result out.
"""

from __future__ import annotations

import hashlib
import io
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
from sanwang.text import lexicon
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
    # How the learned parts are mixed with the rule weights (which stay as written) into each score: fitted on
    # out-of-fold scores of the training data (bench/train_triage.py); 1 and 0 without a learned model.
    learned_scale: dict[Score, float]
    head_scale: dict[Score, float]
    fingerprint: str  # what scored a text: rules, model files and DERIVATION (see fingerprint())


@dataclass(frozen=True)
class _Learned:
    """The charge model as arrays over one sorted bigram vocabulary, so a text's bigrams are looked up in a few
    numpy calls (this runs for every petition screened). A bigram is coded as (first − 一) × _SPAN + (second − 一)
    over the range 一 … 鿿."""

    codes: np.ndarray  # sorted bigram codes
    names: tuple[str, ...]  # the bigrams, in code order (for the cues shown)
    idf: np.ndarray  # per bigram
    weight: np.ndarray  # bigrams × classes
    bias: np.ndarray  # per class
    classes: tuple[str, ...]  # G:寻衅滋事, M:滥用职权, 故意伤害, MSG …
    heads: dict[Score, int]  # a score's own yes/no head column (linear, like a rule weight), where it has one
    n_charges: int  # the first n columns are the charge model's classes, the heads follow
    inside: dict[Score, np.ndarray]  # per score, over the charge classes: in its group?
    index_in: dict[Score, np.ndarray]  # the group's class columns
    index_out: dict[Score, np.ndarray]  # the other class columns


# Raise when the code changes what triage() returns for the same rules and model (scores or indicators), so the
# clues scored before are re-scored (`sanwang clue rescore`). 2: learned cues shown as the word they sit in;
# 3: outside court text the learned part cannot lower a score below the rules alone.
DERIVATION = 4
# Words of a court judgment or an indictment (5,069 of the 5,072 CAIL2018 facts have one; 4 of 495 citizen
# messages): the kind of text the learned part was fitted on.
COURT_MARKERS = ("被告", "公诉机关", "审理查明", "检察院指控")

GROUP_PREFIX: dict[Score, str] = {"gang": "G:", "misconduct": "M:"}
HEAD_PREFIX = "head:"  # a column that is a score's own yes/no head, not a class of the charge model


def _data_file(name: str) -> bytes | None:
    try:
        return resources.files("sanwang.text").joinpath("data", name).read_bytes()
    except FileNotFoundError:
        return None


def _model_file() -> dict[str, Any]:
    raw = _data_file("triage_model.json")
    data: dict[str, Any] = json.loads(raw.decode("utf-8")) if raw else {}
    return data


def _charge_model() -> _Learned | None:
    raw = _data_file("triage_charges.npz")
    if raw is None:
        return None
    with np.load(io.BytesIO(raw), allow_pickle=False) as z:
        codes = z["codes"].astype(np.int64)
        classes = tuple(str(c) for c in z["classes"])
        names = tuple(chr(_FIRST + int(c) // _SPAN) + chr(_FIRST + int(c) % _SPAN) for c in codes)
        heads = {s: classes.index(HEAD_PREFIX + s) for s in SCORES if HEAD_PREFIX + s in classes}
        n = sum(not c.startswith(HEAD_PREFIX) for c in classes)
        if any(c.startswith(HEAD_PREFIX) for c in classes[:n]):
            raise ValueError("triage_charges.npz: the head columns must follow the charge classes")
        inside = {s: np.array([c.startswith(p) for c in classes[:n]]) for s, p in GROUP_PREFIX.items()}
        return _Learned(codes, names, z["idf"].astype(np.float64), z["weight"].astype(np.float64),
                        z["bias"].astype(np.float64), classes, heads, n, inside,
                        {s: np.flatnonzero(v) for s, v in inside.items()},
                        {s: np.flatnonzero(~v) for s, v in inside.items()})  # fmt: skip


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
    charges = None
    learned_scale: dict[Score, float] = {s: 1.0 for s in SCORES}
    head_scale: dict[Score, float] = {s: 0.0 for s in SCORES}
    if learned.get("rules_version") == rules.version:  # an office's own rule file: its prior weights stand
        charges = _charge_model()
        for score in SCORES:
            if charges is not None and learned.get(score):
                part = learned[score]
                bias[score] = float(part["bias"])
                threshold[score] = float(part.get("threshold", 0.5))
                learned_scale[score] = float(part.get("learned_scale", 1.0))
                head_scale[score] = float(part.get("head_scale", 0.0))
    digest = hashlib.sha256(f"{DERIVATION}\n{rules.model_dump_json()}\n".encode())
    if charges is not None:  # an office's own rules switch the learned part off: its files do not count then
        for name in ("triage_model.json", "triage_charges.npz"):
            digest.update(_data_file(name) or b"")
    return _Model(rules, auto, bias, weight, charges, threshold, learned_scale, head_scale, digest.hexdigest()[:16])


def fingerprint() -> str:
    """What the scores come from (研判版本): a digest of the rules in force (an office's own triage.yaml included),
    the shipped model files when they are used, and the code's DERIVATION. Stored with each clue's triage; a clue
    scored under another fingerprint is out of date (``sanwang clue rescore``)."""
    return _model().fingerprint


_FIRST = 0x4E00
_SPAN = 0xA000 - _FIRST


def _code(bigram: str) -> int:
    return (ord(bigram[0]) - _FIRST) * _SPAN + ord(bigram[1]) - _FIRST


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
    """One score's learned contribution for one text: the log-odds of its group of charges (and its own head's
    value, where it has one), and what is needed to say which of the text's bigrams pushed it."""

    total: float  # the group's log-odds
    head: float  # the score's own head (0 without one)
    x: np.ndarray  # the text's tf-idf values, one per vocabulary bigram present
    direction: np.ndarray  # per present bigram: head weight, or (best class of the group − best other class)
    positions: np.ndarray  # into names
    names: tuple[str, ...]  # the vocabulary (_Learned.names)

    def cues(self) -> list[tuple[float, str]]:
        """The strongest cues (contribution, bigram), best first (computed only for scores worth explaining)."""
        contributions = self.x * self.direction
        top = np.argsort(-contributions, kind="stable")[:LEARNED_CUES]
        return [(float(contributions[i]), self.names[self.positions[i]]) for i in top]


_LOGIT_CAP = 30.0  # a group probability of exactly 0 or 1 is capped, not infinite


def learned(simple: str) -> dict[Score, LearnedPart]:
    """The learned part of each score's logit from the bigrams of ``simple`` (the simplified text): with x the
    idf of each of ``bigrams_of(simple)`` in the vocabulary, scaled to unit length, the class logits are
    x·W + b, and a score's part is log(p / (1 − p)) for p the softmax mass of its classes among the charge
    model's — plus, for a score with its own head column, that column's x·w + b."""
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
    x = m.idf[at]
    x = x / (math.sqrt(float(x @ x)) or 1.0)
    rows = m.weight[at]
    z_all = x @ rows + m.bias
    z = z_all[: m.n_charges]  # the charge classes come first, the heads after them
    p = np.exp(z - z.max())
    out: dict[Score, LearnedPart] = {}
    for score, inside in m.inside.items():
        if not inside.any():  # no class of this score in the model (nothing to learn it from): the rules alone
            continue
        p_in, p_out = float(p[inside].sum()), float(p[~inside].sum())
        total = math.log(p_in) - math.log(p_out) if p_in > 0 and p_out > 0 else math.copysign(_LOGIT_CAP, p_in - p_out)
        col = m.heads.get(score)
        if col is not None:  # the score's own head joins in; its cues are exact (it is linear)
            direction = rows[:, col]
        else:  # each bigram's push of the likeliest class of the group against the likeliest other class
            best_in = m.index_in[score][np.argmax(z[inside])]
            best_out = m.index_out[score][np.argmax(z[~inside])]
            direction = rows[:, best_in] - rows[:, best_out]
        head = float(z_all[col]) if col is not None else 0.0
        out[score] = LearnedPart(max(-_LOGIT_CAP, min(_LOGIT_CAP, total)), head, x, direction, at, m.names)
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


def cue_span(simple: str, start: int, length: int) -> tuple[int, int] | None:
    """Where a learned cue at ``start`` is shown: the longest dictionary word of three or four characters around it
    (a reader sees 「办事处」, not the bigram 「事处」 the model weighed), else the cue itself when it is a word;
    None when it is not (局局 of 公安局局长, 长李 of 局长李某)."""
    words = lexicon.compound_words()
    for size in (4, 3):
        for a in range(max(0, start + length - size), start + 1):
            if a + size <= len(simple) and simple[a : a + size] in words:
                return a, a + size
    return (start, start + length) if simple[start : start + length] in lexicon.short_words() else None


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
    covered = -1  # end of the last phrase counted: a phrase overlapping it is the same words read twice
    for index, start, end in sorted(hits, key=lambda h: (h[1], -h[2])):
        if index < 0:
            name = m.rules.sectors[-1 - index].name
            if name not in sectors:
                sectors.append(name)
            continue
        if start < covered:  # 恶势力 inside 黑恶势力, 行霸 inside 欺行霸市: one piece of evidence, shown once
            continue
        covered = end
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
    # The learned part was fitted on court judgments: on other text (petitions, letters, referrals) it may add
    # evidence but not sink a score below what the campaign's own phrases give alone (the rules' bias and weights)
    # where those alone make the text more likely than not (保护伞 and an official's title; not a title alone).
    rules_alone = {s: m.rules.bias[s] + logit[s] - m.bias[s] for s in SCORES}
    court = any(marker in simple for marker in COURT_MARKERS)
    for score, part in learned(simple).items():
        if not (m.learned_scale[score] or m.head_scale[score]):
            continue  # no learned part for this score (too few examples to train one): the rules alone
        logit[score] += m.learned_scale[score] * part.total + m.head_scale[score] * part.head
        if not court and rules_alone[score] > 0:  # the phrases found make it more likely than not on their own
            logit[score] = max(logit[score], rules_alone[score])
        # The strongest learned cues are shown with a score at or above its review threshold, so such a score never
        # comes without a visible reason; below it they would only be noise.
        if _sigmoid(logit[score]) < m.threshold[score]:
            continue
        shown: set[tuple[int, int]] = set()
        strong = [(w, g) for w, g in part.cues() if w >= 0.3]
        for w, g in strong:
            span = cue_span(simple, simple.find(g), len(g))
            if span is None:  # 局局 (公安局局长), 长李 (局长李某): across words, no reason a reader can use
                continue
            if span not in shown:  # two bigrams of one word (办事, 事处) are one reason
                shown.add(span)
                i, j = span
                label = f"模型特征「{simple[i:j]}」"
                indicators.append(Indicator(f"learned.{score}", label, score, w, i, j, text[i:j]))
        if strong and not shown and not any(i.score == score for i in indicators):
            # Never a score at its threshold without a reason: the strongest cue, word or not.
            w, g = strong[0]
            i = simple.find(g)
            indicators.append(Indicator(f"learned.{score}", f"模型特征「{g}」", score, w, i, i + 2, text[i : i + 2]))
    indicators.sort(key=lambda i: (i.start, i.end))
    return Triage(
        gang=_sigmoid(logit["gang"]),
        misconduct=_sigmoid(logit["misconduct"]),
        indicators=tuple(indicators),
        sectors=tuple(sectors),
        typology=tuple(typology),
    )
