"""Train the name-recognition CRF (命名实体识别模型) and write ``sanwang/text/data/ner_crf.bin``.

    .venv/bin/python -m bench.train_ner --train FILE [--train FILE ...] [--out PATH]

Training files are character-per-line BIO corpora (``char<TAB or space>tag``, blank line between sentences) with
PER, ORG and LOC labels, or CLUENER2020 JSON (``*.json``). Only TRAINING splits are used — development and test
splits are for measuring, by others and by this project. The shipped model was trained on:

- CLUENER2020 ``train.json`` (10,748 news sentences; sha256 8702ded9…, as stored in
  github.com/StanleySun233/ChineseNER ``data/cluener/train.json`` at 16ebe3eb; name → PER, organization /
  government / company → ORG, address / scene → LOC, the other classes not names);
- Weibo NER ``weiboNER_2nd_conll.train`` (1,350 posts of github.com/hltcoe/golden-horse via
  OYE93/Chinese-NLP-Corpus at e9bb5b5f; sha256 4e8954c5…; nominal mentions dropped, GPE counted as places).

The People's Daily 1998 train split and MSRA's train split are stored only as large files no mirror here held.
None of these files is part of this project; bring them yourself. Any training sentence that shares a
20-character run with the MSRA test split the evaluation uses (../shared/data/ner_msra) is dropped first, so the
reported figures are on text the model never saw.

Features: ``sanwang.text.ner.features`` (the same function tags at run time). L-BFGS with L1 + L2
regularisation; the L1 term prunes the feature set so the model ships small. Deterministic for the same input.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bench.triage_data import DATA
from sanwang.text.ner import MODEL_FILE, features

OUT = Path(__file__).resolve().parents[1] / "src" / "sanwang" / "text" / "data" / MODEL_FILE
SHINGLE = 20
PARAMS = {"c1": 0.05, "c2": 0.01, "max_iterations": 200, "feature.possible_transitions": True}


def read_bio(path: Path) -> list[tuple[str, list[str]]]:
    """``(sentence, labels)`` pairs of a character-per-line BIO file."""
    out: list[tuple[str, list[str]]] = []
    chars: list[str] = []
    labels: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if chars:
                out.append(("".join(chars), labels))
                chars, labels = [], []
            continue
        parts = line.split("\t") if "\t" in line else line.split(" ")
        if len(parts[0]) != 1:
            parts = [" ", parts[-1]] if not parts[0] else parts
        chars.append(parts[0][:1] or " ")
        labels.append(_label(parts[-1].strip()))
    if chars:
        out.append(("".join(chars), labels))
    return out


# CLUENER2020's fine-grained classes brought to MSRA's three (others — book, game, movie, position — are not names).
CLUENER_LABEL = {"name": "PER", "organization": "ORG", "government": "ORG", "company": "ORG", "address": "LOC",
                 "scene": "LOC"}  # fmt: skip


# CLUENER2020 marks a whole address as one span (北京市海淀区中关村大街); MSRA and the region rules read each level
# as a place of its own, so an address is cut after each administrative level.
ADMIN_ENDS = frozenset("省市区县镇乡村州盟旗")


def read_cluener(path: Path) -> list[tuple[str, list[str]]]:
    """``(sentence, labels)`` pairs of a CLUENER2020 file: JSON objects ``{"text", "label": {class: {mention:
    [[start, end], ...]}}}`` with inclusive ends, one a line or pretty-printed one after another."""
    text = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    out: list[tuple[str, list[str]]] = []
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            return out
        record, at = decoder.raw_decode(text, at)
        sentence = record["text"]
        labels = ["O"] * len(sentence)
        for kind, mentions in (record.get("label") or {}).items():
            tag = CLUENER_LABEL.get(kind)
            for bounds in mentions.values() if tag else ():
                for start, end in bounds:
                    labels[start : end + 1] = [f"B-{tag}"] + [f"I-{tag}"] * (end - start)
                    if kind == "address":  # 巧家县白鹤滩镇 is two places for MSRA and for sanwang's region codes
                        for k in range(start, end):
                            if sentence[k] in ADMIN_ENDS:
                                labels[k + 1] = f"B-{tag}"
        out.append((sentence, labels))


def read_corpus(path: Path) -> list[tuple[str, list[str]]]:
    return read_cluener(path) if path.suffix == ".json" else read_bio(path)


def _label(raw: str) -> str:
    """Weibo NER's labels brought to MSRA's: names (``.NAM``) kept, nominal mentions (``.NOM``: 记者) dropped,
    geopolitical entities (GPE) counted as places, as MSRA does."""
    head, _, rest = raw.partition("-")
    if not rest:
        return raw
    kind, _, form = rest.partition(".")
    if form == "NOM":
        return "O"
    return f"{head}-{'LOC' if kind == 'GPE' else kind}"


def shingles(text: str) -> set[str]:
    return {text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))}


def main(argv: list[str] | None = None) -> None:
    import pycrfsuite

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--train", type=Path, action="append", required=True, help="BIO training file (repeatable)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--max-iterations", type=int, default=int(PARAMS["max_iterations"]))
    ap.add_argument("--c1", type=float, default=float(PARAMS["c1"]), help="L1 weight (prunes features)")
    ap.add_argument("--c2", type=float, default=float(PARAMS["c2"]), help="L2 weight")
    ap.add_argument(
        "--dev", type=int, default=0, help="hold out every N-th sentence and report F1 on them (for choosing features)"
    )
    args = ap.parse_args(argv)

    held_out: set[str] = set()
    for sentence, _ in read_bio(DATA / "ner_msra" / "msra_test_bio.txt"):
        held_out |= shingles(sentence)
    trainer = pycrfsuite.Trainer(verbose=False)
    kept = dropped = 0
    dev: list[tuple[str, list[str]]] = []
    for path in args.train:
        for sentence, labels in read_corpus(path):
            if shingles(sentence) & held_out:
                dropped += 1
                continue
            if args.dev and (kept + len(dev)) % args.dev == 0:
                dev.append((sentence, labels))
                continue
            trainer.append(features(sentence), labels)
            kept += 1
    trainer.set_params({**PARAMS, "max_iterations": args.max_iterations, "c1": args.c1, "c2": args.c2})
    t0 = time.perf_counter()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(args.out))
    print(
        f"trained on {kept:,} sentences ({dropped} dropped for overlapping the MSRA test split) "
        f"in {time.perf_counter() - t0:.0f} s → {args.out} ({args.out.stat().st_size / 2**20:.1f} MiB)"
    )
    if dev:
        report_dev(args.out, dev)


def report_dev(model: Path, dev: list[tuple[str, list[str]]]) -> None:
    """Exact-span F1 by type on the held-out training sentences, with the run-time decoding: the model alone and
    the default (rules + model, what users get), so a change to how they are combined is judged here too."""
    from sanwang.text import ner
    from sanwang.text.entities import extract

    ner.use_model(model)
    label = {"person": "PER", "org": "ORG", "place": "LOC"}
    readers = {"model": ner.model_entities, "default": extract}
    for name, read in readers.items():
        found = [[(label[e.type], e.start, e.end) for e in read(sentence) if e.type in label] for sentence, _ in dev]
        for kind in ("PER", "ORG", "LOC"):
            tp = predicted = expected = 0
            for (_, labels), spans in zip(dev, found, strict=True):
                gold = {s for s in ner.spans(labels) if s[0] == kind}
                got = {s for s in spans if s[0] == kind}
                tp, predicted, expected = tp + len(gold & got), predicted + len(got), expected + len(gold)
            p, r = tp / max(predicted, 1), tp / max(expected, 1)
            f1 = 2 * p * r / max(p + r, 1e-9)
            print(f"dev {name} {kind}: P {p:.3f} R {r:.3f} F1 {f1:.3f} ({expected} in {len(dev)} sentences)")


if __name__ == "__main__":
    main()
