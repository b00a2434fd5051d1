"""The one access policy, fault by fault (issue 11 §3), on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from sanwang.domain.errors import AccessDenied, NotFound, TransitionRefused
from sanwang.services.cases import list_cases, open_case, show_case
from sanwang.services.clues import ClueDraft, SubjectDraft, act, list_clues, register_clues, show_clue
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.gang import (
    assign_track,
    conclude_track,
    link_case,
    list_gang_cases,
    show_gang_case,
)
from sanwang.services.marks import instruct, list_instructions, list_marks, list_overdue, set_mark
from sanwang.services.neardup import dismiss
from sanwang.services.stats import drill, statistics
from sanwang.services.transfers import acknowledge_transfer, list_transfers, send_transfer
from sanwang.services.units import add_user, declare_relative, move_unit
from sanwang.store.db import Store
from sanwang.store.tables import AuditEntry
from tests.services.test_gang import BOSS_ID, GANG, _register
from tests.services.world import CITY, POLICE
from tests.services.world2 import build_world2

DAY = date(2019, 4, 8)
SPOUSE = "11010519491231002X"
SUBJECT = "张某"


def _clue(store: Store, subjects: tuple[SubjectDraft, ...] = ()) -> str:
    with store.session() as s:
        draft = ClueDraft(
            channel="SH", received=date(2019, 4, 1), real_name=False, summary="反映某局长充当保护伞", subjects=subjects
        )
        [(_, number)] = register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=[draft])
        return number


def _case(store: Store, *, id_number: str | None = None, position: str = "某镇派出所所长", **kw: object) -> str:
    """A discipline case on the city's gang case (the one place that opens cases here)."""
    with store.session() as s:
        return open_case(
            s,
            actor=actor_for(s, "inv"),
            approver="leader",
            subject_name=SUBJECT,
            subject_id_number=id_number,
            subject_position=position,
            gang_number=GANG,
            umbrella=True,
            on=date(2019, 4, 1),
            direct_basis="同步立案：涉黑案件关联的公职人员",
            **kw,  # type: ignore[arg-type]
        ).number


# ------------------------------------------------------------------------- police see track 1 and transfers


