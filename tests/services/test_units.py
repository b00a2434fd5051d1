"""Units: init creates the commissions above it and says so; units are added under a parent, moved with their
subtree and edited, with an append-only history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text

from sanwang.domain.errors import ValidationError
from sanwang.services.cases import _unit_ref
from sanwang.services.clues import ClueDraft, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.setup import initialise
from sanwang.services.units import add_unit, add_user, edit_unit, move_unit, subtree_ids, unit_history
from sanwang.store.db import Store
from sanwang.store.tables import Unit
from tests.services.world import CITY, COUNTY, POLICE, PROVINCE, build_world


def test_init_creates_the_commissions_above_and_says_so(store: Store) -> None:
    result = initialise(Store(store.url), region="530602")
    assert [(u["code"], u["region_code"], u["kind"], u["parent"], u["action"]) for u in result["units_created"]] == [
        ("530000-JW", "530000", "纪委监委", None, "created"),
        ("530600-JW", "530600", "纪委监委", "530000-JW", "created"),
        ("530602-JW", "530602", "纪委监委", "530600-JW", "created"),
    ]
    assert initialise(Store(store.url), region="530602")["units_created"] == []  # safe to run twice
    with store.session() as s:
        # The city commission now has a commission one level up to approve its 留置.
        city = unit_by_code(s, "530600-JW")
        assert _unit_ref(s, city).parent_id == unit_by_code(s, "530000-JW").id
        assert actor_for(s, "admin").unit_id == unit_by_code(s, "530602-JW").id


def test_init_hangs_an_older_commission_under_its_parent(store: Store) -> None:
    with store.session() as s:  # what `init --region 530600` used to leave behind
        add_unit(s, code="530600-JW", name="昭通市纪委监委", kind="纪委监委", region_code="530600")
        add_user(s, username="admin", name="管理员", unit_code="530600-JW", roles=["admin"])
    created = initialise(Store(store.url), region="530600")["units_created"]
    assert [(u["code"], u["action"]) for u in created] == [("530000-JW", "created"), ("530600-JW", "moved")]
    with store.session() as s:
        city, province = unit_by_code(s, "530600-JW"), unit_by_code(s, "530000-JW")
        assert city.parent_id == province.id and city.path == f"{province.path}{city.id}/"


def test_a_bad_region_is_refused_by_init(store: Store) -> None:
    with pytest.raises(ValidationError, match="--region"):
        initialise(Store(store.url), region="5306")


def test_moving_a_unit_moves_its_subtree(store: Store) -> None:
    build_world(store)
    with store.session() as s:
        admin = actor_for(s, "admin")
        add_unit(s, code="530602-XF", name="区信访室", kind="信访室", region_code="530602", parent_code=COUNTY)
        city, county = unit_by_code(s, CITY), unit_by_code(s, COUNTY)
        assert county.id in subtree_ids(s, city)
        move_unit(s, code=COUNTY, parent_code=PROVINCE, actor=admin)
        office = unit_by_code(s, "530602-XF")
        assert office.path.startswith(county.path) and county.path.startswith(unit_by_code(s, PROVINCE).path)
        assert county.id not in subtree_ids(s, city) and office.id not in subtree_ids(s, city)
        assert [(e["action"], e["data"]) for e in unit_history(s, COUNTY)][-1] == (
            "move",
            {"parent": [CITY, PROVINCE]},
        )
        assert unit_history(s, COUNTY)[-1]["actor"] == "admin"


def test_a_unit_cannot_move_under_itself_or_a_commission_under_an_office(store: Store) -> None:
    build_world(store)
    with store.session() as s:
        with pytest.raises(ValidationError, match="下级"):
            move_unit(s, code=CITY, parent_code=COUNTY)
        with pytest.raises(ValidationError, match="纪委监委"):
            move_unit(s, code=COUNTY, parent_code=POLICE)
        with pytest.raises(ValidationError, match="纪委监委"):
            add_unit(s, code="530602-X", name="某纪委", kind="纪委监委", region_code="530602", parent_code="530600-XF")
        assert unit_by_code(s, CITY).parent_id == unit_by_code(s, PROVINCE).id  # nothing moved


def test_editing_keeps_the_old_values_in_history(store: Store) -> None:
    build_world(store)
    with store.session() as s:
        admin = actor_for(s, "admin")
        edit_unit(s, code=POLICE, name="昭通市公安局（新）", actor=admin)
        edit_unit(s, code="530600-XF", kind="案件监督管理室", actor=admin)
        with pytest.raises(ValidationError, match="单位类型"):
            edit_unit(s, code=POLICE, kind="警察局")
        with pytest.raises(ValidationError, match="没有要修改"):
            edit_unit(s, code=POLICE, name="昭通市公安局（新）")
        with pytest.raises(ValidationError, match="纪委监委"):
            edit_unit(s, code=CITY, kind="信访室")  # the county commission sits under it
        events = [(e["action"], e["data"]) for e in unit_history(s, POLICE)]
        assert events[0][0] == "create" and events[0][1]["name"] == "昭通市公安局"
        assert events[1] == ("edit", {"name": ["昭通市公安局", "昭通市公安局（新）"]})
        assert unit_by_code(s, "530600-XF").kind == "案件监督管理室"
        # History is append-only: the events table keeps every row.
        n = s.scalar(text("SELECT count(*) FROM events WHERE entity_kind = 'unit'"))
        assert n == len(s.scalars(select(Unit.id)).all()) + 2


def test_init_says_it_created_the_administrator(store: Store) -> None:
    """`init --region` named the units it made but not the `admin` user it made with them."""
    first = initialise(Store(store.url), region="530600")["users_created"]
    assert [(u["username"], u["unit"]) for u in first] == [("admin", "530600-JW")]
    assert "admin" in first[0]["roles"].split(",")
    assert initialise(Store(store.url), region="530600")["users_created"] == []  # safe to run twice


def test_a_commission_with_clues_keeps_its_kind(store: Store) -> None:
    """`unit edit 530602-JW --kind 监管部门` was accepted although the county held clues: they then belonged to
    no commission, and nobody below the city could see or act on them."""
    build_world(store)
    draft = ClueDraft(channel="XF", received=date(2019, 4, 1), real_name=False, summary="反映某镇长收受礼金")
    with store.session() as s:
        register_clues(s, actor=actor_for(s, "county_clerk"), unit=unit_by_code(s, COUNTY), drafts=[draft])
    with pytest.raises(ValidationError, match="问题线索"), store.session() as s:
        edit_unit(s, code=COUNTY, kind="监管部门")
    with store.session() as s:
        assert unit_by_code(s, COUNTY).kind == "纪委监委"
        assert [h["action"] for h in unit_history(s, COUNTY)] == ["create"]
