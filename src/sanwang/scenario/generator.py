"""Scenario generator (场景生成器): a realistic synthetic city or province, deterministic by seed.

``generate(size, seed)`` builds units and users, the officials registry (公职人员信息库), gang cases with
members, planted umbrellas (保护伞) and duplicates, and problem clues (问题线索) with the fate the demo loader
replays. The bulk relationship records and the ground truth are written by ``write_relationships`` and
``write_ground_truth``; the ledger import table by ``write_import_csv``.

Sizes: ``small`` (昭通市, ~2,000 officials, 6 gang cases, ~400 clues), ``city`` (昭通市 with its real
counties: ~20,000 officials, 60 gang cases, 5,000 clues) and ``province`` (云南省, every real city and county,
ten times a city). Clues are received 2018-01-01..2020-12-31; nothing in a fate happens after 2020-12-31.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from sanwang.scenario.clues import ClueContext, build_clues
from sanwang.scenario.export import write_ground_truth, write_import_csv
from sanwang.scenario.gangs import build_gangs
from sanwang.scenario.model import Scenario, Size
from sanwang.scenario.officials import build_registry
from sanwang.scenario.people import PersonFactory
from sanwang.scenario.places import city_codes, counties_of
from sanwang.scenario.plant import Planted, duplicate_records, gang_companies, umbrellas
from sanwang.scenario.relationships import write_relationships
from sanwang.scenario.units import build_organisation

__all__ = ["SIZES", "generate", "write_ground_truth", "write_import_csv", "write_relationships"]

START = date(2018, 1, 1)
END = date(2020, 12, 31)


@dataclass(frozen=True)
class SizeSpec:
    """Targets of one size."""

    officials: int
    gang_cases: int
    clues: int


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(2_000, 6, 400),
    "city": SizeSpec(20_000, 60, 5_000),
    "province": SizeSpec(200_000, 600, 50_000),
}


def generate(size: Size = "small", seed: int = 7) -> Scenario:
    """A whole scenario; the same (size, seed) always gives the same scenario."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose small, city or province")
    spec = SIZES[size]
    cities = {c: counties_of(c, seed) for c in city_codes(size)}
    counties = [c for cs in cities.values() for c in cs]
    org = build_organisation(size, seed, cities)

    rng = random.Random(f"{seed}:{size}")
    factory = PersonFactory(rng, END)
    officials, meta = build_registry(rng, factory, counties, list(cities), spec.officials)
    gangs = build_gangs(rng, factory, counties, spec.gang_cases, START, END, org.police)
    gang_phones = {p.person_id: p.phone for p in factory.people if p.kind == "gang"}

    planted = Planted()
    gang_companies(rng, gangs, planted)
    umbrellas(rng, factory, gangs, officials, meta, END, planted)
    ctx = ClueContext(rng, factory, org, {c.code: c for c in counties}, officials, meta, gangs,
                      planted.umbrellas, START, END)  # fmt: skip
    clues, pairs = build_clues(ctx, spec.clues)

    # Second records of about 1% of officials and gang members, as other sources hold them (人员重复记录).
    core = [(o.person_id, o.name, o.id_number, o.phone) for o in officials]
    core += [(m.person_id, m.name, m.id_number, gang_phones[m.person_id]) for g in gangs for m in g.spec.members]
    duplicate_records(rng, core, 0.01, planted)

    ground_truth: dict[str, Any] = {
        "umbrellas": planted.umbrellas,
        "duplicate_clues": [list(p) for p in pairs],
        "duplicate_persons": {r["person_id"]: r["true_person_id"] for r in planted.records},
        "_period": [START.isoformat(), END.isoformat()],
        "_phones": gang_phones,
        "_people": [
            {"person_id": p.person_id, "name": p.name, "id_number": p.id_number, "phone": p.phone, "kind": p.kind}
            for p in factory.people
            if p.kind not in ("official", "gang")
        ],
        "_records": planted.records,
        "_companies": planted.companies,
        "_edges": planted.edges,
    }
    return Scenario(
        size=size,
        seed=seed,
        units=org.units,
        users=org.users,
        officials=officials,
        gang_cases=[g.spec for g in gangs],
        clues=clues,
        ground_truth=ground_truth,
    )
