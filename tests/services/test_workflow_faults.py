"""Faults of the clue workflow found in an office's first week (issue 11): 查否 signatories, approvals that could be
bypassed, deadlines that doubled or went missing, and reminders that blocked back-dated paperwork."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sanwang.domain.errors import TransitionRefused, ValidationError
from sanwang.services.clues import act, show_clue
from sanwang.services.context import actor_for
from sanwang.services.gang import assign_track, conclude_track, endorse_track, show_gang_case
from sanwang.services.marks import set_mark
from sanwang.services.reminders import remind
from sanwang.store.db import Store
from sanwang.store.tables import Clue, ClueLink, Deadline
from tests.services import test_gang
from tests.services.test_clue_flow import _register
from tests.services.test_gang import GANG
from tests.services.world import build_world
from tests.services.world2 import build_world2


def _at(store: Store, who: str, number: str, action: str, on: date, **args: object) -> Clue:
    with store.session() as s:
        return act(s, actor=actor_for(s, who), number=number, action=action, on=on, args=args)


def _verifying(store: Store) -> str:
    """A clue under 初步核实 approved by ``leader`` on 2019-05-06, handled by ``inv``."""
    build_world(store)
    [num] = _register(store)
    _at(store, "manager", num, "assign", date(2019, 5, 6), handler="inv")
    _at(store, "inv", num, "propose", date(2019, 5, 6), method="初步核实")
    _at(store, "leader", num, "approve", date(2019, 5, 6))
    return num


def _history(store: Store, number: str) -> list[dict[str, object]]:
    with store.session() as s:
        return show_clue(s, actor=actor_for(s, "leader"), number=number)["history"]


def _open_rules(store: Store, number: str) -> list[str]:
    with store.session() as s:
        cid = s.scalar(select(Clue.id).where(Clue.number == number))
        return sorted(
            s.scalars(
                select(Deadline.rule).where(
                    Deadline.entity_kind == "clue", Deadline.entity_id == cid, Deadline.met_on.is_(None)
                )
            )
        )


# ------------------------------------------------------------------------------------------------ 查否背书


def test_only_the_approving_leader_signs_a_clue_not_substantiated(store: Store) -> None:
    num = _verifying(store)
    with store.session() as s:
        assert s.scalar(select(Clue.approved_by).where(Clue.number == num)) == actor_for(s, "leader").user_id
    with pytest.raises(TransitionRefused, match="孙书记") as info:  # leader2 did not approve: named who may sign
        _at(store, "leader2", num, "endorse", date(2019, 5, 7), reason="同意查否")
    assert "赵承办" in info.value.zh and "approving leader" in info.value.en
    _at(store, "inv", num, "endorse", date(2019, 5, 7), reason="查无实据")
    _at(store, "leader", num, "endorse", date(2019, 5, 7), reason="同意查否")
    assert _at(store, "inv", num, "conclude", date(2019, 5, 8), result="查否").outcome == "not_substantiated"


def test_reassigning_clears_the_clue_endorsements_in_history(store: Store) -> None:
    num = _verifying(store)
    _at(store, "inv", num, "endorse", date(2019, 5, 7), reason="查无实据")
    _at(store, "leader", num, "endorse", date(2019, 5, 7), reason="同意查否")
    clue = _at(store, "manager", num, "assign", date(2019, 5, 8), handler="inv2")
    assert clue.endorsements is None and clue.state == "handling"
    assert _history(store, num)[-1]["data"]["endorsements_cleared"] == ["handler", "leader"]  # type: ignore[index]
    with pytest.raises(TransitionRefused, match="承办人"):
        _at(store, "inv2", num, "conclude", date(2019, 5, 9), result="查否")


def test_resuming_or_reapproving_clears_the_endorsements(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _at(store, "manager", num, "assign", date(2019, 5, 6), handler="inv")
    _at(store, "inv", num, "propose", date(2019, 5, 6), method="暂存待查")
    _at(store, "leader", num, "approve", date(2019, 5, 6))
    _at(store, "inv", num, "endorse", date(2019, 5, 7), reason="查无实据")
    clue = _at(store, "inv", num, "resume", date(2019, 5, 8), reason="有新情况")
    assert clue.endorsements is None and clue.approved_by is None
    assert _history(store, num)[-1]["data"]["endorsements_cleared"] == ["handler"]  # type: ignore[index]
    _at(store, "inv", num, "propose", date(2019, 5, 9), method="初步核实")
    _at(store, "leader2", num, "approve", date(2019, 5, 9))
    _at(store, "inv", num, "endorse", date(2019, 5, 10), reason="查无实据")
    # the new approval makes leader2 the signatory; the earlier approver may no longer sign
    with pytest.raises(TransitionRefused, match="周副书记"):
        _at(store, "leader", num, "endorse", date(2019, 5, 10), reason="同意")
    _at(store, "inv", num, "propose", date(2019, 5, 11), method="谈话函询")
    clue = _at(store, "leader", num, "approve", date(2019, 5, 11))
    assert clue.endorsements is None and clue.disposal == "talk_inquiry"


def test_only_the_assigning_leader_signs_track_two(store: Store) -> None:
    build_world2(store)
    test_gang._register(store)
    day = date(2019, 4, 2)
    with store.session() as s:
        assign_track(s, actor=actor_for(s, "leader"), police_number=GANG, track=2, owner="inv", on=day)
        endorse_track(s, actor=actor_for(s, "inv"), police_number=GANG, text="未发现保护伞", on=day)
    with pytest.raises(TransitionRefused, match="孙书记"), store.session() as s:
        endorse_track(s, actor=actor_for(s, "leader2"), police_number=GANG, text="同意", on=day)
    with store.session() as s:  # reassigned by a case manager: signatures cleared, no approving leader any more
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=2, owner="inv2", on=day)
        gc = show_gang_case(s, actor=actor_for(s, "leader"), police_number=GANG)
        assert gc["track_detail"][1]["endorsements"] is None
        assert gc["history"][-1]["data"]["endorsements_cleared"] == ["handler"]
    with pytest.raises(TransitionRefused, match="未记录"), store.session() as s:
        endorse_track(s, actor=actor_for(s, "leader"), police_number=GANG, text="同意", on=day)
    with pytest.raises(TransitionRefused, match="审批领导"), store.session() as s:
        conclude_track(s, actor=actor_for(s, "inv2"), police_number=GANG, track=2, conclusion="查否", on=day)


# ------------------------------------------------------------------------------------------ bypassed approval


def test_a_clerk_cannot_end_a_clue_in_handling_as_a_duplicate(store: Store) -> None:
    num = _verifying(store)
    [other] = _register(store, prefix="DUP")
    with pytest.raises(TransitionRefused, match="处置建议"):
        _at(store, "clerk", num, "mark_duplicate", date(2019, 5, 7), of=other, reason="同一事项")
    _at(store, "inv", num, "propose", date(2019, 5, 7), method="并入重复件", of=other)
    clue = _at(store, "leader", num, "approve", date(2019, 5, 8))
    assert clue.state == "concluded" and clue.outcome == "merged" and clue.duplicate_of_id is not None
    with store.session() as s:
        assert s.scalar(select(ClueLink.kind).where(ClueLink.clue_id == clue.id)) == "duplicate"
    assert "verification" not in _open_rules(store, num)


def test_a_handler_cannot_close_a_held_clue_alone(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _at(store, "manager", num, "assign", date(2019, 5, 6), handler="inv")
    _at(store, "inv", num, "propose", date(2019, 5, 6), method="暂存待查")
    _at(store, "leader", num, "approve", date(2019, 5, 6))
    with pytest.raises(TransitionRefused, match="领导审批"):
        _at(store, "inv", num, "conclude", date(2019, 6, 6), result="予以了结")
    _at(store, "inv", num, "propose", date(2019, 6, 6), method="予以了结")
    clue = _at(store, "leader", num, "approve", date(2019, 6, 7))
    assert clue.state == "concluded" and clue.outcome == "closed"
    assert "hold_review" not in _open_rules(store, num)


def test_closing_or_opening_a_case_after_verification_needs_approval(store: Store) -> None:
    num = _verifying(store)
    for result in ("予以了结", "立案审查调查"):
        with pytest.raises(TransitionRefused, match="处置决定"):
            _at(store, "inv", num, "conclude", date(2019, 5, 20), result=result)


# ------------------------------------------------------------------------------------------------ deadlines


def test_a_second_reply_is_recorded_without_a_second_deadline(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _at(store, "manager", num, "assign", date(2019, 5, 6), handler="inv")
    _at(store, "inv", num, "propose", date(2019, 5, 6), method="谈话函询")
    _at(store, "leader", num, "approve", date(2019, 5, 6))
    _at(store, "inv", num, "record_reply", date(2019, 5, 10), reason="书面说明")
    _at(store, "inv", num, "record_reply", date(2019, 5, 13), reason="补充说明")
    with store.session() as s:
        cid = s.scalar(select(Clue.id).where(Clue.number == num))
        rows = list(s.scalars(select(Deadline).where(Deadline.entity_id == cid, Deadline.rule == "inquiry_conclusion")))
    assert len(rows) == 1 and rows[0].trigger_on == date(2019, 5, 10)
    assert _history(store, num)[-1]["data"] == {"supplementary": True}


def test_a_resumed_clue_owes_a_disposal_opinion_again(store: Store) -> None:
    build_world(store)
    [num] = _register(store, real_name=False)
    _at(store, "manager", num, "assign", date(2019, 5, 6), handler="inv")
    _at(store, "inv", num, "propose", date(2019, 5, 6), method="暂存待查")
    _at(store, "leader", num, "approve", date(2019, 5, 6))
    assert "hold_review" in _open_rules(store, num)
    _at(store, "inv", num, "resume", date(2019, 9, 2), reason="有新情况")
    assert "disposal_opinion" in _open_rules(store, num) and "hold_review" not in _open_rules(store, num)
    with store.session() as s:
        due = show_clue(s, actor=actor_for(s, "leader"), number=num)["due"]
    assert due == "2019-10-08"  # one month from 2019-09-02 is 10-02, in the National Day holiday


def test_a_held_clue_goes_overdue_for_review(store: Store) -> None:
    build_world(store)
    [num] = _register(store, real_name=False)
    _at(store, "manager", num, "assign", date(2019, 5, 6), handler="inv")
    _at(store, "inv", num, "propose", date(2019, 5, 6), method="暂存待查")
    _at(store, "leader", num, "approve", date(2019, 5, 6))
    with store.session() as s:
        sheet = remind(s, actor=actor_for(s, "manager"), as_of=date(2019, 11, 20))
    assert [r["rule"] for r in sheet["reminders"]] == ["hold_review"]
    # reviewed and kept on hold: a new approval of 暂存待查 restarts the review clock
    _at(store, "inv", num, "propose", date(2019, 11, 21), method="暂存待查")
    _at(store, "leader", num, "approve", date(2019, 11, 22))
    with store.session() as s:
        cid = s.scalar(select(Clue.id).where(Clue.number == num))
        dues = sorted(
            (d.due, d.met_on)
            for d in s.scalars(select(Deadline).where(Deadline.entity_id == cid, Deadline.rule == "hold_review"))
        )
    assert dues[0][1] == date(2019, 11, 22) and dues[1][1] is None and dues[1][0] > date(2020, 5, 1)


# ------------------------------------------------------------------------------------ back-dated paperwork


def test_a_reminder_or_a_mark_does_not_block_back_dated_steps(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    with store.session() as s:
        remind(s, actor=actor_for(s, "manager"), as_of=date(2019, 6, 3))
        leader = actor_for(s, "leader")
        set_mark(
            s, actor=leader, entity_kind="clue", number=num, kind="挂牌督办", reason="反映强烈", on=date(2019, 6, 4)
        )
    # last week's paperwork: assigned on 2019-05-27, entered after the reminder and the mark
    clue = _at(store, "manager", num, "assign", date(2019, 5, 27), handler="inv")
    assert clue.state == "awaiting_disposal"
    # workflow steps themselves still keep their order
    with pytest.raises(ValidationError, match="2019-05-27"):
        _at(store, "inv", num, "propose", date(2019, 5, 20), method="初步核实")
