"""The clue flags 涉黑涉恶 and 涉嫌保护伞: set on import or registration, corrected with a reason, counted right."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanwang.domain.errors import AccessDenied, ImportRejected, ValidationError
from sanwang.services.clues import set_flags, show_clue
from sanwang.services.context import actor_for
from sanwang.services.imports import HEADERS, import_clues
from sanwang.services.stats import drill, rebuild_summary, statistics
from sanwang.store.db import Store
from tests.services.test_import import GOOD, write_csv
from tests.services.world import build_world

PERIOD = {"since": date(2019, 1, 1), "until": date(2019, 12, 31)}


def _gang_figure(store: Store) -> tuple[int, int]:
    with store.session() as s:
        leader = actor_for(s, "leader")
        value = statistics(s, actor=leader, **PERIOD)["figures"]["clues_gang_related"]["value"]
        return value, len(drill(s, actor=leader, figure="clues_gang_related", **PERIOD).records)


def test_flags_from_the_import_file_and_corrected_later(store: Store, tmp_path: Path) -> None:
    build_world(store)
    rows = [[*GOOD[0], "是", "是"], [*GOOD[1], "", ""], [*GOOD[2], "否", "否"]]
    with store.session() as s:
        result = import_clues(s, actor=actor_for(s, "clerk"), path=write_csv(tmp_path / "f.csv", rows))
    assert result["imported"] == 3
    assert _gang_figure(store) == (1, 1)
    with store.session() as s:
        numbers = [show_clue(s, actor=actor_for(s, "leader"), number=n)["number"] for n in result["numbers"]]
    with store.session() as s:
        with pytest.raises(ValidationError):
            set_flags(s, actor=actor_for(s, "clerk"), number=numbers[2], gang_related=True, reason=" ")
        with pytest.raises(AccessDenied):
            set_flags(
                s, actor=actor_for(s, "inv"), number=numbers[2], gang_related=True, reason="公安移送的涉黑案件线索"
            )
    with store.session() as s:
        done = set_flags(s, actor=actor_for(s, "clerk"), number=numbers[2], gang_related=True,
                         reason="公安移送的涉黑案件线索", on=date(2019, 7, 1))  # fmt: skip
        assert done["changed"] == ["gang_related"] and done["gang_related"] is True
    assert _gang_figure(store) == (2, 2)  # the monthly summary followed the correction ...
    with store.session() as s:
        rebuild_summary(s, actor=actor_for(s, "admin"))
    assert _gang_figure(store) == (2, 2)  # ... exactly as a rebuild from the ledger counts it
    with store.session() as s:
        history = show_clue(s, actor=actor_for(s, "leader"), number=numbers[2])["history"]
        assert [(e["action"], e["reason"]) for e in history if e["action"] == "flag"] == [
            ("flag", "公安移送的涉黑案件线索")
        ]
        unchanged = set_flags(s, actor=actor_for(s, "clerk"), number=numbers[2], gang_related=True, reason="再次确认")
        assert unchanged["changed"] == []


def test_a_bad_flag_value_is_named_by_line_and_field(store: Store, tmp_path: Path) -> None:
    build_world(store)
    rows = [[*GOOD[0], "也许", ""], [*GOOD[1], "", "不详"]]
    with store.session() as s, pytest.raises(ImportRejected) as err:
        import_clues(s, actor=actor_for(s, "clerk"), path=write_csv(tmp_path / "b.csv", rows, HEADERS))
    assert {(p.line, p.field) for p in err.value.problems} == {(2, "涉黑涉恶"), (3, "涉嫌保护伞")}
