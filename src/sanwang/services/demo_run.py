"""``sanwang demo``: generate the demo city, load it once, and report its figures.

The ledger remembers which scenario it holds (``$SANWANG_HOME/demo.json``): running the demo again on the
same ledger only prints the figures; a different size or seed is refused unless ``--fresh`` rebuilds it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sanwang.domain.errors import SanwangError
from sanwang.scenario.generator import generate
from sanwang.scenario.model import Size
from sanwang.services.context import actor_for
from sanwang.services.demo import Progress, clue_count, load_scenario, read_marker, write_marker, write_scenario_files
from sanwang.services.setup import _redacted
from sanwang.services.stats import statistics
from sanwang.store.db import Store, home

SIZES = ("small", "city", "province")
# The scenario's figures are reported as of its last day, with the arrival of the central supervision
# group (中央督导组进驻) as the baseline, as the seed reports do.
UNTIL = date(2020, 12, 31)
SINCE = date(2018, 1, 1)
BASELINE = date(2019, 5, 1)


def build_demo(*, size: str, seed: int, fresh: bool = False, progress: Progress | None = None) -> dict[str, Any]:
    if size not in SIZES:
        raise SanwangError(f"规模须为 {'/'.join(SIZES)}", f"size must be one of {', '.join(SIZES)}")
    folder = home()
    wanted = {"size": size, "seed": seed}
    store = Store()
    try:
        if fresh:
            _drop_sqlite(store, folder)
            store = Store()
        store.upgrade()
        marker = read_marker(folder)
        with store.session() as s:
            has_clues = clue_count(s) > 0
        if has_clues and (marker is None or {k: marker.get(k) for k in wanted} != wanted):
            raise SanwangError(
                "台账中已有其他数据；如需重建演示数据请加 --fresh（将删除 SQLite 台账）",
                "the ledger already holds other data; add --fresh to rebuild the demo (deletes the SQLite ledger)",
            )
        if not has_clues:
            scenario = generate(size, seed)  # type: ignore[arg-type]
            report = load_scenario(store, scenario, progress)
            files = write_scenario_files(scenario, folder / "scenario")
            marker = {**wanted, "load": report.as_dict(), "files": files}
            write_marker(folder, marker)
        assert marker is not None
        with store.session() as s:
            admin = _reader(s)
            stats = statistics(s, actor=admin, since=SINCE, until=UNTIL, baseline=BASELINE)
        return {
            "size": size,
            "seed": seed,
            "database": _redacted(store.url),
            "load": marker["load"],
            "files": marker["files"],
            "stats": stats,
        }
    finally:
        store.dispose()


def _reader(session: Any) -> Any:
    from sqlalchemy import select

    from sanwang.store.tables import User

    name = session.scalar(select(User.username).where(User.roles.contains("auditor")).order_by(User.id))
    if name is None:
        raise SanwangError("演示台账中没有审计员账号", "the demo ledger has no auditor account")
    return actor_for(session, name)


def _drop_sqlite(store: Store, folder: Path) -> None:
    if store.dialect != "sqlite":
        raise SanwangError("--fresh 只能重建 SQLite 台账", "--fresh only rebuilds an SQLite ledger")
    store.dispose()
    db = Path(store.url.split("///", 1)[1])
    for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), folder / "demo.json"):
        p.unlink(missing_ok=True)


__all__ = ["SIZES", "Size", "build_demo"]
