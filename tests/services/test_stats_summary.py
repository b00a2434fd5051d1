"""The monthly statistics summary gives exactly the ledger's figures, and past periods never change on 复查."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from sanwang.domain.errors import AccessDenied
from sanwang.services.clues import ClueDraft, SubjectDraft, act, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.setup import initialise
from sanwang.services.stats import _period, _values, drill, rebuild_summary, statistics
from sanwang.services.summary import ensure_built
from sanwang.store.db import Store
from sanwang.store.tables import ClueMilestone, ClueMonthCount
from tests.services.world import CITY, COUNTY, build_world

OWN = "11010519491231002X"


def _step(store: Store, who: str, number: str, action: str, on: date, **args: object) -> None:
    with store.session() as s:
        act(s, actor=actor_for(s, who), number=number, action=action, on=on, args=args)


def _busy_ledger(store: Store, seed: int = 3) -> list[str]:
    """Forty clues over 2019–2020 in two units, with disposals, conclusions, re-examinations and a recused one."""
    build_world(store)
    with store.session() as s:
        s.execute(text(f"UPDATE users SET id_number = '{OWN}' WHERE username = 'leader2'"))
    rng = random.Random(seed)
    numbers: list[str] = []
    with store.session() as s:
        for who, unit in (("clerk", CITY), ("county_clerk", COUNTY)):
            drafts = [
                ClueDraft(
                    channel=rng.choice(["XF", "SH", "GA", "WL"]),
                    received=date(2019, 1, 1) + timedelta(days=rng.randrange(600)),
                    real_name=False,
                    summary=f"线索 {unit} {i}",
                    subjects=(SubjectDraft(name="周副书记", id_number=OWN) if i == 0 else SubjectDraft(name="张三"),),
                    external_ref=f"{unit}-{i}",
                    gang_related=rng.random() < 0.4,
                )
                for i in range(20)
            ]
            numbers += [
                n for _, n in register_clues(s, actor=actor_for(s, who), unit=unit_by_code(s, unit), drafts=drafts)
            ]
    with store.session() as s:
        received = {n: s.scalar(text(f"SELECT received FROM clues WHERE number = '{n}'")) for n in numbers}
    for number in numbers[:10] + numbers[20:30]:
        day = date.fromisoformat(str(received[number])) + timedelta(days=rng.randrange(1, 20))
        city = number in numbers[:20]
        manager, inv, leader = ("manager", "inv", "leader") if city else ("county_clerk", "county_clerk", "leader")
        if not city:
            continue  # the county has no investigator in this world: its clues stay registered
        _step(store, manager, number, "assign", day, handler=inv)
        _step(store, inv, number, "propose", day + timedelta(days=1), method="初步核实")
        _step(store, leader, number, "approve", day + timedelta(days=2))
        done = day + timedelta(days=rng.randrange(20, 120))
        _step(store, inv, number, "conclude", done, result=rng.choice(["查实", "澄清"]))
        if rng.random() < 0.5:
            again = done + timedelta(days=rng.randrange(5, 90))
            _step(store, leader, number, "reopen", again, reason="复查")
            _step(store, inv, number, "propose", again + timedelta(days=1), method="初步核实")
            _step(store, "leader2" if number != numbers[0] else leader, number, "approve", again + timedelta(days=2))
            _step(store, inv, number, "conclude", again + timedelta(days=30), result="查实")
    return numbers


def test_summary_gives_the_ledger_figures_for_any_period(store: Store) -> None:
    _busy_ledger(store)
    rng = random.Random(11)
    periods = [(date(2019, 1, 1), date(2019, 12, 31)), (date(2019, 1, 1), date(2020, 12, 31))]
    for _ in range(25):
        a = date(2019, 1, 1) + timedelta(days=rng.randrange(700))
        periods.append((a, a + timedelta(days=rng.randrange(0, 400))))
    with store.session() as s:
        for who in ("leader", "leader2", "county_clerk", "admin"):
            actor = actor_for(s, who)
            for since, until in periods:
                p = _period(s, actor, since, until, None)
                assert _values(s, p, use_summary=True) == _values(s, p, use_summary=False), (who, since, until)


def test_past_figures_survive_reexamination(store: Store) -> None:
    build_world(store)
    with store.session() as s:
        [(_, n)] = register_clues(
            s,
            actor=actor_for(s, "clerk"),
            unit=unit_by_code(s, CITY),
            drafts=[
                ClueDraft(
                    channel="XF",
                    received=date(2019, 3, 1),
                    real_name=False,
                    summary="x",
                    subjects=(SubjectDraft(name="张三"),),
                    external_ref="r",
                )
            ],
        )
    _step(store, "manager", n, "assign", date(2019, 3, 2), handler="inv")
    _step(store, "inv", n, "propose", date(2019, 3, 3), method="初步核实")
    _step(store, "leader", n, "approve", date(2019, 3, 4))
    _step(store, "inv", n, "conclude", date(2019, 6, 1), result="澄清")

    def year(y: int) -> dict[str, int]:
        with store.session() as s:
            st = statistics(s, actor=actor_for(s, "leader"), since=date(y, 1, 1), until=date(y, 12, 31))
            return {k: v["value"] for k, v in st["figures"].items()}

    before = year(2019)
    _step(store, "leader", n, "reopen", date(2020, 2, 1), reason="复查")
    assert year(2019) == before  # the 2019 disposal and conclusion still happened in 2019
    _step(store, "inv", n, "propose", date(2020, 2, 2), method="初步核实")
    _step(store, "leader2", n, "approve", date(2020, 2, 3))
    _step(store, "inv", n, "conclude", date(2020, 4, 1), result="查实")
    assert year(2019) == before
    assert (before["clues_concluded"], before["clues_substantiated"]) == (1, 0)
    y2020 = year(2020)
    assert (y2020["clues_received"], y2020["clues_disposed"], y2020["clues_concluded"]) == (0, 1, 1)
    assert y2020["clues_substantiated"] == 1
    with store.session() as s:
        leader = actor_for(s, "leader")
        both = drill(s, actor=leader, figure="clues_concluded", since=date(2019, 1, 1), until=date(2020, 12, 31))
        assert both.labels == [n, f"{n}#2"]
        st = statistics(s, actor=leader, since=date(2019, 1, 1), until=date(2020, 12, 31))
        assert st["figures"]["clues_concluded"]["value"] == 2
        assert st["rates"]["conclusion_rate"] == 1.0  # one clue received, concluded (at least once)


def test_milestones_are_append_only(store: Store) -> None:
    numbers = _busy_ledger(store)
    with pytest.raises(DatabaseError), store.session() as s:
        s.execute(text("UPDATE clue_milestones SET day = '2019-01-01'"))
    with pytest.raises(DatabaseError), store.session() as s:
        s.execute(text("DELETE FROM clue_milestones"))
    with store.session() as s:
        assert s.scalar(select(ClueMilestone.id).limit(1)) is not None
    assert numbers


def test_rebuild_reproduces_the_maintained_summary(store: Store) -> None:
    _busy_ledger(store)

    def rows() -> list[tuple[object, ...]]:
        with store.session() as s:
            return sorted(
                (r.kind, r.month, r.unit_id, r.channel, r.gang, r.first_concluded, r.code, r.n)
                for r in s.scalars(select(ClueMonthCount))
                if r.n
            )

    maintained = rows()
    with store.session() as s:
        with pytest.raises(AccessDenied):
            rebuild_summary(s, actor=actor_for(s, "leader"))
        assert rebuild_summary(s, actor=actor_for(s, "admin"))["rows"] >= len(maintained)
    assert rows() == maintained
    with store.session() as s:
        s.execute(text("DELETE FROM clue_month_counts"))
        assert ensure_built(s) is True
        assert ensure_built(s) is False
    assert rows() == maintained


def test_init_builds_a_missing_summary(store: Store) -> None:
    _busy_ledger(store)
    with store.session() as s:
        s.execute(text("DELETE FROM clue_month_counts"))
    assert initialise(Store(store.url))["statistics_summary_built"] is True
    with store.session() as s:
        assert s.scalar(select(ClueMonthCount.id).limit(1)) is not None
