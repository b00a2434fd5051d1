"""Train the learned part of the triage scores (研判模型): ``sanwang/text/data/triage_charges.npz`` (the charge
model's arrays) and ``triage_model.json`` (thresholds and biases).

    .venv/bin/python -m bench.train_triage [--out-dir DIR]

Data: the **train** part of bench/triage_data.py only (70 % of the CAIL2018 facts — the shared sample and any
files named by SANWANG_EVAL_CAIL_EXTRA — and of the citizen messages). The review thresholds are chosen on 5-fold
out-of-fold scores of the train part (highest threshold with recall ≥ 0.96), never on the test part.

The model: a multinomial logistic regression (scikit-learn, ``pip install -e '.[bench]'``) over the character
bigrams seen in at least 2 training texts (the 20,000 most frequent), present or not, idf-weighted and scaled to
unit length. Its classes are the charges: ``G:`` + each gang-type charge, ``M:`` + each official-misconduct
charge, every other charge, ``MSG`` for citizen messages (a charge with fewer than 5 facts joins ``G:rare``,
``M:rare`` or ``rare``). A fact takes its gang charge first, then its misconduct charge, then its first charge.
Each score adds the log-odds of its group to the rule weights of ``triage.yaml`` (a fixed offset, as they were
written for petitions, whose words court facts hardly use) and the bias. C = 300 and balanced class weights
were chosen by 5-fold cross-validation on the train part (docs/triage.md).
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

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "sanwang" / "text" / "data"
VOCAB, MIN_DF, C, MIN_CLASS = 20000, 2, 300.0, 5
MIN_POSITIVES = 50  # a score with fewer positives in the train part gets no learned part
# Scores that add their own yes/no head over the same bigrams to their group of the charge model (fitted with the
# rule weights as a fixed offset; the value is its L2 strength C): chosen per score on out-of-fold figures of the
# train part and on the synthetic petitions (docs/triage.md).
HEADS: dict[str, float] = {"misconduct": 1000.0}


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


def charge_label(d: triage_data.Doc) -> str:
    """The class a training text is read as (module docstring)."""
    if d.source == "messages":
        return "MSG"
    for flag, charges, prefix in ((d.gang, triage_data.GANG_CHARGES, "G:"),
                                  (d.misconduct, triage_data.MISCONDUCT_CHARGES, "M:")):  # fmt: skip
        if flag:
            return prefix + sorted(c for c in d.charges if c in charges)[0]
    return sorted(d.charges)[0] if d.charges else "rare"


def _labels(docs: list[triage_data.Doc]) -> np.ndarray:
    raw = [charge_label(d) for d in docs]
    count = Counter(raw)
    return np.array([lab if count[lab] >= MIN_CLASS else (lab[:2] + "rare" if lab[1:2] == ":" else "rare")
                     for lab in raw])  # fmt: skip


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


def _fit(texts: list[str], labels: np.ndarray) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    v = TfidfVectorizer(analyzer=lambda t: sorted(tri.bigrams_of(t)), binary=True, min_df=MIN_DF, max_features=VOCAB)
    x = v.fit_transform(texts)
    # Balanced class weights: the gang and misconduct classes are a few dozen facts among thousands.
    return v, LogisticRegression(C=C, max_iter=5000, class_weight="balanced").fit(x, labels)


def group_logit(proba: np.ndarray, classes: np.ndarray, score: tri.Score) -> np.ndarray:
    """log(p / (1 − p)) of the score's group of classes, capped as at run time."""
    inside = np.char.startswith(classes.astype(str), tri.GROUP_PREFIX[score])
    p = np.clip(proba[:, inside].sum(axis=1), 1e-13, 1 - 1e-13)
    return np.clip(np.log(p) - np.log1p(-p), -tri._LOGIT_CAP, tri._LOGIT_CAP)


def mixing(learned: np.ndarray, rules: np.ndarray, y: np.ndarray, head: np.ndarray | None = None) -> dict[str, float]:
    """How a score mixes its learned parts with its rule weights: bias + a × group log-odds (+ h × head) + rules,
    with a, h and the bias fitted by logistic regression on out-of-fold learned parts (texts the models did not
    see). The rule weights stay as written (a fixed offset): court facts hardly use the campaign's words, so a
    scale fitted on them would turn the rules down on the petitions they were written for (tried: the synthetic
    petitions' misconduct recall at precision 0.85 fell from 0.99 to 0.73)."""
    from scipy.optimize import minimize

    feats = np.column_stack([np.ones(len(y)), learned] + ([head] if head is not None else []))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = feats @ theta + rules
        g = 1.0 / (1.0 + np.exp(-z)) - y
        return float(np.sum(np.logaddexp(0.0, z) - y * z)), feats.T @ g

    start = np.array([0.0, 1.0] + ([1.0] if head is not None else []))
    theta = minimize(loss, start, jac=True, method="L-BFGS-B").x
    out = {"bias": round(float(theta[0]), 4), "learned_scale": round(max(0.25, float(theta[1])), 4)}
    if head is not None:
        out["head_scale"] = round(max(0.25, float(theta[2])), 4)
    return out


