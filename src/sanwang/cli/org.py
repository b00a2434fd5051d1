"""``sanwang unit`` and ``sanwang user``: the region tree and its staff (administrators only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.cli.common import AS_USER, JSON, emit, open_store, out, table, username
from sanwang.domain.roles import roles_zh
from sanwang.domain.workflow import Actor
from sanwang.services.context import actor_for
from sanwang.services.units import (
    add_unit,
    add_user,
    check_admin,
    check_new_username,
    list_units,
    list_users,
    unit_row,
)
from sanwang.store.tables import User

_USER_COLUMNS = [("username", "登录名"), ("name", "姓名"), ("unit", "单位"), ("roles", "角色")]

unit_app = typer.Typer(no_args_is_help=True)


@contextmanager
def _as_admin(as_user: str | None) -> Iterator[tuple[Session, Actor | None]]:
    """One transaction on behalf of an administrator (refused otherwise); the store is closed afterwards.
    The actor is None on a ledger with no user yet (bootstrap), so history names nobody then."""
    store = open_store()
    try:
        with store.session() as s:
            check_admin(s, username(as_user))
            actor = actor_for(s, username(as_user)) if s.scalar(select(User.id).limit(1)) is not None else None
            yield s, actor
    finally:
        store.dispose()


user_app = typer.Typer(no_args_is_help=True)


_UNIT_COLUMNS = [("code", "代码"), ("name", "名称"), ("kind", "类型"), ("region_code", "区划"), ("parent", "上级")]
_ACTIONS_ZH = {"create": "新建", "edit": "修改", "move": "调整隶属", "created": "新建", "moved": "挂到上级"}


def render_units(title: str, rows: list[dict[str, Any]]) -> None:
    """Units as people read them: code, name, kind, region code and parent (what init and unit commands made)."""
    cols = [*_UNIT_COLUMNS, ("action", "操作")] if any("action" in r for r in rows) else _UNIT_COLUMNS
    table(title, cols, [{**r, "action": _ACTIONS_ZH.get(r.get("action", ""), "")} for r in rows])


@unit_app.command("add")
def unit_add(
    code: str = typer.Argument(..., help="单位代码，如 530600-JW / unit code"),
    name: str = typer.Option(..., "--name", help="单位名称 / name"),
    kind: str = typer.Option("纪委监委", "--kind", help="单位类型 / kind"),
    region: str = typer.Option(..., "--region", help="行政区划代码 / 6-digit region code"),
    parent: str | None = typer.Option(None, "--parent", help="上级单位代码 / parent unit code"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """新增单位（可挂在上级单位之下） / add a unit, under a parent."""
    with _as_admin(as_user) as (s, actor):
        u = add_unit(s, code=code, name=name, kind=kind, region_code=region, parent_code=parent, actor=actor)
        data = unit_row(s, u)
    emit(data, as_json, lambda d: render_units("单位 / unit", [d]))


@unit_app.command("edit")
def unit_edit(
    code: str = typer.Argument(..., help="单位代码 / unit code"),
    name: str | None = typer.Option(None, "--name", help="新名称 / new name"),
    kind: str | None = typer.Option(None, "--kind", help="新类型 / new kind"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """修改单位名称或类型（原值留在沿革中） / rename a unit or change its kind; history kept."""
    from sanwang.services.units import edit_unit

    with _as_admin(as_user) as (s, actor):
        u = edit_unit(s, code=code, name=name, kind=kind, actor=actor)
        data = unit_row(s, u)
    emit(data, as_json, lambda d: render_units("已修改 / edited", [d]))


@unit_app.command("move")
def unit_move(
    code: str = typer.Argument(..., help="单位代码 / unit code"),
    parent: str | None = typer.Option(None, "--parent", help="新的上级单位代码（不给则为顶层） / new parent"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """调整隶属关系：连同全部下级单位移到新的上级之下 / re-parent a unit with its whole subtree."""
    from sanwang.services.units import move_unit

    with _as_admin(as_user) as (s, actor):
        u = move_unit(s, code=code, parent_code=parent, actor=actor)
        data = unit_row(s, u)
    emit(data, as_json, lambda d: render_units("已调整隶属 / moved", [d]))


@unit_app.command("history")
def unit_history_cmd(
    code: str = typer.Argument(..., help="单位代码 / unit code"),
    as_json: bool = JSON,
) -> None:
    """单位沿革：新建、更名、调整类型和隶属 / a unit's history."""
    from sanwang.services.units import unit_history

    with open_store().session() as s:
        rows = unit_history(s, code)

    def render(r: list[dict[str, Any]]) -> None:
        shown = [
            {"day": e["day"], "action": _ACTIONS_ZH.get(e["action"], e["action"]), "actor_name": e["actor_name"],
             "change": "；".join(_change(k, v) for k, v in (e["data"] or {}).items())}
            for e in r
        ]  # fmt: skip
        table(f"单位沿革 {code}", [("day", "日期"), ("action", "操作"), ("actor_name", "操作人"),
                                   ("change", "内容")], shown)  # fmt: skip

    emit(rows, as_json, render)


