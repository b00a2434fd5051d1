"""Installation set-up (初始化): create or upgrade the schema and the built-in administrator."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from sanwang.services import clue_entities, neardup, textindex
from sanwang.services import summary as statsum
from sanwang.services.deadlines import recompute_provisional
from sanwang.store.db import Store
from sanwang.store.tables import Unit, User


def initialise(store: Store | None = None, *, region: str | None = None, name: str | None = None) -> dict[str, Any]:
    """Create or upgrade the database. Safe to run twice: nothing existing is touched.

    With ``region``, also create that region's commission (纪委监委, code ``{region}-JW``), every commission above
    it up to the province (city-level 留置 is approved one level up), and an ``admin`` user who may register and
    manage clues there, so a fresh installation can work at once. ``units_created`` names each unit made.
    """
    store = store or Store()
    created: list[dict[str, Any]] = []
    users_created: list[dict[str, Any]] = []
    try:
        revision = store.upgrade()
        if region:
            from sanwang.domain.regions import check_region_code
            from sanwang.services.units import add_user, ensure_commission_chain

            region = check_region_code(region, field="--region")
            with store.session() as s:
                unit, created = ensure_commission_chain(s, region, name)
                known = s.scalar(select(User.id).where(User.username == "admin")) is not None
                admin = add_user(
                    s,
                    username="admin",
                    name="系统管理员",
                    unit_code=unit.code,
                    roles=["admin", "intake_clerk", "case_manager"],
                )
                if not known:  # say what was made, as for the units
                    users_created.append(
                        {"username": admin.username, "name": admin.name, "unit": unit.code, "roles": admin.roles}
                    )
        with store.session() as s:
            # An office may just have added next year's holiday notice: make provisional deadlines final.
            finalised = recompute_provisional(s)
            # A ledger upgraded from before the monthly summary existed gets it built once, here.
            summary_built = statsum.ensure_built(s)
            indexed = textindex.ensure_indexed(s)  # clues registered before the full-text index existed
            banded = neardup.ensure_banded(s)  # near-duplicate keys of clues that have none yet
            waiting = clue_entities.pending_counts(s)["entities"]  # left to the worker: hours on a big ledger
        rescored = 0
        while True:  # clues scored by an older triage model or other rules (a batch per transaction)
            with store.session() as s:
                n = textindex.rescore_batch(s)
            if not n:
                break
            rescored += n
        with store.session() as s:
            units = len(s.scalars(select(Unit.id)).all())
            users = len(s.scalars(select(User.id)).all())
        return {
            "database": _redacted(store.url),
            "revision": revision,
            "units": units,
            "users": users,
            "units_created": created,
            "users_created": users_created,
            "deadlines_finalised": finalised,
            "statistics_summary_built": summary_built,
            "clues_indexed": indexed,
            "clues_rescored": rescored,
            "clues_keyed_for_duplicates": banded,
            "clues_waiting_for_entities": waiting,
        }
    finally:
        store.dispose()


def _redacted(url: str) -> str:
    """The URL without a password, fit to print."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}@{host}"
    return url
