"""The demo: a generated city replayed through the services with no step refused, on both databases."""

from __future__ import annotations

from datetime import date

from sanwang.scenario.generator import generate
from sanwang.services.context import actor_for
from sanwang.services.demo import load_scenario
from sanwang.services.stats import FIGURES, drill, statistics
from sanwang.store.db import Store


def test_small_city_replays_cleanly_and_figures_reproduce(store: Store) -> None:
    scenario = generate("small", 7)
    report = load_scenario(store, scenario)
    assert report.refused == [], report.refused[:3]
    assert report.clues == len(scenario.clues) and report.gang_cases == len(scenario.gang_cases)
    with store.session() as s:
        auditor = next(u.username for u in scenario.users if "auditor" in u.roles)
        actor = actor_for(s, auditor)
        st = statistics(s, actor=actor, since=date(2018, 1, 1), until=date(2020, 12, 31))
        figures = {k: v["value"] for k, v in st["figures"].items()}
        # Every kind of work the scenario plans shows up in the figures.
        for name in ("clues_received", "clues_concluded", "persons_filed", "detained", "sanctioned", "gang_cases"):
            assert figures[name] > 0, name
        for f in FIGURES:
            listed = drill(s, actor=actor, figure=f.name, since=date(2018, 1, 1), until=date(2020, 12, 31)).records
            assert len(listed) == figures[f.name], f.name
