"""Units (单位) and users (经办人) of a generated scenario.

The tree mirrors the real organs of a campaign city: the city 纪委监委 with its internal offices (信访室,
案件监督管理室, 监督检查室, 审查调查室, 审理室), resident groups (派驻纪检监察组) and inspection teams (巡察组); a
county 纪委监委 for each real county; police (公安机关), procuratorates (检察院), courts (法院), anti-gang offices
(扫黑办) and regulators (监管部门) at city and county level; and the central supervision group (督导组).

Every commission gets at least two leaders so a disposal can be approved by someone other than its proposer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sanwang.domain.regions import region_table
from sanwang.domain.roles import Role
from sanwang.scenario.model import Size, UnitSpec, UserSpec
from sanwang.scenario.names import full_name, pinyin_username
from sanwang.scenario.places import PROVINCE_CODE, County

SUPERVISION_GROUP = "ZY-DD20"  # 中央扫黑除恶第20督导组, stationed in 云南 in 2019

# (code suffix, name suffix) of the regulators (监管部门) whose oversight duty 一案三查 examines.
REGULATORS: tuple[tuple[str, str], ...] = (
    ("ZR", "自然资源局"),
    ("JT", "交通运输局"),
    ("ZJ", "住房和城乡建设局"),
    ("SJ", "市场监督管理局"),
    ("ZS", "投资促进局"),
)


@dataclass
class Staff:
    """The users of one commission (纪委监委), by what they do in a clue's workflow."""

    commission: str
    leaders: list[str] = field(default_factory=list)
    clerks: list[str] = field(default_factory=list)
    managers: list[str] = field(default_factory=list)
    investigators: list[str] = field(default_factory=list)
    adjudicators: list[str] = field(default_factory=list)


@dataclass
class Organisation:
    """Units, users and the per-commission staff the fate builder picks actors from."""

    units: list[UnitSpec] = field(default_factory=list)
    users: list[UserSpec] = field(default_factory=list)
    staff: dict[str, Staff] = field(default_factory=dict)
    police: dict[str, str] = field(default_factory=dict)  # region code → police unit code
    regulators: dict[str, list[str]] = field(default_factory=dict)  # region code → regulator unit codes
    _taken: set[str] = field(default_factory=set)

    def unit(self, code: str, name: str, kind: str, region: str, parent: str | None) -> str:
        self.units.append(UnitSpec(code, name, kind, region, parent))
        return code

    def user(self, rng: random.Random, unit_code: str, roles: tuple[Role, ...], bucket: list[str]) -> str:
        name, _ = full_name(rng)
        username = pinyin_username(name, self._taken)
        self.users.append(UserSpec(username, name, unit_code, tuple(r.value for r in roles)))
        bucket.append(username)
        return username


