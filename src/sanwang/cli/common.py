"""What every command shares: the store, the acting user, JSON or table output, and bilingual errors."""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import NotFound, SanwangError, ValidationError
from sanwang.domain.events import event_zh, state_zh
from sanwang.domain.values import parse_date
from sanwang.domain.workflow import Actor
from sanwang.services.context import actor_for
from sanwang.store.db import Store
from sanwang.store.tables import User

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

AS_USER = typer.Option(None, "--as", help="以哪个用户身份操作 / act as this user (default $SANWANG_USER or admin)")
JSON = typer.Option(False, "--json", help="输出 JSON / print one JSON document")
ON = typer.Option(None, "--on", help="业务日期 YYYY-MM-DD (default today)")


def username(given: str | None) -> str:
    if given is not None and not given.strip():
        raise ValidationError("--as 不能为空", "--as cannot be empty", field="--as")
    return given or os.environ.get("SANWANG_USER") or "admin"


def open_store() -> Store:
    store = Store()
    store.check_ready()
    return store


@contextmanager
def unit_of_work(user: str | None, *, read_only: bool = False) -> Iterator[tuple[Session, Actor]]:
    """One transaction as one acting user (``read_only``: a report that writes nothing, holds no write lock)."""
    store = open_store()
    try:
        with store.reading() if read_only else store.session() as s:
            yield s, _acting(s, username(user))
    finally:
        store.dispose()


def no_users() -> SanwangError:
    """What to run on a ledger that has no users yet (``sanwang init`` without ``--region``)."""
    return SanwangError(
        "系统中还没有用户：请先运行 sanwang init --region 行政区划代码（如 sanwang init --region 530600），建立本级"
        "纪委监委和 admin 用户；或用 sanwang unit add 与 sanwang user add 建立",
        "there are no users yet: run `sanwang init --region REGION-CODE` first (e.g. --region 530600) to create this "
        "commission and its admin, or create them with `sanwang unit add` and `sanwang user add`",
    )


def _acting(session: Session, name: str) -> Actor:
    """The acting user; on a ledger with no users at all (``init`` without ``--region``), what to run next."""
    try:
        return actor_for(session, name)
    except NotFound:
        if session.scalar(select(User.id).limit(1)) is None:
            raise no_users() from None
        raise


def day(text: str | None, field: str = "--on") -> date | None:
    return parse_date(text, field=field) if text else None


def default(o: Any) -> Any:
    if isinstance(o, date):
        return o.isoformat()
    raise TypeError(type(o).__name__)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=default, indent=None) + "\n")


# Cells up to this many columns wide (dates, numbers, states) are kept whole on one line.
_SHORT_CELL = 12


def table(title: str, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> None:
    """A rich table of ``rows``; ``columns`` are (key, header) pairs.

    Nothing is cut off on a narrow terminal or in a pipe (80 columns): the first column (the record's number) and
    short values such as dates keep their width, longer text folds onto more lines."""
    cells = [[_cell(r.get(k)) for k, _ in columns] for r in rows]
    t = Table(title=title, show_lines=False)
    for i, ((_, header), (least, most)) in enumerate(zip(columns, _widths(cells, len(columns)), strict=True)):
        t.add_column(header, no_wrap=i == 0, min_width=least, max_width=most, overflow="fold")
    for c in cells:
        t.add_row(*c)
    out.print(t)


def _widths(cells: Sequence[Sequence[str]], n: int) -> list[tuple[int | None, int | None]]:
    """(min, max) width of each column. The number and short values (dates, states, names) keep their widest
    value whole; long text folds. When that passes the console's width, the widest short columns fold too
    (公安机关移送 → 公安机/关移送; numbers and dates last), and every folding column gets its share of what is left,
    so the table fits: rich alone lets kept columns and unfoldable headers push it past the edge."""
    widest = [max((cell_len(c[i]) for c in cells), default=0) for i in range(n)]
    # Record numbers and dates (ASCII without spaces: 530600-2024-LA-0001) are kept whole wherever they stand.
    ids = {i for i in range(n) if any(c[i] for c in cells) and all(_ID.fullmatch(c[i]) or not c[i] for c in cells)}
    least: list[int | None] = [
        w if w and (i == 0 or w <= _SHORT_CELL or i in ids) else None for i, w in enumerate(widest)
    ]
    frame = 3 * n + 1  # borders, and one space of padding either side of each cell
    if sum(widest) + frame <= out.width:
        return [(w, None) for w in least]
    for i in sorted((i for i in range(1, n) if least[i]), key=lambda i: (i in ids, -widest[i])):
        if sum(max(w or 0, _NARROWEST) for w in least) + frame <= out.width:
            break
        least[i] = None
    # Kept columns are as wide as their values (a longer header folds over them); the rest share what is left.
    folding = [i for i in range(n) if least[i] is None]
    room = out.width - frame - sum(max(w, _NARROWEST) for w in least if w)
    total = sum(max(widest[i], _NARROWEST) for i in folding) or 1
    most = {i: max(_NARROWEST, room * max(widest[i], _NARROWEST) // total) for i in folding}
    while sum(most.values()) > room and any(m > _NARROWEST for m in most.values()):
        most[max(most, key=lambda i: most[i])] -= 1
    return [(w, most.get(i, max(w or 0, _NARROWEST))) for i, w in enumerate(least)]


_NARROWEST = 2  # one Chinese character


_ID = re.compile(r"[!-~]{1,32}")  # printable ASCII, no space: a number, a code, a date


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def history_table(entity_kind: str, rows: Sequence[dict[str, Any]]) -> None:
    """操作记录: a record's events with their actions and states in Chinese (the stored names are in --json)."""
    table(
        "操作记录",
        [("day", "日期"), ("action", "操作"), ("actor_name", "操作人"), ("to_state", "状态"), ("reason", "理由")],
        [{**r, "action": event_zh(entity_kind, r["action"]), "to_state": state_zh(entity_kind, r["to_state"])}
         for r in rows],
    )  # fmt: skip


def deadline_table(rows: Sequence[dict[str, Any]]) -> None:
    """期限: a record's open and met deadlines by their Chinese names."""
    table("期限 / deadlines", [("rule_zh", "期限"), ("due_shown", "到期"), ("met_on", "完成")], rows)


def emit(data: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    if as_json:
        print_json(data)
    else:
        render(data)


def kv(title: str, data: dict[str, Any]) -> None:
    t = Table(title=title, show_header=False)
    t.add_column("", no_wrap=True)
    t.add_column("", overflow="fold")
    for k, v in data.items():
        t.add_row(str(k), "" if v is None else str(v))
    out.print(t)
