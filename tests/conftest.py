"""Shared fixtures: a fresh ledger on SQLite, and on PostgreSQL when SANWANG_TEST_DATABASE_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from sanwang.store.db import Store

PG_URL = os.environ.get("SANWANG_TEST_DATABASE_URL")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _pg_store() -> Iterator[Store]:
    if not PG_URL:
        pytest.skip("PostgreSQL parity: set SANWANG_TEST_DATABASE_URL to run these on PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    store = Store(f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}")
    try:
        store.upgrade()
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated, empty ledger — once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'ledger.db'}")
        s.upgrade()
        yield s
        s.dispose()
    else:
        yield from _pg_store()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    s = Store(f"sqlite:///{tmp_path / 'ledger.db'}")
    s.upgrade()
    yield s
    s.dispose()


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own SANWANG_HOME, so no office override leaks between tests."""
    monkeypatch.setenv("SANWANG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SANWANG_DATABASE_URL", raising=False)
