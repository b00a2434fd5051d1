"""Units and users (单位与用户): the region tree and who works in it."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import ImportRejected, LineProblem, ValidationError
from sanwang.domain.idnumber import IdNumber
from sanwang.domain.regions import region_table
from sanwang.domain.roles import UNIT_KINDS, Role
from sanwang.domain.workflow import Actor
from sanwang.services.context import history, record, today, unit_by_code
from sanwang.services.ledgerio import decode_text
from sanwang.store.tables import Clue, DisciplineCase, GangCase, Unit, User, UserRelative


def _check_kind(kind: str) -> None:
    if kind not in UNIT_KINDS:
        raise ValidationError(
            f"未知单位类型「{kind}」，可选：{'、'.join(UNIT_KINDS)}", f"unknown unit kind {kind!r}", field="kind"
        )


def _check_parent(kind: str, parent: Unit | None) -> None:
    # A commission answers to the commission one level up (留置 approval, 复核): never to an office or the police.
    if kind == "纪委监委" and parent is not None and parent.kind != "纪委监委":
        raise ValidationError(
            f"纪委监委的上级须为纪委监委，「{parent.name}」是{parent.kind}",
            f"a commission's parent must be a commission; {parent.code} is a {parent.kind}",
            field="parent",
        )


def unit_row(session: Session, unit: Unit) -> dict[str, Any]:
    """A unit as commands show it: code, name, kind, region code and the parent's code."""
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    return {"code": unit.code, "name": unit.name, "kind": unit.kind, "region_code": unit.region_code,
            "parent": parent.code if parent else None}  # fmt: skip


def add_unit(
    session: Session,
    *,
    code: str,
    name: str,
    kind: str,
    region_code: str,
    parent_code: str | None = None,
    actor: Actor | None = None,
) -> Unit:
    """Create a unit under its parent (safe to repeat with the same values); its history starts with 'create'."""
    _check_kind(kind)
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
    _check_parent(kind, parent)
    unit = Unit(code=code, name=name, kind=kind, region_code=region_code, parent_id=parent.id if parent else None)
    unit.path = ""
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    record(session, "unit", unit.id, "create", actor=actor, day=today(), data=unit_row(session, unit))
    return unit


def edit_unit(
    session: Session, *, code: str, name: str | None = None, kind: str | None = None, actor: Actor | None = None
) -> Unit:
    """Rename a unit or change its kind (单位更名、调整类型); the old values stay in its history."""
    unit = unit_by_code(session, code)
    changes: dict[str, Any] = {}
    if name is not None and name.strip() and name.strip() != unit.name:
        changes["name"] = [unit.name, name.strip()]
        unit.name = name.strip()
    if kind is not None and kind != unit.kind:
        _check_kind(kind)
        _check_parent(kind, session.get(Unit, unit.parent_id) if unit.parent_id else None)
        if kind != "纪委监委" and unit.kind == "纪委监委":
            below = session.scalar(select(Unit.code).where(Unit.parent_id == unit.id, Unit.kind == "纪委监委").limit(1))
            if below:
                raise ValidationError(
                    f"「{unit.name}」下有纪委监委 {below}，不能改为{kind}",
                    f"{unit.code} has the commission {below} under it; it must stay a commission",
                    field="kind",
                )
            # Its clues and cases would belong to no commission: nobody could see or act on them any more.
            owned = [
                zh
                for zh, table in (("问题线索", Clue), ("审查调查案件", DisciplineCase), ("涉黑涉恶案件", GangCase))
                if session.scalar(select(table.id).where(table.unit_id == unit.id).limit(1)) is not None
            ]
            if owned:
                raise ValidationError(
                    f"「{unit.name}」已登记{'、'.join(owned)}，不能改为{kind}",
                    f"{unit.code} owns clues or cases; it must stay a commission",
                    field="kind",
                )
        changes["kind"] = [unit.kind, kind]
        unit.kind = kind
    if not changes:
        raise ValidationError("没有要修改的内容", "nothing to change: give a new --name or --kind", field="name")
    record(session, "unit", unit.id, "edit", actor=actor, day=today(), data=changes)
    return unit


