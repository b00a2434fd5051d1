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
