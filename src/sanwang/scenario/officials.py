"""The officials registry (公职人员信息库): employers, positions and ranks in realistic proportion.

Each county gets a natural roster — county leadership, ~18 bureaus, police with a station per town, court and
procuratorate, town governments and village committees — and each city its own bureaus; the registry is then
sampled down to the size's target, so the shape (few leaders, many 一般干部) survives at any size.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sanwang.domain.regions import region_table
from sanwang.scenario.model import OfficialSpec
from sanwang.scenario.people import PersonFactory
from sanwang.scenario.places import County

# (employer suffix, sector 领域) of a county's or city's bureaus (局).
BUREAUS: tuple[tuple[str, str], ...] = (
    ("自然资源局", "土地"),
    ("交通运输局", "交通运输"),
    ("住房和城乡建设局", "建筑工程"),
    ("市场监督管理局", "市场"),
    ("水务局", "砂石"),
    ("林业和草原局", "林业"),
    ("应急管理局", "矿产"),
    ("文化和旅游局", "娱乐场所"),
    ("教育体育局", "教育"),
    ("卫生健康局", "医疗"),
    ("财政局", "财政"),
    ("农业农村局", "农业"),
    ("民政局", "民政"),
    ("司法局", "政法"),
    ("扶贫开发办公室", "扶贫"),
    ("人力资源和社会保障局", "社保"),
    ("生态环境局", "环保"),
    ("投资促进局", "招商"),
)

# A roster line: (position 职务, rank 级别, how many (min, max)).
Roster = tuple[tuple[str, str, tuple[int, int]], ...]


@dataclass(frozen=True)
class Post:
    """One line of a roster before a person is put in it."""

    employer: str
    kind: str  # leadership, bureau, police, station, court, procuratorate, town, village, soe
    sector: str
    position: str
    rank: str
    region: str
    town: str | None


@dataclass(frozen=True)
class OfficialMeta:
    """What the generator knows about an official beyond the registry record (for planting umbrellas)."""

    kind: str
    county: str
    town: str | None


def _posts(
    rng: random.Random, employer: str, kind: str, sector: str, roster: Roster, region: str, town: str | None
) -> list[Post]:
    return [
        Post(employer, kind, sector, position, rank, region, town)
        for position, rank, (lo, hi) in roster
        for _ in range(rng.randint(lo, hi))
    ]


def county_posts(rng: random.Random, c: County) -> list[Post]:
    """The natural roster of one county (~2,000 posts)."""
    n = c.name
    out = _posts(
        rng,
        f"中共{n}委",
        "leadership",
        "党政",
        (("县委书记", "县处级", (1, 1)), ("县委副书记", "县处级", (1, 2)), ("县委常委", "县处级", (5, 7))),
        c.code,
        None,
    )
    out += _posts(
        rng,
        f"{n}人民政府",
        "leadership",
        "党政",
        (("县长", "县处级", (1, 1)), ("副县长", "县处级", (4, 6)), ("办公室主任", "乡科级", (1, 1))),
        c.code,
        None,
    )
    bureau: Roster = (
        ("局长", "乡科级", (1, 1)),
        ("副局长", "乡科级", (2, 4)),
        ("股长", "一般干部", (3, 6)),
        ("科员", "一般干部", (8, 22)),
    )
    for suffix, sector in BUREAUS:
        out += _posts(rng, n + suffix, "bureau", sector, bureau, c.code, None)
    police: Roster = (
        ("局长", "县处级", (1, 1)),
        ("政委", "乡科级", (1, 1)),
        ("副局长", "乡科级", (3, 5)),
        ("大队长", "乡科级", (5, 8)),
        ("民警", "一般干部", (50, 110)),
        ("辅警", "其他", (20, 50)),
    )
    out += _posts(rng, f"{n}公安局", "police", "政法", police, c.code, None)
    station: Roster = (
        ("所长", "乡科级", (1, 1)),
        ("教导员", "乡科级", (0, 1)),
        ("副所长", "一般干部", (1, 2)),
        ("民警", "一般干部", (3, 9)),
        ("辅警", "其他", (2, 6)),
    )
    court: Roster = (
        ("院长", "乡科级", (1, 1)),
        ("副院长", "乡科级", (2, 3)),
        ("庭长", "一般干部", (3, 6)),
        ("审判员", "一般干部", (10, 25)),
    )
    proc: Roster = (
        ("检察长", "乡科级", (1, 1)),
        ("副检察长", "乡科级", (2, 3)),
        ("检察官", "一般干部", (8, 18)),
    )
    out += _posts(rng, f"{n}人民法院", "court", "政法", court, c.code, None)
    out += _posts(rng, f"{n}人民检察院", "procuratorate", "政法", proc, c.code, None)
    out += _posts(
        rng,
        f"{n}城市建设投资开发有限公司",
        "soe",
        "建筑工程",
        (("董事长", "其他", (1, 1)), ("总经理", "其他", (1, 1)), ("部门经理", "其他", (3, 6))),
        c.code,
        None,
    )
    town_roster: Roster = (
        ("党委书记", "乡科级", (1, 1)),
        ("镇长", "乡科级", (1, 1)),
        ("党委副书记", "乡科级", (1, 2)),
        ("副镇长", "乡科级", (2, 4)),
        ("纪委书记", "乡科级", (1, 1)),
        ("站所负责人", "一般干部", (3, 6)),
        ("工作人员", "一般干部", (12, 30)),
    )
    village_roster: Roster = (
        ("村党总支书记", "村(社区)干部", (1, 1)),
        ("村委会主任", "村(社区)干部", (1, 1)),
        ("村委会副主任", "村(社区)干部", (0, 2)),
        ("村监委会主任", "村(社区)干部", (1, 1)),
        ("村文书", "村(社区)干部", (1, 1)),
    )
    for town in c.towns:
        head = "乡长" if town.endswith("乡") else ("主任" if town.endswith("街道") else "镇长")
        roster = tuple((head if p == "镇长" else p, r, k) for p, r, k in town_roster)
        gov = f"{n}{town}{'办事处' if town.endswith('街道') else '人民政府'}"
        out += _posts(rng, gov, "town", "乡镇", roster, c.code, town)
        out += _posts(rng, f"{n}公安局{town[:-1] if len(town) > 2 else town}派出所", "station", "政法", station,
                      c.code, town)  # fmt: skip
        for village in c.villages[town]:
            committee = f"{n}{town}{village}{'居民委员会' if village.endswith('社区') else '村民委员会'}"
            out += _posts(rng, committee, "village", "农村基层", village_roster, c.code, town)
    return out


def city_posts(rng: random.Random, city: str) -> list[Post]:
    """The natural roster of a city's own organs (~1,500 posts)."""
    n = region_table().name(city)
    out = _posts(
        rng,
        f"{n}人民政府",
        "leadership",
        "党政",
        (("市长", "厅局级", (1, 1)), ("副市长", "厅局级", (4, 7)), ("秘书长", "县处级", (1, 1))),
        city,
        None,
    )
    bureau: Roster = (
        ("局长", "县处级", (1, 1)),
        ("副局长", "县处级", (2, 4)),
        ("科长", "乡科级", (4, 7)),
        ("副科长", "乡科级", (2, 5)),
        ("科员", "一般干部", (12, 30)),
    )
    for suffix, sector in BUREAUS:
        out += _posts(rng, n + suffix, "bureau", sector, bureau, city, None)
    police: Roster = (
        ("局长", "厅局级", (1, 1)),
        ("副局长", "县处级", (3, 5)),
        ("支队长", "县处级", (4, 7)),
        ("大队长", "乡科级", (6, 12)),
        ("民警", "一般干部", (120, 240)),
    )
    out += _posts(rng, f"{n}公安局", "police", "政法", police, city, None)
    return out


