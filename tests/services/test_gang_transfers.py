"""Two-way clue transfers (线索双向移送) as the ledger must keep them (DOMAIN §3), on SQLite and PostgreSQL alike:
a signed-for police transfer becomes a clue, a 涉黑涉恶 flag starts the 3-working-day clock to the police, only
gang-crime clues sent to the police count, and a transfer is due from its trigger, not from the day it is sent."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from sanwang.domain.errors import TransitionRefused
from sanwang.services.clues import ClueDraft, act, register_clues, set_flags, show_clue
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.stats import drill, statistics
from sanwang.services.transfers import acknowledge_transfer, list_transfers, send_transfer
from sanwang.store.db import Store
from sanwang.store.tables import Clue, Deadline, Transfer
from tests.services.test_gang import GANG, _register
from tests.services.world import CITY, COUNTY, POLICE
from tests.services.world2 import build_world2

RULE = "commission_transfer_gang"
PERIOD = {"since": date(2019, 1, 1), "until": date(2019, 12, 31)}


def _clue(store: Store, *, gang: bool, received: date = date(2019, 3, 1), ref: str = "T-1") -> str:
    draft = ClueDraft(
        channel="XF", received=received, real_name=False, summary="反映某镇干部为黑恶势力充当保护伞",
        gang_related=gang, external_ref=ref,
    )  # fmt: skip
    with store.session() as s:
        [(_, number)] = register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=[draft])
    return number


def _clocks(store: Store, number: str) -> list[tuple[date, date, date | None]]:
    with store.session() as s:
        cid = s.scalar(select(Clue.id).where(Clue.number == number))
        rows = s.scalars(
            select(Deadline).where(Deadline.entity_kind == "clue", Deadline.entity_id == cid, Deadline.rule == RULE)
        )
        return [(d.trigger_on, d.due, d.met_on) for d in rows]


def _act(store: Store, who: str, number: str, action: str, on: date, **args: Any) -> None:
    with store.session() as s:
        act(s, actor=actor_for(s, who), number=number, action=action, on=on, args=args)


def _sent_figure(store: Store) -> tuple[int, list[str]]:
    with store.session() as s:
        leader = actor_for(s, "leader")
        value = statistics(s, actor=leader, **PERIOD)["figures"]["transfers_sent"]["value"]
        return value, drill(s, actor=leader, figure="transfers_sent", **PERIOD).labels


def test_an_acknowledged_police_transfer_becomes_a_clue_once(store: Store) -> None:
    build_world2(store)
    _register(store)
    with store.session() as s:
        t = send_transfer(
            s, actor=actor_for(s, "liaison"), police_number=GANG, content="虞某某供述向某所长行贿", on=date(2019, 3, 8)
        )
        tid = t.id
    with store.session() as s:
        acknowledge_transfer(s, actor=actor_for(s, "leader"), transfer_id=tid, on=date(2019, 3, 11))
    with pytest.raises(TransitionRefused, match="已于"), store.session() as s:
        acknowledge_transfer(s, actor=actor_for(s, "manager"), transfer_id=tid, on=date(2019, 3, 12))
    with store.session() as s:
        clues = s.scalars(select(Clue).where(Clue.channel == "GA")).all()
        assert len(clues) == 1  # signing twice creates no second clue
        clue = clues[0]
        assert clue.number == "530600-2019-GA-00001" and clue.summary == "虞某某供述向某所长行贿"
        assert clue.gang_case_id is not None and clue.umbrella_suspected and clue.received == date(2019, 3, 11)
        assert s.get(Transfer, tid).clue_id == clue.id  # type: ignore[union-attr]
        shown = show_clue(s, actor=actor_for(s, "leader"), number=clue.number)
        [row] = list_transfers(s, actor=actor_for(s, "leader"), police_number=GANG)
    assert shown["channel"] == "公安机关移送"
    assert shown["came_from"] == {"transfer": tid, "gang_case": GANG}
    # Its own deadlines, as any clue registered in the ledger; a clue from the police is not owed back to them.
    assert {d["rule"] for d in shown["deadlines"]} == {"disposal_opinion"}
    assert row["clue"] == clue.number


def test_a_gang_flag_starts_the_transfer_clock_met_by_the_transfer(store: Store) -> None:
    build_world2(store)
    _register(store)
    flagged_at_intake = _clue(store, gang=True, ref="A")
    assert _clocks(store, flagged_at_intake) == [(date(2019, 3, 1), date(2019, 3, 6), None)]
    later = _clue(store, gang=False, ref="B")
    assert _clocks(store, later) == []
    with store.session() as s:
        set_flags(s, actor=actor_for(s, "clerk"), number=later, gang_related=True, reason="涉黑", on=date(2019, 3, 4))
    assert _clocks(store, later) == [(date(2019, 3, 4), date(2019, 3, 7), None)]
    with store.session() as s:  # flagged again: still one clock
        clerk = actor_for(s, "clerk")
        set_flags(s, actor=clerk, number=later, umbrella_suspected=True, reason="再核", on=date(2019, 3, 5))
    assert len(_clocks(store, later)) == 1
    with store.session() as s:
        t = send_transfer(
            s, actor=actor_for(s, "inv"), police_number=GANG, content="强揽工程线索", clue_number=later,
            on=date(2019, 3, 12),
        )  # fmt: skip
        # Due three working days after the flag, not after the day it was sent: late.
        assert (t.trigger_on, t.due) == (date(2019, 3, 4), date(2019, 3, 7))
        rows = list_transfers(s, actor=actor_for(s, "leader"), overdue=True, as_of=date(2019, 3, 12))
        assert [(r["clue"], r["problem"]) for r in rows] == [(later, "sent_late")]
    assert _clocks(store, later) == [(date(2019, 3, 4), date(2019, 3, 7), date(2019, 3, 12))]


def test_a_referral_approved_late_is_late_and_only_gang_clues_count(store: Store) -> None:
    build_world2(store)
    gang = _clue(store, gang=True, ref="G")
    plain = _clue(store, gang=False, ref="P")
    day = date(2019, 3, 20)
    for number in (gang, plain):
        _act(store, "manager", number, "assign", day, handler="inv")
        _act(store, "inv", number, "propose", day, method="移送", target=POLICE, reason="移送公安机关")
        _act(store, "leader", number, "approve", day)  # sent the day it is approved
    with store.session() as s:
        by_clue = {s.scalar(select(Clue.number).where(Clue.id == t.clue_id)): t for t in s.scalars(select(Transfer))}
        g, p = by_clue[gang], by_clue[plain]
        assert (g.kind, g.trigger_on, g.due, g.sent_on) == ("gang_clues", date(2019, 3, 1), date(2019, 3, 6), day)
        assert p.kind == "referral"
    assert _clocks(store, gang)[0][2] == day  # the clock is met by the transfer
    value, listed = _sent_figure(store)
    assert value == 1 and len(listed) == 1  # the clue that is not gang-related is not a 向公安机关移送线索


def test_pass_down_goes_only_to_a_commission(store: Store) -> None:
    build_world2(store)
    number = _clue(store, gang=True)
    day = date(2019, 3, 20)
    _act(store, "manager", number, "assign", day, handler="inv")
    for method in ("转办", "交办"):
        with pytest.raises(TransitionRefused, match="纪委监委") as info:
            _act(store, "inv", number, "propose", day, method=method, target=POLICE)
        assert "昭通市公安局" in info.value.zh and "refer" in info.value.en
    _act(store, "inv", number, "propose", day, method="转办", target=COUNTY)
    _act(store, "leader", number, "approve", day)
    with store.session() as s:
        assert s.scalars(select(Transfer)).all() == []  # a 转办 to a lower commission is no transfer to the police
    assert _sent_figure(store)[0] == 0
