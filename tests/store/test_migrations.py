"""The migrations build exactly the schema the tables declare, on both databases, and run twice safely."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from sanwang.store.db import Store
from sanwang.store.tables import Base

# The other tests get a copy of a ledger migrated once per session; these run Alembic itself.
pytestmark = pytest.mark.fresh_schema


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
    assert store.upgrade() == first == "0012_text"


def test_a_populated_ledger_migrates_down_and_up(store: Store) -> None:
    """Revisions that alter a referenced table (clues) rebuild it on SQLite; with foreign keys enforced the rebuild
    failed on any ledger holding a clue with subjects — every office's upgrade."""
    from datetime import date

    from sqlalchemy import func, select

    from sanwang.store.tables import Clue, ClueSubject
    from tests.services.test_workflow_faults import _verifying

    _verifying(store)  # a clue with subjects, events, deadlines and an approver
    store.migrate("0006", down=True)
    store.migrate("head")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Clue)) == 1
        assert s.scalar(select(func.count()).select_from(ClueSubject)) >= 1
        assert s.scalar(select(Clue.received)) >= date(2019, 1, 1)


def test_downgrade_to_base_and_up_again(store: Store) -> None:
    store.migrate("base", down=True)
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    head = store.upgrade()
    test_migrations_match_the_tables(store)
    assert store.upgrade() == head
