"""查否背书 (endorsement of a not-substantiated finding): one guard for clues and for track 2 of 一案三查.

A 查否 conclusion stands only on two signatures: the current handler's (承办人) and the approving leader's (审批领导),
the leader who approved how the matter is handled. Any other leader's signature is refused, naming who may sign;
the signatures are cleared whenever the handler or the approval changes (the clue or track then starts over).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sanwang.domain.errors import TransitionRefused

SLOTS = (("handler", "承办人", "handler"), ("leader", "审批领导", "approving leader"))


@dataclass(frozen=True)
class Signatories:
    """Who may sign (背书人): the current handler and the approving leader, with names for the refusals."""

    handler_id: int | None
    approver_id: int | None
    handler_name: str = ""
    approver_name: str = ""
    approver_missing_zh: str = "未记录审批领导"
    approver_missing_en: str = "no approving leader is recorded"

    def _who(self) -> tuple[str, str]:
        h = self.handler_name or "（未指定）"
        a = self.approver_name or "（未记录）"
        h_en = self.handler_name or "(none assigned)"
        a_en = self.approver_name or "(none recorded)"
        return f"承办人{h}、审批领导{a}", f"the handler {h_en} and the approving leader {a_en}"


def sign(endorsements: dict[str, Any] | None, who: Signatories, actor_id: int, text: str) -> dict[str, Any]:
    """The endorsements after ``actor_id`` signs: in the handler's slot or the approving leader's, nobody else."""
    if not text.strip():
        raise TransitionRefused("查否背书须写明背书意见", "an endorsement needs its statement")
    zh, en = who._who()
    if who.handler_id is not None and who.handler_id == who.approver_id:
        raise TransitionRefused(
            "承办人与审批领导是同一人，查否背书须由两人分别签署；请改派承办人或由其他领导重新审批",
            "the handler is also the approving leader; a 查否 endorsement needs two different people — reassign "
            "the handler or have another leader approve again",
        )
    if actor_id == who.handler_id:
        slot = "handler"
    elif actor_id == who.approver_id:
        slot = "leader"
    else:
        missing_zh = f"；{who.approver_missing_zh}" if who.approver_id is None else ""
        missing_en = f"; {who.approver_missing_en}" if who.approver_id is None else ""
        raise TransitionRefused(
            f"查否背书只能由{zh}签署{missing_zh}", f"only {en} may sign the 查否 endorsement{missing_en}"
        )
    return {**(endorsements or {}), slot: {"by": actor_id, "text": text.strip()}}


def require(endorsements: dict[str, Any] | None, who: Signatories) -> None:
    """Refuse a 查否 conclusion unless both current signatories have signed (a stale signature does not count)."""
    have = endorsements or {}
    wanted = {"handler": who.handler_id, "leader": who.approver_id}
    missing = [
        (zh, en) for slot, zh, en in SLOTS if wanted[slot] is None or (have.get(slot) or {}).get("by") != wanted[slot]
    ]
    if missing:
        raise TransitionRefused(
            f"查否结论须有查否背书，缺少：{'、'.join(zh for zh, _ in missing)}（{who._who()[0]}）",
            "a not-substantiated conclusion needs the endorsement of: "
            + ", ".join(en for _, en in missing)
            + f" ({who._who()[1]})",
        )


def cleared(endorsements: dict[str, Any] | None) -> dict[str, Any]:
    """Event data saying which signatures a step cleared (empty when there were none), for the history."""
    return {"endorsements_cleared": sorted(endorsements)} if endorsements else {}
