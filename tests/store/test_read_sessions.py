"""On SQLite a report reads while a clerk writes: read sessions never take the write lock."""

from __future__ import annotations

from sqlalchemy import func, select

from sanwang.services.units import add_unit
from sanwang.store.db import Store
from sanwang.store.tables import Unit


def test_a_reader_does_not_block_a_writer(sqlite_store: Store) -> None:
    writer = Store(sqlite_store.url)
    try:
        with sqlite_store.reading() as r:
            assert r.scalar(select(func.count()).select_from(Unit)) == 0
            # While the report's transaction is open, another connection can still write and commit.
            with writer.session() as w:
                add_unit(w, code="530600-JW", name="昭通市纪委监委", kind="纪委监委", region_code="530600")
        with sqlite_store.reading() as r:
            assert r.scalar(select(func.count()).select_from(Unit)) == 1
    finally:
        writer.dispose()
