"""``sanwang stats`` as people read it: Chinese at 80 columns, drill-downs by Chinese name, ``stats verify``."""

from __future__ import annotations

import json
import re

import pytest
from rich.cells import cell_len
from sqlalchemy import text
from typer.testing import CliRunner

from sanwang.cli import common
from sanwang.cli.main import app
from sanwang.services.stats import FIGURES
from sanwang.store.db import Store
from tests.services.test_stats_drill import _populate

YEAR = ["--since", "2019-01-01", "--until", "2019-12-31"]


def _run(*args: str, user: str = "leader", code: int = 0) -> str:
    old = common.out.width
    common.out.width = 80
    try:
        result = CliRunner().invoke(app, [*args, "--as", user])
    finally:
        common.out.width = old
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture
def ledger(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    _populate(store)
    monkeypatch.setenv("SANWANG_DATABASE_URL", store.url)
    return store


def test_stats_speak_chinese_at_80_columns(ledger: Store) -> None:
    shown = _run("stats", *YEAR, "--baseline", "2019-06-30")
    lines = shown.splitlines()
    assert max(cell_len(line) for line in lines) <= 80
    body = [line for line in lines if "sanwang" not in line and "--" not in line]
    assert not [line for line in body if re.search(r"[A-Za-z_]{3,}", line)]  # no clues_received, no codes
    for f in FIGURES:  # every figure on one row, with every column of it visible
        row = next(line for line in lines if f"│ {f.zh} " in line)
        assert len([c for c in row.split("│")[1:-1] if c.strip()]) == 5, row
    for header in ("查结率", "查实率", "分子/分母", "2/4", "按来源渠道", "按处置方式", "初步核实", "基准日2019-06-30"):
        assert header in shown


def test_drill_down_by_chinese_name_with_breakdowns(ledger: Store) -> None:
    people = _run("stats", "--list", "立案审查调查", *YEAR)
    assert people.splitlines()[0] == "立案审查调查：3 人" and "C-2019-001、C-2019-002" in people
    sent = json.loads(_run("stats", "--list", "向公安机关移送线索", *YEAR, "--json"))
    assert [r["label"] for r in sent["records"]] == ["#1", "#2"]
    by = json.loads(_run("stats", "--list", "受理问题线索", "--channel", "信访举报", *YEAR, "--json"))
    assert len(by["records"]) == 2
    change = json.loads(_run("stats", "--list", "办结问题线索", *YEAR, "--baseline", "2019-06-30", "--json"))
    assert len(change["added"]) == 1 and change["removed"] == []
    bad = CliRunner().invoke(app, ["stats", "--list", "不存在的项目", "--as", "leader"])
    assert bad.exit_code != 0


def test_stats_verify_names_drift(ledger: Store) -> None:
    assert "一致" in _run("stats", "verify", user="admin")
    with ledger.session() as s:
        s.execute(text("UPDATE clue_month_counts SET n = n + 5 WHERE kind = 'disposed'"))
    shown = _run("stats", "verify", user="admin", code=1)
    assert "处置问题线索" in shown and "2019-03" in shown and "530600-JW" in shown
    drifts = json.loads(_run("stats", "verify", "--json", user="admin", code=1))["drifts"]
    assert drifts == [
        {"figure": "clues_disposed", "zh": "处置问题线索", "month": "2019-03", "unit": "530600-JW", "summary": 7,
         "ledger": 2}
    ]  # fmt: skip
    _run("stats", "--rebuild", user="admin")
    assert "一致" in _run("stats", "verify", user="admin")
