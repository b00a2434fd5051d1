"""Recusal of relatives (亲属回避): a user never sees a clue, case or figure about a relative they declared."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sanwang.domain.errors import AccessDenied, ImportRejected, ValidationError
from sanwang.services.clues import SubjectDraft, list_clues, show_clue
from sanwang.services.context import actor_for
from sanwang.services.search import search
from sanwang.services.stats import drill, statistics
from sanwang.services.units import declare_relative, import_relatives
from sanwang.store.db import Store
from sanwang.store.tables import UserRelative
from tests.services.test_clue_flow import _register
from tests.services.world import build_world

SPOUSE = "11010519491231002X"
SON = "530602198007090228"


def test_a_declared_relative_hides_the_clue_everywhere(store: Store) -> None:
    build_world(store)
    [about_spouse] = _register(store, prefix="S", subjects=(SubjectDraft(name="周某", id_number=SPOUSE),),
                               summary="反映周某在征地拆迁中收受好处费")  # fmt: skip
    _register(store, 2, prefix="X")
    with store.session() as s:
        assert declare_relative(s, user="leader2", name="周某", id_number=SPOUSE, relation="配偶")["added"] == 1
        assert declare_relative(s, user="leader2", name="周某", id_number=SPOUSE, relation="配偶")["added"] == 0
    with store.session() as s:
        me, other = actor_for(s, "leader2"), actor_for(s, "leader")
        assert about_spouse not in [c["number"] for c in list_clues(s, actor=me)]
        assert about_spouse in [c["number"] for c in list_clues(s, actor=other)]
        with pytest.raises(AccessDenied):
            show_clue(s, actor=me, number=about_spouse)
        assert [r["number"] for r in search(s, actor=me, query="征地拆迁")["results"]] == []
        period = {"since": date(2019, 1, 1), "until": date(2019, 12, 31)}
        figure = statistics(s, actor=me, **period)["figures"]["clues_received"]["value"]
        listed = drill(s, actor=me, figure="clues_received", **period).records
        assert figure == len(listed) == 2
        assert statistics(s, actor=other, **period)["figures"]["clues_received"]["value"] == 3


def test_declarations_are_checked_and_a_bad_file_writes_nothing(store: Store, tmp_path: Path) -> None:
    build_world(store)
    with store.session() as s:
        with pytest.raises(ValidationError, match="relation"):
            declare_relative(s, user="leader2", name="周某", id_number=SPOUSE, relation="朋友")
        with pytest.raises(ValidationError):
            declare_relative(s, user="leader2", name="周某", id_number="110105194912310021", relation="配偶")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "用户名,亲属姓名,身份证号,关系\nleader2,周某,"
        + SPOUSE
        + ",配偶\nnobody,李某,"
        + SON
        + ",子女\nleader,,123,朋友\n",
        encoding="utf-8",
    )
    with store.session() as s, pytest.raises(ImportRejected) as err:
        import_relatives(s, bad)
    lines = sorted({(p.line, p.field) for p in err.value.problems})
    assert lines == [(3, "用户名"), (4, "亲属姓名"), (4, "关系"), (4, "身份证号")]
    with store.reading() as s:
        assert s.query(UserRelative).count() == 0
    good = tmp_path / "good.csv"
    good.write_bytes(
        ("用户名,亲属姓名,身份证号,关系\nleader2,周某," + SPOUSE + ",配偶\nleader,张某," + SON + ",子女\n").encode(
            "gb18030"
        )
    )
    with store.session() as s:
        assert import_relatives(s, good) == {"rows": 2, "added": 2}
    with store.session() as s:
        assert import_relatives(s, good) == {"rows": 2, "added": 0}
