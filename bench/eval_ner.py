"""Evaluate name recognition (实体抽取评测) on the MSRA test split and write its section of docs/benchmarks.md.

    .venv/bin/python -m bench.eval_ner [--model PATH] [--limit N]

Scores persons (PER), organisations (ORG) and places (LOC) by exact span, as conlleval does, on
../shared/data/ner_msra/msra_test_bio.txt (3,442 sentences; never trained on: bench/train_ner.py drops any
training sentence sharing a 20-character run with it). Approaches compared, each on the raw sentence text:

- **rules** — the precision-first name rules of ``sanwang.text.patterns`` (陈某, 所长张三, unit endings, region
  names from the division table);
- **jieba** — ``jieba.posseg`` part-of-speech tags nr/nrfg/nrt → PER, ns → LOC, nt → ORG (jieba ships its
  dictionary and HMM inside the package; a widely used offline baseline);
- **crf** — the shipped character CRF alone (``sanwang.text.ner``);
- **default** — what ``sanwang text entities`` does: ``extract()`` with rules and the CRF combined, scored on
  its person/org/place entities.

Also: cost per sentence for each approach (one core), and the gazetteer's recall on registry names in the
scenario corpus (every planted official named in a clue, found exactly — the other half of the issue's target).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import report
from bench.common import log, machine
from bench.train_ner import read_bio
from bench.triage_data import DATA
from sanwang.text import ner
from sanwang.text.entities import extract, resolve_overlaps
from sanwang.text.patterns import rule_entities

LABELS = ("PER", "ORG", "LOC")
TYPE_LABEL = {"person": "PER", "org": "ORG", "place": "LOC"}
Spans = set[tuple[str, int, int]]


def gold(labels: list[str]) -> Spans:
    return set(ner.spans(labels))


def by_rules(text: str) -> Spans:
    names = [e for e in rule_entities(text) if e.type in TYPE_LABEL or e.type == "position"]
    return {(TYPE_LABEL[e.type], e.start, e.end) for e in resolve_overlaps(names) if e.type in TYPE_LABEL}


def by_jieba(text: str) -> Spans:
    import jieba.posseg

    out: Spans = set()
    pos = 0
    for word, flag in jieba.posseg.cut(text):
        label = "PER" if flag in ("nr", "nrfg", "nrt") else "LOC" if flag == "ns" else "ORG" if flag == "nt" else None
        if label:
            out.add((label, pos, pos + len(word)))
        pos += len(word)
    return out


def by_crf(text: str) -> Spans:
    return {(TYPE_LABEL[e.type], e.start, e.end) for e in ner.model_entities(text)}


def by_default(text: str) -> Spans:
    return {(TYPE_LABEL[e.type], e.start, e.end) for e in extract(text) if e.type in TYPE_LABEL}


APPROACHES: dict[str, Callable[[str], Spans]] = {
    "rules": by_rules,
    "jieba": by_jieba,
    "crf": by_crf,
    "default": by_default,
}


def prf(tp: int, predicted: int, expected: int) -> dict[str, float]:
    p = tp / predicted if predicted else 0.0
    r = tp / expected if expected else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}


def score(sentences: list[tuple[str, list[str]]], fn: Callable[[str], Spans]) -> dict[str, Any]:
    counts = {lab: [0, 0, 0] for lab in LABELS}  # tp, predicted, expected
    predictions = [fn(text) for text, _ in sentences]
    # Timed on a second pass: loading a model or a dictionary on first use is not a per-sentence cost.
    t0 = time.perf_counter()
    for text, _ in sentences:
        fn(text)
    seconds = time.perf_counter() - t0
    for (_, labels), pred in zip(sentences, predictions, strict=True):
        expected = gold(labels)
        for lab in LABELS:
            e = {s for s in expected if s[0] == lab}
            p = {s for s in pred if s[0] == lab}
            counts[lab][0] += len(e & p)
            counts[lab][1] += len(p)
            counts[lab][2] += len(e)
    out: dict[str, Any] = {lab: prf(*counts[lab]) for lab in LABELS}
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    out["all"] = prf(*total)
    out["ms_per_sentence"] = round(seconds / len(sentences) * 1000, 3)
    return out


def gazetteer_recall(size: str = "city", seed: int = 7) -> dict[str, Any]:
    """Person recall of the default by whether jieba's dictionary lists the name (the dictionary is built from news
    of MSRA's years, so the first figure flatters; the second is what to expect for local names no dictionary
    holds): listed {d["in_dictionary"]["recall"]} ({d["in_dictionary"]["persons"]:,} persons), not listed
    **{d["not_in_dictionary"]["recall"]}** ({d["not_in_dictionary"]["persons"]:,} persons).

    Registry names in the scenario corpus, found exactly by the gazetteer after normalisation.

        Gold: every clue subject who is a registered official (ground truth ``person_id``) and whose name appears in
        the clue's normalised text. Found: ``extract`` returns a gazetteer person at that name whose key is that
        official. Subjects whose name the converter damage destroyed (the name is not in the repaired text) are
        counted apart: no exact matcher can find them, and the reader sees the placeholder.
    """
    from sanwang.scenario.generator import generate
    from sanwang.text.gazetteer import Gazetteer
    from sanwang.text.normalize import normalize

    city = generate(size, seed)  # type: ignore[arg-type]
    entries = [(o.name, "person", o.person_id) for o in city.officials]
    entries += [(m.name, "person", m.person_id) for g in city.gang_cases for m in g.members]
    gaz = Gazetteer.build(entries)
    expected = found = lost = 0
    for clue in city.clues:
        text = normalize(clue.summary).text
        hits: dict[str, set[str]] = {}
        for e in extract(text, gaz):
            if e.type == "person" and e.source == "gazetteer":
                keys = e.value if isinstance(e.value, tuple) else (str(e.value),)
                hits.setdefault(e.text, set()).update(keys)
        for s in clue.subjects:
            if s.person_id is None:
                continue
            if s.name not in text:
                lost += 1
                continue
            expected += 1
            found += s.person_id in hits.get(s.name, set())
    return {
        "size": size,
        "registry": len(city.officials),
        "mentions": expected,
        "found": found,
        "damaged_names": lost,
        "recall": round(found / expected, 4) if expected else None,
    }


def run(model: Path | None, limit: int | None) -> dict[str, Any]:
    if model is not None:
        ner.use_model(model)
    sentences = read_bio(DATA / "ner_msra" / "msra_test_bio.txt")[:limit]
    results: dict[str, Any] = {"machine": machine(), "sentences": len(sentences), "approaches": {}}
    for name, fn in APPROACHES.items():
        fn(sentences[0][0])  # load dictionaries and models outside the timing
        log(f"ner: scoring {name}")
        results["approaches"][name] = score(sentences, fn)
    results["dictionary_split"] = dictionary_split(sentences)
    results["gazetteer"] = gazetteer_recall()
    return results


def dictionary_split(sentences: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """Person recall of the default extraction, for gold names jieba's dictionary lists as a person (nr*) and
    for the rest. The dictionary was built from news of the same years as MSRA, so the first figure flatters;
    the second is what to expect for the local names in petitions, which no dictionary holds."""
    from sanwang.text.ner import _lexicon

    tags = _lexicon()[1]
    counts = {"in_dictionary": [0, 0], "not_in_dictionary": [0, 0]}
    for text, labels in sentences:
        found = by_default(text)
        for span in gold(labels):
            if span[0] != "PER":
                continue
            key = "in_dictionary" if tags.get(text[span[1] : span[2]], "").startswith("nr") else "not_in_dictionary"
            counts[key][0] += span in found
            counts[key][1] += 1
    return {k: {"persons": n, "recall": round(hit / n, 3) if n else None} for k, (hit, n) in counts.items()}


def render(r: dict[str, Any]) -> str:
    rows = []
    for name, a in r["approaches"].items():
        cells = " | ".join(
            f"{a[lab]['precision']:.3f} / {a[lab]['recall']:.3f} / **{a[lab]['f1']:.3f}**" for lab in LABELS
        )
        rows.append(f"| {name} | {cells} | {a['all']['f1']:.3f} | {a['ms_per_sentence']} |")
    per = r["approaches"]["default"]["PER"]["f1"]
    g = r["gazetteer"]
    d = r["dictionary_split"]
    mach = r["machine"]
    return f"""## Entity extraction (实体抽取): MSRA and the scenario's registry names