@pytest.mark.parametrize("police_under_city", [False, True])
def test_the_police_see_track_one_and_the_transfers_nothing_more(store: Store, police_under_city: bool) -> None:
    build_world2(store)
    if police_under_city:  # as the quickstart builds it: a police unit is not part of the commission above it
        with store.session() as s:
            move_unit(s, code=POLICE, parent_code=CITY)
    _register(store)
    number = _case(store)
    day = date(2019, 4, 2)
    with store.session() as s:
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=2, owner="inv", on=day)
        conclude_track(s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查实保护伞", on=day)
        leader = actor_for(s, "leader")
        set_mark(s, actor=leader, entity_kind="gang_case", number=GANG, kind="挂牌督办", reason="典型", on=DAY)
        send_transfer(s, actor=actor_for(s, "liaison"), police_number=GANG, content="保护伞线索", on=date(2019, 3, 8))
    with store.session() as s:
        police, commission = actor_for(s, "liaison"), actor_for(s, "leader")
        seen = show_gang_case(s, actor=police, police_number=GANG)
        full = show_gang_case(s, actor=commission, police_number=GANG)
        [row] = list_gang_cases(s, actor=police)
        assert list_cases(s, actor=police, gang_number=GANG) == []
        with pytest.raises(AccessDenied):
            show_case(s, actor=police, number=number)
        assert list_marks(s, actor=police) == []
        assert [t["gang_case"] for t in list_transfers(s, actor=police)] == [GANG]
    # The commission sees the linked case, its subject and the umbrella finding…
    assert [c["number"] for c in full["cases"]] == [number]
    assert [t["track"] for t in full["track_detail"]] == [1, 2, 3] and full["marks"]
    # …the police only track 1, the transfers and their own steps: nothing names the suspected umbrella.
    assert [t["track"] for t in seen["track_detail"]] == [1]
    assert seen["cases"] == [] and seen["marks"] == [] and seen["instructions"] == []
    assert [t["content"] for t in seen["transfers"]] == ["保护伞线索"]
    assert {h["action"] for h in seen["history"]} <= {"register", "send_transfer", "update_stage", "add_members"}
    for shown in (seen, row):
        assert shown["tracks"] == {"1": "open"}
        text = json.dumps(shown, ensure_ascii=False)
        assert SUBJECT not in text and number not in text and "umbrella_found" not in text


def test_a_police_unit_entered_under_the_commission_is_still_the_police(store: Store) -> None:
    """The quickstart enters the police unit with --parent 530600-JW: its liaison must not inherit the commission's
    view (tracks 2 and 3, linked cases, the case list, marks) from where the unit hangs in the tree."""
    build_world2(store)
    with store.session() as s:
        move_unit(s, code=POLICE, parent_code=CITY)
    _register(store)
    number = _case(store)
    with store.session() as s:
        police = actor_for(s, "liaison")
        seen = show_gang_case(s, actor=police, police_number=GANG)
        assert [t["track"] for t in seen["track_detail"]] == [1] and seen["cases"] == []
        assert list_cases(s, actor=police) == []
        with pytest.raises(AccessDenied):
            show_case(s, actor=police, number=number)
        assert list_clues(s, actor=police) == []


def test_the_police_cannot_act_on_the_commission_tracks(store: Store) -> None:
    build_world2(store)
    _register(store)
    with store.session() as s:  # a police user holding a commission role passes the role check…
        add_user(s, username="police_inv", name="蒋侦查", unit_code=POLICE, roles=["police_liaison", "case_manager"])
    with pytest.raises(AccessDenied, match="第2查"), store.session() as s:  # …the track check refuses
        assign_track(s, actor=actor_for(s, "police_inv"), police_number=GANG, track=2, owner="inv", on=DAY)


# --------------------------------------------------------------- recusal covers relatives in every list


def test_marks_instructions_and_overdue_lists_recuse_declared_relatives(store: Store) -> None:
    build_world2(store)
    _register(store)
    number = _case(store, id_number=SPOUSE)
    with store.session() as s:
        set_mark(
            s, actor=actor_for(s, "leader"), entity_kind="case", number=number, kind="挂牌督办", reason="x", on=DAY
        )
        leader = actor_for(s, "leader")
        instruct(s, actor=leader, entity_kind="case", number=number, text="请深挖", due=date(2019, 4, 15), on=DAY)
        declare_relative(s, user="leader2", name=SUBJECT, id_number=SPOUSE, relation="配偶")
    as_of = date(2019, 4, 16)
    with store.session() as s:
        other, me = actor_for(s, "leader"), actor_for(s, "leader2")
        assert [m["number"] for m in list_marks(s, actor=other)] == [number]
        assert [i["number"] for i in list_instructions(s, actor=other, overdue=True, as_of=as_of)] == [number]
        assert number in [r["reference"] for r in list_overdue(s, actor=other, as_of=as_of)]
        assert list_marks(s, actor=me) == []
        assert list_instructions(s, actor=me, overdue=True, as_of=as_of) == []
        assert number not in [r["reference"] for r in list_overdue(s, actor=me, as_of=as_of)]
        assert list_cases(s, actor=me) == []


def test_a_subject_without_id_number_is_recused_by_name_and_unit(store: Store) -> None:
    build_world2(store)
    _register(store)
    unit = "昭阳区自然资源局"
    clue = _clue(store, (SubjectDraft(name=SUBJECT, unit_name=unit, position="局长"),))
    namesake = _clue(store, (SubjectDraft(name=SUBJECT, unit_name="昭阳区教育局", position="科员"),))
    number = _case(store, position=f"{unit}局长")
    with store.session() as s:
        declare_relative(s, user="leader2", name=SUBJECT, id_number=SPOUSE, relation="配偶", unit_name=unit)
    with store.session() as s:
        me = actor_for(s, "leader2")
        listed = [c["number"] for c in list_clues(s, actor=me)]
        assert clue not in listed and namesake in listed  # the same name elsewhere is not the relative
        with pytest.raises(AccessDenied):
            show_clue(s, actor=me, number=clue)
        with pytest.raises(AccessDenied):
            show_case(s, actor=me, number=number)
        assert list_cases(s, actor=me) == []
        assert [c.number for c in list_cases(s, actor=actor_for(s, "leader"))] == [number]


def test_recusal_binds_administrators_in_case_lists_too(store: Store) -> None:
    build_world2(store)
    _register(store)
    number = _case(store, id_number=SPOUSE)
    with store.session() as s:
        declare_relative(s, user="auditor", name=SUBJECT, id_number=SPOUSE, relation="配偶")
    with store.session() as s:
        assert list_cases(s, actor=actor_for(s, "auditor")) == []
        with pytest.raises(AccessDenied):
            show_case(s, actor=actor_for(s, "auditor"), number=number)


# -------------------------------------------------------------------- typed numbers reveal nothing


def test_transfers_and_gang_figures_recuse_a_declared_relative_like_their_gang_case(store: Store) -> None:
    """A relative among the members hides the gang case; its transfers (whose content names the case) and the
    statistics' lists of gang cases and transfers must not show it either."""
    build_world2(store)
    _register(store)
    with store.session() as s:
        t = send_transfer(s, actor=actor_for(s, "liaison"), police_number=GANG, content="虞某某案保护伞线索", on=DAY)
        tid = t.id
        acknowledge_transfer(s, actor=actor_for(s, "leader"), transfer_id=tid, on=DAY)
        declare_relative(s, user="leader2", name="虞某某", id_number=BOSS_ID, relation="兄弟姐妹")
    with store.session() as s:
        other, me = actor_for(s, "leader"), actor_for(s, "leader2")
        assert [r["id"] for r in list_transfers(s, actor=other)] == [tid]
        assert [r.label for r in drill(s, actor=other, figure="涉黑涉恶案件").records] == [GANG]
        assert list_transfers(s, actor=me) == []
        with pytest.raises(NotFound, match="不存在"):
            acknowledge_transfer(s, actor=me, transfer_id=tid, on=DAY)
        for figure in ("涉黑涉恶案件", "接收公安机关移送线索"):
            assert drill(s, actor=me, figure=figure).records == [], figure
        figures = statistics(s, actor=me)["figures"]
        assert figures["gang_cases"]["value"] == 0 and figures["transfers_received"]["value"] == 0
        # The clue the transfer became has no subject of its own: it stays readable, without the gang case.
        [clue] = [r["clue"] for r in list_transfers(s, actor=other)]
        theirs, mine = show_clue(s, actor=other, number=clue), show_clue(s, actor=me, number=clue)
    assert theirs["gang_case"] == GANG and theirs["came_from"]["gang_case"] == GANG
    assert mine["gang_case"] is None and mine["came_from"]["gang_case"] is None and mine["transfers"] == []
    # Where it came from is its 来源, never a flag shown under a stored key.
    assert [f["zh"] for f in theirs["flags"]] == ["涉黑涉恶", "涉嫌保护伞"]


def test_a_transfer_on_a_clue_recused_from_is_hidden_in_the_gang_case(store: Store) -> None:
    build_world2(store)
    _register(store)
    clue = _clue(store, (SubjectDraft(name=SUBJECT, id_number=SPOUSE),))
    with store.session() as s:
        send_transfer(s, actor=actor_for(s, "leader"), police_number=GANG, content="移送线索", clue_number=clue, on=DAY)
        declare_relative(s, user="leader2", name=SUBJECT, id_number=SPOUSE, relation="配偶")
    with store.session() as s:
        other, me = actor_for(s, "leader"), actor_for(s, "leader2")
        assert [t["clue"] for t in show_gang_case(s, actor=other, police_number=GANG)["transfers"]] == [clue]
        assert show_gang_case(s, actor=me, police_number=GANG)["transfers"] == []
        assert list_transfers(s, actor=me) == []


def test_clue_show_lists_only_the_linked_cases_the_reader_may_see(store: Store) -> None:
    """The clue names 张某 without ID number or unit, so it is readable; the case opened on it names the spouse by
    ID number, so it is not — not even as a line of the clue."""
    build_world2(store)
    clue = _clue(store, (SubjectDraft(name=SUBJECT),))
    with store.session() as s:
        case = open_case(
            s, actor=actor_for(s, "inv"), approver="leader", subject_name=SUBJECT, subject_id_number=SPOUSE,
            clue_number=clue, direct_basis="经研究决定直接立案", on=date(2019, 4, 2),
        ).number  # fmt: skip
        declare_relative(s, user="leader2", name=SUBJECT, id_number=SPOUSE, relation="配偶")
    with store.session() as s:
        assert [c["number"] for c in show_clue(s, actor=actor_for(s, "leader"), number=clue)["cases"]] == [case]
        assert show_clue(s, actor=actor_for(s, "leader2"), number=clue)["cases"] == []


def test_a_recused_case_is_named_neither_in_the_findings_nor_in_the_history_of_its_gang_case(store: Store) -> None:
    build_world2(store)
    _register(store)
    number = _case(store, id_number=SPOUSE)
    day = date(2019, 4, 2)
    with store.session() as s:
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=2, owner="inv", on=day)
        conclude_track(
            s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查实保护伞", cases=[number], on=day
        )
        declare_relative(s, user="leader2", name=SUBJECT, id_number=SPOUSE, relation="配偶")
    with store.session() as s:
        full = show_gang_case(s, actor=actor_for(s, "leader"), police_number=GANG)
        mine = show_gang_case(s, actor=actor_for(s, "leader2"), police_number=GANG)
    assert number in json.dumps(full, ensure_ascii=False)  # the others read the finding whole
    assert [t["track"] for t in mine["track_detail"]] == [1, 2, 3] and mine["cases"] == []
    text = json.dumps(mine, ensure_ascii=False)
    assert number not in text and SUBJECT not in text
    assert mine["track_detail"][1]["conclusion"] == "umbrella_found"  # the track's conclusion itself stays


