"""``sanwang worker`` — the background worker (后台任务): search index, duplicate keys and entities of new clues."""

from __future__ import annotations

import logging
from typing import Any

import typer

from sanwang.cli.common import JSON, emit, err, open_store, out


def worker(
    drain: bool = typer.Option(
        False, "--drain", help="不启动常驻进程，立即处理全部待办后退出 / do all pending work now, then exit"
    ),
    status: bool = typer.Option(False, "--status", help="只显示待办数量 / only show what is waiting"),
    threads: int = typer.Option(1, "--threads", min=1, help="并行任务数 / jobs run at once"),
    as_json: bool = JSON,
) -> None:
    """后台任务：为新线索建立检索索引、重复件检索键并抽取实体；常驻运行直到 Ctrl-C / run the background worker."""
    from sanwang.jobs import derive_now, pending_jobs, queue
    from sanwang.services.clue_entities import pending_counts

    if status:
        store = open_store()
        try:
            with store.reading() as s:
                waiting: dict[str, Any] = pending_counts(s)
        finally:
            store.dispose()
        waiting["queued_jobs"] = pending_jobs()
        emit(
            waiting,
            as_json,
            lambda r: out.print(
                f"待索引 {r['search_index']} 条，待抽取实体 {r['entities']} 条，队列中任务 {r['queued_jobs']} 个 / "
                f"waiting: index {r['search_index']}, entities {r['entities']}, jobs {r['queued_jobs']}"
            ),
        )
        return
    if drain:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        open_store().dispose()  # refuses early, with the usual message, when the database is not ready
        with Progress(
            TextColumn("实体抽取 / entities"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, disable=as_json,
        ) as bar:  # fmt: skip
            task = bar.add_task("derive", total=None)
            done = derive_now(progress=lambda n: bar.advance(task, n))
        emit(done, as_json, lambda r: out.print(
            f"索引 {r['indexed']} 条，重复件键 {r['banded']} 条，实体 {r['entities']} 条 / "
            f"indexed {r['indexed']}, keyed {r['banded']}, entities {r['entities']}"))  # fmt: skip
        return
    open_store().dispose()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    huey, tasks = queue()
    tasks["derive"]()  # start with whatever is waiting
    err.print("后台任务运行中（Ctrl-C 停止） / worker running (Ctrl-C stops it)")
    huey.create_consumer(workers=threads, periodic=True).run()
