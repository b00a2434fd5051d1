"""Alembic environment: runs on the connection the Store hands over."""

from __future__ import annotations

from alembic import context

from sanwang.store.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only the Store runs migrations
    raise RuntimeError("sanwang migrations run through Store.upgrade()")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