def _refusal(exc: pytest.ExceptionInfo[NotFound], number: str) -> str:
    return str(exc.value).replace(number, "N")


def test_a_clue_number_typed_into_a_transfer_is_not_found_unless_visible(store: Store) -> None:
    build_world2(store)
    _register(store)
    clue = _clue(store)
    missing = clue[:-4] + "9999"
    refusals = []
    for n in (clue, missing):
        with pytest.raises(NotFound) as exc, store.session() as s:
            send_transfer(
                s, actor=actor_for(s, "liaison"), police_number=GANG, content="保护伞线索", clue_number=n, on=DAY
            )
        refusals.append(_refusal(exc, n))
    assert refusals[0] == refusals[1]  # the police cannot tell an existing clue from a missing one


def test_a_clue_number_typed_as_the_other_of_a_duplicate_is_not_found_unless_visible(store: Store) -> None:
    build_world2(store)
    mine = _clue(store)
    hidden = _clue(store, (SubjectDraft(name=SUBJECT, id_number=SPOUSE),))
    missing = hidden[:-4] + "9999"
    with store.session() as s:
        declare_relative(s, user="leader2", name=SUBJECT, id_number=SPOUSE, relation="配偶")
    for call in (
        lambda s, n: act(s, actor=actor_for(s, "leader2"), number=mine, action="mark_duplicate", args={"of": n},
                         on=DAY),
        lambda s, n: dismiss(s, actor=actor_for(s, "leader2"), number=mine, other=n, reason="不是同一事项", on=DAY),
    ):  # fmt: skip
        refusals = []
        for n in (hidden, missing):
            with pytest.raises(NotFound) as exc, store.session() as s:
                call(s, n)
            refusals.append(_refusal(exc, n))
        assert refusals[0] == refusals[1]  # a recused clue cannot be told from a missing one


