"""Units and users (单位与用户): the region tree and who works in it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import ValidationError
from sanwang.domain.regions import region_table
from sanwang.domain.roles import UNIT_KINDS, Role
from sanwang.services.context import unit_by_code
from sanwang.store.tables import Unit, User


def add_unit(
    session: Session, *, code: str, name: str, kind: str, region_code: str, parent_code: str | None = None
) -> Unit:
    """Create a unit under its parent (safe to repeat with the same values)."""
    if kind not in UNIT_KINDS:
        raise ValidationError(
            f"未知单位类型「{kind}」，可选：{'、'.join(UNIT_KINDS)}", f"unknown unit kind {kind!r}", field="kind"
        )
    if not region_table().is_known(region_code):
        raise ValidationError(
            f"行政区划代码 {region_code} 不存在", f"unknown region code {region_code}", field="region_code"
        )
    existing = session.scalar(select(Unit).where(Unit.code == code))
    if existing is not None:
        if (existing.name, existing.kind, existing.region_code) != (name, kind, region_code):
            raise ValidationError(
                f"单位代码 {code} 已被「{existing.name}」使用", f"unit code {code} is taken", field="code"
            )
        return existing
    parent = unit_by_code(session, parent_code) if parent_code else None
    unit = Unit(code=code, name=name, kind=kind, region_code=region_code, parent_id=parent.id if parent else None)
    unit.path = ""
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def add_user(
    session: Session,
    *,
    username: str,
    name: str,
    unit_code: str,
    roles: list[str],
    id_number: str | None = None,
) -> User:
    """Create a user with roles (safe to repeat)."""
    try:
        clean = sorted({Role(r).value for r in roles})
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise ValidationError(f"未知角色，可选：{known}", f"unknown role; choose from {known}", field="roles") from None
    existing = session.scalar(select(User).where(User.username == username))
    if existing is not None:
        return existing
    unit = unit_by_code(session, unit_code)
    user = User(username=username, name=name, unit_id=unit.id, roles=",".join(clean), id_number=id_number)
    session.add(user)
    session.flush()
    return user


def subtree_ids(session: Session, unit: Unit) -> list[int]:
    """Ids of a unit and everything under it (下辖单位)."""
    return list(session.scalars(select(Unit.id).where(Unit.path.startswith(unit.path))))


def commission_of(session: Session, unit_id: int) -> Unit:
    """The nearest 纪委监委 at or above a unit: the body that registers and owns clues."""
    unit = session.get(Unit, unit_id)
    while unit is not None:
        if unit.kind == "纪委监委":
            return unit
        unit = session.get(Unit, unit.parent_id) if unit.parent_id else None
    raise ValidationError("该单位不属于任何纪委监委", "this unit belongs to no commission", field="unit")


def check_admin(session: Session, username: str) -> None:
    """Units and users are managed by administrators — except on a ledger with no user yet (bootstrap)."""
    from sanwang.domain.errors import AccessDenied
    from sanwang.services.context import actor_for

    if session.scalar(select(User.id).limit(1)) is None:
        return
    if not actor_for(session, username).has(Role.ADMIN):
        raise AccessDenied("只有系统管理员可以管理单位和用户", "only an administrator can manage units and users")


def list_units(session: Session) -> list[dict[str, str]]:
    return [
        {"code": u.code, "name": u.name, "kind": u.kind, "region_code": u.region_code, "path": u.path}
        for u in session.scalars(select(Unit).order_by(Unit.path))
    ]


def list_users(session: Session) -> list[dict[str, str]]:
    return [
        {"username": u.username, "name": u.name, "unit": code, "roles": u.roles}
        for u, code in session.execute(select(User, Unit.code).join(Unit, Unit.id == User.unit_id).order_by(User.id))
    ]


def check_new_username(session: Session, username: str, name: str) -> None:
    """A new account needs a fresh, space-free username and a name (``add_user`` itself is idempotent)."""
    if not username.strip() or not name.strip() or any(c.isspace() for c in username):
        raise ValidationError(
            "登录名和姓名不能为空，登录名不能含空格",
            "username and name are required; no spaces in a username",
            field="USERNAME",
        )
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValidationError(f"登录名「{username}」已存在", f"username {username!r} is taken", field="USERNAME")
