"""``sanwang unit`` and ``sanwang user``: the region tree and its staff (administrators only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from sqlalchemy.orm import Session

from sanwang.cli.common import AS_USER, JSON, emit, open_store, out, table, username
from sanwang.domain.roles import roles_zh
from sanwang.services.units import add_unit, add_user, check_admin, check_new_username, list_units, list_users

_USER_COLUMNS = [("username", "登录名"), ("name", "姓名"), ("unit", "单位"), ("roles", "角色")]

unit_app = typer.Typer(no_args_is_help=True)


@contextmanager
def _as_admin(as_user: str | None) -> Iterator[Session]:
    """One transaction on behalf of an administrator (refused otherwise); the store is closed afterwards."""
    store = open_store()
    try:
        with store.session() as s:
            check_admin(s, username(as_user))
            yield s
    finally:
        store.dispose()


user_app = typer.Typer(no_args_is_help=True)


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
    """新增单位 / add a unit."""
    with _as_admin(as_user) as s:
        u = add_unit(s, code=code, name=name, kind=kind, region_code=region, parent_code=parent)
        data = {"code": u.code, "name": u.name, "kind": u.kind, "region_code": u.region_code}
    emit(data, as_json, lambda d: table("单位 / unit", [(k, k) for k in d], [d]))


@unit_app.command("list")
def unit_list(as_json: bool = JSON) -> None:
    """列出单位 / list units."""
    with open_store().session() as s:
        rows = list_units(s)
    emit(rows, as_json, lambda r: table("单位 / units", [("code", "代码"), ("name", "名称"), ("kind", "类型")], r))


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

    with _as_admin(as_user) as s:
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

    with _as_admin(as_user) as s:
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

    with _as_admin(as_user) as s:
        data = import_relatives(s, file)
    emit(
        data,
        as_json,
        lambda d: out.print(f"{d['rows']} 行，新增 {d['added']} 人 / {d['rows']} rows, {d['added']} added"),
    )
