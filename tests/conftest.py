"""Shared fixtures: a fresh ledger on SQLite, and on PostgreSQL when SANWANG_TEST_DATABASE_URL is set.

Each test's ledger is a copy of one migrated per session (per xdist worker), not a new Alembic upgrade: an
upgrade costs about a second on each database, a copy a few milliseconds. SQLite copies the migrated file;
PostgreSQL replays, into the test's own schema, the exact statements the migration sent. Tests marked
``fresh_schema`` (the migration tests) still get a real upgrade.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, event, text

from sanwang.store.db import Store

PG_URL = os.environ.get("SANWANG_TEST_DATABASE_URL")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# One statement the migration sent: (SQL, parameters or None when sent without any, executemany).
Statement = tuple[str, Any, bool]


def _pg_admin_url() -> str:
    assert PG_URL
    return PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)


def _pg_schema_url(schema: str) -> str:
    assert PG_URL
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"


def _pg_store() -> Iterator[Store]:
    """A new schema upgraded by Alembic itself (for the migration tests)."""
    if not PG_URL:
        pytest.skip("PostgreSQL parity: set SANWANG_TEST_DATABASE_URL to run these on PostgreSQL")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_admin_url())
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    store = Store(_pg_schema_url(schema))
    try:
        store.upgrade()
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session")
def _pg_admin() -> Iterator[Engine]:
    if not PG_URL:
        pytest.skip("PostgreSQL parity: set SANWANG_TEST_DATABASE_URL to run these on PostgreSQL")
    admin = create_engine(_pg_admin_url())
    yield admin
    admin.dispose()


@pytest.fixture(scope="session")
def _pg_migration(_pg_admin: Engine) -> list[Statement]:
    """Upgrade one scratch schema with Alembic and keep every statement it sent (reads left out)."""
    schema = f"tpl_{uuid.uuid4().hex[:12]}"
    with _pg_admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    store = Store(_pg_schema_url(schema))
    sent: list[Statement] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: Any, _cur: Any, sql: str, params: Any, ctx: Any, many: bool) -> None:
        if sql.lstrip()[:6].upper() != "SELECT":
            # SQLAlchemy sends parameterless statements without a parameter argument ('%' stays literal).
            sent.append((sql, None if not params and ctx is not None and ctx.no_parameters else params, many))

    try:
        store.upgrade()
    finally:
        store.dispose()
        with _pg_admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    return sent


def _pg_copy(admin: Engine, migration: list[Statement]) -> Iterator[Store]:
    """A new schema built by replaying the migration's statements in it, in one transaction."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        conn.exec_driver_sql(f"SET LOCAL search_path TO {schema}")
        cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        for sql, params, many in migration:
            if many:
                cur.executemany(sql, params)
            elif params is None:
                cur.execute(sql)
            else:
                cur.execute(sql, params)
        cur.close()
    store = Store(_pg_schema_url(schema))
    try:
        yield store
    finally:
        store.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite ledger migrated by Alembic, checkpointed into its main file so that a file copy is whole."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    s = Store(f"sqlite:///{path}")
    s.upgrade()
    s.dispose()
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _sqlite_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "ledger.db"
    if request.node.get_closest_marker("fresh_schema"):
        s = Store(f"sqlite:///{path}")
        s.upgrade()
    else:
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        s = Store(f"sqlite:///{path}")
    yield s
    s.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated, empty ledger — once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        yield from _sqlite_copy(request, tmp_path)
    elif request.node.get_closest_marker("fresh_schema"):
        yield from _pg_store()
    else:
        yield from _pg_copy(request.getfixturevalue("_pg_admin"), request.getfixturevalue("_pg_migration"))


@pytest.fixture
def sqlite_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A freshly migrated, empty ledger on SQLite only."""
    yield from _sqlite_copy(request, tmp_path)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own SANWANG_HOME, so no office override leaks between tests."""
    monkeypatch.setenv("SANWANG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SANWANG_DATABASE_URL", raising=False)
