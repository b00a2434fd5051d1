"""``sanwang init`` and ``sanwang unit`` in-process: init says what it created; units move and keep history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanwang.cli import common
from sanwang.cli.main import app


def _run(*args: str, code: int = 0) -> str:
    old = common.out.width
    common.out.width = 80
    try:
        result = CliRunner().invoke(app, list(args))
    finally:
        common.out.width = old
    assert result.exit_code == code, (result.output, result.exception)
    return result.output


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SANWANG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SANWANG_USER", "admin")
    return tmp_path / "home"


def test_init_names_each_unit_it_created(home: Path) -> None:
    shown = _run("init", "--region", "530600")
    for code, region in (("530000-JW", "530000"), ("530600-JW", "530600")):
        line = next(x for x in shown.splitlines() if code in x and "新建" in x)
        assert region in line and "纪委监委" in line
    again = json.loads(_run("init", "--region", "530600", "--json"))
    assert again["units_created"] == []


def test_unit_commands_move_edit_and_show_history(home: Path) -> None:
    _run("init", "--region", "530600")
    _run("unit", "add", "530602-JW", "--name", "昭阳区纪委监委", "--region", "530602", "--parent", "530600-JW")
    _run("unit", "add", "530602-XF", "--name", "信访室", "--kind", "信访室", "--region", "530602",
         "--parent", "530602-JW")  # fmt: skip
    moved = json.loads(_run("unit", "move", "530602-JW", "--parent", "530000-JW", "--json"))
    assert moved["parent"] == "530000-JW"
    units = {u["code"]: u for u in json.loads(_run("unit", "list", "--json"))}
    assert units["530602-XF"]["path"].startswith(units["530602-JW"]["path"])
    assert units["530602-JW"]["path"].startswith(units["530000-JW"]["path"])
    _run("unit", "edit", "530602-JW", "--name", "昭阳区纪委区监委")
    history = _run("unit", "history", "530602-JW")
    assert "调整隶属" in history and "530600-JW → 530000-JW" in history and "昭阳区纪委区监委" in history
    refused = CliRunner().invoke(app, ["unit", "move", "530000-JW", "--parent", "530602-XF"])
    assert refused.exit_code != 0
