"""Train the learned parts of the triage scores (研判模型) and write ``sanwang/text/data/triage_model.json``.

    .venv/bin/python -m bench.train_triage [--out PATH]

Data: the **train** part of bench/triage_data.py only (70 % of the CAIL2018 facts — the shared sample and any
files named by SANWANG_EVAL_CAIL_EXTRA — and of the citizen messages). The review thresholds are chosen on 5-fold
out-of-fold scores of the train part (highest threshold with recall ≥ 0.96), never on the test part.
Deterministic up to float32 rounding in the matrix products: two runs may differ in a gang weight's fourth
decimal (BLAS kernels vary between processes), never in the biases, thresholds or misconduct weights.

- **gang**: the character bigrams seen in at least 2 training texts (at most the 20,000 most frequent), by
  presence. The gang indicators of ``triage.yaml`` enter as a fixed offset (their rule weights), not as learned
  features: court facts hardly use the campaign's words (保护费, 黑恶势力), so weights learned here would silence
  the rules on the petitions they were written for. L2-regularised logistic regression with balanced class
  weights, fitted by full-batch gradient descent in numpy.
- **misconduct** (when the data hold at least 50 official-misconduct facts): character bigrams, idf-weighted
  and scaled to unit length (scikit-learn's vectoriser, ``pip install -e '.[bench]'``), logistic regression with
  the rule weights as a fixed offset as for gang, fitted by L-BFGS (scipy).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from bench import triage_data
from bench.eval_triage import curve
from sanwang.text import triage as tri

OUT = Path(__file__).resolve().parents[1] / "src" / "sanwang" / "text" / "data" / "triage_model.json"
VOCAB, MIN_DF, L2, STEPS, RATE = 20000, 2, 1e-3, 1000, 1.0
MIS_C, MIS_MIN_DF = 1000.0, 2


def featurise(texts: list[str], vocab: list[str], score: tri.Score = "gang") -> tuple[np.ndarray, np.ndarray]:
    """Bigram presence matrix and the rule offset (Σ weights of the distinct indicators of ``score`` present)."""
    gcol = {g: i for i, g in enumerate(vocab)}
    x = np.zeros((len(texts), len(vocab)), dtype=np.float32)
    for row, text in enumerate(texts):
        for g in tri.bigrams_of(tri._simplified(text)):
            j = gcol.get(g)
            if j is not None:
                x[row, j] = 1.0
    return x, rule_offset(texts, score).astype(np.float32)


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


def predict(x: Any, offset: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-(x @ w + b + offset))))


def choose_threshold(scores: np.ndarray, y: np.ndarray, recall: float = 0.96) -> float:
    order = np.sort(scores[y > 0])
    k = int(np.floor((1 - recall) * len(order)))
    return float(order[k]) if len(order) else 0.5


def rule_offset(texts: list[str], score: tri.Score) -> np.ndarray:
    """Σ rule weights of the distinct indicators of ``score`` in each text (what the shipped score adds)."""
    rules = tri._model().rules.indicators
    out = np.zeros(len(texts))
    for row, text in enumerate(texts):
        hits = tri.indicator_hits(tri._simplified(text))
        out[row] = sum(rules[i].weight for i in {i for i, _, _ in hits if i >= 0 and rules[i].score == score})
    return out


def train_gang(texts: list[str], y: np.ndarray) -> dict[str, object]:
    """Bigram presence, rule weights held fixed (module docstring)."""
    df: Counter[str] = Counter()
    for t in texts:
        df.update(tri.bigrams_of(t))
    vocab = [g for g, n in df.most_common(VOCAB) if n >= MIN_DF]
    x, offset = featurise(texts, vocab, "gang")
    folds = np.arange(len(y)) % 5
    oof = np.zeros(len(y))
    for k in range(5):
        w, b = fit(x[folds != k], y[folds != k], offset[folds != k])
        oof[folds == k] = predict(x[folds == k], offset[folds == k], w, b)
    threshold = choose_threshold(oof, y)
    print(f"gang: out-of-fold recall at precision 0.85 {curve(oof, y > 0)['recall_at_precision_85']}")
    w, b = fit(x, y, offset)
    weights = dict(zip(vocab, (float(v) for v in w), strict=True))
    return {
        "bias": round(b, 4),
        "threshold": round(threshold, 4),
        "bigrams": {g: round(weights[g], 4) for g in vocab if abs(weights[g]) >= 0.02},
    }


def fit_sparse(x: Any, y: np.ndarray, offset: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Logistic regression with a fixed per-text offset (the rule weights), balanced class weights and an L2
    penalty ||w||² / 2c, on a sparse matrix, by L-BFGS (scipy, installed with scikit-learn)."""
    from scipy.optimize import minimize

    pos = max(float(y.sum()), 1.0)
    sample = np.where(y > 0, len(y) / (2 * pos), len(y) / (2 * max(len(y) - pos, 1.0)))
    n = x.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:n], theta[n]
        z = x @ w + b + offset
        # log(1 + e^z) - y z, computed stably
        value = float(np.sum(sample * (np.logaddexp(0.0, z) - y * z)) + w @ w / (2 * c))
        g = sample * (1.0 / (1.0 + np.exp(-z)) - y)
        return value, np.concatenate([x.T @ g + w / c, [g.sum()]])

    res = minimize(loss, np.zeros(n + 1), jac=True, method="L-BFGS-B", options={"maxiter": 2000})
    return res.x[:n], float(res.x[n])


