"""Two-way clue transfers between police and commission (线索双向移送): direction, acknowledgement, lateness."""

from __future__ import annotations

from datetime import date

from sanwang.domain.errors import ValidationError
from sanwang.domain.guards import refuse

TRANSFER_DIRECTIONS = {
    "police_to_commission": ("umbrella_clues", "police_transfer_umbrella", "公安机关向纪委监委移送保护伞线索"),
    "commission_to_police": ("gang_clues", "commission_transfer_gang", "纪委监委向公安机关移送涉黑涉恶线索"),
}


# As people read them. A clue referred by the ledger's 移送 to another organ is "commission_to_other"; a clue that
# is not gang-related referred to the police is a "referral", not a 涉黑涉恶线索 (and not counted as one).
TRANSFER_DIRECTION_ZH = {
    "police_to_commission": "公安→纪委",
    "commission_to_police": "纪委→公安",
    "commission_to_other": "纪委→其他机关",
}
TRANSFER_KIND_ZH = {"umbrella_clues": "保护伞线索", "gang_clues": "涉黑涉恶犯罪线索", "referral": "其他问题线索"}


def transfer_direction(text: str) -> str:
    key = (text or "").strip()
    aliases = {"公安移送": "police_to_commission", "移送公安": "commission_to_police"}
    key = aliases.get(key, key)
    if key not in TRANSFER_DIRECTIONS:
        raise ValidationError(
            "移送方向应为 police_to_commission（公安移送）或 commission_to_police（移送公安）",
            f"direction must be police_to_commission or commission_to_police, not {text!r}",
            field="direction",
        )
    return key


def check_acknowledge(*, receiving: bool, acknowledged_on: date | None, sent_on: date, on: date) -> None:
    """Only the receiving side signs for a transfer (签收), once, not before it was sent."""
    if not receiving:
        raise refuse("只有接收单位的人员可以签收移送", "only a user of the receiving unit can acknowledge a transfer")
    if acknowledged_on is not None:
        raise refuse(
            f"该移送已于 {acknowledged_on.isoformat()} 签收", f"already acknowledged on {acknowledged_on.isoformat()}"
        )
    if on < sent_on:
        raise refuse("签收日期不能早于移送日期", "the acknowledgement cannot precede the sending")


def transfer_problem(sent_on: date, due: date, acknowledged_on: date | None, as_of: date) -> str | None:
    """Why a transfer shows on the overdue list: sent late, acknowledged late, or still unacknowledged past due."""
    if sent_on > due:
        return "sent_late"
    if acknowledged_on is None:
        return "unacknowledged" if as_of > due else None
    return "acknowledged_late" if acknowledged_on > due else None


TRANSFER_PROBLEM_ZH = {"sent_late": "逾期移送", "unacknowledged": "逾期未签收", "acknowledged_late": "逾期签收"}
