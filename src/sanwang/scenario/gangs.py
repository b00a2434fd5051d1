"""Gang cases (涉黑涉恶案件) the police hand over, with members and their roles.

A case is named after its leader (虞关荣涉黑案 for a 黑社会性质组织, 张三涉恶案 for 恶势力); gangs are often
built on family ties, so some members share the leader's surname and are recorded as his brothers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sanwang.scenario.model import GangCaseSpec, GangMemberSpec
from sanwang.scenario.names import family_name_of
from sanwang.scenario.people import PersonFactory
from sanwang.scenario.places import County

GANG_SECTORS: tuple[str, ...] = (
    "建筑工程",
    "交通运输",
    "矿产",
    "土地",
    "市场",
    "金融放贷",
    "娱乐场所",
    "砂石",
    "农村基层",
)
_SECTOR_WEIGHTS = (18, 10, 10, 12, 12, 14, 10, 8, 6)
KINDS: tuple[tuple[str, float, tuple[int, int]], ...] = (
    ("黑社会性质组织", 0.25, (15, 40)),
    ("恶势力犯罪集团", 0.40, (8, 20)),
    ("恶势力团伙", 0.35, (5, 10)),
)


@dataclass(frozen=True)
class Gang:
    """A gang case with what the generator needs besides the spec: its county, towns and brothers."""

    spec: GangCaseSpec
    county: County
    town: str
    brothers: tuple[str, ...]  # person ids of members who are the leader's brothers (兄弟姐妹)


def _stage(filed: date, end: date, rng: random.Random) -> str:
    """Police stage as of ``end``: older cases have moved further along."""
    months = (end - filed).days / 30
    if months < 4:
        return "侦查"
    if months < 9:
        return rng.choice(("侦查", "起诉"))
    if months < 15:
        return rng.choice(("起诉", "审判"))
    return rng.choice(("审判", "判决", "判决"))


def build_gangs(
    rng: random.Random,
    factory: PersonFactory,
    counties: list[County],
    count: int,
    start: date,
    end: date,
    police: dict[str, str],
) -> list[Gang]:
    """``count`` gang cases spread over the counties, filed between ``start`` and two months before ``end``."""
    gangs: list[Gang] = []
    span = (end - start).days - 60
    seq: dict[str, int] = {}
    for _ in range(count):
        c = rng.choice(counties)
        kind, _, (lo, hi) = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
        # The campaign began in January 2018, and most cases were filed in its first two years.
        filed = start + timedelta(days=int(span * rng.random() ** 1.3))
        # A tenth of the cases are run by the city police and the city commission.
        at_city = rng.random() < 0.1
        region = c.city_code if at_city else c.code
        leader = factory.new(c.code, "gang", age=(30, 56), sex="男")
        members = [GangMemberSpec(leader.person_id, leader.name, leader.id_number, "组织者/领导者")]
        brothers: list[str] = []
        size = rng.randint(lo, hi)
        for i in range(1, size):
            if i <= 2 and rng.random() < 0.45:
                # Family gangs: a brother of the leader sits in the core.
                p = factory.new(c.code, "gang", age=(25, 58), sex="男", family=family_name_of(leader.name))
                brothers.append(p.person_id)
                role = "骨干"
            else:
                p = factory.new(c.code, "gang", age=(18, 55), sex="男" if rng.random() < 0.9 else "女")
                role = "骨干" if rng.random() < 0.22 else "一般参加者"
            members.append(GangMemberSpec(p.person_id, p.name, p.id_number, role))
        if kind == "黑社会性质组织" and rng.random() < 0.3:
            # Large organisations often have a second leader.
            members[1] = GangMemberSpec(members[1].person_id, members[1].name, members[1].id_number, "组织者/领导者")
        key = f"{region}{filed.year}{filed.month:02d}"
        seq[key] = seq.get(key, 0) + 1
        number = f"A{region}{'000000'}{filed.year}{filed.month:02d}{seq[key]:04d}"
        sectors = tuple(
            dict.fromkeys(rng.choices(GANG_SECTORS, weights=_SECTOR_WEIGHTS, k=rng.choice((1, 1, 2, 2, 3))))
        )
        spec = GangCaseSpec(
            police_number=number,
            name=f"{leader.name}{'涉黑案' if kind == '黑社会性质组织' else '涉恶案'}",
            kind=kind,
            region_code=region,
            sectors=sectors,
            stage=_stage(filed, end, rng),
            filed_on=filed,
            police_unit_code=police[region],
            commission_unit_code=f"{region}-JW",
            members=tuple(members),
        )
        gangs.append(Gang(spec, c, rng.choice(c.towns), tuple(brothers)))
    return gangs
