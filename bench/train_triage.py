"""Train the learned part of the gang score (涉黑涉恶研判模型) and write ``sanwang/text/data/triage_model.json``.

    .venv/bin/python -m bench.train_triage [--out PATH]

Features: the character bigrams seen in at least 2 training texts (at most the 20,000 most frequent). The gang
indicators of ``triage.yaml`` enter as a fixed offset (their rule weights), not as learned features: court facts
hardly use the campaign's words (保护费, 黑恶势力), so weights learned here would silence the rules on the
petitions they were written for. Model: L2-regularised logistic regression with balanced class weights, fitted by
full-batch gradient descent in numpy. Data: the **train** part of bench/triage_data.py only
(70 % of CAIL2018 and of the citizen messages); the operating threshold is chosen on 5-fold out-of-fold scores
of the train part (highest threshold with recall ≥ 0.96), never on the test part. Deterministic.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from bench import triage_data
from sanwang.text import triage as tri

OUT = Path(__file__).resolve().parents[1] / "src" / "sanwang" / "text" / "data" / "triage_model.json"
VOCAB, MIN_DF, L2, STEPS, RATE = 20000, 2, 1e-3, 1000, 1.0


def featurise(texts: list[str], vocab: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Bigram presence matrix and the rule offset (Σ weights of the distinct gang indicators present)."""
    m = tri._model()
    rules = m.rules.indicators
    gcol = {g: i for i, g in enumerate(vocab)}
    x = np.zeros((len(texts), len(vocab)), dtype=np.float32)
    offset = np.zeros(len(texts), dtype=np.float32)
    for row, text in enumerate(texts):
        hits, grams = tri.features(text)
        present = {i for i, _, _ in hits if i >= 0 and rules[i].score == "gang"}
        offset[row] = sum(rules[i].weight for i in present)
        for g in grams:
            j = gcol.get(g)
            if j is not None:
                x[row, j] = 1.0
    return x, offset


def fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, float]:
    pos = max(float(y.sum()), 1.0)
    sample = np.where(y > 0, len(y) / (2 * pos), len(y) / (2 * max(len(y) - pos, 1.0))).astype(np.float32)
    w = np.zeros(x.shape[1], dtype=np.float32)
    b = 0.0
    for _ in range(STEPS):
        p = 1.0 / (1.0 + np.exp(-(x @ w + b + offset)))
        g = (p - y) * sample / len(y)
        w -= RATE * (x.T @ g + L2 * w)
        b -= RATE * float(g.sum())
    return w, b


def predict(x: np.ndarray, offset: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-(x @ w + b + offset))))


def choose_threshold(scores: np.ndarray, y: np.ndarray, recall: float = 0.96) -> float:
    order = np.sort(scores[y > 0])
    k = int(np.floor((1 - recall) * len(order)))
    return float(order[k]) if len(order) else 0.5


def train(docs: list[triage_data.Doc]) -> dict[str, object]:
    train_docs = [d for d in docs if d.split == "train"]
    texts = [d.text for d in train_docs]
    y = np.array([1.0 if d.gang else 0.0 for d in train_docs], dtype=np.float32)
    df: Counter[str] = Counter()
    for t in texts:
        df.update(tri.bigrams_of(t))
    vocab = [g for g, n in df.most_common(VOCAB) if n >= MIN_DF]
    x, offset = featurise(texts, vocab)
    folds = np.arange(len(y)) % 5
    oof = np.zeros(len(y))
    for k in range(5):
        w, b = fit(x[folds != k], y[folds != k], offset[folds != k])
        oof[folds == k] = predict(x[folds == k], offset[folds == k], w, b)
    threshold = choose_threshold(oof, y)
    w, b = fit(x, y, offset)
    weights = dict(zip(vocab, (float(v) for v in w), strict=True))
    return {
        "rules_version": tri._model().rules.version,
        "trained_on": "bench/triage_data.py train split: CAIL2018 sample + citizen messages (70 %)",
        "gang": {
            "bias": round(b, 4),
            "threshold": round(threshold, 4),
            "bigrams": {g: round(weights[g], 4) for g in vocab if abs(weights[g]) >= 0.02},
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    model = train(triage_data.load())
    a.out.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    gang = model["gang"]
    assert isinstance(gang, dict)
    print(f"wrote {a.out}: {len(gang['bigrams'])} bigram weights, threshold {gang['threshold']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
