"""docs/benchmarks.md: an introduction kept as written, then one marked section per benchmark.

A benchmark run on its own replaces only its own section; ``bench.run_all`` rewrites every section.
Raw results are kept as JSON under bench/out/ (gitignored).
"""

from __future__ import annotations

import json
import re
from typing import Any

from bench.common import OUT, ROOT

DOC = ROOT / "docs" / "benchmarks.md"
# findings: written by hand, kept as is
ORDER = ("import_clues", "ledger_queries", "search", "ner", "triage", "neardup", "rescreen", "findings")
INTRO = """# Benchmarks

Figures measured by `make bench` (`.venv/bin/python -m bench.run_all`; `--quick` for reduced sizes). The
benchmarks are not part of the test suite. The machine they run on is shared and noisy, so every absolute
figure comes with a **ratio against a reference measured in the same run** on the same database — for the
import, the bare-insert floor (a plain `executemany` of the same rows into a table of the same width); for
queries, a trivial indexed lookup on the same ledger. A ratio that stays put while the absolute time moves
means the machine was busy; a ratio that moves means the code (or the plan) changed. Timings are repeated
and given as p50/p95 (nearest rank); a verdict against each target is stated, misses included.
"""


def _marker(name: str) -> tuple[str, str]:
    return f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"


def _intro(text: str) -> str:
    first = text.find("<!-- bench:")
    intro = text[:first] if first >= 0 else text
    return intro.strip() + "\n" if intro.strip() else INTRO


def save(name: str, result: dict[str, Any], markdown: str) -> None:
    """Keep the raw result and replace this benchmark's section of docs/benchmarks.md."""
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else INTRO
    start, end = _marker(name)
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        sections = {n: _section(text, n) for n in ORDER}
        sections[name] = block
        text = _intro(text) + "".join(f"\n{s}\n" for n in ORDER if (s := sections[n]))
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")


def _section(text: str, name: str) -> str:
    start, end = _marker(name)
    m = re.search(re.escape(start) + r".*?" + re.escape(end), text, re.S)
    return m.group(0) if m else ""


def rewrite(sections: dict[str, str]) -> None:
    """The whole file from its introduction and the given sections (in benchmark order)."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else INTRO
    out = _intro(text)
    for name in ORDER:
        if name in sections:
            start, end = _marker(name)
            out += f"\n{start}\n{sections[name].strip()}\n{end}\n"
        elif old := _section(text, name):
            out += f"\n{old}\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(out, encoding="utf-8")
