"""Supervision marks and leaders' instructions through the services, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from sanwang.domain.errors import AccessDenied, TransitionRefused
from sanwang.services.cases import open_case, show_case
from sanwang.services.clues import ClueDraft, register_clues, show_clue
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.marks import (
    clear_mark,
    complete_instruction,
    instruct,
    list_instructions,
    list_marks,
    list_overdue,
    report_progress,
    set_mark,
)
from sanwang.services.reminders import remind
from sanwang.store.db import Store
from sanwang.store.tables import Mark
from tests.services.world import CITY, COUNTY
from tests.services.world2 import build_world2

DAY = date(2019, 4, 8)
MARK_KINDS = ("mark", "instruction")  # the clue's own deadlines are not what these tests look at


def _clue(store: Store) -> str:
    with store.session() as s:
        draft = ClueDraft(channel="SH", received=date(2019, 4, 1), real_name=False, summary="反映某局长充当保护伞")
        [(_, number)] = register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=[draft])
        return number


def _mark(store: Store, who: str, number: str, kind: str, **kw: Any) -> Mark:
    with store.session() as s:
        kw.setdefault("reason", "群众反映强烈，社会影响大")
        return set_mark(s, actor=actor_for(s, who), entity_kind="clue", number=number, kind=kind, on=DAY, **kw)


def test_only_leaders_set_marks(store: Store) -> None:
    build_world2(store)
    number = _clue(store)
    for who in ("inv", "manager", "clerk"):
        with pytest.raises(TransitionRefused, match="领导"):
            _mark(store, who, number, "重点督办")
    with store.session() as s:
        assert s.scalar(select(Mark.id)) is None
    m = _mark(store, "leader", number, "挂牌督办")
    assert (m.kind, m.set_on, m.cleared_on) == ("flagged", DAY, None)
    with pytest.raises(TransitionRefused, match="已有未撤销"):
        _mark(store, "leader2", number, "flagged")
    with pytest.raises(TransitionRefused, match="leader"), store.session() as s:
        clear_mark(s, actor=actor_for(s, "inv"), entity_kind="clue", number=number, kind="挂牌督办", reason="已办结")
    with store.session() as s:
        clear_mark(s, actor=actor_for(s, "leader"), entity_kind="clue", number=number, kind="挂牌督办", reason="已办结")
        shown = show_clue(s, actor=actor_for(s, "leader"), number=number)
    assert [h["action"] for h in shown["history"]] == ["register", "set_mark", "clear_mark"]
    assert shown["marks"][0]["cleared_on"] is not None


def test_mark_specific_requirements(store: Store) -> None:
    build_world2(store)
    number = _clue(store)
    with pytest.raises(TransitionRefused, match="包案领导"):
        _mark(store, "leader", number, "领导包案")
    with pytest.raises(TransitionRefused, match="包案人须是领导"):
        _mark(store, "leader", number, "领导包案", owner="inv")
    assert _mark(store, "leader", number, "领导包案", owner="leader2").owner_id is not None
    with pytest.raises(TransitionRefused, match="被指定的单位"):
        _mark(store, "leader", number, "指定管辖")
    with pytest.raises(TransitionRefused, match="原管辖"):
        _mark(store, "leader", number, "指定管辖", target_unit=CITY)
    assert _mark(store, "leader", number, "指定管辖", target_unit=COUNTY).target_unit_id is not None
    # 提级办理 is decided above: the city's own leader cannot escalate a city clue; the province can.
    with pytest.raises(TransitionRefused, match="上级"):
        _mark(store, "leader", number, "提级办理")
    _mark(store, "pleader", number, "提级办理")
    with store.session() as s:
        rows = list_marks(s, actor=actor_for(s, "leader"))
        assert {r["kind_zh"] for r in rows} == {"领导包案", "指定管辖", "提级办理"}
        assert {r["owner"] for r in rows} == {"leader2", None}
        assert [r["kind"] for r in list_marks(s, actor=actor_for(s, "leader"), kind="指定管辖")] == ["designated"]
        assert list_marks(s, actor=actor_for(s, "county_clerk")) == []  # the county does not see city clues


def test_marks_on_cases_and_gang_cases(store: Store) -> None:
    build_world2(store)
    clue = _clue(store)
    with store.session() as s:
        case = open_case(
            s,
            actor=actor_for(s, "inv"),
            approver="leader",
            subject_name="张某",
            clue_number=clue,
            on=DAY,
            direct_basis="经领导研究决定直接立案",
        ).number
        set_mark(
            s, actor=actor_for(s, "leader"), entity_kind="case", number=case, kind="挂牌督办", reason="典型", on=DAY
        )
        shown = show_case(s, actor=actor_for(s, "leader"), number=case).to_json()
    assert [m["kind"] for m in shown["marks"]] == ["flagged"]
    assert shown["history"][-1]["action"] == "set_mark"
    with pytest.raises(AccessDenied), store.session() as s:
        set_mark(
            s, actor=actor_for(s, "county_leader"), entity_kind="case", number=case, kind="flagged", reason="x", on=DAY
        )


def test_priority_supervision_needs_periodic_reports(store: Store) -> None:
    build_world2(store)
    number = _clue(store)
    with pytest.raises(TransitionRefused, match="重点督办"), store.session() as s:
        report_progress(s, actor=actor_for(s, "inv"), entity_kind="clue", number=number, text="已约谈", on=DAY)
    _mark(store, "leader", number, "重点督办", report_every="15个工作日")
    with store.session() as s:
        # 15 working days from Monday 8 April 2019: Sunday 28 April, a working day swapped for the May Day holiday.
        overdue = list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 5, 6), kinds=MARK_KINDS)
        assert [(r["rule"], r["due"], r["reference"]) for r in overdue] == [("progress_report", "2019-04-28", number)]
        next_due = report_progress(
            s, actor=actor_for(s, "inv"), entity_kind="clue", number=number, text="已完成初核谈话", on=date(2019, 5, 6)
        )
        assert next_due == date(2019, 5, 27)
        assert list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 5, 7), kinds=MARK_KINDS) == []
        history = show_clue(s, actor=actor_for(s, "leader"), number=number)["history"]
    assert history[-1]["action"] == "report_progress" and history[-1]["data"]["late"] is True


def test_instructions_overdue_until_completed(store: Store) -> None:
    build_world2(store)
    number = _clue(store)
    with pytest.raises(TransitionRefused, match="领导"), store.session() as s:
        instruct(s, actor=actor_for(s, "inv"), entity_kind="clue", number=number, text="请抓紧", on=DAY)
    with store.session() as s:
        ins = instruct(
            s,
            actor=actor_for(s, "leader"),
            entity_kind="clue",
            number=number,
            text="请深挖彻查，一周内报告",
            actions=["约谈反映人", "调取工程审批档案"],
            due=date(2019, 4, 15),
            on=DAY,
        )
        ins_id = ins.id
    with store.session() as s:
        assert list_instructions(s, actor=actor_for(s, "manager"), overdue=True, as_of=date(2019, 4, 15)) == []
        late = list_instructions(s, actor=actor_for(s, "manager"), overdue=True, as_of=date(2019, 4, 16))
        assert [(r["id"], r["number"], r["leader"]) for r in late] == [(ins_id, number, "leader")]
        overdue = list_overdue(s, actor=actor_for(s, "manager"), as_of=date(2019, 4, 16), kinds=MARK_KINDS)
        assert [(r["entity_kind"], r["rule"], r["reference"]) for r in overdue] == [
            ("instruction", "instruction", number)
        ]
        assert list_instructions(s, actor=actor_for(s, "county_clerk"), overdue=True, as_of=date(2019, 4, 16)) == []
    with store.session() as s:
        complete_instruction(
            s, actor=actor_for(s, "inv"), instruction_id=ins_id, note="已约谈并调取档案", on=date(2019, 4, 17)
        )
        assert list_instructions(s, actor=actor_for(s, "manager"), overdue=True, as_of=date(2019, 4, 18)) == []
        assert list_overdue(s, actor=actor_for(s, "manager"), as_of=date(2019, 4, 18), kinds=MARK_KINDS) == []
        with pytest.raises(TransitionRefused, match="已于 2019-04-17 办结"):
            complete_instruction(s, actor=actor_for(s, "inv"), instruction_id=ins_id, note="再报", on=date(2019, 4, 18))
        history = show_clue(s, actor=actor_for(s, "leader"), number=number)["history"]
    assert [h["action"] for h in history][-2:] == ["instruct", "complete_instruction"]
    assert history[-1]["data"] == {"instruction": ins_id, "late": True}


def test_the_overdue_list_names_each_record_kind_in_chinese(store: Store) -> None:
    """`supervise overdue` printed the stored kind (clue, mark, case …) in its 类型 column."""
    build_world2(store)
    number = _clue(store)
    _mark(store, "leader", number, "重点督办", report_every="15个工作日")
    with store.session() as s:
        overdue = list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 6, 6))
    kinds = {(r["entity_kind"], r["entity_kind_zh"]) for r in overdue}
    assert ("mark", "督办标记") in kinds and ("clue", "线索") in kinds
    assert all(not any(c.isascii() and c.isalpha() for c in zh) for _, zh in kinds)
    with store.session() as s:  # the 催办单 names them alike (it fell back to the stored kind beyond three)
        sheet = remind(s, actor=actor_for(s, "leader"), as_of=date(2019, 6, 6))
    assert {(r["entity_kind"], r["kind_zh"]) for r in sheet["reminders"]} == kinds
