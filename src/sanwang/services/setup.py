"""Installation set-up (初始化): create or upgrade the schema and the built-in administrator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sanwang.store.db import Store
from sanwang.store.tables import Unit, User


def initialise(store: Store | None = None) -> dict[str, Any]:
    """Create or upgrade the database. Safe to run twice: nothing existing is touched."""
    store = store or Store()
    try:
        revision = store.upgrade()
        with store.session() as s:
            units = len(s.scalars(select(Unit.id)).all())
            users = len(s.scalars(select(User.id)).all())
        return {"database": _redacted(store.url), "revision": revision, "units": units, "users": users}
    finally:
        store.dispose()


def _redacted(url: str) -> str:
    """The URL without a password, fit to print."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url
