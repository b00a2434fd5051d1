"""Writing a scenario out: the ledger import CSV (线索台账导入表) and the ground truth (真值) JSON."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sanwang.domain.ledger import LEDGER_HEADERS
from sanwang.scenario.model import ClueSpec, Scenario

IMPORT_HEADERS = LEDGER_HEADERS


_GANG_WORDS = ("涉黑", "涉恶", "黑恶", "黑社会", "涉惡", "黑惡", "黑社會")
_UMBRELLA_WORDS = ("保护伞", "保護傘", "充当", "充當", "通风报信", "通風報信", "包庇")


def clerk_flags(clue: ClueSpec) -> tuple[bool, bool]:
    """The flags a registering clerk would set (涉黑涉恶, 涉嫌保护伞): a gang case named, or the words of the text.
    Never the planted ground truth, which no clerk knows."""
    gang = clue.gang_case is not None or any(w in clue.summary for w in _GANG_WORDS)
    return gang, any(w in clue.summary for w in _UMBRELLA_WORDS)


def import_row(clue: ClueSpec) -> list[str]:
    """One CSV row: several subjects are joined with 、 in the same order in every subject column."""
    subjects = clue.subjects
    return [
        clue.external_ref,
        clue.channel,
        clue.received.isoformat(),
        "是" if clue.real_name else "否",
        clue.reporter_name or "",
        clue.reporter_id_number or "",
        clue.reporter_phone or "",
        "、".join(s.name for s in subjects),
        "、".join(s.unit_name for s in subjects),
        "、".join(s.position for s in subjects),
        "、".join(s.id_number or "" for s in subjects),
        clue.summary,
        *("是" if f else "否" for f in clerk_flags(clue)),
    ]


def write_import_csv(clues: Sequence[ClueSpec], path: Path) -> None:
    """The clues as the ledger import table (UTF-8, one row per clue)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(IMPORT_HEADERS)
        writer.writerows(import_row(c) for c in clues)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def ground_truth_document(scenario: Scenario) -> dict[str, Any]:
    """The public part of the ground truth: keys starting with ``_`` are the generator's own bookkeeping."""
    doc = {k: v for k, v in scenario.ground_truth.items() if not k.startswith("_")}
    return {"size": scenario.size, "seed": scenario.seed, **doc}


def write_ground_truth(scenario: Scenario, path: Path) -> None:
    """Planted umbrellas, duplicate clue pairs and duplicate person records as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(ground_truth_document(scenario), ensure_ascii=False, indent=1, default=_plain)
    path.write_text(text + "\n", encoding="utf-8")
