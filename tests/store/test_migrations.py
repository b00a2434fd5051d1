"""The migrations build exactly the schema the tables declare, on both databases, and run twice safely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sanwang.store.db import Store
from sanwang.store.tables import Base


def _orm_only(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    # The full-text index (clue_fts and, on SQLite, its FTS5 shadow tables) is created by revision 0003 with
    # dialect-specific DDL, outside the ORM metadata.
    return not (type_ in ("table", "index") and name is not None and "clue_fts" in name)


def test_migrations_match_the_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": _orm_only})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(store: Store) -> None:
    first = store.upgrade()
    assert store.upgrade() == first == "0007_text"