def train(docs: list[triage_data.Doc]) -> tuple[dict[str, object], dict[str, np.ndarray]]:
    train_docs = [d for d in docs if d.split == "train"]
    texts = [tri._simplified(d.text) for d in train_docs]
    labels = _labels(train_docs)
    truth = {"gang": np.array([d.gang for d in train_docs]), "misconduct": np.array([d.misconduct for d in train_docs])}
    offset = {s: rule_offset(texts, s) for s in tri.SCORES}
    folds = np.arange(len(texts)) % 5
    oof = {s: np.zeros(len(texts)) for s in tri.SCORES}
    oof_head = {s: np.zeros(len(texts)) for s in HEADS}
    for k in range(5):
        v, m = _fit([t for t, f in zip(texts, folds, strict=True) if f != k], labels[folds != k])
        x_in = v.transform([t for t, f in zip(texts, folds, strict=True) if f != k])
        x_out = v.transform([t for t, f in zip(texts, folds, strict=True) if f == k])
        proba = m.predict_proba(x_out)
        for s in tri.SCORES:
            oof[s][folds == k] = group_logit(proba, m.classes_, s)
            if s in HEADS:
                w, b = fit_sparse(x_in, truth[s][folds != k].astype(float), offset[s][folds != k], HEADS[s])
                oof_head[s][folds == k] = x_out @ w + b
    extra = ", ".join(p.name for p in triage_data.extra_files())
    model: dict[str, object] = {
        "rules_version": tri._model().rules.version,
        "trained_on": "bench/triage_data.py train split (70 %): CAIL2018 sample"
        + (f" + {extra}" if extra else "")
        + " + citizen messages",
    }
    for s in tri.SCORES:
        if truth[s].sum() < MIN_POSITIVES:
            # Too few examples to learn from (misconduct without a file of crimes of office: 1 fact): the rules
            # alone, as written, rather than a learned part that would push every text down.
            print(f"{s}: {int(truth[s].sum())} positives in the train part, fewer than {MIN_POSITIVES}: rules alone")
            model[s] = {"bias": tri._model().rules.bias[s], "learned_scale": 0.0, "head_scale": 0.0, "threshold": 0.5}
            continue
        head = oof_head.get(s)
        mix = mixing(oof[s], offset[s], truth[s], head)
        z = mix["bias"] + mix["learned_scale"] * oof[s] + offset[s]
        if head is not None:
            z = z + mix["head_scale"] * head
        scores = 1.0 / (1.0 + np.exp(-z))
        print(f"{s}: out-of-fold recall at precision 0.85 {curve(scores, truth[s])['recall_at_precision_85']}, {mix}")
        model[s] = {**mix, "threshold": round(choose_threshold(scores, truth[s].astype(float)), 4)}
    v, m = _fit(texts, labels)
    vocab = v.get_feature_names_out()
    order = np.argsort([tri._code(str(g)) for g in vocab])
    weight, bias, classes = m.coef_.T, m.intercept_, [str(c) for c in m.classes_]
    x = v.transform(texts)
    for s, c in HEADS.items():  # a head is one more column, named head:<score>
        if truth[s].sum() < MIN_POSITIVES:
            continue
        w, b = fit_sparse(x, truth[s].astype(float), offset[s], c)
        weight, bias = np.column_stack([weight, w]), np.append(bias, b)
        classes.append(tri.HEAD_PREFIX + s)
    arrays = {
        "codes": np.array([tri._code(str(vocab[i])) for i in order], dtype=np.int64),
        "idf": v.idf_[order].astype(np.float32),
        "weight": weight[order].astype(np.float16),
        "bias": bias.astype(np.float32),
        "classes": np.array(classes),
    }
    return model, arrays


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out-dir", type=Path, default=DATA_DIR)
    a = ap.parse_args(argv)
    model, arrays = train(triage_data.load())
    (a.out_dir / "triage_model.json").write_text(
        json.dumps(model, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
    np.savez_compressed(a.out_dir / "triage_charges.npz", **arrays)  # type: ignore[arg-type]
    w = arrays["weight"]
    print(
        f"{w.shape[0]} bigrams × {w.shape[1]} classes; thresholds "
        + ", ".join(f"{s} {model[s]['threshold']}" for s in tri.SCORES if isinstance(model[s], dict))
    )  # type: ignore[index]
    print(f"wrote {a.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