def move_unit(session: Session, *, code: str, parent_code: str | None, actor: Actor | None = None) -> Unit:
    """Put a unit under another parent (调整隶属关系), its whole subtree with it; None makes it a top unit."""
    unit = unit_by_code(session, code)
    parent = unit_by_code(session, parent_code) if parent_code else None
    if parent is not None and parent.path.startswith(unit.path):
        raise ValidationError(
            f"不能把「{unit.name}」移到它自己或其下级单位「{parent.name}」之下",
            f"cannot move {unit.code} under itself or a unit below it ({parent.code})",
            field="parent",
        )
    _check_parent(unit.kind, parent)
    before = session.get(Unit, unit.parent_id) if unit.parent_id else None
    if (before.id if before else None) == (parent.id if parent else None):
        return unit
    old_path = unit.path
    new_path = f"{parent.path if parent else '/'}{unit.id}/"
    # Every path below starts with the unit's own: rewrite the prefix, so subtree visibility follows the move.
    for u in session.scalars(select(Unit).where(Unit.path.startswith(old_path))):
        u.path = new_path + u.path[len(old_path) :]
    unit.parent_id = parent.id if parent else None
    session.flush()
    record(session, "unit", unit.id, "move", actor=actor, day=today(),
           data={"parent": [before.code if before else None, parent.code if parent else None]})  # fmt: skip
    return unit


def unit_history(session: Session, code: str) -> list[dict[str, Any]]:
    """A unit's history (单位沿革): creation, renames, kind changes and moves, oldest first."""
    return history(session, "unit", unit_by_code(session, code).id)


def ensure_commission_chain(
    session: Session, region_code: str, name: str | None = None, actor: Actor | None = None
) -> tuple[Unit, list[dict[str, Any]]]:
    """The commission (纪委监委) of a region and every commission above it up to the province, created where
    missing (code ``{region}-JW``) and linked each under the next: city-level 留置 is approved one level up, so a
    city commission with nothing above it could never detain. Returns the region's commission and what was
    created or re-parented."""
    done: list[dict[str, Any]] = []
    parent: Unit | None = None
    chain = region_table().ancestry(region_code)
    for code in chain:
        unit = session.scalar(
            select(Unit).where(Unit.region_code == code, Unit.kind == "纪委监委").order_by(Unit.id).limit(1)
        )
        if unit is None:
            full = name if code == region_code and name else f"{region_table().full_name(code)}纪委监委"
            unit = add_unit(session, code=f"{code}-JW", name=full, kind="纪委监委", region_code=code,
                            parent_code=parent.code if parent else None, actor=actor)  # fmt: skip
            done.append({**unit_row(session, unit), "action": "created"})
        elif parent is not None and unit.parent_id is None:
            # A commission made by an older init, with nothing above it: hang it under its parent.
            move_unit(session, code=unit.code, parent_code=parent.code, actor=actor)
            done.append({**unit_row(session, unit), "action": "moved"})
        parent = unit
    assert parent is not None
    return parent, done


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
        clean = sorted({Role.parse(r).value for r in roles})
    except ValueError:
        known = ", ".join(f"{r.value}（{r.zh}）" for r in Role)
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


def list_units(session: Session) -> list[dict[str, Any]]:
    """Every unit with its parent, in tree order (a parent before its children)."""
    units = list(session.scalars(select(Unit)))
    codes = {u.id: u.code for u in units}
    # Paths are ids, so sort by the ids along the path (as strings "/10/" would sort before "/9/").
    units.sort(key=lambda u: [int(x) for x in u.path.strip("/").split("/") if x])
    return [
        {"code": u.code, "name": u.name, "kind": u.kind, "region_code": u.region_code, "path": u.path,
         "parent": codes.get(u.parent_id) if u.parent_id else None, "depth": u.path.count("/") - 2}
        for u in units
    ]  # fmt: skip


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