def train_misconduct(texts: list[str], y: np.ndarray) -> dict[str, object]:
    """Character bigrams, idf-weighted and scaled to unit length (scikit-learn's TfidfVectorizer), logistic
    regression with the misconduct rule weights as a fixed offset, as for gang (MIS_C chosen by 5-fold
    cross-validation on the train part: see docs/triage.md)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    def analyse(text: str) -> list[str]:
        return sorted(tri.bigrams_of(tri._simplified(text)))

    def vectoriser() -> TfidfVectorizer:
        return TfidfVectorizer(analyzer=analyse, binary=True, min_df=MIS_MIN_DF)

    offset = rule_offset(texts, "misconduct")
    folds = np.arange(len(y)) % 5
    oof = np.zeros(len(y))
    for k in range(5):
        v = vectoriser()
        xa = v.fit_transform([t for t, f in zip(texts, folds, strict=True) if f != k])
        w, b = fit_sparse(xa, y[folds != k], offset[folds != k], MIS_C)
        xb = v.transform([t for t, f in zip(texts, folds, strict=True) if f == k])
        oof[folds == k] = predict(xb, offset[folds == k], w, b)
    threshold = choose_threshold(oof, y)
    print(f"misconduct: out-of-fold recall at precision 0.85 {curve(oof, y > 0)['recall_at_precision_85']}")
    v = vectoriser()
    coef, bias = fit_sparse(v.fit_transform(texts), y, offset, MIS_C)
    vocab = v.get_feature_names_out()
    return {
        "bias": round(bias, 4),
        "threshold": round(threshold, 4),
        "idf": {str(g): round(float(i), 3) for g, i in zip(vocab, v.idf_, strict=True)},
        "bigrams": {str(g): round(float(c), 3) for g, c in zip(vocab, coef, strict=True) if abs(c) >= 0.05},
    }


def train(docs: list[triage_data.Doc]) -> dict[str, object]:
    train_docs = [d for d in docs if d.split == "train"]
    texts = [d.text for d in train_docs]
    gang = np.array([1.0 if d.gang else 0.0 for d in train_docs], dtype=np.float32)
    misconduct = np.array([1.0 if d.misconduct else 0.0 for d in train_docs])
    extra = ", ".join(p.name for p in triage_data.extra_files())
    out: dict[str, object] = {
        "rules_version": tri._model().rules.version,
        "trained_on": "bench/triage_data.py train split (70 %): CAIL2018 sample"
        + (f" + {extra}" if extra else "")
        + " + citizen messages",
        "gang": train_gang(texts, gang),
    }
    if misconduct.sum() >= 50:
        out["misconduct"] = train_misconduct(texts, misconduct)
    else:
        print(f"misconduct: {int(misconduct.sum())} positives — too few to learn from; rule weights alone")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    model = train(triage_data.load())
    a.out.write_text(json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    for score in tri.SCORES:
        part = model.get(score)
        if isinstance(part, dict):
            print(f"{score}: {len(part['bigrams'])} weights, review threshold {part['threshold']}")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