def test_a_case_number_typed_into_a_track_or_link_is_not_found_unless_visible(store: Store) -> None:
    build_world2(store)
    _register(store)
    number = _case(store, id_number=SPOUSE)
    missing = number[:-4] + "9999"
    with store.session() as s:
        declare_relative(s, user="inv2", name=SUBJECT, id_number=SPOUSE, relation="配偶")
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=2, owner="inv2", on=DAY)
    for call in (
        lambda s, n: conclude_track(
            s, actor=actor_for(s, "inv2"), police_number=GANG, track=2, conclusion="查实保护伞", cases=[n], on=DAY
        ),
        lambda s, n: link_case(s, actor=actor_for(s, "inv2"), police_number=GANG, case_number=n, on=DAY),
    ):
        refusals = []
        for n in (number, missing):
            with pytest.raises(NotFound) as exc, store.session() as s:
                call(s, n)
            refusals.append(_refusal(exc, n))
        assert refusals[0] == refusals[1]


# ------------------------------------------------------------------------------------- lists are audited


def test_every_list_is_audited(store: Store) -> None:
    build_world2(store)
    _register(store)
    as_of = date(2019, 4, 16)
    lists = {
        "case": lambda s, a: list_cases(s, actor=a),
        "gang_case": lambda s, a: list_gang_cases(s, actor=a),
        "transfer": lambda s, a: list_transfers(s, actor=a),
        "mark": lambda s, a: list_marks(s, actor=a),
        "instruction": lambda s, a: list_instructions(s, actor=a),
        "deadline": lambda s, a: list_overdue(s, actor=a, as_of=as_of),
    }
    for kind, run in lists.items():
        with store.session() as s:
            run(s, actor_for(s, "leader"))
        with store.reading() as s:
            q = select(func.count()).select_from(AuditEntry)
            rows = s.scalar(q.where(AuditEntry.action == "list", AuditEntry.entity_kind == kind))
            actor = s.scalar(select(AuditEntry.actor_id).where(AuditEntry.entity_kind == kind))
        assert rows == 1, kind
        assert actor == actor_for_id(store, "leader"), kind


def actor_for_id(store: Store, username: str) -> int:
    with store.reading() as s:
        return actor_for(s, username).user_id


def test_the_police_under_a_commission_cannot_sign_for_their_own_transfer(store: Store) -> None:
    """A police unit filed under the city commission is still the sender: it neither signs for its transfer (which
    would register the clue in the commission's ledger in its name) nor reads the commission's cases."""
    build_world2(store)
    with store.session() as s:
        move_unit(s, code=POLICE, parent_code=CITY)
    _register(store)
    number = _case(store)
    with store.session() as s:
        t = send_transfer(s, actor=actor_for(s, "liaison"), police_number=GANG, content="保护伞线索", on=DAY)
        tid = t.id
    with pytest.raises(TransitionRefused, match="接收单位"), store.session() as s:
        acknowledge_transfer(s, actor=actor_for(s, "liaison"), transfer_id=tid, on=DAY)
    with store.session() as s:
        police = actor_for(s, "liaison")
        assert list_cases(s, actor=police) == []
        with pytest.raises(AccessDenied):
            show_case(s, actor=police, number=number)
        acknowledge_transfer(s, actor=actor_for(s, "inv"), transfer_id=tid, on=DAY)
