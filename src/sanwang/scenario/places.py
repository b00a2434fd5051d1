"""Places (地名) below the county: townships (乡镇/街道) and villages (村/社区), plus the scope of a size.

Region codes stop at the county, so towns and villages are composed from syllables common in southwestern
place names (坪, 坝, 寨, 沟, 塘 ...). A county's towns are fixed by the seed and the county code, so the same
town names recur in its officials' employers, its gang cases and its clues.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sanwang.domain.regions import region_table
from sanwang.scenario.model import Size

_FIRST = "大小新龙黄石白花马牛水金银太平永安长河云凤青双三上下中东西南北乐兴田柳桃松茶盐木"
_SECOND = "坪寨坝河山沟塘桥场湾岩溪林营井口关屯堡街店坡梁岗洞湖源"

CITY_CODE = "530600"  # 昭通市
PROVINCE_CODE = "530000"  # 云南省


@dataclass(frozen=True)
class County:
    """A county-level region (区县) with its towns and, for each town, its villages."""

    code: str
    name: str
    city_code: str
    towns: tuple[str, ...]
    villages: dict[str, tuple[str, ...]]

    @property
    def short(self) -> str:
        """The name without 县/区/市 where that leaves two characters or more (镇雄县 → 镇雄)."""
        return self.name[:-1] if len(self.name) > 2 and self.name[-1] in "县区市" else self.name


def _compose(rng: random.Random, suffixes: tuple[str, ...], n: int, taken: set[str]) -> tuple[str, ...]:
    out: list[str] = []
    while len(out) < n:
        base = rng.choice(_FIRST) + rng.choice(_SECOND)
        if base in taken:
            continue
        taken.add(base)
        out.append(base + rng.choice(suffixes))
    return tuple(out)


def county(code: str, seed: int) -> County:
    """The county ``code`` with 8–18 towns of 4–9 villages each, fixed by (seed, code)."""
    table = region_table()
    rng = random.Random(f"{seed}:{code}")
    taken: set[str] = set()
    towns = _compose(rng, ("镇", "镇", "镇", "乡", "街道"), rng.randint(8, 18), taken)
    villages = {t: _compose(rng, ("村", "村", "村", "社区"), rng.randint(4, 9), taken) for t in towns}
    parent = table.parent(code)
    return County(code, table.name(code), parent or code, towns, villages)


def city_codes(size: Size) -> list[str]:
    """The prefecture-level cities a size covers: 昭通 alone, or every city of 云南."""
    if size == "province":
        return [c for c in region_table().children(PROVINCE_CODE) if c[4:] == "00"]
    return [CITY_CODE]


def counties_of(city_code: str, seed: int) -> list[County]:
    """The real counties of a city (region table children), with composed towns and villages."""
    return [county(code, seed) for code in region_table().children(city_code)]
