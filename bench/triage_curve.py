"""Learning curve of the triage charge model (研判模型学习曲线): would more labelled facts of the same kind close the
gap to the target?

    .venv/bin/python -m bench.triage_curve [--repeats 3]

Trains the charge model exactly as bench/train_triage.py does (same bigrams, vocabulary, C, class weights, class
merging) on random fractions of the **train** part (the same fraction of every source, seeded) and measures the
learned part of each score — its group's log-odds, without the rule weights and the misconduct head — on the
**test** part. Nothing is chosen from these figures; they show how the held-out figures move with the amount of
labelled data (docs/triage.md). Needs ``pip install -e '.[bench]'`` and SANWANG_EVAL_CAIL_EXTRA as for training.
"""

from __future__ import annotations

import argparse

import numpy as np

from bench import train_triage, triage_data
from bench.eval_triage import curve
from sanwang.text import triage as tri

FRACTIONS = (0.125, 0.25, 0.5, 0.75, 1.0)


def learning_curve(docs: list[triage_data.Doc], repeats: int, seed: int = 0) -> list[dict[str, float]]:
    train = [d for d in docs if d.split == "train"]
    test = [d for d in docs if d.split == "test"]
    texts = [tri._simplified(d.text) for d in train]
    test_texts = [tri._simplified(d.text) for d in test]
    truth = {s: np.array([getattr(d, s) for d in test]) for s in tri.SCORES}
    rng = np.random.default_rng(seed)
    rows: list[dict[str, float]] = []
    for frac in FRACTIONS:
        runs: dict[str, list[tuple[float, float]]] = {s: [] for s in tri.SCORES}
        positives = {s: 0 for s in tri.SCORES}
        for _ in range(repeats if frac < 1 else 1):
            idx = np.sort(rng.choice(len(train), round(len(train) * frac), replace=False))
            part = [train[i] for i in idx]
            # Labels (and the merging of small classes) are computed on the part, as training would.
            v, m = train_triage._fit([texts[i] for i in idx], train_triage._labels(part))
            proba = m.predict_proba(v.transform(test_texts))
            for s in tri.SCORES:
                c = curve(train_triage.group_logit(proba, m.classes_, s), truth[s])
                runs[s].append((c["recall_at_precision_85"], c["precision_at_recall_95"]))
                positives[s] += sum(getattr(d, s) for d in part)
        rows.append({
            "fraction": frac,
            "facts": len(idx),
            **{f"{s}_positives": round(positives[s] / len(runs[s])) for s in tri.SCORES},
            **{f"{s}_{k}": round(float(np.mean([r[j] for r in runs[s]])), 3)
               for s in tri.SCORES for j, k in enumerate(("recall_at_p85", "precision_at_r95"))},
            **{f"{s}_spread": round(float(np.ptp([r[0] for r in runs[s]])), 3) for s in tri.SCORES},
        })  # fmt: skip
    return rows


def table(rows: list[dict[str, float]]) -> str:
    lines = [
        "| train part used | texts | gang positives | gang recall @P0.85 | gang precision @R0.95 "
        "| misconduct positives | misconduct recall @P0.85 | misconduct precision @R0.95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['fraction']:.1%} | {r['facts']:.0f} | {r['gang_positives']:.0f} | {r['gang_recall_at_p85']} "
            f"(±{r['gang_spread'] / 2:.2f}) | {r['gang_precision_at_r95']} | {r['misconduct_positives']:.0f} "
            f"| {r['misconduct_recall_at_p85']} (±{r['misconduct_spread'] / 2:.2f}) "
            f"| {r['misconduct_precision_at_r95']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3, help="random parts per fraction below 1 (mean reported)")
    a = ap.parse_args(argv)
    print(table(learning_curve(triage_data.load(), a.repeats)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