def _commission(
    org: Organisation, rng: random.Random, region: str, name: str, parent: str | None, offices: int
) -> Staff:
    """A 纪委监委 with its staff; with ``offices`` > 0 it also gets internal offices (city and above)."""
    code = org.unit(f"{region}-JW", f"{name}纪委监委", "纪委监委", region, parent)
    staff = Staff(code)
    org.staff[code] = staff
    for _ in range(3 if offices else 2):
        org.user(rng, code, (Role.LEADER,), staff.leaders)
    if not offices:
        # A county commission is small: one clerk, one case manager, a handful of investigators.
        org.user(rng, code, (Role.INTAKE_CLERK,), staff.clerks)
        org.user(rng, code, (Role.CASE_MANAGER,), staff.managers)
        for _ in range(4):
            org.user(rng, code, (Role.INVESTIGATOR,), staff.investigators)
        org.user(rng, code, (Role.ADJUDICATOR,), staff.adjudicators)
        org.user(rng, code, (Role.POLICE_LIAISON,), [])
        return staff
    xf = org.unit(f"{code}-XF", f"{name}纪委监委信访室", "信访室", region, code)
    ag = org.unit(f"{code}-AG", f"{name}纪委监委案件监督管理室", "案件监督管理室", region, code)
    for _ in range(2):
        org.user(rng, xf, (Role.INTAKE_CLERK,), staff.clerks)
        org.user(rng, ag, (Role.CASE_MANAGER,), staff.managers)
    org.user(rng, ag, (Role.POLICE_LIAISON, Role.CASE_MANAGER), staff.managers)
    org.user(rng, code, (Role.AUDITOR,), [])
    org.user(rng, code, (Role.ADMIN,), [])
    numerals = "一二三四五六七八九十"
    for i in range(offices):
        jc = org.unit(f"{code}-JC{i + 1}", f"{name}纪委监委第{numerals[i]}监督检查室", "监督检查室", region, code)
        sc = org.unit(f"{code}-SC{i + 1}", f"{name}纪委监委第{numerals[i]}审查调查室", "审查调查室", region, code)
        for _ in range(3):
            org.user(rng, jc, (Role.INVESTIGATOR,), staff.investigators)
            org.user(rng, sc, (Role.INVESTIGATOR,), staff.investigators)
    sl = org.unit(f"{code}-SL", f"{name}纪委监委审理室", "审理室", region, code)
    for _ in range(2):
        org.user(rng, sl, (Role.ADJUDICATOR,), staff.adjudicators)
    for i in range(offices):
        org.unit(
            f"{code}-PZ{i + 1:02d}", f"{name}纪委监委派驻第{numerals[i]}纪检监察组", "派驻纪检监察组", region, code
        )
    for i in range(2):
        org.unit(f"{code}-XC{i + 1}", f"中共{name}委第{numerals[i]}巡察组", "巡察组", region, code)
    return staff


def _organs(org: Organisation, rng: random.Random, region: str, name: str, parent_region: str | None) -> None:
    """Police, procuratorate, court, anti-gang office and regulators of one city or county."""
    level = region_table().level(region)

    def up(suffix: str) -> str | None:
        return f"{parent_region}-{suffix}" if parent_region else None

    police_name = "公安厅" if level == "province" else "公安局"
    court = {"province": "高级人民法院", "city": "中级人民法院", "county": "人民法院"}[level]
    police = org.unit(f"{region}-GA", f"{name}{police_name}", "公安机关", region, up("GA"))
    org.police[region] = police
    org.user(rng, police, (Role.POLICE_LIAISON,), [])
    org.unit(f"{region}-JCY", f"{name}人民检察院", "检察院", region, up("JCY"))
    org.unit(f"{region}-FY", f"{name}{court}", "法院", region, up("FY"))
    org.unit(f"{region}-SHB", f"{name}扫黑除恶专项斗争领导小组办公室", "扫黑办", region, up("SHB"))
    org.regulators[region] = [
        org.unit(f"{region}-{suffix}", f"{name}{label}", "监管部门", region, up(suffix)) for suffix, label in REGULATORS
    ]


def build_organisation(size: Size, seed: int, cities: dict[str, list[County]]) -> Organisation:
    """The whole unit tree and its users for the given cities and their counties."""
    rng = random.Random(f"{seed}:units")
    table = region_table()
    org = Organisation()
    org.unit(SUPERVISION_GROUP, "中央扫黑除恶第20督导组", "督导组", PROVINCE_CODE, None)
    # The province commission always exists: city-level 留置 is approved one level up, by its leaders.
    province_jw = _commission(
        org, rng, PROVINCE_CODE, table.name(PROVINCE_CODE), None, 4 if size == "province" else 0
    ).commission
    if size == "province":
        _organs(org, rng, PROVINCE_CODE, table.name(PROVINCE_CODE), None)
    offices = 2 if size == "small" else 4
    for city, counties in cities.items():
        city_name = table.name(city)
        city_jw = _commission(org, rng, city, city_name, province_jw, offices).commission
        _organs(org, rng, city, city_name, PROVINCE_CODE if size == "province" else None)
        for c in counties:
            _commission(org, rng, c.code, c.name, city_jw, 0)
            _organs(org, rng, c.code, c.name, city)
    return org
