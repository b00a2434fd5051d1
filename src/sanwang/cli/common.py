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
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from sanwang.domain.errors import ValidationError
from sanwang.domain.values import parse_date
from sanwang.domain.workflow import Actor
from sanwang.services.context import actor_for
from sanwang.store.db import Store

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
            yield s, actor_for(s, username(user))
    finally:
        store.dispose()


def day(text: str | None, field: str = "--on") -> date | None:
    return parse_date(text, field=field) if text else None


def default(o: Any) -> Any:
    if isinstance(o, date):
        return o.isoformat()
    raise TypeError(type(o).__name__)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, default=default, indent=None) + "\n")


def table(title: str, columns: Sequence[tuple[str, str]], rows: Sequence[dict[str, Any]]) -> None:
    """A rich table of ``rows``; ``columns`` are (key, header) pairs."""
    t = Table(title=title, show_lines=False)
    for i, (_, header) in enumerate(columns):
        # The first column is the record's number: never folded, whatever the terminal width.
        t.add_column(
            header, no_wrap=i == 0, min_width=len(str(rows[0].get(columns[0][0], ""))) if rows and i == 0 else None
        )
    for r in rows:
        t.add_row(*("" if r.get(k) is None else str(r.get(k)) for k, _ in columns))
    out.print(t)


def emit(data: Any, as_json: bool, render: Callable[[Any], None]) -> None:
    if as_json:
        print_json(data)
    else:
        render(data)


def kv(title: str, data: dict[str, Any]) -> None:
    t = Table(title=title, show_header=False)
    t.add_column("")
    t.add_column("")
    for k, v in data.items():
        t.add_row(str(k), "" if v is None else str(v))
    out.print(t)
