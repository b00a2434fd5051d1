"""Evaluate the triage scores (研判评测) and write their section of docs/benchmarks.md.

    .venv/bin/python -m bench.eval_triage

- **gang**, on the held-out 30 % of CAIL2018 + citizen messages (bench/triage_data.py; never trained on): the
  precision/recall curve, precision at recall 0.95, recall at precision 0.85 (the issue's target), and the
  operating threshold chosen on the train part; also per source.
- **misconduct**: the CAIL sample holds a single official-misconduct fact, so its recall cannot be measured there.
  Measured instead on the scenario corpus (synthetic: official-misconduct and umbrella reports against gang-only
  reports), with the real texts (CAIL facts and citizen messages, none about officials' misconduct) as negatives
  for the false-positive rate.
- cost per text on one core (300-character texts).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from bench import report, triage_data
from bench.common import machine
from sanwang.scenario.generator import generate
from sanwang.text.normalize import normalize
from sanwang.text.triage import review_threshold, triage


def curve(scores: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    order = np.argsort(-scores, kind="stable")
    tp = np.cumsum(labels[order])
    k = np.arange(1, len(scores) + 1)
    precision, recall = tp / k, tp / max(labels.sum(), 1)
    points = []
    for r in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0):
        ok = recall >= r
        points.append({"recall": r, "precision": round(float(precision[ok].max()), 3) if ok.any() else None})
    p_at = float(precision[recall >= 0.95].max()) if (recall >= 0.95).any() else 0.0
    r_at = float(recall[precision >= 0.85].max()) if (precision >= 0.85).any() else 0.0
    return {"points": points, "precision_at_recall_95": round(p_at, 3), "recall_at_precision_85": round(r_at, 3)}


def at(scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, float]:
    sel = scores >= threshold
    tp = float((sel & labels).sum())
    return {
        "threshold": round(threshold, 4),
        "precision": round(tp / max(float(sel.sum()), 1.0), 3),
        "recall": round(tp / max(float(labels.sum()), 1.0), 3),
        "flagged": int(sel.sum()),
    }


def run() -> dict[str, Any]:
    docs = [d for d in triage_data.load() if d.split == "test"]
    gang = np.array([triage(d.text).gang for d in docs])
    mis = np.array([triage(d.text).misconduct for d in docs])
    y = np.array([d.gang for d in docs])
    by_source = {
        src: {
            "texts": int(m.sum()),
            "positives": int(y[m].sum()),
            "flagged": int((gang[m] >= review_threshold("gang")).sum()),
        }
        for src in ("cail", "messages")
        if (m := np.array([d.source == src for d in docs])).any()
    }
    scenario = generate("small", 7)
    texts = [normalize(c.summary).text for c in scenario.clues]
    ys = np.array([c.kind in ("umbrella", "ordinary") for c in scenario.clues])
    ms = np.array([triage(t).misconduct for t in texts])
    sample = [d.text[:300] for d in docs if len(d.text) >= 300][:500] or [d.text for d in docs[:500]]
    t0 = time.perf_counter()
    for t in sample:
        triage(t)
    per_text = (time.perf_counter() - t0) / len(sample)
    return {
        "machine": machine(),
        "test_texts": len(docs),
        "gang": {
            "positives": int(y.sum()),
            "curve": curve(gang, y),
            "operating": at(gang, y, review_threshold("gang")),
            "by_source": by_source,
        },
        "misconduct": {
            "scenario": {
                "texts": len(texts),
                "positives": int(ys.sum()),
                "curve": curve(ms, ys),
                "at_0.5": at(ms, ys, 0.5),
            },
            "real_negatives_flagged_at_0.5": round(float((mis >= 0.5).mean()), 4),
            "real_negatives": len(docs) - int(sum(d.misconduct for d in docs)),
        },
        "microseconds_per_text": round(per_text * 1e6, 1),
    }


def render(r: dict[str, Any]) -> str:
    g, m = r["gang"], r["misconduct"]
    rows = "\n".join(
        f"| {p['recall']:.2f} | {p['precision'] if p['precision'] is not None else '—'} |" for p in g["curve"]["points"]
    )
    ok = g["curve"]["recall_at_precision_85"] >= 0.95
    mach = r["machine"]
    return f"""## Triage scores (研判): gang and misconduct

**What:** `sanwang.text.triage.triage` on held-out texts. Gang: the 30 % test part of the CAIL2018 sample plus
the citizen messages ({r["test_texts"]} texts, {g["positives"]} with a gang-type charge), never used for training
or for choosing the threshold. Misconduct: the scenario corpus (synthetic) and the real texts as negatives.

**Command:** `.venv/bin/python -m bench.train_triage` (writes the shipped model from the train part) then
`.venv/bin/python -m bench.eval_triage`.

**Machine:** {mach["nproc"]} CPUs, Python {mach["python"]}; run {mach["date"]} at commit {mach["commit"]}.

Gang score, precision at each recall (test part):

| recall ≥ | precision |
|---|---|
{rows}

At the shipped review threshold {g["operating"]["threshold"]} (chosen on the train part for recall 0.96):
precision {g["operating"]["precision"]}, recall {g["operating"]["recall"]} ({g["operating"]["flagged"]} flagged).
Recall at precision 0.85: **{g["curve"]["recall_at_precision_85"]}**; precision at recall 0.95:
**{g["curve"]["precision_at_recall_95"]}**. By source: {g["by_source"]}.

Misconduct score on the scenario corpus ({m["scenario"]["texts"]} texts, {m["scenario"]["positives"]} about
officials): recall at precision 0.85 {m["scenario"]["curve"]["recall_at_precision_85"]}, precision at recall 0.95
{m["scenario"]["curve"]["precision_at_recall_95"]}; at 0.5: {m["scenario"]["at_0.5"]}. Real texts (CAIL facts and
citizen messages, {m["real_negatives"]} negatives) scoring ≥ 0.5: {m["real_negatives_flagged_at_0.5"]:.1%}.

Cost: {r["microseconds_per_text"]} µs per 300-character text on one core.

**Verdict:** target recall ≥ 0.95 at precision ≥ 0.85 — gang: **{"met" if ok else "missed"}**. Misconduct:
**not measurable on real data here** (one misconduct fact in the CAIL sample); the synthetic figures above show
the rules work on the kind of text they were written for, which is weak evidence. See docs/triage.md.
"""


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args(argv)
    r = run()
    report.save("triage", r, render(r))
    print(render(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
