"""The migrations build exactly the schema the tables declare, on both databases, and run twice safely."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sanwang.store.db import Store
from sanwang.store.tables import Base


def test_migrations_match_the_tables(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_is_idempotent(store: Store) -> None:
    first = store.upgrade()
    assert store.upgrade() == first == "0004"
