"""Deadlines as configuration through the services: an office's rule applies with no code change, and custody
periods end on their last day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from importlib import resources
from pathlib import Path

import pytest
from sqlalchemy import select

from sanwang.domain.deadlines import deadline_rules
from sanwang.services.cases import detain, extend_detention
from sanwang.services.clues import ClueDraft, act, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.store.db import Store
from sanwang.store.tables import Deadline
from tests.services.test_cases import _clue, _open
from tests.services.world import CITY, build_world
from tests.services.world2 import build_world2

OFFICE_RULES = """
  - name: hold_quarterly_review
    zh: 暂存待查线索按季度复核
    trigger: disposal_approved
    condition: {disposal: [hold]}
    period: 3 months
    on_overdue: [overdue_list, reminder]
  - name: gang_clue_report
    zh: 涉黑涉恶线索报告
    trigger: clue_registered
    condition: {gang_related: true, channel: [XF, SH]}
    period: 2 working days
"""


@pytest.fixture
def office_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The shipped deadlines.yaml with two rules of the office's own, as $SANWANG_HOME/config/deadlines.yaml."""
    home = tmp_path / "office"
    (home / "config").mkdir(parents=True)
    shipped = resources.files("sanwang.domain").joinpath("data", "deadlines.yaml").read_text(encoding="utf-8")
    (home / "config" / "deadlines.yaml").write_text(shipped + OFFICE_RULES, encoding="utf-8")
    monkeypatch.setenv("SANWANG_HOME", str(home))
    deadline_rules.cache_clear()
    yield
    deadline_rules.cache_clear()


def _rules_of(store: Store, number_id: int) -> dict[str, Deadline]:
    with store.session() as s:
        return {
            d.rule: d
            for d in s.scalars(select(Deadline).where(Deadline.entity_kind == "clue", Deadline.entity_id == number_id))
        }


def test_an_office_rule_applies_without_a_code_change(store: Store, office_rules: None) -> None:
    build_world(store)
    drafts = [
        ClueDraft(
            channel="XF", received=date(2024, 3, 4), real_name=False, summary="反映某村恶势力", gang_related=True
        ),
        ClueDraft(
            channel="DH", received=date(2024, 3, 4), real_name=False, summary="反映某村恶势力", gang_related=True
        ),
        ClueDraft(channel="XF", received=date(2024, 3, 4), real_name=False, summary="反映某局长违规吃喝"),
    ]
    with store.session() as s:
        registered = register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=drafts)
    (gang_xf, number), (gang_dh, _), (plain, _) = registered
    # the condition decides: a gang clue by letter (XF) starts it, by telephone (DH) or a plain clue does not
    assert _rules_of(store, gang_xf)["gang_clue_report"].due == date(2024, 3, 6)
    assert "gang_clue_report" not in _rules_of(store, gang_dh) and "gang_clue_report" not in _rules_of(store, plain)
    # approving a 暂存待查 disposal starts the office's review deadline
    for who, action, args in (
        ("manager", "assign", {"handler": "inv"}),
        ("inv", "propose", {"method": "暂存待查"}),
        ("leader", "approve", {}),
    ):
        with store.session() as s:
            act(s, actor=actor_for(s, who), number=number, action=action, on=date(2024, 3, 11), args=args)
    review = _rules_of(store, gang_xf)["hold_quarterly_review"]
    assert (review.trigger_on, review.due, review.met_on) == (date(2024, 3, 11), date(2024, 6, 11), None)


def test_without_the_office_rule_nothing_extra_starts(store: Store) -> None:
    build_world(store)
    draft = ClueDraft(channel="XF", received=date(2024, 3, 4), real_name=False, summary="反映恶势力", gang_related=True)
    with store.session() as s:
        [(cid, _)] = register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=[draft])
    # the shipped rules only: the disposal opinion, and the 3-working-day transfer of a gang clue to the police
    assert set(_rules_of(store, cid)) == {"disposal_opinion", "commission_transfer_gang"}


def test_a_detention_from_1_july_2024_ends_on_1_october(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store))
    with store.session() as s:
        d = detain(s, actor=actor_for(s, "inv"), number=number, approver="pleader", at=datetime(2024, 7, 1, 9, 0))
        assert d.due == date(2024, 10, 1)  # National Day, and still the last day (not 8 October)
    with store.session() as s:
        d = extend_detention(
            s, actor=actor_for(s, "inv"), number=number, approver="pleader", reason="案情复杂", on=date(2024, 9, 20)
        )
        assert d.due == date(2025, 1, 1)  # counted on from 1 October, not from 8 October
    with store.session() as s:
        [dl] = s.scalars(select(Deadline).where(Deadline.rule == "detention"))
        assert (dl.due, dl.extensions, dl.provisional) == (date(2025, 1, 1), 1, False)
