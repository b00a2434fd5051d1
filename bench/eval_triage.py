"""Evaluate the triage scores (研判评测) and write their section of docs/benchmarks.md.

    .venv/bin/python -m bench.eval_triage

- **gang** and **misconduct**, on the held-out 30 % of CAIL2018 (the shared sample and any training files named
  by SANWANG_EVAL_CAIL_EXTRA), on any test-split files named by SANWANG_EVAL_CAIL_TEST (held out whole) and on
  the citizen messages (bench/triage_data.py; never trained on): the precision/recall curve, precision at recall
  0.95, recall at precision 0.85 (the issue's target), and the operating threshold chosen on the train part;
  also per source and per charge.
- **misconduct** also on the scenario corpus (synthetic: official-misconduct and umbrella reports against
  gang-only reports) — petition language, which the court facts lack; weak evidence, as the generator and the
  rules were written by the same team.
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
from sanwang.text.triage import Score, review_threshold, triage


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


def by_charge(docs: list[triage_data.Doc], scores: np.ndarray, labels: np.ndarray, threshold: float) -> dict[str, Any]:
    """Recall of the positives of each charge at ``threshold`` (a fact with several charges counts for each)."""
    out: dict[str, list[int]] = {}
    for d, s, y in zip(docs, scores, labels, strict=True):
        if y:
            for c in d.charges:
                hit = out.setdefault(c, [0, 0])
                hit[0] += int(s >= threshold)
                hit[1] += 1
    return {c: f"{k}/{n}" for c, (k, n) in sorted(out.items(), key=lambda kv: -kv[1][1]) if n >= 3}


def score_part(docs: list[triage_data.Doc], score: Score) -> dict[str, Any]:
    scores = np.array([getattr(triage(d.text), score) for d in docs])
    y = np.array([getattr(d, score) for d in docs])
    threshold = review_threshold(score)
    by_source = {
        src: {
            "texts": int(m.sum()),
            "positives": int(y[m].sum()),
            "flagged": int((scores[m] >= threshold).sum()),
        }
        for src in ("cail", "messages")
        if (m := np.array([d.source == src for d in docs])).any()
    }
    return {
        "positives": int(y.sum()),
        "curve": curve(scores, y),
        "operating": at(scores, y, threshold),
        "by_source": by_source,
        "by_charge": by_charge(docs, scores, y, threshold),
    }


def run() -> dict[str, Any]:
    docs = [d for d in triage_data.load() if d.split == "test"]
    extra = [p.name for p in triage_data.extra_files()]
    scenario = generate("small", 7)
    texts = [normalize(c.summary).text for c in scenario.clues]
    ys = np.array([c.kind in ("umbrella", "ordinary") for c in scenario.clues])
    yg = np.array([c.kind in ("umbrella", "gang") for c in scenario.clues])  # gang reports, with or without an official
    scored = [triage(t) for t in texts]
    ms = np.array([t.misconduct for t in scored])
    gs = np.array([t.gang for t in scored])
    sample = [d.text[:300] for d in docs if len(d.text) >= 300][:500] or [d.text for d in docs[:500]]
    t0 = time.perf_counter()
    for t in sample:
        triage(t)
    per_text = (time.perf_counter() - t0) / len(sample)
    return {
        "machine": machine(),
        "extra_files": extra,
        "held_out_files": [p.name for p in triage_data.test_files()],
        "test_texts": len(docs),
        "gang": {
            **score_part(docs, "gang"),
            "scenario": {"texts": len(texts), "positives": int(yg.sum()), "curve": curve(gs, yg)},
        },
        "misconduct": {
            **score_part(docs, "misconduct"),
            "scenario": {
                "texts": len(texts),
                "positives": int(ys.sum()),
                "curve": curve(ms, ys),
                "at_0.5": at(ms, ys, 0.5),
            },
        },
        "microseconds_per_text": round(per_text * 1e6, 1),
    }


def _table(c: dict[str, Any]) -> str:
    return "\n".join(
        f"| {p['recall']:.2f} | {p['precision'] if p['precision'] is not None else '—'} |" for p in c["points"]
    )


def _verdict(part: dict[str, Any]) -> str:
    if part["positives"] < 30:
        return "**not measurable** (fewer than 30 positives in the test part)"
    ok = part["curve"]["recall_at_precision_85"] >= 0.95
    return "**met**" if ok else "**missed**"


def _gang_scenario(g: dict[str, Any]) -> str:
    sc = g.get("scenario")
    if not sc:
        return ""
    c = sc["curve"]
    return (f" Gang score on the same corpus ({sc['positives']} reports about a gang, with or without an"
            f" official): recall at precision 0.85 {c['recall_at_precision_85']}, precision at recall 0.95"
            f" {c['precision_at_recall_95']}.")  # fmt: skip


def render(r: dict[str, Any]) -> str:
    g, m = r["gang"], r["misconduct"]
    mach = r["machine"]
    extra = r.get("extra_files") or []
    data = "the CAIL2018 sample" + (f" plus {', '.join(extra)} (SANWANG_EVAL_CAIL_EXTRA)" if extra else "")
    held = r.get("held_out_files") or []
    if held:  # test splits are measured whole, never trained on
        data += f", all of {', '.join(held)} (a test split, SANWANG_EVAL_CAIL_TEST)"
    sections = []
    for name, part in (("Gang score (涉黑涉恶)", g), ("Misconduct score (违纪违法/保护伞)", m)):
        op = part["operating"]
        sections.append(f"""{name}, precision at each recall ({part["positives"]} positives in the test part):

| recall ≥ | precision |
|---|---|
{_table(part["curve"])}

Recall at precision 0.85: **{part["curve"]["recall_at_precision_85"]}**; precision at recall 0.95:
**{part["curve"]["precision_at_recall_95"]}**. At the shipped review threshold {op["threshold"]} (chosen on the
train part for recall 0.96): precision {op["precision"]}, recall {op["recall"]} ({op["flagged"]} flagged). By
source: {part["by_source"]}. Recall by charge at that threshold: {part["by_charge"]}.""")
    sc = m["scenario"]
    return f"""## Triage scores (研判): gang and misconduct

**What:** `sanwang.text.triage.triage` on held-out texts: the 30 % test part of {data} and of the citizen
messages ({r["test_texts"]} texts), never used for training, for choosing features or for the thresholds.

**Command:** `.venv/bin/python -m bench.train_triage` (writes the shipped model from the train part) then
`.venv/bin/python -m bench.eval_triage`, with `SANWANG_EVAL_CAIL_EXTRA` (training splits only) and
`SANWANG_EVAL_CAIL_TEST` (test splits, measured only) set as in bench/triage_data.py and docs/triage.md.

**Machine:** {mach["nproc"]} CPUs, Python {mach["python"]}; run {mach["date"]} at commit {mach["commit"]}.

{sections[0]}

{sections[1]}

Misconduct score on the scenario corpus (synthetic petitions, {sc["texts"]} texts, {sc["positives"]} about
officials): recall at precision 0.85 {sc["curve"]["recall_at_precision_85"]}, precision at recall 0.95
{sc["curve"]["precision_at_recall_95"]}.{_gang_scenario(g)}

Cost: {r["microseconds_per_text"]} µs per 300-character text on one core.

**Verdict:** target recall ≥ 0.95 at precision ≥ 0.85 — gang: {_verdict(g)}; misconduct: {_verdict(m)}. See
docs/triage.md for the errors behind the figures.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-save", action="store_true", help="print only; leave docs/benchmarks.md alone")
    r = run()
    if not ap.parse_args(argv).no_save:
        report.save("triage", r, render(r))
    print(render(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