def build_registry(
    rng: random.Random, factory: PersonFactory, counties: list[County], cities: list[str], target: int
) -> tuple[list[OfficialSpec], list[OfficialMeta]]:
    """Sample ``target`` posts from the natural rosters and put a new person in each."""
    posts: list[Post] = []
    for city in cities:
        posts += city_posts(rng, city)
    for c in counties:
        posts += county_posts(rng, c)
    if len(posts) > target:
        keep = sorted(rng.sample(range(len(posts)), target))
        posts = [posts[i] for i in keep]
    elif len(posts) < target:
        # Short of the target: more rank-and-file staff, never more chiefs.
        general = [p for p in posts if p.rank in ("一般干部", "其他")]
        posts += rng.choices(general, k=target - len(posts))
    county_codes = [c.code for c in counties]
    officials: list[OfficialSpec] = []
    meta: list[OfficialMeta] = []
    for post in posts:
        senior = post.rank in ("省部级", "厅局级", "县处级")
        age = (40, 59) if senior else ((28, 66) if post.rank == "村(社区)干部" else (22, 59))
        # Most officials serve where they were born; some came from elsewhere in the province.
        home = post.region if rng.random() < 0.8 else rng.choice(county_codes)
        sex = "男" if rng.random() < (0.85 if senior else 0.62) else "女"
        person = factory.new(home, "official", age=age, sex=sex)
        party = rng.random() < {"县处级": 0.99, "厅局级": 1.0, "乡科级": 0.93, "其他": 0.35}.get(post.rank, 0.62)
        if post.position in ("村党总支书记", "党委书记", "县委书记"):
            party = True
        officials.append(
            OfficialSpec(
                person_id=person.person_id,
                name=person.name,
                id_number=person.id_number,
                phone=person.phone,
                employer=post.employer,
                position=post.position,
                rank=post.rank,
                sector=post.sector,
                region_code=post.region,
                party_member=party,
                supervised=post.position != "辅警",
            )
        )
        meta.append(OfficialMeta(post.kind, post.region, post.town))
    return officials, meta
