"""The clue state machine: every action tried in every state; only the lawful ones pass."""

from __future__ import annotations

from itertools import product

import pytest

from sanwang.domain.deadlines import deadline_rules
from sanwang.domain.errors import TransitionRefused
from sanwang.domain.roles import Role
from sanwang.domain.workflow import ACTIONS, Actor, ClueSnapshot, ClueState, plan

EVERYONE = Actor(user_id=1, roles=frozenset(Role), unit_id=1)
OTHER_LEADER = Actor(user_id=2, roles=frozenset({Role.LEADER}), unit_id=1)

# Arguments that satisfy every content requirement, so only the state (and role) decides.
GOOD_ARGS = {
    "assign": {"handler_id": 1},
    "propose": {"method": "谈话函询"},
    "reject": {"reason": "理由不足"},
    "resume": {"reason": "有新情况"},
    "endorse": {"reason": "背书"},
    "conclude": {"result": "澄清"},
    "feedback": {"kind": "accepted"},
    "reopen": {"reason": "复查"},
    "mark_duplicate": {"of_id": 9},
}

S = ClueState
# The lawful (state, action) pairs for a clue with a pending proposal where one is needed.
LAWFUL = {
    (S.REGISTERED, "assign"), (S.AWAITING, "assign"), (S.HANDLING, "assign"),
    (S.AWAITING, "propose"), (S.AWAITING, "approve"), (S.AWAITING, "reject"),
    # a new disposal after handling (初核后予以了结, 暂存待查复核) is proposed and approved like the first one
    (S.HANDLING, "propose"), (S.HANDLING, "approve"), (S.HANDLING, "reject"),
    (S.HANDLING, "record_reply"), (S.HANDLING, "resume"), (S.HANDLING, "endorse"), (S.HANDLING, "conclude"),
    (S.CONCLUDED, "archive"), (S.CONCLUDED, "reopen"), (S.ARCHIVED, "reopen"),
    # in handling, ending as a duplicate is a disposal decision: proposed and approved, never marked directly
    (S.REGISTERED, "mark_duplicate"), (S.AWAITING, "mark_duplicate"),
}  # fmt: skip
# feedback "accepted" is allowed in every state for a real-name clue: it only tells the reporter.
LAWFUL |= {(s, "feedback") for s in S}


def _snapshot(state: ClueState, action: str) -> ClueSnapshot:
    proposal = {"method": "verification", "name": "初步核实", "by": 7} if action in ("approve", "reject") else None
    disposal = {"record_reply": "talk_inquiry", "resume": "hold"}.get(action, "verification")
    return ClueSnapshot(
        state=state,
        real_name=True,
        disposal=disposal,
        proposal=proposal,
        handler_id=1,
        flags={"result_fed_back": True},
    )


@pytest.mark.parametrize(("state", "action"), list(product(list(S), sorted(ACTIONS))))
def test_every_action_in_every_state(state: ClueState, action: str) -> None:
    snap = _snapshot(state, action)
    actor = OTHER_LEADER if action == "approve" else EVERYONE
    if (state, action) in LAWFUL:
        t = plan(snap, action, actor, GOOD_ARGS.get(action, {}))
        assert t.from_state is state
    else:
        with pytest.raises(TransitionRefused) as info:
            plan(snap, action, actor, GOOD_ARGS.get(action, {}))
        assert info.value.zh and info.value.en and info.value.zh != info.value.en


def test_unknown_action_refused() -> None:
    with pytest.raises(TransitionRefused, match="unknown action"):
        plan(_snapshot(S.AWAITING, "x"), "fly", EVERYONE)


def test_approving_a_concluding_method_concludes_with_its_outcome() -> None:
    snap = ClueSnapshot(state=S.AWAITING, real_name=False, proposal={"method": "close", "name": "予以了结", "by": 7})
    t = plan(snap, "approve", OTHER_LEADER)
    assert t.to_state is S.CONCLUDED and t.updates["outcome"] == "closed"
    assert t.events == ("disposal_approved", "clue_concluded")
    facts = {"real_name": False, "channel": "XF", "disposal": "close"}
    assert not any(r.name == "reporter_result" for e in t.events for r in deadline_rules().triggered_by(e, facts))


def test_real_name_conclusion_starts_the_result_notice_deadline() -> None:
    snap = ClueSnapshot(state=S.HANDLING, real_name=True, disposal="verification", handler_id=1)
    t = plan(snap, "conclude", EVERYONE, {"result": "查实"})
    assert t.events == ("clue_concluded",)
    facts = {"real_name": True, "channel": "XF", "disposal": "verification"}
    assert [r.name for r in deadline_rules().triggered_by("clue_concluded", facts)] == ["reporter_result"]


def test_not_substantiated_needs_both_endorsements() -> None:
    base = ClueSnapshot(state=S.HANDLING, real_name=False, disposal="verification", handler_id=1, approved_by=2)
    with pytest.raises(TransitionRefused, match="承办人、审批领导"):
        plan(base, "conclude", EVERYONE, {"result": "查否"})
    half = ClueSnapshot(**{**base.__dict__, "endorsements": {"handler": {"by": 1}}})
    with pytest.raises(TransitionRefused, match="leader"):
        plan(half, "conclude", EVERYONE, {"result": "not_substantiated"})
    both = ClueSnapshot(**{**base.__dict__, "endorsements": {"handler": {"by": 1}, "leader": {"by": 2}}})
    assert plan(both, "conclude", EVERYONE, {"result": "查否"}).updates["outcome"] == "not_substantiated"


def test_anonymous_clue_has_no_one_to_inform() -> None:
    snap = ClueSnapshot(state=S.CONCLUDED, real_name=False)
    with pytest.raises(TransitionRefused, match="anonymous"):
        plan(snap, "feedback", EVERYONE, {"kind": "result"})


@pytest.mark.parametrize("state", [S.AWAITING, S.HANDLING])
def test_only_the_handler_or_a_case_manager_proposes(state: ClueState) -> None:
    """Another investigator proposed 予以了结 of a clue someone else was handling (resume and conclude already
    asked for the handler)."""
    snap = ClueSnapshot(state=state, real_name=False, disposal="verification", handler_id=1)
    other = Actor(user_id=3, roles=frozenset({Role.INVESTIGATOR}), unit_id=1)
    with pytest.raises(TransitionRefused, match="handler or a case manager"):
        plan(snap, "propose", other, {"method": "予以了结"})
    manager = Actor(user_id=4, roles=frozenset({Role.CASE_MANAGER}), unit_id=1)
    handler = Actor(user_id=1, roles=frozenset({Role.INVESTIGATOR}), unit_id=1)
    for who in (manager, handler):
        assert plan(snap, "propose", who, {"method": "予以了结"}).updates["proposal"]["method"] == "close"
