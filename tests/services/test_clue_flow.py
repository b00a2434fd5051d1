"""The clue workflow through the services, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from sanwang.domain.errors import AccessDenied, TransitionRefused
from sanwang.services.clues import ClueDraft, SubjectDraft, act, list_clues, register_clues, show_clue
from sanwang.services.context import actor_for, unit_by_code
from sanwang.store.db import Store
from sanwang.store.tables import Clue, Deadline
from tests.services.world import CITY, COUNTY, build_world

DRAFT = ClueDraft(
    channel="SH",
    received=date(2019, 4, 1),
    real_name=True,
    summary="反映某镇派出所所长收受好处，为当地恶势力团伙充当保护伞。",
    subjects=(SubjectDraft(name="张三", unit_name="某镇派出所", position="所长"),),
    reporter_name="李四",
    reporter_phone="13800000000",
    external_ref="EXT-1",
)


def _register(store: Store, n: int = 1, prefix: str = "EXT", **kw: object) -> list[str]:
    with store.session() as s:
        clerk = actor_for(s, "clerk")
        drafts = [ClueDraft(**{**DRAFT.__dict__, "external_ref": f"{prefix}-{i}", **kw}) for i in range(n)]
        return [num for _, num in register_clues(s, actor=clerk, unit=unit_by_code(s, CITY), drafts=drafts)]


def _act(store: Store, who: str, number: str, action: str, **args: object) -> Clue:
    with store.session() as s:
        return act(s, actor=actor_for(s, who), number=number, action=action, on=date(2019, 5, 6), args=args)


def test_numbers_are_gap_free_per_unit_and_year(store: Store) -> None:
    build_world(store)
    first = _register(store, 3)
    second = _register(store, 2, prefix="B", received=date(2020, 1, 3))
    assert first == ["530600-2019-SH-00001", "530600-2019-SH-00002", "530600-2019-SH-00003"]
    assert second == ["530600-2020-SH-00001", "530600-2020-SH-00002"]


def test_a_failed_batch_burns_no_number(store: Store) -> None:
    build_world(store)
    _register(store, 2)
    with pytest.raises(Exception), store.session() as s:  # noqa: B017 - the duplicate key is the point
        clerk = actor_for(s, "clerk")
        register_clues(s, actor=clerk, unit=unit_by_code(s, CITY), drafts=[DRAFT])  # EXT-1 twice: unique key
    assert _register(store, 1, prefix="NEW") == ["530600-2019-SH-00003"]


def test_full_path_to_archive_keeps_history(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _act(store, "manager", num, "assign", handler="inv")
    _act(store, "inv", num, "propose", method="初步核实", reason="有具体线索")
    _act(store, "leader", num, "approve")
    _act(store, "inv", num, "endorse", reason="经核实，反映问题不属实")
    with pytest.raises(TransitionRefused, match="审批领导"):
        _act(store, "inv", num, "conclude", result="查否")
    _act(store, "leader", num, "endorse", reason="同意查否")
    _act(store, "inv", num, "conclude", result="查否")
    with pytest.raises(TransitionRefused, match="反馈"):
        _act(store, "manager", num, "archive")
    _act(store, "clerk", num, "feedback", kind="result")
    clue = _act(store, "manager", num, "archive")
    assert clue.state == "archived" and clue.outcome == "not_substantiated"
    _act(store, "leader2", num, "reopen", reason="督导组要求复查")
    with store.session() as s:
        shown = show_clue(s, actor=actor_for(s, "leader"), number=num)
    actions = [h["action"] for h in shown["history"]]
    assert actions == [
        "register",
        "assign",
        "propose",
        "approve",
        "endorse",
        "endorse",
        "conclude",
        "feedback",
        "archive",
        "reopen",
    ]
    # The first conclusion is still in history after the reopening.
    assert shown["history"][6]["to_state"] == "concluded"
    assert shown["state"] == "awaiting_disposal" and shown["review_round"] == 1 and shown["outcome"] is None
    assert shown["reporter"]["name"] == "李*"  # masked unless revealed with a purpose


def test_proposer_cannot_approve_and_clerk_cannot_approve(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _act(store, "manager", num, "assign", handler="inv")
    _act(store, "inv", num, "propose", method="谈话函询")
    with pytest.raises(TransitionRefused, match="领导"):
        _act(store, "clerk", num, "approve")
    clue = _act(store, "leader", num, "approve")
    assert clue.state == "handling" and clue.disposal == "talk_inquiry"
    with pytest.raises(TransitionRefused, match="函询回复"):
        _act(store, "inv", num, "conclude", result="澄清")


def test_deadlines_started_and_met(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    with store.session() as s:
        open_rules = {d.rule for d in s.scalars(select(Deadline).where(Deadline.met_on.is_(None)))}
    assert open_rules == {"disposal_opinion", "reporter_acceptance", "contact_12337"}
    _act(store, "manager", num, "assign", handler="inv")
    _act(store, "inv", num, "propose", method="初步核实")
    _act(store, "leader", num, "approve")
    with store.session() as s:
        rows = {d.rule: d for d in s.scalars(select(Deadline))}
    assert rows["disposal_opinion"].met_on == date(2019, 5, 6)
    # 初核 15 working days from 2019-05-06 (Mon): ends Mon 2019-05-27.
    assert rows["verification"].due == date(2019, 5, 27) and rows["verification"].met_on is None
    overdue = {c["number"] for c in with_overdue(store, date(2019, 6, 1))}
    assert overdue == {num}
    with store.session() as s:
        manager = actor_for(s, "manager")
        # Verification is due 2019-05-27 with a 5-working-day warning window from 2019-05-20.
        soon = list_clues(s, actor=manager, warning=True, as_of=date(2019, 5, 21))
        assert [(c["number"], c["due"]) for c in soon] == [(num, "2019-05-27")]
        assert list_clues(s, actor=manager, warning=True, as_of=date(2019, 5, 10)) == []


def with_overdue(store: Store, as_of: date) -> list[dict[str, object]]:
    with store.session() as s:
        return list_clues(s, actor=actor_for(s, "manager"), overdue=True, as_of=as_of)


def test_pass_down_creates_a_linked_clue_in_the_lower_unit(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _act(store, "manager", num, "assign", handler="inv")
    with pytest.raises(TransitionRefused, match="接收单位"):
        _act(store, "inv", num, "propose", method="转办")
    _act(store, "inv", num, "propose", method="转办", target=COUNTY)
    _act(store, "leader", num, "approve")
    with store.session() as s:
        shown = show_clue(s, actor=actor_for(s, "leader"), number=num)
        assert shown["state"] == "concluded" and shown["outcome"] == "transferred"
        new = shown["transferred_to"]
        assert new.startswith("530602-2019-SJ-")
        county = show_clue(s, actor=actor_for(s, "county_clerk"), number=new)
        assert county["summary"] == DRAFT.summary
        # The county cannot see the city's own clue.
        with pytest.raises(AccessDenied):
            show_clue(s, actor=actor_for(s, "county_clerk"), number=num)


def test_duplicates_are_linked_never_deleted(store: Store) -> None:
    build_world(store)
    a, b = _register(store, 2)
    _act(store, "clerk", b, "mark_duplicate", of=a, reason="同一事项")
    with store.session() as s:
        shown = show_clue(s, actor=actor_for(s, "manager"), number=b)
        assert shown["duplicate_of"] == a and shown["outcome"] == "merged"
        assert s.scalar(select(Clue.number).where(Clue.number == b)) == b


def test_recusal_hides_clues_about_oneself(store: Store) -> None:
    build_world(store)
    with store.session() as s:
        s.execute(text("UPDATE users SET id_number = '11010519491231002X' WHERE username = 'leader2'"))
    [num] = _register(store, subjects=(SubjectDraft(name="周副书记", id_number="11010519491231002X"),))
    with store.session() as s:
        assert list_clues(s, actor=actor_for(s, "leader2")) == []
        with pytest.raises(AccessDenied):
            show_clue(s, actor=actor_for(s, "leader2"), number=num)
        assert [c["number"] for c in list_clues(s, actor=actor_for(s, "leader"))] == [num]


def test_events_are_append_only(store: Store) -> None:
    build_world(store)
    _register(store)
    with pytest.raises(Exception, match="append-only"), store.session() as s:
        s.execute(text("UPDATE events SET action = 'forged'"))


def test_verification_extended_once_by_a_leader(store: Store) -> None:
    from sanwang.services.clues import extend_deadline

    build_world(store)
    [num] = _register(store)
    _act(store, "manager", num, "assign", handler="inv")
    _act(store, "inv", num, "propose", method="初步核实")
    _act(store, "leader", num, "approve")
    with store.session() as s, pytest.raises(TransitionRefused, match="leader"):
        extend_deadline(s, actor=actor_for(s, "inv"), number=num, rule="verification", reason="案情复杂")
    with store.session() as s:
        due = extend_deadline(
            s, actor=actor_for(s, "leader"), number=num, rule="verification", reason="案情复杂", on=date(2019, 5, 20)
        )
    # 2019-05-27 plus 15 more working days (no holiday until 端午节 on 7 June): 2019-06-18.
    assert due == date(2019, 6, 18)
    with store.session() as s, pytest.raises(TransitionRefused, match="at most 1"):
        extend_deadline(
            s, actor=actor_for(s, "leader"), number=num, rule="verification", reason="再延", on=date(2019, 6, 1)
        )
