"""催办单: reminders for overdue deadlines are issued once per interval, recorded, and escalations listed."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sanwang.domain.errors import TransitionRefused
from sanwang.services.context import actor_for, history
from sanwang.services.reminders import remind
from sanwang.store.db import Store
from sanwang.store.tables import Clue
from tests.services.test_clue_flow import _register
from tests.services.world import build_world


def test_reminders_once_per_interval_and_recorded(store: Store) -> None:
    build_world(store)
    [num] = _register(store)  # real-name 12337 clue received 2019-04-01
    with store.session() as s:
        sheet = remind(s, actor=actor_for(s, "manager"), as_of=date(2019, 6, 3))
    rules = {r["rule"] for r in sheet["reminders"]}
    assert {"disposal_opinion", "reporter_acceptance", "contact_12337"} <= rules
    assert all(r["reference"] == num for r in sheet["reminders"])
    with store.session() as s:
        again = remind(s, actor=actor_for(s, "manager"), as_of=date(2019, 6, 5))
        assert again["reminders"] == []  # reminded two days ago
        later = remind(s, actor=actor_for(s, "manager"), as_of=date(2019, 6, 11))
        assert {r["rule"] for r in later["reminders"]} == rules
        clue_id = s.scalar(select(Clue.id).where(Clue.number == num))
        assert clue_id is not None
        reminders = [h for h in history(s, "clue", clue_id) if h["action"] == "remind"]
        assert len(reminders) == 2 * len(rules) and reminders[0]["actor"] == "manager"


def test_reminders_need_a_manager_or_leader(store: Store) -> None:
    build_world(store)
    with pytest.raises(TransitionRefused, match="case-manager or leader"), store.session() as s:
        remind(s, actor=actor_for(s, "inv"), as_of=date(2019, 6, 3))
