"""Two people acting on one clue at once: the second waits for the first and then sees its result."""

from __future__ import annotations

import threading
from datetime import date

from sanwang.domain.errors import TransitionRefused
from sanwang.services.clues import act
from sanwang.services.context import actor_for
from sanwang.store.db import Store
from tests.services.test_clue_flow import _act, _register
from tests.services.world import build_world


def test_concurrent_proposals_on_one_clue_queue(store: Store) -> None:
    build_world(store)
    [num] = _register(store)
    _act(store, "manager", num, "assign", handler="inv")
    first_holds_lock = threading.Event()
    release_first = threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with store.session() as s:
            act(s, actor=actor_for(s, "inv"), number=num, action="propose", on=date(2019, 5, 6),
                args={"method": "初步核实"})  # fmt: skip
            first_holds_lock.set()
            release_first.wait(10)

    def second() -> None:
        first_holds_lock.wait(10)
        try:
            with store.session() as s:
                act(s, actor=actor_for(s, "manager"), number=num, action="propose", on=date(2019, 5, 6),
                    args={"method": "谈话函询"})  # fmt: skip
            outcome["second"] = "accepted"
        except TransitionRefused as e:
            outcome["second"] = e.en

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    first_holds_lock.wait(10)
    t2.join(1.0)
    assert t2.is_alive(), "the second step must wait while the first holds the clue"
    release_first.set()
    t1.join(10)
    t2.join(30)
    assert "already awaiting approval" in str(outcome.get("second")), outcome
