"""The command line in-process: usage errors in Chinese and English, and what to run after a bare init."""

from __future__ import annotations

import json

import pytest

from sanwang.cli.main import run


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.argv", ["sanwang", *args])
    monkeypatch.setenv("COLUMNS", "80")
    try:
        run()
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("clue", "register", "--channel", "12337"), "缺少选项 --received", "Missing option"),
        (("clue", "show"), "缺少参数", "Missing argument"),
        (("clue", "list", "--limit", "x"), "--limit 的值无效：应为整数", "Invalid value"),
        (("deadline", "--from", "2020-01-01", "--days", "0"), "应不小于 1", "greater than or equal"),
        (("clue", "list", "--bogus"), "没有选项 --bogus", "No such option"),
        (("clue", "nosuch"), "没有这个命令", "No such command"),
    ],
)
def test_usage_errors_come_in_chinese_and_english(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], zh: str, en: str
) -> None:
    code, _, err = _run(monkeypatch, capsys, *args)
    assert code == 2
    assert zh in err and en in err and "--help" in err and "Traceback" not in err


def test_a_usage_error_with_json_is_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(monkeypatch, capsys, "clue", "register", "--channel", "12337", "--json")
    assert code == 2 and "--received" in json.loads(err)["zh"]


def test_help_and_bare_groups_still_work(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(monkeypatch, capsys, "deadline", "--help")
    assert code == 0 and "--working-days" in out


def test_after_init_without_region_every_command_says_what_to_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(monkeypatch, capsys, "init")
    assert code == 0 and "sanwang init --region" in err
    for args in (("clue", "list"), ("stats",), ("remind",)):
        code, _, err = _run(monkeypatch, capsys, *args)
        assert code == 2 and "先运行 sanwang init --region 行政区划代码" in err.replace("\n", ""), err
        assert "no active user" not in err
