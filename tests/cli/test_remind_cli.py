"""`sanwang remind` as people read it: Chinese, 80 columns, one table per unit, nothing squeezed to nothing."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from sanwang.cli import common
from sanwang.cli.main import app
from sanwang.services.clues import act
from sanwang.services.context import actor_for
from sanwang.store.db import Store
from tests.services.test_clue_flow import _register
from tests.services.world import build_world


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    url = f"sqlite:///{tmp_path / 'remind.db'}"
    monkeypatch.setenv("SANWANG_DATABASE_URL", url)
    monkeypatch.setattr(common.out, "width", 80)
    store = Store(url)
    store.upgrade()
    build_world(store)
    [num, _] = _register(store, 2)
    with store.session() as s:  # one clue under 初步核实: its overdue deadline is also escalated
        for who, action, args in (("manager", "assign", {"handler": "inv"}), ("inv", "propose", {"method": "初步核实"}),
                                  ("leader", "approve", {})):  # fmt: skip
            act(s, actor=actor_for(s, who), number=num, action=action, on=date(2019, 5, 6), args=args)
    return store


def test_remind_prints_chinese_within_80_columns(ledger: Store) -> None:
    result = CliRunner().invoke(app, ["remind", "--as-of", "2019-06-03", "--as", "manager"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "昭通市纪委监委" in text.splitlines()[0]  # the unit heads its table instead of taking a column
    # no English keys, rule codes or booleans
    assert not re.search(r"disposal_opinion|verification|True|False|escalate|clue\b|None", text)
    for header in ("编号", "期限", "到期日", "逾期", "承办人", "报上级"):
        assert header in text
    # every value is there whole: no column squeezed to nothing
    assert "530600-2019-SH-00001" in text and "2019-05-27" in text and "赵承办" in text and "7天" in text
    assert "初步核实" in text.replace("\n", "").replace("│", "").replace(" ", "")
    assert "其中 1 项报上级督办" in text


def test_remind_json_keeps_the_stored_names(ledger: Store) -> None:
    result = CliRunner().invoke(app, ["remind", "--as-of", "2019-06-03", "--as", "manager", "--json"])
    data = json.loads(result.output)
    assert {r["rule"] for r in data["reminders"]} >= {"verification", "reporter_acceptance"}
    assert all(r["kind_zh"] == "线索" for r in data["reminders"])


def test_remind_with_nothing_overdue_says_so(ledger: Store) -> None:
    result = CliRunner().invoke(app, ["remind", "--as-of", "2019-04-02", "--as", "manager"])
    assert result.exit_code == 0 and "无需催办" in result.output
