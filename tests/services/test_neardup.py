"""Near-duplicate suggestions on both databases: found, within the policy, confirmed by a person."""

from __future__ import annotations

from datetime import date

import pytest

from sanwang.domain.errors import AccessDenied, NotFound, TransitionRefused, ValidationError
from sanwang.services.clues import ClueDraft, SubjectDraft, act, register_clues, show_clue
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.neardup import dismiss, ensure_banded, suggest
from sanwang.store.db import Store
from tests.services.world import CITY, COUNTY, build_world
from tests.text.test_neardup import OTHER, SAME_TOPIC, A, B


def _register(store: Store, texts: dict[str, tuple[str, str]]) -> dict[str, str]:
    out = {}
    with store.session() as s:
        for key, (unit, body) in texts.items():
            clerk = "county_clerk" if unit == COUNTY else "clerk"
            draft = ClueDraft(
                channel="XF", received=date(2019, 4, 1), real_name=False, summary=body,
                subjects=(SubjectDraft(name="张建国"),), external_ref=key,
            )  # fmt: skip
            [(_, n)] = register_clues(s, actor=actor_for(s, clerk), unit=unit_by_code(s, unit), drafts=[draft])
            out[key] = n
    return out


def test_suggestions_are_found_within_the_policy_and_confirmed_by_a_person(store: Store) -> None:
    build_world(store)
    n = _register(store, {"a": (CITY, A), "b": (CITY, B), "c": (CITY, OTHER), "d": (CITY, SAME_TOPIC),
                          "e": (COUNTY, A)})  # fmt: skip
    with store.session() as s:
        got = suggest(s, actor=actor_for(s, "leader"), number=n["a"])
        assert [r["number"] for r in got["similar"]] == [n["e"], n["b"]]  # best first: the identical county copy
        assert got["similar"][0]["similarity"] == 1.0 and not got["similar"][1]["linked"]
        assert ensure_banded(s) == 0  # every clue already keyed
        # The county sees its own subtree only: the city's copies are not suggested to it.
        assert suggest(s, actor=actor_for(s, "county_clerk"), number=n["e"])["similar"] == []
    with store.session() as s:
        act(
            s,
            actor=actor_for(s, "clerk"),
            number=n["b"],
            action="mark_duplicate",
            args={"of": n["a"], "reason": "同一事项"},
        )
    with store.session() as s:
        [first, second] = suggest(s, actor=actor_for(s, "leader"), number=n["a"])["similar"]
        assert second["number"] == n["b"] and second["linked"] is True


def test_a_dismissed_pair_is_not_suggested_again_and_the_reason_is_in_both_histories(store: Store) -> None:
    build_world(store)
    n = _register(store, {"a": (CITY, A), "b": (CITY, B), "e": (COUNTY, A)})
    with store.session() as s:
        with pytest.raises(ValidationError):
            dismiss(s, actor=actor_for(s, "clerk"), number=n["a"], other=n["b"], reason=" ")
        with pytest.raises(AccessDenied):
            dismiss(s, actor=actor_for(s, "inv"), number=n["a"], other=n["b"], reason="不同事项")
        # The city's clue is outside the county clerk's subtree: typed as the other clue, it is "not found".
        with pytest.raises(NotFound, match="不存在"):
            dismiss(s, actor=actor_for(s, "county_clerk"), number=n["e"], other=n["a"], reason="不同事项")
    with store.session() as s:
        done = dismiss(s, actor=actor_for(s, "clerk"), number=n["b"], other=n["a"], reason="不同年份的两次征地")
        assert done["dismissed"] is True
        again = dismiss(s, actor=actor_for(s, "clerk"), number=n["a"], other=n["b"], reason="重复操作")
        assert (again["dismissed"], again["already"]) == (False, True)  # either direction counts
    with store.session() as s:
        leader = actor_for(s, "leader")
        assert [r["number"] for r in suggest(s, actor=leader, number=n["a"])["similar"]] == [n["e"]]
        shown = suggest(s, actor=leader, number=n["a"], include_dismissed=True)["similar"]
        assert [(r["number"], r["dismissed"]) for r in shown] == [(n["e"], False), (n["b"], True)]
        for number in (n["a"], n["b"]):
            events = [e for e in show_clue(s, actor=leader, number=number)["history"] if e["action"] == "not_duplicate"]
            assert len(events) == 1 and events[0]["reason"] == "不同年份的两次征地"
    with store.session() as s:  # a person may still decide later that they are the same matter
        act(
            s,
            actor=actor_for(s, "clerk"),
            number=n["b"],
            action="mark_duplicate",
            args={"of": n["a"], "reason": "复核"},
        )
    with store.session() as s, pytest.raises(TransitionRefused):
        dismiss(s, actor=actor_for(s, "clerk"), number=n["a"], other=n["b"], reason="不同")
