"""What every command shares: the store, the acting user, JSON or table output, and bilingual errors."""

from __future__ import annotations

import json
import os
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


# Cells up to this many columns wide (dates, numbers, states) are kept whole on one line while they fit.
_SHORT_CELL = 18  # a date with its marker: 2027-01-05（暂定）
# No column narrower than two Chinese characters, so a header never folds one character a line.
_NARROWEST = 4


def table(title: str, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> None:
    """A rich table of ``rows``; ``columns`` are (key, header) pairs.

    Nothing is cut off on a narrow terminal or in a pipe (80 columns), and nothing runs past its width: the first
    column (the record's number) and short values such as dates keep their width while they all fit, longer text
    folds onto more lines."""
    cells = [[_cell(r.get(k)) for k, _ in columns] for r in rows]
    if cells:  # a column empty in every row says nothing and takes room from the rest (no zero-width columns)
        keep = [i for i in range(len(columns)) if i == 0 or any(c[i] for c in cells)]
        columns = [columns[i] for i in keep]
        cells = [[c[i] for i in keep] for c in cells]
    widest = [max((cell_len(c[i]) for c in cells), default=0) for i in range(len(columns))]
    coded = [all(c[i][:1].isascii() for c in cells) for i in range(len(columns))]  # dates, numbers, codes
    natural = [max(w, cell_len(h)) for w, (_, h) in zip(widest, columns, strict=True)]
    t = Table(title=title, show_lines=False)
    if sum(natural) + 3 * len(columns) + 1 <= out.width:  # it fits as it is
        for i, (_, header) in enumerate(columns):
            t.add_column(header, no_wrap=i == 0, overflow="fold")
    else:
        # Rich would shrink every wrapping column alike, then widen the short ones back to their minimum, past the
        # edge: the widths are decided here instead, and fixed (headers fold within them).
        mins = _min_widths(widest, coded, out.width)
        for (_, header), w in zip(columns, _widths(widest, mins, coded, out.width), strict=True):
            t.add_column(header, width=w, overflow="fold")
    for c in cells:
        t.add_row(*c)
    out.print(t)


def _widths(widest: Sequence[int], mins: Sequence[int], coded: Sequence[bool], width: int) -> list[int]:
    """Column widths for a table whose values do not fit in ``width``: each column's least width (``mins``),
    then the room left goes back to short columns that had to fold (dates first, the smallest first), then to
    the other columns, the shortest text first: the longest text folds."""
    room = width - 3 * len(widest) - 1 - sum(mins)
    w = list(mins)
    short = [i for i, x in enumerate(widest) if w[i] < x and (_short(x, coded[i]) or i == 0)]
    for i in sorted(short, key=lambda i: (not coded[i], widest[i] - w[i])):
        give = min(room, widest[i] - w[i])
        w[i] += give
        room -= give
    for i in sorted(range(len(w)), key=lambda i: widest[i] - w[i]):  # then whole text, the shortest first
        give = min(room, max(0, widest[i] - w[i]))
        w[i] += give
        room -= give
    return w


def _short(width: int, coded: bool) -> bool:
    """A value kept whole while it can be: short text, or a code such as a record number (530600-2024-LA-0001),
    which reads badly broken."""
    return width <= _SHORT_CELL or (coded and width <= _LONGEST_CODE)


_LONGEST_CODE = 32


def _min_widths(widest: Sequence[int], coded: Sequence[bool], width: int) -> list[int]:
    """Each column's least width: a short column (and the first) as wide as its widest value, a long one folds.

    When they cannot all fit in ``width`` short columns fold, in this order: Chinese words to two characters (信访
    /举报 still reads), then to one; only then codes and dates (``coded``: values that begin in ASCII, such as
    record numbers and dates, which read badly broken), widest first; last of all every column down to one cell,
    the first too. A wide list folds its cells rather than running past the edge of an 80-column terminal."""
    n = len(widest)
    mins = [max(w, _NARROWEST) if i == 0 or _short(w, coded[i]) else _NARROWEST for i, w in enumerate(widest)]
    room = width - 3 * n - 1  # each column's two padding cells and its border

    def fold(only_coded: bool | None, floor: int) -> bool:
        for i in sorted(range(1, n), key=lambda i: -mins[i]):
            if sum(mins) <= room:
                return True
            if only_coded is None or coded[i] == only_coded:
                mins[i] = min(mins[i], floor)
        return sum(mins) <= room

    if fold(False, _NARROWEST):
        return mins
    # Words down to one character, if that alone keeps every number and date whole; else numbers fold first.
    one = [min(m, 2) if not coded[i] and i else m for i, m in enumerate(mins)]
    if sum(one) <= room:
        return one
    if fold(True, _NARROWEST) or fold(None, 1):
        return mins
    if n:
        mins[0] = max(1, room - sum(mins[1:]))
    return mins


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
        [{**r, "action": event_zh(entity_kind, r["action"]), "to_state": state_zh(entity_kind, r["to_state"]),
          "reason": r["reason"] or _event_detail(r.get("data"))} for r in rows],
    )  # fmt: skip


def _event_detail(data: dict[str, Any] | None) -> str | None:
    """What a step was about, when it gave no reason: which track (第2查), case or transfer — so three
    「一案三查·指定承办人」 rows do not read alike."""
    data = data or {}
    parts = [
        f"第{data['track']}查" if data.get("track") else "",
        f"案件 {data['case']}" if isinstance(data.get("case"), str) else "",
        f"移送记录 #{data['transfer']}" if data.get("transfer") else "",
    ]
    return "，".join(p for p in parts if p) or None


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
