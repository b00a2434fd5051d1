"""What people read about a clue beyond its ledger line (线索详情与筛选): its handler, flags, linked cases,
transfers and clues, and the filters of the ledger list. Read helpers for a clue its caller has checked; what they
list of other records (cases, transfers, clues, a gang case) goes through the access policy, recusal included."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from sanwang.domain.errors import NotFound, ValidationError
from sanwang.domain.events import state_zh
from sanwang.domain.vocab import channels
from sanwang.domain.workflow import Actor
from sanwang.services.context import unit_by_code
from sanwang.services.policy import restrict_cases, restrict_transfers, visible_records
from sanwang.services.units import subtree_ids
from sanwang.store.tables import Clue, ClueLink, Deadline, DisciplineCase, GangCase, Transfer, Unit, User
from sanwang.text import to_simplified

# The flags a list filters on (标记), by the words people use for them.
_FLAGS = {"gang": "gang_related", "涉黑涉恶": "gang_related", "umbrella": "umbrella_suspected",
          "涉嫌保护伞": "umbrella_suspected", "保护伞": "umbrella_suspected"}  # fmt: skip


def list_filters(
    session: Session, *, handler: str | None, flag: str | None, channel: str | None, unit: str | None
) -> list[Any]:
    """The WHERE clauses of ``list_clues``' filters, each refused by name when it names nothing."""
    out: list[Any] = []
    if handler:
        # By login, or by the name the list shows in its 承办人 column (namesakes all match: it is a filter).
        name = handler.strip()
        uids = list(session.scalars(select(User.id).where(User.username == name)))
        uids = uids or list(session.scalars(select(User.id).where(User.name == name)))
        if not uids:
            raise NotFound(f"承办人「{handler}」不存在（请写登录名或姓名）", f"no user with login or name {handler!r}")
        out.append(Clue.handler_id.in_(uids))
    if flag:
        column = _FLAGS.get(flag.strip())
        if column is None:
            raise ValidationError(f"未知标记「{flag}」，可选：涉黑涉恶(gang)、涉嫌保护伞(umbrella)",
                                  f"unknown flag {flag!r}; use gang or umbrella", field="--flag")  # fmt: skip
        out.append(getattr(Clue, column).is_(True))
    if channel:
        ch = channels().resolve(channel) or channels().resolve(to_simplified(channel))
        if ch is None:
            names = "、".join(c.name for c in channels().channels)
            raise ValidationError(f"未知来源渠道「{channel}」，可选：{names}", f"unknown channel {channel!r}",
                                  field="--channel")  # fmt: skip
        out.append(Clue.channel == ch.code)
    if unit:
        out.append(Clue.unit_id.in_(subtree_ids(session, unit_by_code(session, unit.strip()))))
    return out


def handler_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    """Handlers' names (承办人) by user id, in one query."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(User.id, User.name).where(User.id.in_(wanted)))}


def due_dates(session: Session, clue_ids: Sequence[int]) -> dict[int, tuple[date, bool]]:
    """Each clue's nearest open deadline (最近期限) and whether it is provisional (暂定), as the ledger list shows."""
    out: dict[int, tuple[date, bool]] = {}
    for i in range(0, len(clue_ids), 900):  # stay under SQLite's bound-parameter limit
        chunk = clue_ids[i : i + 900]
        for cid, due, provisional in session.execute(
            select(Deadline.entity_id, Deadline.due, Deadline.provisional).where(
                Deadline.entity_kind == "clue", Deadline.entity_id.in_(chunk), Deadline.met_on.is_(None)
            )
        ):
            have = out.get(int(cid))
            if have is None or due < have[0] or (due == have[0] and provisional):
                out[int(cid)] = (due, bool(provisional))
    return out


def handler_of(session: Session, user_id: int | None) -> dict[str, str] | None:
    """The clue's handler (承办人)."""
    user = session.get(User, user_id) if user_id else None
    return {"username": user.username, "name": user.name} if user else None


