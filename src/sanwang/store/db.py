"""The transactional store (台账库): engine set-up for SQLite (WAL) and PostgreSQL, sessions, migrations.

Every write runs in one transaction; on SQLite it starts with ``BEGIN IMMEDIATE`` so that concurrent writers
queue on the lock instead of failing half-way, while WAL lets readers go on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from sanwang.domain.errors import SanwangError

MIGRATIONS = Path(__file__).parent / "migrations"


def home() -> Path:
    """The data folder (数据目录): ``$SANWANG_HOME``, default ``./var``."""
    return Path(os.environ.get("SANWANG_HOME", "./var"))


def database_url() -> str:
    """``$SANWANG_DATABASE_URL``, or the embedded SQLite file under the data folder."""
    url = os.environ.get("SANWANG_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{(home() / 'sanwang.db').resolve()}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" hook below issues the real BEGIN.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Writers take the lock up front (no upgrade deadlocks); readers use a deferred BEGIN so that, in WAL,
            # a long report never blocks a clerk registering clues.
            conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("sanwang_read") else "BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True)


class Store:
    """One ledger database. ``Store()`` opens the configured one; ``Store(url)`` a given one."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or database_url()
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._readers = sessionmaker(self.engine.execution_options(sanwang_read=True), expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back whole on any error."""
        with self._sessions() as s, s.begin():
            yield s

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work (reports, lists without audit): never holds the write lock."""
        with self._readers() as s, s.begin():
            yield s

    def upgrade(self) -> str:
        """Create or upgrade the schema to the newest migration (safe to run twice). Returns the revision."""
        from alembic.runtime.migration import MigrationContext

        self.migrate("head")
        with self.engine.connect() as conn:
            rev = MigrationContext.configure(conn).get_current_revision()
        return rev or ""

    def migrate(self, target: str, *, down: bool = False) -> None:
        """Run the migrations up (or ``down``) to ``target`` in one transaction.

        On SQLite, a migration that alters a table rebuilds it (copy, drop, rename); with foreign keys enforced, the
        drop of a table that other rows reference fails, so enforcement is off while migrating — and the whole
        ledger is checked for dangling references before the migration commits.
        """
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.connect() as conn:
            raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
            if raw is not None:  # outside any transaction (the driver is in autocommit), or the pragma is ignored
                raw.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    cfg.attributes["connection"] = conn
                    (command.downgrade if down else command.upgrade)(cfg, target)
                    if raw is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                        raise SanwangError(
                            "数据库迁移后存在无效的外键引用，已回滚",
                            "the migration left dangling foreign-key references; rolled back",
                        )
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys=ON")

    def check_ready(self) -> None:
        """Refuse to work on a database that was never initialised."""
        from sqlalchemy import inspect

        if not inspect(self.engine).has_table("clues"):
            raise SanwangError(
                "数据库尚未初始化，请先运行 sanwang init",
                "the database is not initialised; run `sanwang init` first",
            )
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current != head:
            raise SanwangError(
                f"数据库结构版本为 {current}，本程序需要 {head}：请先运行 sanwang init 升级",
                f"the database schema is at {current} but this version needs {head}: run `sanwang init` to upgrade",
            )

    def dispose(self) -> None:
        self.engine.dispose()


def first_page_plan(session: Session) -> None:
    """Plan the rest of this transaction for a first page, not a full scan (PostgreSQL; no-op elsewhere).

    A short list read in index order (the overdue list's first 100 rows) finishes in a few milliseconds; a
    parallel plan spends more than that starting its workers — measured on 2 cores, 20 ms serial against 33 ms
    parallel per call. Statistics and exports keep the server's default.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows of one Core table in one statement per batch.

    On SQLite the rows go straight to the driver's ``executemany`` in the storage formats SQLAlchemy itself
    writes (ISO dates, ``YYYY-MM-DD HH:MM:SS.ffffff`` timestamps, JSON text), because SQLAlchemy's per-value
    type processing costs more than the insert itself for a 100,000-clue import. Elsewhere the ordinary Core
    executemany is already batched by the driver.
    """
    from sqlalchemy import insert

    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    keys = rows[0].keys()
    if any(r.keys() != keys for r in rows):
        conn.execute(insert(table), rows)  # ragged rows: let SQLAlchemy fill the gaps
        return
    from sqlalchemy import JSON, Date, DateTime

    convert: list[Any] = []
    for name in columns:
        col_type = table.c[name].type
        if isinstance(col_type, DateTime):
            convert.append(lambda v: v.strftime("%Y-%m-%d %H:%M:%S.%f") if v is not None else None)
        elif isinstance(col_type, Date):
            convert.append(lambda v: v.isoformat() if v is not None else None)
        elif isinstance(col_type, JSON):
            convert.append(lambda v: json.dumps(v) if v is not None else None)
        else:
            convert.append(None)
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    # Column-wise: the rows are read with one C-level itemgetter, and only the columns that need a storage
    # format are converted (per-value Python work was a sixth of a 100,000-clue import).
    raw = list(map(itemgetter(*columns), rows)) if len(columns) > 1 else [(r[columns[0]],) for r in rows]
    if any(convert):
        cols: list[Any] = list(zip(*raw, strict=True))
        for i, f in enumerate(convert):
            if f is not None:
                cols[i] = [f(v) for v in cols[i]]
        raw = list(zip(*cols, strict=True))
    conn.exec_driver_sql(sql, raw)
