"""Background jobs (后台任务): a real queue (huey) for the derived data that registration leaves for later.

A ledger import notes every new clue as waiting for the search index, the near-duplicate keys and entity
extraction, and enqueues one ``derive`` job. ``sanwang worker`` runs the consumer that carries the jobs out; a
periodic ``derive`` every minute picks up anything left (clues registered one by one, a job lost with a crashed
queue). The work itself is crash-safe: each batch leaves the waiting list in the transaction that stores its
result, so a worker killed at any point resumes where it stopped.

Queue storage: ``$SANWANG_REDIS_URL`` when set (Redis: several worker machines), otherwise an SQLite file
``$SANWANG_HOME/jobs.db`` beside the ledger (one machine, no server). Nothing is lost if no worker runs: searches
index what they need first, and a clue shown before the worker reached it gets its entities on the spot.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey, crontab

from sanwang.store.db import home

log = logging.getLogger("sanwang.jobs")


def derive_now(progress: Any = None) -> dict[str, int]:
    """Every piece of pending derived data, done now in this process: search index (and triage), near-duplicate
    keys, entities. Returns how many clues each step did."""
    from sanwang.services.clue_entities import extract_pending
    from sanwang.services.neardup import ensure_banded
    from sanwang.services.textindex import index_pending
    from sanwang.store.db import Store

    store = Store()
    try:
        with store.session() as s:
            indexed = index_pending(s)
        with store.session() as s:
            banded = ensure_banded(s)
        entities = extract_pending(store, progress=progress)
    finally:
        store.dispose()
    return {"indexed": indexed, "banded": banded, "entities": entities}


@cache
def queue() -> tuple[Huey, dict[str, Any]]:
    """The job queue of this installation (storage chosen as the module docstring says) and its tasks by name."""
    url = os.environ.get("SANWANG_REDIS_URL")
    name = os.environ.get("SANWANG_QUEUE", "sanwang")  # several installations on one Redis keep apart by name
    huey: Huey
    if url:
        huey = RedisHuey(name, url=url)
    else:
        home().mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey(name, filename=str((home() / "jobs.db").resolve()))

    @huey.task(name="derive", retries=3, retry_delay=10)  # type: ignore[untyped-decorator]
    def derive() -> dict[str, int] | None:
        if huey.is_locked("derive"):
            return None  # one derive at a time: the running one works the waiting list to its end
        with huey.lock_task("derive"):
            done = derive_now()
            log.info("derive: %s", done)
            return done

    @huey.periodic_task(crontab(minute="*"), name="derive_periodic")  # type: ignore[untyped-decorator]
    def derive_periodic() -> None:
        derive()

    return huey, {"derive": derive}


def enqueue_derive() -> None:
    """Ask the worker to derive what is pending (cheap; several requests in a row cost one run each, mostly
    finding nothing left to do)."""
    queue()[1]["derive"]()


def pending_jobs() -> int:
    return int(queue()[0].pending_count())
