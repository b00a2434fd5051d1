"""Evaluation data for triage (研判评测数据), read from ../shared/data and never copied into the project.

Labels follow the issue: a CAIL2018 fact is **gang** when one of its charges is a gang-type charge, and
**misconduct** when one is an official-misconduct charge; the citizen messages are negatives for both. The split
is fixed by a hash of each record's source and position: 30 % (``test``) is never used for training, weights or
the choice of the operating threshold.

More CAIL2018 facts can be added without copying them anywhere, as JSON lines files in CAIL2018's format
(``os.pathsep``-separated lists):

- ``SANWANG_EVAL_CAIL_EXTRA``: more TRAINING material (a corpus's train split only), split 70/30 like the rest;
- ``SANWANG_EVAL_CAIL_TEST``: a corpus's test or development split, held out WHOLE (every fact is ``test``): it
  is measured on, never trained on. The figures in docs/triage.md use the second file of the public sample the
  shared one comes from (1,397 facts, where 滥用职权, 窝藏、包庇 and 强迫交易 are common — the shared file has almost
  none), which is that sample's test split::

    git clone --depth 1 https://github.com/sihuajian/cail2018 /tmp/cail2018
    export SANWANG_EVAL_CAIL_TEST=/tmp/cail2018/data/data_test.json

Extra facts are keyed by a hash of their text (so the split does not depend on where the file lies) and a fact
already loaded from an earlier file is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CAIL = DATA / "cail2018_train" / "data_train.utf8.json"
MESSAGES = DATA / "citizen_messages" / "attachment2.csv"
EXTRA_ENV = "SANWANG_EVAL_CAIL_EXTRA"
TEST_ENV = "SANWANG_EVAL_CAIL_TEST"

GANG_CHARGES = frozenset(
    {"寻衅滋事", "敲诈勒索", "强迫交易", "非法拘禁", "开设赌场", "聚众斗殴", "组织、领导、参加黑社会性质组织",
     "聚众扰乱社会秩序"}
)  # fmt: skip
# Crimes of office (刑法第八章贪污贿赂罪、第九章渎职罪) and shielding criminals (窝藏、包庇, 包庇毒品犯罪分子), as the
# issue lists them, in CAIL2018's charge names (brackets removed). Bribery between company staff (非国家工作人员受贿,
# 对非国家工作人员行贿) and lending by bank staff (违法发放贷款) are not an official's misconduct and stay negative.
MISCONDUCT_CHARGES = frozenset(
    {"受贿", "单位受贿", "利用影响力受贿", "行贿", "单位行贿", "对单位行贿", "介绍贿赂", "贪污", "挪用公款",
     "巨额财产来源不明", "私分国有资产", "滥用职权", "玩忽职守", "徇私枉法", "徇私舞弊不移交刑事案件",
     "徇私舞弊不征、少征税款", "招收公务员、学生徇私舞弊", "动植物检疫徇私舞弊", "帮助犯罪分子逃避处罚",
     "虐待被监管人", "窝藏、包庇", "包庇毒品犯罪分子"}
)  # fmt: skip


@dataclass(frozen=True)
class Doc:
    id: str
    source: str  # cail | messages
    text: str
    gang: bool
    misconduct: bool
    split: str  # train | test
    charges: frozenset[str] = frozenset()


def _split(key: str) -> str:
    return "test" if int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 10 < 3 else "train"


def _charge(name: str) -> str:
    # CAIL2018 brackets alternatives: "[窝藏、包庇]", "招收[公务员、学生]徇私舞弊", "[组织、领导、参加]黑社会性质组织".
    return name.replace("[", "").replace("]", "").strip()


def extra_files() -> list[Path]:
    return [Path(p) for p in os.environ.get(EXTRA_ENV, "").split(os.pathsep) if p.strip()]


def test_files() -> list[Path]:
    return [Path(p) for p in os.environ.get(TEST_ENV, "").split(os.pathsep) if p.strip()]


def available() -> bool:
    return CAIL.is_file() and MESSAGES.is_file()


def _cail(path: Path, keyed_by_text: bool, seen: set[str], held_out: bool = False) -> list[Doc]:
    docs: list[Doc] = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            if not line.strip():
                continue
            d = json.loads(line)
            fact = d["fact"].strip()
            digest = hashlib.sha256(fact.encode()).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            charges = frozenset(_charge(c) for c in d["meta"]["accusation"])
            key = f"cail:{digest[:16]}" if keyed_by_text else f"cail:{n}"
            split = "test" if held_out else _split(key)
            docs.append(
                Doc(key, "cail", fact, bool(charges & GANG_CHARGES), bool(charges & MISCONDUCT_CHARGES), split,
                    charges)
            )  # fmt: skip
    return docs


def load() -> list[Doc]:
    """Every labelled document; raises FileNotFoundError when ../shared/data is absent."""
    seen: set[str] = set()
    docs = _cail(CAIL, False, seen)
    for extra in extra_files():
        docs.extend(_cail(extra, True, seen))
    for held in test_files():
        docs.extend(_cail(held, True, seen, held_out=True))
    rows = list(csv.DictReader(io.StringIO(MESSAGES.read_bytes().decode("utf-8-sig"))))
    for row in rows:
        key = f"msg:{row['留言编号']}"
        text = f"{row['留言主题']}。{row['留言详情']}".strip()
        docs.append(Doc(key, "messages", text, False, False, _split(key)))
    return docs
