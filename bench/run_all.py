"""Run every benchmark and rewrite docs/benchmarks.md from the collected results (``make bench``).

.venv/bin/python -m bench.run_all            # full sizes: 100,000-clue import, 1,000,000-clue ledgers
.venv/bin/python -m bench.run_all --quick    # reduced sizes: 10,000-clue import, 100,000-clue ledgers
.venv/bin/python -m bench.run_all --no-pg    # SQLite only
"""

from __future__ import annotations

import argparse
import json
import time

from bench import import_clues, ledger_queries, report
from bench.common import OUT, log


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="reduced sizes for a quick look")
    ap.add_argument("--no-pg", action="store_true", help="skip PostgreSQL")
    ap.add_argument("--render-only", action="store_true", help="rewrite docs/benchmarks.md from bench/out/*.json")
    a = ap.parse_args(argv)
    if a.render_only:
        return render_only()
    t0 = time.perf_counter()
    sections: dict[str, str] = {}

    clues = 10_000 if a.quick else 100_000
    log(f"run_all: import benchmark, {clues:,} clues")
    imp = import_clues.run(clues, reps=2 if a.quick else 3, pg_reps=0 if a.no_pg else (1 if a.quick else 2))
    imp["command"] = (
        ".venv/bin/python -m bench.run_all" + (" --quick" if a.quick else "") + (" --no-pg" if a.no_pg else "")
    )
    sections["import_clues"] = import_clues.render(imp)
    report.save("import_clues", imp, sections["import_clues"])

    size = 100_000 if a.quick else 1_000_000
    dbs = ["sqlite"] if a.no_pg else ["sqlite", "postgresql"]
    log(f"run_all: ledger benchmark, {size:,} clues on {', '.join(dbs)}")
    led = ledger_queries.run(size, dbs, reps=20, full_reps=3)
    led["command"] = imp["command"]
    sections["ledger_queries"] = ledger_queries.render_full(led)
    report.save("ledger_queries", led, sections["ledger_queries"])

    report.rewrite(sections)
    log(f"run_all: done in {time.perf_counter() - t0:,.0f}s; docs/benchmarks.md rewritten")
    return 0


def render_only() -> int:
    """Rewrite the document from the results kept under bench/out/ without measuring anything."""
    sections: dict[str, str] = {}
    for name, render in (("import_clues", import_clues.render), ("ledger_queries", ledger_queries.render_full)):
        path = OUT / f"{name}.json"
        if path.exists():
            sections[name] = render(json.loads(path.read_text(encoding="utf-8")))
    report.rewrite(sections)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
