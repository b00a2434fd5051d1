"""Statistics: each figure counts what its drill-down lists; baselines give the change; subtrees filter."""

from __future__ import annotations

from datetime import date

from sanwang.services.clues import ClueDraft, SubjectDraft, act, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.stats import FIGURES, drill, statistics
from sanwang.store.db import Store
from tests.services.world import CITY, COUNTY, build_world


def _draft(ref: str, received: date, channel: str = "XF", gang: bool = False) -> ClueDraft:
    return ClueDraft(
        channel=channel,
        received=received,
        real_name=False,
        summary=f"线索 {ref}",
        subjects=(SubjectDraft(name="张三"),),
        external_ref=ref,
        gang_related=gang,
    )


def _setup(store: Store) -> dict[str, str]:
    build_world(store)
    with store.session() as s:
        clerk = actor_for(s, "clerk")
        city = unit_by_code(s, CITY)
        nums = [
            n
            for _, n in register_clues(
                s,
                actor=clerk,
                unit=city,
                drafts=[
                    _draft("a", date(2019, 3, 1), "SH", gang=True),
                    _draft("b", date(2019, 3, 2)),
                    _draft("c", date(2019, 7, 1), "GA", gang=True),
                    _draft("d", date(2020, 2, 10)),
                ],
            )
        ]
        county = actor_for(s, "county_clerk")
        [(_, cnum)] = register_clues(
            s, actor=county, unit=unit_by_code(s, COUNTY), drafts=[_draft("e", date(2019, 4, 1))]
        )

    def step(who: str, num: str, action: str, on: date, **args: object) -> None:
        with store.session() as s:
            act(s, actor=actor_for(s, who), number=num, action=action, on=on, args=args)

    a, b = nums[0], nums[1]
    for num, result in ((a, "查实"), (b, "澄清")):
        step("manager", num, "assign", date(2019, 3, 5), handler="inv")
        step("inv", num, "propose", date(2019, 3, 6), method="初步核实")
        step("leader", num, "approve", date(2019, 3, 7))
        step("inv", num, "conclude", date(2019, 4, 20) if num == a else date(2019, 9, 1), result=result)
    return {"a": a, "b": b, "c": nums[2], "d": nums[3], "county": cnum}


def test_figures_match_their_lists(store: Store) -> None:
    n = _setup(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        st = statistics(s, actor=leader, since=date(2019, 1, 1), until=date(2019, 12, 31))
        f = {k: v["value"] for k, v in st["figures"].items()}
        assert f["clues_received"] == 4  # the city's three 2019 clues and the county's one
        assert f["clues_gang_related"] == 2
        assert f["clues_disposed"] == 2 and f["clues_concluded"] == 2 and f["clues_substantiated"] == 1
        assert st["rates"]["conclusion_rate"] == 0.5 and st["rates"]["substantiation_rate"] == 0.5
        assert st["by_channel"] == {"信访举报": 2, "12337平台": 1, "公安机关移送": 1}
        for fig in FIGURES:
            records = drill(s, actor=leader, figure=fig.name, since=date(2019, 1, 1), until=date(2019, 12, 31))
            assert len(records.records) == st["figures"][fig.name]["value"], fig.name
        assert drill(s, actor=leader, figure="clues_substantiated", since=date(2019, 1, 1)).labels == [n["a"]]


def test_baseline_change_and_subtree(store: Store) -> None:
    n = _setup(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        st = statistics(s, actor=leader, since=date(2019, 1, 1), until=date(2019, 12, 31), baseline=date(2019, 6, 30))
        concluded = st["figures"]["clues_concluded"]
        assert (concluded["baseline"], concluded["value"], concluded["change"]) == (1, 2, 1)
        county = statistics(s, actor=leader, since=date(2019, 1, 1), until=date(2019, 12, 31), unit_code=COUNTY)
        assert county["figures"]["clues_received"]["value"] == 1
        assert drill(s, actor=leader, figure="clues_received", unit_code=COUNTY).labels == [n["county"]]
        # The county sees only its own subtree, whatever it asks for.
        mine = statistics(s, actor=actor_for(s, "county_clerk"), unit_code=CITY)
        assert mine["figures"]["clues_received"]["value"] == 1


def test_overdue_figure_counts_open_deadlines(store: Store) -> None:
    n = _setup(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        # By 2019-12-31 the 1-month disposal deadline of c (GA, 2019-07-01) and of the county clue have passed, and
        # a (涉黑涉恶 since 2019-03-01) was never transferred to the police (3 working days).
        overdue = drill(s, actor=leader, figure="clues_overdue", until=date(2019, 12, 31)).labels
        assert overdue == sorted([n["a"], n["c"], n["county"]])
