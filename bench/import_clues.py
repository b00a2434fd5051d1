"""Benchmark 1 — importing a ledger CSV of N clues (default 100,000) through ``import_clues``.

Each measurement runs in a fresh child process on a fresh database, so the peak RSS (``ru_maxrss``) is that of
one import. The reference floor, measured alternately in the same run, is a plain ``executemany`` of the same
rows (12 text columns, already parsed) into a 12-column table: ``sqlite3`` with the ledger's own pragmas
(WAL, synchronous=NORMAL) for SQLite, ``psycopg`` for PostgreSQL.

    .venv/bin/python -m bench.import_clues [--clues 100000] [--reps 3] [--pg-reps 2] [--no-pg]
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import report
from bench.common import OUT, build_office, county_regions, log, machine, peak_rss_mib, pg_schema, summary
from bench.data import write_ledger_csv
from sanwang.services.context import actor_for
from sanwang.services.imports import import_clues
from sanwang.store.db import Store
from sanwang.store.tables import Clue, ClueSubject, Deadline

TARGET_PER_S = 5000.0
SEED = 20190401


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    return rows[1:]


def _child_import(db: str, path: Path) -> dict[str, Any]:
    def run(url: str) -> dict[str, Any]:
        store = Store(url)
        store.upgrade()
        build_office(store)
        t0 = time.perf_counter()
        with store.session() as s:
            result = import_clues(s, actor=actor_for(s, "clerk"), path=path)
        elapsed = time.perf_counter() - t0
        with store.session() as s:
            counts = {
                t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in (Clue, ClueSubject, Deadline)
            }
        store.dispose()
        return {"seconds": elapsed, "imported": result["imported"], "counts": counts, "peak_rss_mib": peak_rss_mib()}

    if db == "sqlite":
        file = OUT / "import_bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
        try:
            return run(f"sqlite:///{file}")
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{file}{suffix}").unlink(missing_ok=True)
    with pg_schema("bench_import") as url:
        return run(url)


def _child_floor(db: str, path: Path) -> dict[str, Any]:
    rows = _rows(path)
    cols = ", ".join(f"c{i} TEXT" for i in range(12))
    marks = ", ".join("?" * 12)
    if db == "sqlite":
        file = OUT / "import_floor.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
        conn = sqlite3.connect(file, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(f"CREATE TABLE floor (id INTEGER PRIMARY KEY, {cols})")
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(f"INSERT INTO floor (c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11) VALUES ({marks})", rows)
        conn.execute("COMMIT")
        elapsed = time.perf_counter() - t0
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{file}{suffix}").unlink(missing_ok=True)
        return {"seconds": elapsed, "rows": len(rows), "peak_rss_mib": peak_rss_mib()}
    import psycopg

    from bench.common import PG_URL

    with pg_schema("bench_floor") as url:
        schema = url.rsplit("search_path%3D", 1)[-1]
        with psycopg.connect(PG_URL) as pg:
            pg.execute(f"CREATE TABLE {schema}.floor (id SERIAL PRIMARY KEY, {cols})")
            pg.commit()
            t0 = time.perf_counter()
            with pg.cursor() as cur:
                cur.executemany(
                    f"INSERT INTO {schema}.floor (c0,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,c11) "
                    f"VALUES ({', '.join(['%s'] * 12)})",
                    rows,
                )
            pg.commit()
            elapsed = time.perf_counter() - t0
    return {"seconds": elapsed, "rows": len(rows), "peak_rss_mib": peak_rss_mib()}


def _spawn(kind: str, db: str, path: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.import_clues", "--child", kind, "--db", db, "--csv", str(path)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run(clues: int, reps: int, pg_reps: int) -> dict[str, Any]:
    """Generate the CSV, then alternate floor and import measurements; returns the result record."""
    path = OUT / f"import_{clues}.csv"
    if not path.exists():
        log(f"import: writing {clues:,} rows to {path}")
        write_ledger_csv(path, clues, SEED, county_regions())
    result: dict[str, Any] = {
        "clues": clues,
        "csv_mib": round(path.stat().st_size / 2**20, 1),
        "machine": machine(),
        "command": f".venv/bin/python -m bench.import_clues --clues {clues} --reps {reps} --pg-reps {pg_reps}",
        "databases": {},
    }
    for db, n in (("sqlite", reps), ("postgresql", pg_reps)):
        if n <= 0:
            continue
        runs: list[dict[str, Any]] = []
        for i in range(n):
            floor = _spawn("floor", db, path)
            imp = _spawn("import", db, path)
            if imp["imported"] != clues:
                raise RuntimeError(f"{db}: imported {imp['imported']} of {clues}")
            runs.append({"import": imp, "floor": floor, "ratio": imp["seconds"] / floor["seconds"]})
            log(f"import {db} #{i + 1}: {imp['seconds']:.1f}s ({clues / imp['seconds']:,.0f}/s), "
                f"floor {floor['seconds']:.2f}s, rss {imp['peak_rss_mib']:.0f} MiB")  # fmt: skip
        result["databases"][db] = {
            "runs": runs,
            "seconds": summary([r["import"]["seconds"] for r in runs]),
            "rate": summary([clues / r["import"]["seconds"] for r in runs]),
            "floor_seconds": summary([r["floor"]["seconds"] for r in runs]),
            "ratio": summary([r["ratio"] for r in runs]),
            "peak_rss_mib": max(r["import"]["peak_rss_mib"] for r in runs),
            "counts": runs[-1]["import"]["counts"],
        }
    return result


def render(r: dict[str, Any]) -> str:
    """The markdown section of this benchmark."""
    m = r["machine"]
    lines = [
        f"## Import of {r['clues']:,} clues from a CSV ledger",
        "",
        "**What:** `import_clues` — the path a user runs with `sanwang clue import` — reads a UTF-8 CSV with the 12 "
        f"Chinese headers ({r['csv_mib']} MiB; valid 18-digit ID numbers, 17 channels written as names, codes or "
        "aliases, 40% real-name with reporter, 1–3 subjects, summaries of 100–300 characters, received 2018–2020 "
        "in three date styles), validates every row, then registers all of them in one transaction (clues, "
        "subjects, reporters, the `register` event, deadlines). Each measurement is a fresh child process on a "
        "fresh database (tables migrated and the office set up before the clock starts); the time includes the "
        "commit. **Floor** (reference, measured alternately in the same run): plain `executemany` of the same "
        "rows, already parsed, into a 12-column table in one transaction — `sqlite3` with the ledger's pragmas "
        "(WAL, synchronous=NORMAL), `psycopg` for PostgreSQL. Ratio = import time / floor time.",
        "",
        f"**Command:** `{r['command']}` (or `make bench`)",
        "",
        _machine_line(m),
        "",
        "| database | runs | time p50 (s) | time p95 (s) | clues/s p50 | clues/s worst | floor p50 (s) "
        "| ratio p50 | ratio p95 | peak RSS (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for db, d in r["databases"].items():
        lines.append(
            f"| {db} | {d['seconds']['n']} | {d['seconds']['p50']:.1f} | {d['seconds']['p95']:.1f} "
            f"| {d['rate']['p50']:,.0f} | {d['rate']['min']:,.0f} | {d['floor_seconds']['p50']:.2f} "
            f"| {d['ratio']['p50']:.0f}× | {d['ratio']['p95']:.0f}× | {d['peak_rss_mib']:,.0f} |"
        )
    lines += ["", "Rows written per import: " + ", ".join(
        f"{db}: " + ", ".join(f"{k} {v:,}" for k, v in d["counts"].items()) for db, d in r["databases"].items()
    ) + ".", ""]  # fmt: skip
    sq = r["databases"].get("sqlite")
    if sq:
        worst = sq["rate"]["min"]
        ok = worst >= TARGET_PER_S
        lines.append(
            f"**Verdict:** target ≥ {TARGET_PER_S:,.0f} clues/s on SQLite — "
            + ("**met**" if ok else "**missed**")
            + f": p50 {sq['rate']['p50']:,.0f} clues/s, slowest run {worst:,.0f} clues/s; the import costs "
            f"{sq['ratio']['p50']:.0f}× the bare-insert floor (validation, ID-number checks, deadline computation "
            f"and five tables instead of one). Peak RSS {sq['peak_rss_mib']:,.0f} MiB: the whole file is validated "
            "in memory before anything is written (all-or-nothing), so memory grows with the file."
        )
    pg = r["databases"].get("postgresql")
    if pg:
        lines.append(
            f"PostgreSQL (for information): p50 {pg['rate']['p50']:,.0f} clues/s, {pg['ratio']['p50']:.0f}× its floor."
        )
    lines.append("")
    return "\n".join(lines)


def _machine_line(m: dict[str, Any]) -> str:
    return (
        f"**Machine:** {m['nproc']} CPUs ({m['cpu']}), {m['ram_gib']} GiB RAM, Python {m['python']}, "
        f"SQLite {m['sqlite']}, PostgreSQL {m['postgresql']}, {m['platform']}; run {m['date']} "
        f"at commit {m['commit']}."
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clues", type=int, default=100_000)
    ap.add_argument("--reps", type=int, default=3, help="SQLite measurements")
    ap.add_argument("--pg-reps", type=int, default=2, help="PostgreSQL measurements (0 = skip)")
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--child", choices=("import", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--db", choices=("sqlite", "postgresql"), help=argparse.SUPPRESS)
    ap.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        fn = _child_import if a.child == "import" else _child_floor
        print(json.dumps(fn(a.db, a.csv)))
        return 0
    result = run(a.clues, a.reps, 0 if a.no_pg else a.pg_reps)
    report.save("import_clues", result, render(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
