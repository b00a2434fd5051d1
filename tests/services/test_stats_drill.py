"""Every figure drills down to exactly what it counts, on a ledger with cases, sanctions, transfers and gang cases.

The discipline cases, outcomes and transfers are written as rows: these tests are about counting them, not about
the workflow that records them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text

from sanwang.domain.errors import AccessDenied, ValidationError
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.stats import FIGURES, drill, statistics, verify
from sanwang.store.db import Store
from sanwang.store.tables import (
    AuditEntry,
    CaseReview,
    CaseTrack,
    Clue,
    Detention,
    DisciplineCase,
    GangCase,
    Mark,
    Outcome,
    Transfer,
    User,
)
from tests.services.test_stats import _setup
from tests.services.world import CITY, POLICE

YEAR = {"since": date(2019, 1, 1), "until": date(2019, 12, 31)}
ZHANG = "530602198007090228"


def _populate(store: Store) -> dict[str, Any]:
    n = _setup(store)
    with store.session() as s:
        city, police = unit_by_code(s, CITY).id, unit_by_code(s, POLICE).id
        leader = s.scalar(select(User.id).where(User.username == "leader"))
        clue_a = s.scalar(select(Clue.id).where(Clue.number == n["a"]))

        def case(number: str, name: str, idn: str | None, position: str | None, opened: date, **kw: Any) -> int:
            c = DisciplineCase(number=number, unit_id=city, subject_name=name, subject_id_number=idn,
                               subject_position=position, opened_on=opened, approved_by=leader, team=[],
                               state="investigating", **kw)  # fmt: skip
            s.add(c)
            s.flush()
            return c.id

        # 张三 (by ID number) has two cases; 李四 (no ID number) two under the same post; 王五 one.
        z1 = case("C-2019-001", "张三", ZHANG, "某局局长", date(2019, 3, 10), clue_id=clue_a, umbrella=True)
        z2 = case("C-2019-002", "张三", ZHANG, "某局局长", date(2019, 8, 1))
        l1 = case("C-2019-003", "李四", None, "某镇党委书记", date(2019, 4, 1))
        l2 = case("C-2019-004", "李四", None, "某镇党委书记", date(2019, 9, 1))
        w1 = case("C-2019-005", "王五", None, "某村主任", date(2019, 5, 1))
        for cid, day in ((z1, date(2019, 3, 12)), (z2, date(2019, 8, 3)), (l1, date(2019, 4, 2))):
            s.add(Detention(case_id=cid, started_on=day, due=date(2019, 12, 1), approved_by=leader))

        def outcome(cid: int, kind: str, form: int, day: date) -> int:
            o = Outcome(case_id=cid, kind=kind, value="x", form=form, decided_on=day, decided_by=leader)
            s.add(o)
            s.flush()
            return o.id

        outcome(z1, "party", 3, date(2019, 6, 1))
        outcome(z2, "administrative", 3, date(2019, 10, 1))  # 张三 sanctioned twice: one person
        revoked = outcome(w1, "party", 1, date(2019, 6, 1))  # 王五's sanction, revoked on 复审 in July
        s.add(CaseReview(case_id=w1, outcome_id=revoked, level="review", unit_id=city, served_on=date(2019, 6, 2),
                         applied_on=date(2019, 6, 10), grounds="g", recorded_by=leader, decided_on=date(2019, 7, 1),
                         result="revoked", decision="撤销", decided_by=leader))  # fmt: skip
        # as the review service records it: the revoked outcome retires on the decision day
        s.get(Outcome, revoked).retired_on = date(2019, 7, 1)  # type: ignore[union-attr]
        outcome(l1, "prosecution", 4, date(2019, 11, 1))
        outcome(l2, "organisational", 2, date(2019, 11, 2))
        outcome(l1, "organisational", 1, date(2019, 12, 1))  # 李四: first form, after the baseline
        # Two transfers to the police with the same wording, and one from them.
        for day in (date(2019, 5, 1), date(2019, 5, 2)):
            s.add(Transfer(direction="commission_to_police", kind="gang_clues", from_unit_id=city, to_unit_id=police,
                           trigger_on=day, sent_on=day, due=day, content="涉黑线索一件", clue_id=clue_a))  # fmt: skip
        s.add(Transfer(direction="police_to_commission", kind="umbrella_clues", from_unit_id=police, to_unit_id=city,
                       trigger_on=date(2019, 6, 1), sent_on=date(2019, 6, 1), due=date(2019, 6, 5),
                       content="保护伞线索"))  # fmt: skip
        g = GangCase(police_number="GA-2019-1", name="某团伙", kind="涉黑", region_code="530600", sectors=[],
                     stage="侦查", filed_on=date(2019, 2, 1), notified_on=date(2019, 2, 3), unit_id=city,
                     police_unit_id=police, cleared_on=date(2019, 10, 1))  # fmt: skip
        s.add(g)
        s.flush()
        s.add(CaseTrack(gang_case_id=g.id, track=2, status="concluded", conclusion="umbrella_found"))
        s.add(Mark(entity_kind="clue", entity_id=clue_a, kind="escalated", set_by=leader, set_on=date(2019, 3, 8),
                   reason="r"))  # fmt: skip
        s.add(Mark(entity_kind="clue", entity_id=clue_a, kind="priority", set_by=leader, set_on=date(2019, 3, 9),
                   reason="r"))  # fmt: skip
    return n


def test_every_figure_counts_what_its_list_shows(store: Store) -> None:
    _populate(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        st = statistics(s, actor=leader, **YEAR)
        for f in FIGURES:
            listed = drill(s, actor=leader, figure=f.name, **YEAR)
            assert len(listed.records) == st["figures"][f.name]["value"], f.name
        # Every figure above is populated, so the check is not vacuous.
        assert [f.name for f in FIGURES if not st["figures"][f.name]["value"]] == []


def test_transfers_are_listed_by_id(store: Store) -> None:
    _populate(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        sent = drill(s, actor=leader, figure="transfers_sent", **YEAR)
        assert len(sent.records) == 2 and len({r.label for r in sent.records}) == 2
        assert [r.refs for r in sent.records] == [("涉黑线索一件",), ("涉黑线索一件",)]


def test_persons_figures_count_persons_not_cases(store: Store) -> None:
    _populate(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        f = {k: v["value"] for k, v in statistics(s, actor=leader, **YEAR)["figures"].items()}
        assert f["persons_filed"] == 3  # 张三, 李四, 王五 — five cases
        assert f["detained"] == 2  # 张三 twice, 李四 once
        people = drill(s, actor=leader, figure="立案审查调查", **YEAR).records
        assert [(r.label, r.refs) for r in people] == [
            ("张三（某局局长）", ("C-2019-001", "C-2019-002")),
            ("李四（某镇党委书记）", ("C-2019-003", "C-2019-004")),
            ("王五（某村主任）", ("C-2019-005",)),
        ]


def test_a_revoked_sanction_is_not_counted(store: Store) -> None:
    _populate(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        f = {k: v["value"] for k, v in statistics(s, actor=leader, **YEAR)["figures"].items()}
        assert f["sanctioned"] == 1  # 张三 (two sanctions, one person); 王五's was revoked
        first = drill(s, actor=leader, figure="first_form", **YEAR).records
        assert [r.label for r in first] == ["李四（某镇党委书记）"]  # not 王五, whose first-form sanction was revoked
        # Before the revocation was decided, it was in force.
        june = {"since": date(2019, 1, 1), "until": date(2019, 6, 30)}
        assert statistics(s, actor=leader, **june)["figures"]["sanctioned"]["value"] == 2
        assert [r.label for r in drill(s, actor=leader, figure="first_form", **june).records] == ["王五（某村主任）"]


def test_rates_breakdowns_and_the_change_drill_down(store: Store) -> None:
    _populate(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        st = statistics(s, actor=leader, **YEAR, baseline=date(2019, 6, 30))
        for name, part in st["rate_parts"].items():
            num = drill(s, actor=leader, figure=part["numerator"], **YEAR).records
            den = drill(s, actor=leader, figure=part["denominator"], **YEAR).records
            assert [len(num), len(den)] == part["of"], name
            assert st["rates"][name] == (round(len(num) / len(den), 4) if den else None)
        assert st["rate_parts"]["conclusion_rate"]["of"] == [2, 4]
        by_channel = st["by_channel"]
        assert sum(by_channel.values()) == st["figures"]["clues_received"]["value"]
        for name, count in by_channel.items():
            assert len(drill(s, actor=leader, figure="受理问题线索", channel=name, **YEAR).records) == count, name
        assert st["by_disposal"] == {"初步核实": 2}
        assert len(drill(s, actor=leader, figure="clues_disposed", method="初步核实", **YEAR).records) == 2
        assert drill(s, actor=leader, figure="clues_disposed", method="谈话函询", **YEAR).records == []
        with pytest.raises(ValidationError):
            drill(s, actor=leader, figure="persons_filed", method="初步核实", **YEAR)
        for f in FIGURES:
            change = drill(s, actor=leader, figure=f.name, baseline=date(2019, 6, 30), **YEAR)
            assert len(change.added) - len(change.removed) == st["figures"][f.name]["change"], f.name
        added = drill(s, actor=leader, figure="persons_filed", baseline=date(2019, 6, 30), **YEAR).added
        assert added == []  # 张三 and 李四 had cases before the baseline: their later cases add no person
        concluded = drill(s, actor=leader, figure="clues_concluded", baseline=date(2019, 6, 30), **YEAR)
        assert [r.label for r in concluded.added] == [_setup_numbers(s)["b"]]


def _setup_numbers(s: Any) -> dict[str, str]:
    rows = s.execute(select(Clue.external_ref, Clue.number)).all()
    return {ref: num for ref, num in rows}


def test_statistics_by_channel(store: Store) -> None:
    _populate(store)
    with store.session() as s:
        leader = actor_for(s, "leader")
        sh = statistics(s, actor=leader, channel="12337平台", **YEAR)
        f = {k: v["value"] for k, v in sh["figures"].items()}
        assert (f["clues_received"], f["clues_concluded"], f["persons_filed"], f["transfers_sent"]) == (1, 1, 1, 2)
        assert "gang_cases" not in f  # gang cases do not come through a channel
        assert statistics(s, actor=leader, channel="SH", **YEAR)["figures"] == sh["figures"]
        for fig in FIGURES:
            if fig.name in f:
                assert len(drill(s, actor=leader, figure=fig.name, channel="SH", **YEAR).records) == f[fig.name]
        with pytest.raises(ValidationError, match="来源渠道"):
            statistics(s, actor=leader, channel="飞鸽传书", **YEAR)


def test_drill_downs_are_audited(store: Store) -> None:
    _populate(store)
    with store.session() as s:
        drill(s, actor=actor_for(s, "leader"), figure="transfers_sent", channel="SH", **YEAR)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.entity_kind == "statistics")).all()[-1]
        assert entry.action == "list" and entry.data is not None
        assert (entry.data["figure"], entry.data["channel"], entry.data["rows"]) == ("transfers_sent", "SH", 2)


def test_verify_names_the_drift(store: Store) -> None:
    n = _populate(store)
    with store.session() as s:
        admin = actor_for(s, "admin")
        assert verify(s, actor=admin) == {"ok": True, "drifts": []}
        with pytest.raises(AccessDenied):
            verify(s, actor=actor_for(s, "clerk"))
    with store.session() as s:
        # A bulk fix by hand: a clue's received date moved without the summary (the kind of drift verify finds).
        s.execute(text(f"UPDATE clues SET received = '2019-05-02' WHERE number = '{n['d']}'"))
    with store.session() as s:
        result = verify(s, actor=actor_for(s, "auditor"))
        assert not result["ok"]
        assert result["drifts"] == [
            {"figure": "clues_received", "zh": "受理问题线索", "month": "2019-05", "unit": CITY, "summary": 0,
             "ledger": 1},
            {"figure": "clues_received", "zh": "受理问题线索", "month": "2020-02", "unit": CITY, "summary": 1,
             "ledger": 0},
        ]  # fmt: skip
