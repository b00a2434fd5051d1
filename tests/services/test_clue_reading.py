"""What people read about clues: clue show gives handler, cases, transfers, links and flags; clue list filters
by handler, flag, channel, unit and state; search results carry the list's due date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanwang.domain.errors import NotFound, ValidationError
from sanwang.services.clues import list_clues, show_clue
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.imports import import_clues
from sanwang.services.search import search
from sanwang.store.db import Store
from sanwang.store.tables import Clue, DisciplineCase, Transfer, User
from tests.services.test_clue_flow import _act
from tests.services.test_import import GOOD, write_csv
from tests.services.world import build_world

SH, XF, GA = "530600-2019-SH-00001", "530600-2019-XF-00002", "530600-2019-GA-00003"


def _ledger(store: Store, tmp_path: Path) -> None:
    build_world(store)
    rows = [list(r) for r in GOOD]
    rows[0] += ["是", "是"]  # 涉黑涉恶, 涉嫌保护伞
    rows[1] += ["否", "否"]
    rows[2] += ["是", "否"]
    with store.session() as s:
        import_clues(s, actor=actor_for(s, "clerk"), path=write_csv(tmp_path / "l.csv", rows))
    _act(store, "manager", XF, "assign", handler="inv")


def _numbers(store: Store, **filters: object) -> list[str]:
    with store.session() as s:
        return [r["number"] for r in list_clues(s, actor=actor_for(s, "manager"), **filters)]  # type: ignore[arg-type]


def test_list_filters_by_handler_flag_channel_unit_and_state(store: Store, tmp_path: Path) -> None:
    _ledger(store, tmp_path)
    assert _numbers(store, handler="inv") == [XF]
    assert _numbers(store, flag="gang") == [SH, GA] and _numbers(store, flag="涉嫌保护伞") == [SH]
    assert _numbers(store, channel="信访举报") == [XF] and _numbers(store, channel="GA") == [GA]
    assert _numbers(store, unit="530600-JW") == [SH, XF, GA] and _numbers(store, unit="530602-JW") == []
    assert _numbers(store, state="登记", flag="gang") == [SH, GA]
    with store.session() as s:
        [row] = [r for r in list_clues(s, actor=actor_for(s, "manager")) if r["number"] == XF]
        assert row["handler"] == "赵承办"
        with pytest.raises(ValidationError):
            list_clues(s, actor=actor_for(s, "manager"), flag="红色")
        with pytest.raises(NotFound):
            list_clues(s, actor=actor_for(s, "manager"), handler="nobody")


def test_show_gives_handler_flags_cases_and_transfers(store: Store, tmp_path: Path) -> None:
    _ledger(store, tmp_path)
    with store.session() as s:
        clue = s.query(Clue).filter_by(number=XF).one()
        boss = s.query(User).filter_by(username="leader").one()
        s.add(DisciplineCase(number="530600-2019-LA-00001", unit_id=clue.unit_id, clue_id=clue.id,
                             subject_name="赵六", opened_on=date(2019, 6, 1), approved_by=boss.id, team=[],
                             state="investigating"))  # fmt: skip
        s.add(Transfer(direction="commission_to_police", kind="gang_clues", clue_id=clue.id,
                       from_unit_id=clue.unit_id, to_unit_id=unit_by_code(s, "530600-GA").id,
                       trigger_on=date(2019, 6, 3), sent_on=date(2019, 6, 3), due=date(2019, 6, 6),
                       content="线索移送"))  # fmt: skip
    with store.session() as s:
        shown = show_clue(s, actor=actor_for(s, "manager"), number=XF)
        flagged = show_clue(s, actor=actor_for(s, "manager"), number=SH)
    assert shown["handler"] == {"username": "inv", "name": "赵承办"}
    assert [(c["number"], c["subject"], c["state_zh"]) for c in shown["cases"]] == [
        ("530600-2019-LA-00001", "赵六", "审查调查中")
    ]
    [t] = shown["transfers"]
    assert (t["direction_zh"], t["to_unit"], t["due"]) == ("纪委监委→公安机关", "昭通市公安局", "2019-06-06")
    assert [f["zh"] for f in flagged["flags"]] == ["涉黑涉恶", "涉嫌保护伞", "实名举报"]


def test_the_flags_line_names_the_workflow_markers_in_chinese(store: Store, tmp_path: Path) -> None:
    """After a reply, a feedback, a merge or a police transfer the 标记 line carried stored keys (reply_recorded,
    outcome（merged）, from_transfer, gang_case): each marker is named in Chinese or shown in its own row."""
    _ledger(store, tmp_path)
    with store.session() as s:
        clue = s.query(Clue).filter_by(number=XF).one()
        clue.flags = {"reply_recorded": True, "result_fed_back": True, "outcome": "merged", "from_transfer": 1,
                      "gang_case": "昭公（刑）立字〔2019〕1号", "from_clue": SH}  # fmt: skip
    with store.session() as s:
        shown = show_clue(s, actor=actor_for(s, "manager"), number=XF)
    names = [f["zh"] for f in shown["flags"]]
    assert names == ["转办自线索", "已登记函询回复", "已反馈办理结果"]
    assert not any(c.isascii() and c.isalpha() for n in names for c in n)


def test_search_results_carry_the_due_date_of_the_list(store: Store, tmp_path: Path) -> None:
    _ledger(store, tmp_path)
    with store.session() as s:
        listed = {r["number"]: r["due"] for r in list_clues(s, actor=actor_for(s, "manager"))}
        found = search(s, actor=actor_for(s, "manager"), query="好处费")["results"]
    assert [r["number"] for r in found] == [XF]
    assert found[0]["due"] == listed[XF] is not None


def _found(store: Store, query: str) -> list[str]:
    with store.session() as s:
        return [r["number"] for r in search(s, actor=actor_for(s, "manager"), query=query)["results"]]


def test_search_finds_clues_by_their_subjects_names_units_and_positions(store: Store, tmp_path: Path) -> None:
    _ledger(store, tmp_path)
    assert _found(store, "钱七") == [GA]  # a name only in the subject column
    assert _found(store, "国土局") == [SH]  # a unit
    assert _found(store, "副局长") == [XF]  # a position


def test_an_upgraded_ledger_is_reindexed_with_its_subjects(store: Store, tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from sanwang.services.textindex import ensure_indexed
    from sanwang.store.tables import ClueTriage

    _ledger(store, tmp_path)
    _found(store, "钱七")  # indexes the pending clues
    with store.session() as s:
        scored = s.scalar(select(func.count()).select_from(ClueTriage))
    # back to the index of texts alone, then up again: the index is cleared
    store.migrate("0007_workflow", down=True)
    store.migrate("head")
    assert _found(store, "钱七") == []
    with store.session() as s:
        assert ensure_indexed(s) == 3  # what `sanwang init` runs after an upgrade
        assert s.scalar(select(func.count()).select_from(ClueTriage)) == scored  # triage kept, not duplicated
    assert _found(store, "钱七") == [GA]
