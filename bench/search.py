"""Full-text search over the 1,000,000-clue ledger kept by ``bench.ledger_queries --keep`` (SQLite and PostgreSQL).

    .venv/bin/python -m bench.ledger_queries --clues 1000000 --db both --keep     # once, if not kept yet
    .venv/bin/python -m bench.search [--db both] [--reps 20]

Indexes the clues not yet in the full-text index (``textindex.ensure_indexed``, timed), then runs a query mix
as the city leader would type it — drawn from the ledger's own texts with a fixed seed: a two-character word, a
three-character name, a 4–6 character phrase, two words ANDed, the same phrase in traditional script, a common
word and a rare full name — each a fresh session, first page of 20, newest first, access policy applied.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

from sqlalchemy import text

from bench import report
from bench.common import OUT, log, machine, pg_schema, summary
from sanwang.services.clues import get_clue
from sanwang.services.context import actor_for
from sanwang.services.search import search
from sanwang.services.textindex import ensure_indexed
from sanwang.store.db import Store
from sanwang.text.segment import runs
from sanwang.text.t2s import convert

TARGET_MS = 100.0


def _ensure_table(store: Store) -> None:
    # Ledgers kept before revision 0003 had its placeholder: create the index table as the revision does.
    with store.session() as s:
        if store.dialect == "sqlite":
            s.execute(
                text("CREATE VIRTUAL TABLE IF NOT EXISTS clue_fts USING fts5(tokens, content='', tokenize='unicode61')")
            )
        else:
            s.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS clue_fts "
                    "(clue_id INTEGER PRIMARY KEY REFERENCES clues (id), tokens TSVECTOR NOT NULL)"
                )
            )
            s.execute(text("CREATE INDEX IF NOT EXISTS ix_clue_fts_tokens ON clue_fts USING gin (tokens)"))


def _to_traditional(word: str) -> str:
    from opencc import OpenCC  # opencc-python-reimplemented, a dependency of the project

    return str(OpenCC("s2t").convert(word))


def queries(store: Store, n: int = 8) -> list[tuple[str, str]]:
    rng = random.Random(11)
    with store.session() as s:
        bodies = [str(b) for (b,) in s.execute(text("SELECT summary FROM clues WHERE id % 997 = 0 LIMIT 400"))]
        names = [str(x) for (x,) in s.execute(text("SELECT name FROM clue_subjects WHERE id % 991 = 0 LIMIT 200"))]
    han = [r for b in bodies for k, r in runs(convert(b)) if k == "han" and len(r) >= 6]
    out: list[tuple[str, str]] = []
    for _ in range(n):
        run = rng.choice(han)
        i = rng.randrange(len(run) - 5)
        phrase = run[i : i + rng.randint(4, 6)]
        other = rng.choice(han)
        out += [
            ("2-char word", run[i : i + 2]),
            ("3-char name", rng.choice([x for x in names if len(x) == 3] or names)),
            ("4–6 char phrase", phrase),
            ("two words (AND)", f"{phrase[:2]} {other[:3]}"),
            ("traditional script", _to_traditional(phrase)),
            ("common word", rng.choice(["反映", "举报", "问题", "群众"])),
            ("rare full name", rng.choice(names)),
        ]
    return out


def run_one(db: str, reps: int) -> dict[str, Any]:
    def go(url: str) -> dict[str, Any]:
        store = Store(url)
        _ensure_table(store)
        t0 = time.perf_counter()
        with store.session() as s:
            indexed = ensure_indexed(s)
        build = time.perf_counter() - t0
        log(f"{db}: indexed {indexed:,} clues in {build:.0f}s; measuring")
        if store.dialect == "postgresql":
            with store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE clue_fts")
        qs = queries(store)
        times: dict[str, list[float]] = {}
        rows: dict[str, list[int]] = {}
        numbers: list[str] = []
        with store.session() as s:
            numbers = [str(x) for (x,) in s.execute(text("SELECT number FROM clues WHERE id % 1000 = 0 LIMIT 500"))]
        rng = random.Random(5)
        for rep in range(reps):
            for kind, q in [("reference", ""), *qs]:
                t = time.perf_counter()
                with store.session() as s:
                    if kind == "reference":
                        get_clue(s, rng.choice(numbers))
                        n = 1
                    else:
                        n = len(search(s, actor=actor_for(s, "leader"), query=q)["results"])
                times.setdefault(kind, []).append(time.perf_counter() - t)
                rows.setdefault(kind, []).append(n)
            log(f"{db}: round {rep + 1} done")
        store.dispose()
        out = {k: {**summary(v), "rows_mean": sum(rows[k]) / len(rows[k])} for k, v in times.items()}
        every = [t for k, v in times.items() if k != "reference" for t in v]
        return {"indexed": indexed, "index_seconds": build, "queries": out, "all": summary(every), "mix": qs[:7]}

    if db == "sqlite":
        file = OUT / "ledger.db"
        if not file.exists():
            raise SystemExit("no kept SQLite ledger: run bench.ledger_queries --db sqlite --keep first")
        return go(f"sqlite:///{file}")
    with pg_schema("bench_ledger", drop=False, reuse=True) as url:
        return go(url)


def render(r: dict[str, Any]) -> str:
    m = r["machine"]
    parts = [
        "## Full-text search over 1,000,000 clues",
        "",
        "**What:** `services.search.search` — the path of `sanwang clue search` — on the ledger of the benchmark "
        "above (1,000,000 clues with 100–300-character texts), as the city leader (subtree visibility and the "
        "recusal filter apply), first page of 20, newest first; a query mix drawn from the ledger's own texts "
        "with a fixed seed. Each call in a fresh session; the reference is `get_clue` by number in the same rounds.",
        "",
        "**Command:** `.venv/bin/python -m bench.search --db both` (after `bench.ledger_queries --keep`)",
        "",
        f"**Machine:** {m['nproc']} CPUs, Python {m['python']}, SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}; "
        f"run {m['date']} at commit {m['commit']}.",
    ]
    verdicts = []
    for db, d in r["databases"].items():
        parts += [
            "",
            f"### {db}",
            "",
            f"Index built for {d['indexed']:,} clues in {d['index_seconds']:.0f} s "
            f"({d['indexed'] / max(d['index_seconds'], 1e-9):,.0f} clues/s, one process).",
            "",
            "| query | n | p50 (ms) | p95 (ms) | max (ms) | rows (mean) |",
            "|---|---|---|---|---|---|",
        ]
        for k, q in d["queries"].items():
            parts.append(
                f"| {k} | {q['n']} | {q['p50'] * 1e3:,.1f} | {q['p95'] * 1e3:,.1f} | {q['max'] * 1e3:,.1f} | "
                f"{q['rows_mean']:.1f} |"
            )
        p95 = d["all"]["p95"] * 1e3
        parts.append(f"| **all queries** | {d['all']['n']} | {d['all']['p50'] * 1e3:,.1f} | {p95:,.1f} | "
                     f"{d['all']['max'] * 1e3:,.1f} | |")  # fmt: skip
        verdicts.append(f"{db}: p95 {p95:,.0f} ms {'<' if p95 < TARGET_MS else '≥'} {TARGET_MS:.0f} ms "
                        f"({'met' if p95 < TARGET_MS else 'missed'})")  # fmt: skip
    parts += ["", "**Verdict:** " + "; ".join(verdicts) + "."]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--reps", type=int, default=10)
    a = ap.parse_args(argv)
    dbs = ["sqlite", "postgresql"] if a.db == "both" else [a.db]
    result = {"machine": machine(), "databases": {db: run_one(db, a.reps) for db in dbs}}
    report.save("search", result, render(result))
    print(render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