# Relatives whose matters a user must stay out of (回避: 夫妻关系、直系血亲、三代以内旁系血亲及近姻亲关系).
RELATIONS = ("配偶", "父母", "子女", "兄弟姐妹", "祖父母", "外祖父母", "孙子女", "外孙子女", "子女配偶", "配偶父母",
             "配偶兄弟姐妹", "兄弟姐妹配偶", "其他近亲属")  # fmt: skip


def _relative_row(
    session: Session, line: int | None, values: dict[str, str]
) -> tuple[dict[str, Any], list[LineProblem]]:
    problems: list[LineProblem] = []
    n = line or 0
    user = session.scalar(select(User).where(User.username == values["user"].strip()))
    if user is None:
        problems.append(LineProblem(n, "用户名", f"没有用户 {values['user']!r}", f"no user {values['user']!r}"))
    name = values["name"].strip()
    if not name:
        problems.append(LineProblem(n, "亲属姓名", "缺少姓名", "the name is missing"))
    relation = values["relation"].strip()
    if relation not in RELATIONS:
        problems.append(
            LineProblem(n, "关系", f"关系须为：{'、'.join(RELATIONS)}", f"relation must be one of {RELATIONS}")
        )
    idn = ""
    try:
        idn = IdNumber.parse(values["id_number"], field="身份证号", line=line).value
    except ValidationError as e:
        problems.append(LineProblem(n, "身份证号", e.reason_zh, e.reason_en))
    unit_name = (values.get("unit_name") or "").strip() or None
    row = {"user_id": user.id if user else 0, "name": name, "id_number": idn, "unit_name": unit_name,
           "relation": relation}  # fmt: skip
    return row, problems


def declare_relative(
    session: Session,
    *,
    user: str,
    name: str,
    id_number: str,
    relation: str,
    unit_name: str | None = None,
    on: date | None = None,
) -> dict[str, Any]:
    """Record a relative a user declared (亲属申报) — for recusal. Declaring the same ID number again adds nothing
    (it only fills in a work unit ``unit_name`` not declared before)."""
    row, problems = _relative_row(session, None, {"user": user, "name": name, "id_number": id_number,
                                                  "relation": relation, "unit_name": unit_name or ""})  # fmt: skip
    if problems:
        p = problems[0]
        raise ValidationError(p.zh, p.en, field=p.field)
    return {"user": user, "added": _add_relatives(session, [row], on or date.today())}


def import_relatives(session: Session, path: Path, on: date | None = None) -> dict[str, Any]:
    """Relatives from a CSV with columns 用户名, 亲属姓名, 身份证号, 关系 and optionally 工作单位 (UTF-8 or GB18030):
    the whole file is checked first and refused with every bad line named; nothing is written then. Known pairs
    are skipped."""
    reader = csv.DictReader(decode_text(path.read_bytes(), path.name).splitlines())
    needed = {"用户名": "user", "亲属姓名": "name", "身份证号": "id_number", "关系": "relation"}
    missing = [h for h in needed if h not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected(str(path), [LineProblem(1, h, "缺少此列", "column missing") for h in missing])
    columns = {**needed, "工作单位": "unit_name"}
    rows: list[dict[str, Any]] = []
    problems: list[LineProblem] = []
    for n, rec in enumerate(reader, start=2):
        row, bad = _relative_row(session, n, {v: rec.get(k) or "" for k, v in columns.items()})
        rows.append(row)
        problems.extend(bad)
    if problems:
        raise ImportRejected(str(path), problems)
    return {"rows": len(rows), "added": _add_relatives(session, rows, on or date.today())}


def _add_relatives(session: Session, rows: list[dict[str, Any]], day: date) -> int:
    known = {(r.user_id, r.id_number): r for r in session.scalars(select(UserRelative))}
    added = 0
    for row in rows:
        key = (row["user_id"], row["id_number"])
        if key in known:
            if known[key].unit_name is None and row["unit_name"]:
                known[key].unit_name = row["unit_name"]  # fills a gap; a declared unit is never replaced
            continue
        known[key] = UserRelative(**row, declared_on=day)
        session.add(known[key])
        added += 1
    session.flush()
    return added
