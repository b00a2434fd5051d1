"""The entity record (实体) every extractor returns, and the closed vocabularies of its type and source.

Kept in its own module so that the rule extractors, the gazetteer and the combining ``extract`` can all import
it without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

EntityType = Literal[
    "person",  # 人名
    "org",  # 单位、组织
    "place",  # 地名
    "position",  # 职务
    "id_number",  # 身份证号
    "phone",  # 电话
    "bank_card",  # 银行卡号
    "plate",  # 车牌
    "amount",  # 金额
    "date",  # 日期
]
Source = Literal["rule", "gazetteer", "model"]
ENTITY_TYPES: tuple[EntityType, ...] = get_args(EntityType)

# What ``value`` holds, by type:
#   id_number  the 18-character number (str), check character upper-case
#   phone      digits only, mobile or landline with area code (str)
#   bank_card  the card digits (str)
#   plate      the plate without separator, upper-case (str): 云C12345
#   amount     yuan (int when whole, Decimal otherwise)
#   date       ISO date (str); the first day of the month or year for partial dates; None for relative ones
#   place      the 6-digit region code (str) when resolved, else None
#   position   the title itself (str)
#   person/org from the gazetteer: the registry key (str), or a tuple of keys when one name belongs to several
#              entries (two officials called 张伟); from rules: None
EntityValue = str | int | Decimal | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention found in a text: ``text == source_text[start:end]`` (character offsets, end exclusive).

    No validation in the constructor: the gazetteer creates hundreds of thousands of these per second, and the
    offset invariant is held by the extractors and checked by property tests instead.

    ``precision`` qualifies ``value``: for dates ``"day"``, ``"month"``, ``"year"`` or ``"relative"``; for
    amounts ``"exact"`` or ``"more_than"`` (5000余元, 十多万元: the value is the stated lower bound).
    """

    type: EntityType
    text: str
    start: int
    end: int
    value: EntityValue = None
    source: Source = "rule"
    confidence: float = 1.0
    precision: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)
