"""Shared benchmark plumbing: machine facts, percentiles, the office to register into, PostgreSQL schemas."""

from __future__ import annotations

import os
import platform
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import create_engine, text

from sanwang.domain.regions import region_table
from sanwang.services.units import add_unit, add_user
from sanwang.store.db import Store

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
PG_URL = os.environ.get("SANWANG_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

PROVINCE = "530000-JW"
CITY = "530600-JW"
CITY_REGION = "530600"


def county_regions() -> list[str]:
    """The county-level regions under the benchmark city (昭通市): one commission each."""
    return region_table().children(CITY_REGION)


def county_code(region: str) -> str:
    return f"{region}-JW"


def build_office(store: Store) -> None:
    """A province, the city commission with its 信访室, one commission per county, and the staff who act."""
    with store.session() as s:
        add_unit(s, code=PROVINCE, name="云南省纪委监委", kind="纪委监委", region_code="530000")
        add_unit(s, code=CITY, name="昭通市纪委监委", kind="纪委监委", region_code=CITY_REGION, parent_code=PROVINCE)
        add_unit(s, code="530600-XF", name="信访室", kind="信访室", region_code=CITY_REGION, parent_code=CITY)
        for region in county_regions():
            add_unit(s, code=county_code(region), name=f"{region}纪委监委", kind="纪委监委", region_code=region,
                     parent_code=CITY)  # fmt: skip
        add_user(s, username="clerk", name="王信访", unit_code="530600-XF", roles=["intake_clerk"])
        add_user(s, username="admin", name="管理员", unit_code=CITY, roles=["admin"])
        # Ordinary users carry an ID number, so the recusal filter (回避) is part of every list they see.
        add_user(s, username="manager", name="李案管", unit_code=CITY, roles=["case_manager"],
                 id_number="530602197001010014")  # fmt: skip
        add_user(s, username="leader", name="孙书记", unit_code=CITY, roles=["leader"],
                 id_number="530602196505050011")  # fmt: skip


@contextmanager
def pg_schema(prefix: str, drop: bool = True, reuse: bool = False) -> Iterator[str]:
    """A dedicated PostgreSQL schema for one run, dropped afterwards; yields the Store URL that uses it.

    ``reuse`` keeps an existing schema (a ledger kept by an earlier ``--keep`` run) instead of recreating it.
    """
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}" if prefix != "bench_ledger" else prefix
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    if not reuse:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        if drop:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def pg_version() -> str:
    try:
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            v = str(conn.execute(text("SHOW server_version")).scalar())
        engine.dispose()
        return v
    except Exception as e:  # noqa: BLE001 - machine facts must not fail the run
        return f"unavailable ({type(e).__name__})"


def machine() -> dict[str, Any]:
    """The facts a reader needs to judge the figures."""
    mem_kb = 0
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg_version(),
        "platform": platform.platform(),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": _git_commit(),
    }


def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() + (" (src has uncommitted changes)" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 20 samples is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "p95": percentile(values, 95),
        "min": min(values),
        "max": max(values),
    }


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def peak_rss_mib() -> float:
    """Peak resident set size of this process (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def log(msg: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def iso(d: date) -> str:
    return d.isoformat()
