"""Additions to the test office for gang cases and discipline cases: county staff and a second police unit."""

from __future__ import annotations

from sanwang.services.units import add_unit, add_user
from sanwang.store.db import Store
from tests.services.world import COUNTY, build_world

COUNTY_POLICE = "530602-GA"


def build_world2(store: Store) -> None:
    """The office of ``build_world`` plus a county investigator and leader, and the county police."""
    build_world(store)
    with store.session() as s:
        add_unit(s, code=COUNTY_POLICE, name="昭阳区公安分局", kind="公安机关", region_code="530602")
        add_user(s, username="county_inv", name="陈承办", unit_code=COUNTY, roles=["investigator"])
        add_user(s, username="county_leader", name="褚书记", unit_code=COUNTY, roles=["leader"])
        add_user(s, username="liaison2", name="卫联络", unit_code=COUNTY_POLICE, roles=["police_liaison"])
