"""A small but complete office for service tests: a city commission, a county one, police, and staff."""

from __future__ import annotations

from sanwang.services.units import add_unit, add_user
from sanwang.store.db import Store

CITY = "530600-JW"
COUNTY = "530602-JW"
POLICE = "530600-GA"
PROVINCE = "530000-JW"


def build_world(store: Store) -> None:
    with store.session() as s:
        add_unit(s, code=PROVINCE, name="云南省纪委监委", kind="纪委监委", region_code="530000")
        add_unit(s, code=CITY, name="昭通市纪委监委", kind="纪委监委", region_code="530600", parent_code=PROVINCE)
        add_unit(s, code=COUNTY, name="昭阳区纪委监委", kind="纪委监委", region_code="530602", parent_code=CITY)
        add_unit(s, code=POLICE, name="昭通市公安局", kind="公安机关", region_code="530600", parent_code=None)
        add_unit(s, code="530600-XF", name="信访室", kind="信访室", region_code="530600", parent_code=CITY)
        add_user(s, username="clerk", name="王信访", unit_code="530600-XF", roles=["intake_clerk"])
        add_user(s, username="manager", name="李案管", unit_code=CITY, roles=["case_manager"])
        add_user(s, username="inv", name="赵承办", unit_code=CITY, roles=["investigator"])
        add_user(s, username="inv2", name="钱承办", unit_code=CITY, roles=["investigator"], id_number=None)
        add_user(s, username="leader", name="孙书记", unit_code=CITY, roles=["leader"])
        add_user(s, username="leader2", name="周副书记", unit_code=CITY, roles=["leader"])
        add_user(s, username="pleader", name="吴省领导", unit_code=PROVINCE, roles=["leader"])
        add_user(s, username="county_clerk", name="郑受理", unit_code=COUNTY, roles=["intake_clerk", "case_manager"])
        add_user(s, username="liaison", name="冯联络", unit_code=POLICE, roles=["police_liaison"])
        add_user(s, username="admin", name="管理员", unit_code=CITY, roles=["admin"])
        add_user(s, username="auditor", name="审计员", unit_code=CITY, roles=["auditor"])
