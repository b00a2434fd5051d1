"""What people read (issue 11 §6), replayed from the command line: gang cases, supervision lists, clue and case
show, search, corrections and the demo summary — in Chinese, names not logins, at 80 columns; and the police's view
of a gang case without the commission's clearance."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.cli.test_cli import GOOD, home, js, run, write_csv

__all__ = ["home"]  # the fixture, imported for pytest

GANG = "A5306020000002019030001"


def _gang_case(home: Path) -> None:
    run(home, "unit", "add", "530600-GA", "--name", "昭通市公安局", "--kind", "公安机关", "--region", "530600",
        "--parent", "530600-JW")  # fmt: skip
    run(home, "user", "add", "cop", "--name", "钱联络", "--unit", "530600-GA", "--roles", "police_liaison")
    run(
        home, "gang", "register", "--police-number", GANG, "--name", "虞某某涉黑案", "--kind", "黑社会性质组织",
        "--region", "530600", "--filed", "2019-03-01", "--unit", "530600-JW", "--police-unit", "530600-GA",
        "--member", "虞某某,组织者,53060219750302011X", "--on", "2019-03-08", user="cop",
    )  # fmt: skip


def _fits(text: str) -> None:
    assert max(cell_len(line) for line in text.splitlines()) <= 80, text


def test_the_police_are_not_told_a_gang_case_is_uncleared(home: Path) -> None:
    """Clearance tells of tracks 2 and 3: the police see no 清底 row or column, not a wrong 未清底."""
    _gang_case(home)
    for command in (("gang", "show", GANG), ("gang", "list")):
        police = run(home, *command, user="cop", columns=80).stdout
        commission = run(home, *command, user="boss", columns=80).stdout
        assert "清底" not in police and "同步挖出" not in police and "未清底" not in police
        assert "清底" in commission
        _fits(police)
        _fits(commission)


def test_supervision_lists_name_people_and_records_in_chinese(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    clue = js(home, "clue", "list", user="clerk")[0]["number"]
    run(home, "supervise", "mark", "线索", clue, "--kind", "重点督办", "--reason", "群众反映强烈", "--on", "2019-07-01",
        user="boss")  # fmt: skip
    run(home, "supervise", "instruct", "clue", clue, "--text", "请抓紧核查", "--due", "2019-07-15",
        "--on", "2019-07-01", user="boss")  # fmt: skip
    marks = run(home, "supervise", "marks", user="boss", columns=80).stdout
    instructions = run(home, "supervise", "instructions", user="boss", columns=80).stdout
    overdue = run(home, "supervise", "overdue", "--as-of", "2026-01-05", user="boss", columns=80).stdout
    assert "孙书记" in marks and "孙书记" in instructions  # the leader's name, not the login "boss"
    assert "boss" not in marks and "boss" not in instructions
    assert "线索" in overdue
    for code in ("clue", "instruction", "mark"):
        assert code not in overdue
    for text in (marks, instructions, overdue):
        _fits(text)


def test_clue_show_and_search_as_people_read_them(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    listed = {r["number"]: r["due_shown"] for r in js(home, "clue", "list", user="boss")}
    # 钱七 was reported with neither unit nor position: his name alone, no empty brackets.
    [number] = [r["number"] for r in js(home, "clue", "search", "钱七", user="boss")["results"]]
    shown = run(home, "clue", "show", number, user="boss", columns=80).stdout
    assert "钱七" in shown and "（）" not in shown
    # A search result carries the same due date as the list, where people read it.
    found = run(home, "clue", "search", "钱七", user="boss", columns=80).stdout
    assert "最近期限" in found and listed[number] in found
    _fits(found)


def test_case_show_names_the_approving_leader(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    clue = js(home, "clue", "list", user="clerk")[0]["number"]
    case = js(
        home, "case", "open", "--approver", "boss", "--subject", "张建国", "--position", "某局局长",
        "--clue", clue, "--direct", "经研究决定直接立案", "--on", "2019-05-06", user="inv",
    )["number"]  # fmt: skip
    assert js(home, "case", "show", case, user="boss")["approved_by"] == "boss"  # the login stays in --json
    shown = run(home, "case", "show", case, user="boss", columns=80).stdout
    assert "孙书记" in shown and "boss" not in shown
    _fits(shown)


def test_an_import_correction_reads_in_chinese_and_names_what_changed(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    changed = [list(GOOD[1][:9]) + ["局长"] + list(GOOD[1][10:])]  # 赵六 is 局长, not 副局长
    run(home, "clue", "import", str(write_csv(tmp_path / "c.csv", changed)), "--accept-corrections", user="clerk")
    [number] = [r["number"] for r in js(home, "clue", "search", "赵六", user="boss")["results"]]
    shown = run(home, "clue", "show", number, user="boss", columns=80).stdout
    assert "导入更正（被反映人）" in shown and "corrected" not in shown


def test_the_clue_list_filters_by_the_handler_name_it_shows(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    clue = js(home, "clue", "list", user="clerk")[0]["number"]
    run(home, "clue", "assign", clue, "--handler", "inv", "--on", "2019-07-01", user="clerk")
    assert run(home, "clue", "list", user="boss", columns=80).stdout.count("赵承办") == 1  # the list shows the name
    for given in ("inv", "赵承办"):
        assert [r["number"] for r in js(home, "clue", "list", "--handler", given, user="boss")] == [clue]
    unknown = run(home, "clue", "list", "--handler", "钱某", user="boss", ok=False)
    assert unknown.returncode != 0 and "钱某" in unknown.stderr and "Traceback" not in unknown.stderr


def test_the_demo_summary_speaks_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sanwang.services import demo_run

    load = {
        "units": 133,
        "users": 157,
        "clues": 400,
        "gang_cases": 6,
        "steps": {"assign": 3},
        "refused": 1,
        "refused_examples": [{"clue": "530602-2018-XF-00001", "action": "assign", "why": "no such user"}],
    }
    stats = {
        "since": "2018-01-01",
        "until": "2020-12-31",
        "baseline": "2019-05-01",
        "figures": {"clues_received": {"zh": "受理问题线索", "value": 400, "baseline": 200, "change": 200}},
        "rates": {"conclusion_rate": 0.8, "substantiation_rate": None, "umbrella_in_step_share": 0.5},
    }
    result = {"load": load, "stats": stats, "database": "sqlite:///x.db", "files": {"folder": "/srv/demo/scenario"}}
    monkeypatch.setattr(demo_run, "build_demo", lambda **_: result)
    said = run(tmp_path / "home", "demo", "--size", "small", "--no-serve", columns=80).stdout
    assert "单位" in said and "涉黑涉恶案件" in said and "530602-2018-XF-00001" in said
    for key in ("units", "users", "gang_cases", "refused", "no such user"):
        assert key not in said
    _fits(said)


def test_overdue_kinds_by_chinese_name_and_unknown_refused(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    by_code = js(home, "supervise", "overdue", "--kind", "clue", "--as-of", "2026-01-05", user="boss")
    by_name = js(home, "supervise", "overdue", "--kind", "线索", "--as-of", "2026-01-05", user="boss")
    assert by_code and by_name == by_code
    unknown = run(home, "supervise", "overdue", "--kind", "线素", user="boss", ok=False)
    assert unknown.returncode != 0 and "线素" in unknown.stderr and "线索移送" in unknown.stderr


def test_the_history_says_which_track_a_step_was_on(home: Path) -> None:
    _gang_case(home)
    for track in ("2", "3"):
        run(home, "gang", "assign", GANG, "--track", track, "--owner", "inv", "--on", "2019-03-11", user="boss")
    shown = run(home, "gang", "show", GANG, user="boss", columns=80).stdout
    history = shown[shown.index("操作记录") :]
    assert "第2查" in history and "第3查" in history
    _fits(shown)


def test_a_record_one_may_not_see_reads_as_one_that_does_not_exist(home: Path, tmp_path: Path) -> None:
    """Outside one's jurisdiction (or under recusal) a clue, case or gang case answers exactly as a wrong number
    does: its existence is itself protected (it said 无权查看, which confirmed the record was there)."""
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    [number, *_] = [r["number"] for r in js(home, "clue", "list", user="boss")]
    run(home, "unit", "add", "530602-JW", "--name", "昭阳区纪委监委", "--region", "530602", "--parent", "530600-JW")
    run(home, "user", "add", "county", "--name", "郑区县", "--unit", "530602-JW", "--roles", "case_manager")
    missing = number[:-5] + "99999"
    for args in (("clue", "show"), ("clue", "show", "--json")):
        hidden = run(home, *args[:2], number, *args[2:], user="county", ok=False)
        wrong = run(home, *args[:2], missing, *args[2:], user="county", ok=False)
        assert hidden.returncode == wrong.returncode == 2
        assert hidden.stderr.replace(number, "N") == wrong.stderr.replace(missing, "N"), (hidden.stderr, wrong.stderr)
        assert "无权" not in hidden.stderr
    run(home, "clue", "show", number, user="boss")  # the commission's own leader still reads it
