"""Tests of the scenario generator (场景生成器): determinism, validity, sizes and the written files."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sanwang.domain.idnumber import IdNumber
from sanwang.domain.roles import UNIT_KINDS, Role
from sanwang.domain.vocab import channels, disposal_methods
from sanwang.scenario.export import IMPORT_HEADERS
from sanwang.scenario.generator import END, generate, write_ground_truth, write_import_csv, write_relationships
from sanwang.scenario.model import Scenario

ACTIONS = {
    "assign", "propose", "approve", "reject", "record_reply", "endorse", "conclude", "feedback", "archive", "reopen",
    "mark", "instruct", "mark_duplicate", "open_case", "detain", "extend_detention", "notify_family", "release",
    "outcome", "recommend", "follow_up", "conclude_case",
}  # fmt: skip
TODAY = date(2030, 1, 1)


@pytest.fixture(scope="module")
def small() -> Scenario:
    return generate("small", seed=7)


@pytest.fixture(scope="module")
def written(small: Scenario, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("scenario")
    counts = write_relationships(small, out / "rel")
    write_import_csv(small.clues, out / "clues.csv")
    write_ground_truth(small, out / "truth.json")
    return out, counts


def test_same_seed_same_scenario(small: Scenario) -> None:
    again = generate("small", seed=7)
    assert again.units == small.units
    assert again.users == small.users
    assert again.officials == small.officials
    assert again.clues == small.clues
    assert again.ground_truth == small.ground_truth


def test_different_seed_differs(small: Scenario) -> None:
    other = generate("small", seed=8)
    assert [c.summary for c in other.clues] != [c.summary for c in small.clues]
    assert [o.name for o in other.officials] != [o.name for o in small.officials]


def test_counts_in_range(small: Scenario) -> None:
    assert len(small.officials) == 2000
    assert len(small.gang_cases) == 6
    assert 380 <= len(small.clues) <= 420
    assert all(5 <= len(g.members) <= 40 for g in small.gang_cases)
    assert all(re.fullmatch(r".{2,4}涉[黑恶]案", g.name) for g in small.gang_cases)
    real = sum(c.real_name for c in small.clues) / len(small.clues)
    assert 0.25 <= real <= 0.55
    trad = sum(c.script == "traditional" for c in small.clues) / len(small.clues)
    assert 0.07 <= trad <= 0.25
    assert any(c.damaged and "(" in c.summary for c in small.clues)


def test_id_numbers_valid(small: Scenario) -> None:
    numbers = [o.id_number for o in small.officials]
    numbers += [m.id_number for g in small.gang_cases for m in g.members]
    numbers += [c.reporter_id_number for c in small.clues if c.reporter_id_number]
    numbers += [s.id_number for c in small.clues for s in c.subjects if s.id_number]
    for n in numbers:
        assert IdNumber.parse(n, today=TODAY).value == n
    people = [o.id_number for o in small.officials] + [m.id_number for g in small.gang_cases for m in g.members]
    assert len(set(people)) == len(people)


def test_units_and_users(small: Scenario) -> None:
    codes = {u.code for u in small.units}
    assert len(codes) == len(small.units)
    assert {u.kind for u in small.units} <= set(UNIT_KINDS)
    assert all(u.parent_code is None or u.parent_code in codes for u in small.units)
    assert "530600-JW" in codes and "530627-JW" in codes
    usernames = [u.username for u in small.users]
    assert len(set(usernames)) == len(usernames) and all(n.isascii() for n in usernames)
    roles = {r.value for r in Role}
    assert all(set(u.roles) <= roles for u in small.users)
    for commission in (u.code for u in small.units if u.kind == "纪委监委"):
        leaders = [u for u in small.users if u.unit_code == commission and Role.LEADER.value in u.roles]
        assert len(leaders) >= 2


def test_fates(small: Scenario) -> None:
    methods = {m.name for m in disposal_methods().methods}
    user_units = {u.username: u.unit_code for u in small.users}
    for clue in small.clues:
        last = clue.received
        proposer = None
        for step in clue.fate:
            assert step.action in ACTIONS
            assert last <= step.on <= END
            last = step.on
            by = step.args.get("by")
            if by is not None:
                assert user_units[by].startswith(clue.unit_code)  # the registering commission or its offices
            if step.action == "propose":
                assert step.args["method"] in methods
                proposer = by
            if step.action == "approve":
                assert by != proposer
    actions = Counter(s.action for c in small.clues for s in c.fate)
    for needed in ("assign", "propose", "approve", "conclude", "archive", "endorse", "record_reply"):
        assert actions[needed] > 0, needed
    assert any(not c.fate or c.fate[-1].action not in ("archive", "follow_up") for c in small.clues)


def test_channels_valid(small: Scenario) -> None:
    names = {c.name for c in channels().channels}
    assert {c.channel for c in small.clues} <= names


def test_import_csv(small: Scenario, written: tuple[Path, dict[str, int]]) -> None:
    out, _ = written
    with (out / "clues.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == IMPORT_HEADERS
    assert len(rows) == len(small.clues) + 1
    for row, clue in zip(rows[1:], small.clues, strict=True):
        assert row[0] == clue.external_ref and row[11] == clue.summary
        assert row[3] in ("是", "否") and date.fromisoformat(row[2]) == clue.received
        assert len(row[7].split("、")) == len(clue.subjects)
        if row[3] == "否":
            assert row[4] == row[5] == row[6] == ""


def test_parquet(written: tuple[Path, dict[str, int]]) -> None:
    out, counts = written
    columns = {
        "persons": ["person_id", "name", "id_number", "phone", "source"],
        "kinship": ["a", "b", "relation"],
        "company_roles": ["company_id", "company_name", "person_id", "role", "share", "since"],
        "transfers": ["src", "dst", "amount_yuan", "count", "first_date", "last_date"],
        "calls": ["a", "b", "count", "total_seconds", "first_date", "last_date"],
    }
    for name, cols in columns.items():
        table = pq.read_table(out / "rel" / f"{name}.parquet")
        assert table.column_names == cols
        assert table.num_rows == counts[name] > 0
    persons = pq.read_table(out / "rel" / "persons.parquet").column("person_id").to_pylist()
    assert len(set(persons)) == len(persons)
    known = set(persons)
    calls = pq.read_table(out / "rel" / "calls.parquet")
    assert set(calls.column("a").to_pylist()) <= known
    kin = set(pq.read_table(out / "rel" / "kinship.parquet").column("relation").to_pylist())
    assert kin == {"配偶", "父母子女", "兄弟姐妹", "姻亲", "同户"}


def test_ground_truth(small: Scenario, written: tuple[Path, dict[str, int]]) -> None:
    out, _ = written
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    persons = set(pq.read_table(out / "rel" / "persons.parquet").column("person_id").to_pylist())
    officials = {o.person_id for o in small.officials}
    cases = {g.police_number for g in small.gang_cases}
    refs = {c.external_ref for c in small.clues}
    assert truth["umbrellas"]
    for u in truth["umbrellas"]:
        assert u["gang_case"] in cases and u["official"] in officials
        assert u["type"] in ("官伞", "警伞", "庸伞", "懒伞") and u["typology"]
        for e in u["edges"]:
            for key in ("a", "b", "src", "dst", "person_id"):
                assert e.get(key, u["official"]) in persons
    assert truth["duplicate_clues"]
    for a, b in truth["duplicate_clues"]:
        assert a in refs and b in refs and a != b
    assert truth["duplicate_persons"]
    for record, person in truth["duplicate_persons"].items():
        assert record in persons and person in persons
    assert not any(k.startswith("_") for k in truth)


@pytest.mark.slow
def test_city_size() -> None:
    city = generate("city", seed=7)
    assert 19_000 <= len(city.officials) <= 21_000
    assert len(city.gang_cases) == 60
    assert 4_900 <= len(city.clues) <= 5_100
    assert {c.channel for c in city.clues} == {c.name for c in channels().channels}
    assert min(c.received for c in city.clues) >= date(2018, 1, 1)
    assert max(s.on for c in city.clues for s in c.fate) <= END
    counties = {u.region_code for u in city.units if u.kind == "纪委监委"}
    assert len(counties) == 13  # 云南省 (approves city-level 留置), 昭通市 and its 11 counties
