"""The tests' ledger copy (tests/conftest.py) is the migrated schema: same tables, indexes, triggers, revision."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sanwang.store.db import Store
from tests.conftest import _pg_store


def _schema_of(store: Store) -> list[tuple[str, ...]]:
    """Every object of the ledger's schema as its database describes it, without the schema's own name."""
    with store.engine.connect() as conn:
        if store.dialect == "sqlite":
            rows = conn.execute(text("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master"))
        else:
            rows = conn.execute(
                text(
                    "SELECT 'column', table_name, column_name, data_type || is_nullable || coalesce(column_default, '')"
                    " FROM information_schema.columns WHERE table_schema = current_schema()"
                    " UNION ALL SELECT 'index', tablename, indexname, indexdef FROM pg_indexes"
                    " WHERE schemaname = current_schema()"
                    " UNION ALL SELECT 'constraint', conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
                    " FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
                    " UNION ALL SELECT 'trigger', event_object_table, trigger_name, action_timing || event_manipulation"
                    " || action_statement FROM information_schema.triggers WHERE trigger_schema = current_schema()"
                    " UNION ALL SELECT 'function', proname, '', prosrc FROM pg_proc"
                    " WHERE pronamespace = current_schema()::regnamespace"
                )
            )
        own = conn.execute(text("SELECT current_schema()")).scalar() if store.dialect == "postgresql" else None
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    described = [tuple(re.sub(rf"\b{own}\.", "", str(v)) if own else str(v) for v in row) for row in rows]
    # SQLite keeps a table's CREATE text as written; Alembic's batch rebuilds write the constraints in set order,
    # which varies from run to run — compare the statement's lines, not their order.
    described = [(*row[:3], "\n".join(sorted(row[3].replace(",", "").splitlines()))) if len(row) == 4 else row
                 for row in described]  # fmt: skip
    return sorted([*described, ("revision", version)])


@pytest.fixture
def migrated(store: Store, tmp_path: Path) -> Iterator[Store]:
    """The same database upgraded by Alembic itself."""
    if store.dialect == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'migrated.db'}")
        s.upgrade()
        yield s
        s.dispose()
    else:
        yield from _pg_store()


def test_the_copy_is_the_migrated_schema(store: Store, migrated: Store) -> None:
    copy, real = _schema_of(store), _schema_of(migrated)
    assert copy == real
    assert any("append-only" in " ".join(row) for row in real) and ("revision", "") not in real
    # The append-only rule (只增不改) holds in the copy too.
    with store.session() as s:
        s.execute(text("INSERT INTO audit_log (at, action, entity_kind) VALUES (CURRENT_TIMESTAMP, 'read', 'clue')"))
    with pytest.raises(Exception, match="append-only"), store.session() as s:
        s.execute(text("DELETE FROM audit_log"))