def flags_of(clue: Clue) -> list[dict[str, Any]]:
    """The flags set on the clue (标记) in the words people read: 涉黑涉恶, 涉嫌保护伞, 实名, then ``flags``."""
    shown = [("gang_related", "涉黑涉恶", clue.gang_related), ("umbrella_suspected", "涉嫌保护伞",
             clue.umbrella_suspected), ("real_name", "实名举报", clue.real_name)]  # fmt: skip
    out = [{"flag": k, "zh": zh} for k, zh, on in shown if on]
    # Where a clue came from (a police transfer and its gang case, a clue above) is its 来源, not a flag; the
    # other stored keys are shown elsewhere in their own words (``outcome`` is 办结方式), so no stored code reaches
    # the 标记 line.
    extra = sorted((k, v) for k, v in (clue.flags or {}).items() if v and k in _FLAG_ZH)
    out += [{"flag": k, "zh": _FLAG_ZH[k], "value": v} for k, v in extra]
    return out


_FLAG_ZH = {
    "merged": "已并入",
    "from_clue": "转办自线索",
    "reply_recorded": "已登记函询回复",
    "result_fed_back": "已反馈办理结果",
}


def cases_of(session: Session, actor: Actor, clue_id: int) -> list[dict[str, Any]]:
    """Discipline cases opened from the clue (关联审查调查案件) that the actor may see: not one whose subject they
    recuse from, though the clue's own subjects do not name that person."""
    q = select(DisciplineCase).where(DisciplineCase.clue_id == clue_id).order_by(DisciplineCase.id)
    return [
        {"number": c.number, "subject": c.subject_name, "state": c.state, "state_zh": state_zh("case", c.state),
         "umbrella": c.umbrella, "opened_on": c.opened_on.isoformat()}
        for c in session.scalars(restrict_cases(session, actor, q))
    ]  # fmt: skip


_DIRECTION_ZH = {"commission_to_police": "纪委监委→公安机关", "police_to_commission": "公安机关→纪委监委",
                 "commission_to_other": "纪委监委→其他机关"}  # fmt: skip


def transfers_of(session: Session, actor: Actor, clue_id: int) -> list[dict[str, Any]]:
    """Transfers of the clue (移送记录) the actor may see, with their receiving unit, deadline and acknowledgement."""
    to_unit = aliased(Unit)
    q = select(Transfer, to_unit.name).join(to_unit, to_unit.id == Transfer.to_unit_id)
    return [
        {"id": t.id, "direction": t.direction, "direction_zh": _DIRECTION_ZH.get(t.direction, t.direction),
         "kind": t.kind, "to_unit": name, "sent_on": t.sent_on.isoformat(), "due": t.due.isoformat(),
         "acknowledged_on": t.acknowledged_on.isoformat() if t.acknowledged_on else None}
        for t, name in session.execute(restrict_transfers(session, actor, q.where(Transfer.clue_id == clue_id))
                                       .order_by(Transfer.id))
    ]  # fmt: skip


def links_of(session: Session, actor: Actor, clue_id: int) -> list[dict[str, Any]]:
    """Clues linked to this one either way (重复件, 同案) that the actor may see."""
    other = aliased(Clue)
    rows = session.execute(
        select(ClueLink.kind, other.number, ClueLink.created_on, other.id)
        .join(other, or_(and_(ClueLink.clue_id == clue_id, other.id == ClueLink.other_id),
                         and_(ClueLink.other_id == clue_id, other.id == ClueLink.clue_id)))
        .order_by(ClueLink.id)
    ).all()  # fmt: skip
    seen = visible_records(session, actor, [("clue", i) for *_, i in rows])
    return [{"kind": k, "number": n, "on": d.isoformat()} for k, n, d, i in rows if ("clue", i) in seen]


def gang_case_of(session: Session, actor: Actor, gang_case_id: int | None) -> str | None:
    """The police number of the clue's gang case, unless the actor recuses from it (a member is their relative)."""
    key = ("gang_case", gang_case_id or 0)
    if gang_case_id is None or key not in visible_records(session, actor, [key]):
        return None
    return session.scalar(select(GangCase.police_number).where(GangCase.id == gang_case_id))