_FIELDS_ZH = {"code": "代码", "name": "名称", "kind": "类型", "region_code": "区划", "parent": "上级"}


def _change(key: str, value: Any) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{_FIELDS_ZH.get(key, key)}：{value[0] or '无'} → {value[1] or '无'}"
    return f"{_FIELDS_ZH.get(key, key)}：{value or '无'}"


@unit_app.command("list")
def unit_list(as_json: bool = JSON) -> None:
    """列出单位（按隶属关系排列） / list units, as a tree."""
    with open_store().session() as s:
        rows = list_units(s)
    emit(
        rows,
        as_json,
        lambda r: render_units("单位 / units", [{**u, "name": "  " * u["depth"] + u["name"]} for u in r]),
    )


@user_app.command("add")
def user_add(
    new_username: str = typer.Argument(..., metavar="USERNAME", help="登录名 / username"),
    name: str = typer.Option(..., "--name", help="姓名 / name"),
    unit: str = typer.Option(..., "--unit", help="所在单位代码 / unit code"),
    roles: str = typer.Option(
        ..., "--roles", help="角色（英文名或中文名），逗号分隔 / comma-separated roles, by name or Chinese name"
    ),
    id_number: str | None = typer.Option(None, "--id-number", help="身份证号（用于回避） / ID number, for recusal"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """新增用户（首个用户无需管理员） / add a user (the first one needs no administrator)."""
    from sanwang.domain.idnumber import IdNumber

    with _as_admin(as_user) as (s, _):
        check_new_username(s, new_username, name)
        idn = IdNumber.parse(id_number, field="--id-number").value if id_number else None
        u = add_user(s, username=new_username, name=name, unit_code=unit, roles=roles.split(","), id_number=idn)
        data = {"username": u.username, "name": u.name, "unit": unit, "roles": u.roles}
    emit(data, as_json, lambda d: table("用户 / user", _USER_COLUMNS, [{**d, "roles": roles_zh(d["roles"])}]))


@user_app.command("list")
def user_list(as_json: bool = JSON) -> None:
    """列出用户 / list users."""
    with open_store().session() as s:
        rows = list_users(s)
    emit(
        rows, as_json, lambda r: table("用户 / users", _USER_COLUMNS, [{**u, "roles": roles_zh(u["roles"])} for u in r])
    )


@user_app.command("relative")
def user_relative(
    user: str = typer.Argument(..., metavar="USERNAME", help="申报人登录名 / the user"),
    name: str = typer.Option(..., "--name", help="亲属姓名 / the relative's name"),
    id_number: str = typer.Option(..., "--id-number", help="亲属身份证号 / the relative's ID number"),
    relation: str = typer.Option(..., "--relation", help="关系：配偶、父母、子女、兄弟姐妹… / relation"),
    unit: str | None = typer.Option(
        None, "--unit", help="亲属工作单位（无身份证号的被反映人按姓名+单位回避） / the relative's work unit"
    ),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """登记用户申报的亲属（回避：不得查看涉及其亲属的线索、案件） / record a user's declared relative, for recusal."""
    from sanwang.services.units import declare_relative

    with _as_admin(as_user) as (s, _):
        data = declare_relative(s, user=user, name=name, id_number=id_number, relation=relation, unit_name=unit)
    emit(data, as_json, lambda d: out.print(f"已登记亲属 {d['added']} 人 / relatives added: {d['added']}"))


@user_app.command("relatives-import")
def user_relatives_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV：用户名,亲属姓名,身份证号,关系[,工作单位]"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """批量导入亲属申报（整批校验，有错全拒） / import declared relatives: all or nothing."""
    from sanwang.services.units import import_relatives

    with _as_admin(as_user) as (s, _):
        data = import_relatives(s, file)
    emit(
        data,
        as_json,
        lambda d: out.print(f"{d['rows']} 行，新增 {d['added']} 人 / {d['rows']} rows, {d['added']} added"),
    )