**What:** persons, organisations and places by exact span on the MSRA test split ({r["sentences"]} sentences,
never trained on), four approaches; then the gazetteer on the scenario corpus. See docs/entities.md.

**Command:** `.venv/bin/python -m bench.eval_ner` (the shipped model); the model itself comes from
`.venv/bin/python -m bench.train_ner --train train.json --train weiboNER_2nd_conll.train` (the training splits of
CLUENER2020 and Weibo NER only; not shipped, see docs/entities.md).

**Machine:** {mach["nproc"]} CPUs, Python {mach["python"]}; run {mach["date"]} at commit {mach["commit"]}.

| approach | PER P / R / F1 | ORG P / R / F1 | LOC P / R / F1 | all F1 | ms/sentence |
|---|---|---|---|---|---|
{chr(10).join(rows)}

Person recall of the default by whether jieba's dictionary lists the name (the dictionary is built from news
of MSRA's years, so the first figure flatters; the second is what to expect for local names no dictionary
holds): listed {d["in_dictionary"]["recall"]} ({d["in_dictionary"]["persons"]:,} persons), not listed
**{d["not_in_dictionary"]["recall"]}** ({d["not_in_dictionary"]["persons"]:,} persons).

Registry names in the scenario corpus (`{g["size"]}`, {g["registry"]:,} officials in the registry; gazetteer
mode): {g["found"]:,} of {g["mentions"]:,} subject mentions found exactly with the right registry key, recall
**{g["recall"]}**; {g["damaged_names"]} more subjects' names were destroyed by converter damage and are not in
the repaired text at all.

**Verdict:** person F1 ≥ 0.85 on MSRA — **{"met" if per >= 0.85 else "missed"}** (default: {per:.3f}; the
CRF alone: {r["approaches"]["crf"]["PER"]["f1"]:.3f});
registry names ≥ 0.98 — **{"met" if (g["recall"] or 0) >= 0.98 else "missed"}**.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="evaluate this CRF model instead of the shipped one")
    ap.add_argument("--limit", type=int, help="only the first N sentences (quick checks)")
    ap.add_argument("--no-save", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = ap.parse_args(argv)
    r = run(args.model, args.limit)
    if not args.no_save and args.model is None and args.limit is None:
        report.save("ner", r, render(r))
    print(render(r))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
