"""Defects found by exploratory testing, each pinned so it cannot come back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from sanwang.domain.errors import AccessDenied, ImportRejected, NotFound, TransitionRefused, ValidationError
from sanwang.services.cases import detain, extend_detention
from sanwang.services.clues import list_clues, show_clue
from sanwang.services.context import actor_for
from sanwang.services.imports import HEADERS, import_clues
from sanwang.services.stats import drill, statistics
from sanwang.services.units import add_unit, add_user
from sanwang.store.db import Store
from tests.services.test_cases import _clue, _open
from tests.services.test_clue_flow import _act, _register
from tests.services.test_import import GOOD, write_csv
from tests.services.world import CITY, COUNTY, build_world
from tests.services.world2 import build_world2


def test_police_inside_the_commission_tree_see_no_clues(store: Store) -> None:
    build_world(store)
    with store.session() as s:
        add_unit(s, code="530602-GA", name="昭阳区公安分局", kind="公安机关", region_code="530602", parent_code=CITY)
        add_user(s, username="cop", name="警察", unit_code="530602-GA", roles=["police_liaison"])
    [num] = _register(store)
    with store.session() as s:
        cop = actor_for(s, "cop")
        assert list_clues(s, actor=cop) == []
        with pytest.raises(AccessDenied):
            show_clue(s, actor=cop, number=num)
        assert statistics(s, actor=cop, since=date(2019, 1, 1))["figures"]["clues_received"]["value"] == 0


def test_handler_must_handle_clues_in_this_commission(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    for outsider in ("liaison", "county_clerk", "auditor"):
        with pytest.raises(TransitionRefused, match="not a handling member"):
            _act(store, "manager", num, "assign", handler=outsider)
    with pytest.raises(NotFound, match="nobody"):
        _act(store, "manager", num, "assign", handler="nobody")


def test_steps_cannot_be_dated_before_earlier_steps(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _act(store, "manager", num, "assign", handler="inv")  # 2019-05-06
    with pytest.raises(ValidationError, match="2019-05-06"), store.session() as s:
        from sanwang.services.clues import act

        act(
            s, actor=actor_for(s, "inv"), number=num, action="propose", on=date(2019, 5, 1), args={"method": "初步核实"}
        )


def test_no_hand_over_to_own_unit_and_no_duplicate_of_a_merged_clue(store: Store) -> None:
    build_world(store)
    a, b, c = _register(store, 3)
    _act(store, "manager", a, "assign", handler="inv")
    with pytest.raises(TransitionRefused, match="own unit"):
        _act(store, "inv", a, "propose", method="转办", target=CITY)
    _act(store, "inv", a, "propose", method="转办", target=COUNTY)
    _act(store, "clerk", b, "mark_duplicate", of=c, reason="同一事项")
    with pytest.raises(TransitionRefused, match="itself merged"):
        _act(store, "clerk", c, "mark_duplicate", of=b, reason="循环")


def test_statistics_lists_and_figures_agree_under_recusal(store: Store) -> None:
    build_world(store)
    own = "11010519491231002X"
    with store.session() as s:
        s.execute(text(f"UPDATE users SET id_number = '{own}' WHERE username = 'leader2'"))
    from sanwang.services.clues import SubjectDraft

    _register(store, 2, prefix="X")
    _register(store, 1, prefix="ME", subjects=(SubjectDraft(name="周副书记", id_number=own),))
    with store.session() as s:
        me = actor_for(s, "leader2")
        st = statistics(s, actor=me, since=date(2019, 1, 1), until=date(2019, 12, 31))
        listed = drill(s, actor=me, figure="clues_received", since=date(2019, 1, 1), until=date(2019, 12, 31)).records
        assert st["figures"]["clues_received"]["value"] == len(listed) == 2
        other = statistics(s, actor=actor_for(s, "leader"), since=date(2019, 1, 1), until=date(2019, 12, 31))
        assert other["figures"]["clues_received"]["value"] == 3


def test_a_lapsed_detention_cannot_be_extended(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store))
    with store.session() as s:
        detain(s, actor=actor_for(s, "inv"), number=number, approver="pleader", at=datetime(2019, 5, 6, 10, 0))
    with pytest.raises(TransitionRefused, match="expired on 2019-08-06"), store.session() as s:
        extend_detention(
            s, actor=actor_for(s, "inv"), number=number, approver="pleader", reason="补办", on=date(2019, 9, 1)
        )


def test_import_refuses_unknown_columns_and_extra_fields_and_reads_traditional_headers(
    store: Store, tmp_path: Path
) -> None:
    build_world(store)
    unknown = write_csv(tmp_path / "u.csv", [[*GOOD[0], "x"]], headers=(*HEADERS, "备注"))
    with pytest.raises(ImportRejected) as info, store.session() as s:
        import_clues(s, actor=actor_for(s, "clerk"), path=unknown)
    assert [(p.line, p.field) for p in info.value.problems] == [(1, "备注")]
    extra = write_csv(tmp_path / "e.csv", [[*GOOD[0], "多一列"]])
    with pytest.raises(ImportRejected) as info, store.session() as s:
        import_clues(s, actor=actor_for(s, "clerk"), path=extra)
    assert [p.line for p in info.value.problems] == [2]
    traditional = tuple(h.replace("编号", "編號").replace("来源", "來源").replace("实名", "實名") for h in HEADERS)
    row = ["T-1", "來信", *GOOD[1][2:]]
    trad = write_csv(tmp_path / "t.csv", [row], headers=traditional)
    with store.session() as s:
        assert import_clues(s, actor=actor_for(s, "clerk"), path=trad)["imported"] == 1
