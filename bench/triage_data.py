"""Evaluation data for triage (研判评测数据), read from ../shared/data and never copied into the project.

Labels follow the issue: a CAIL2018 fact is **gang** when one of its charges is a gang-type charge, and
**misconduct** when one is an official-misconduct charge; the citizen messages are negatives for both. The split
is fixed by a hash of each record's source and position: 30 % (``test``) is never used for training, weights or
the choice of the operating threshold.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CAIL = DATA / "cail2018_train" / "data_train.utf8.json"
MESSAGES = DATA / "citizen_messages" / "attachment2.csv"

GANG_CHARGES = frozenset(
    {"寻衅滋事", "敲诈勒索", "强迫交易", "非法拘禁", "开设赌场", "聚众斗殴", "组织、领导、参加黑社会性质组织",
     "聚众扰乱社会秩序"}
)  # fmt: skip
MISCONDUCT_CHARGES = frozenset(
    {"受贿", "滥用职权", "玩忽职守", "徇私枉法", "窝藏、包庇", "贪污", "挪用公款", "行贿", "单位受贿",
     "利用影响力受贿", "徇私舞弊不移交刑事案件"}
)  # fmt: skip


@dataclass(frozen=True)
class Doc:
    id: str
    source: str  # cail | messages
    text: str
    gang: bool
    misconduct: bool
    split: str  # train | test


def _split(key: str) -> str:
    return "test" if int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 10 < 3 else "train"


def _charge(name: str) -> str:
    return name.strip("[]")


def available() -> bool:
    return CAIL.is_file() and MESSAGES.is_file()


def load() -> list[Doc]:
    """Every labelled document; raises FileNotFoundError when ../shared/data is absent."""
    docs: list[Doc] = []
    with CAIL.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if not line.strip():
                continue
            d = json.loads(line)
            charges = {_charge(c) for c in d["meta"]["accusation"]}
            key = f"cail:{n}"
            docs.append(
                Doc(key, "cail", d["fact"].strip(), bool(charges & GANG_CHARGES), bool(charges & MISCONDUCT_CHARGES),
                    _split(key))
            )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(MESSAGES.read_bytes().decode("utf-8-sig"))))
    for row in rows:
        key = f"msg:{row['留言编号']}"
        text = f"{row['留言主题']}。{row['留言详情']}".strip()
        docs.append(Doc(key, "messages", text, False, False, _split(key)))
    return docs
