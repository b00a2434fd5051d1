"""The ``sanwang`` command as a user runs it: JSON on stdout, bilingual errors on stderr, exit codes.

Commands run in this process through the console entry point (``sanwang.cli.main.run``), each as a fresh
process would see them; ``test_the_installed_command`` runs the real executable.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sanwang.cli import common
from sanwang.cli import main as cli_main
from sanwang.services.imports import HEADERS
from tests.services.test_import import BAD, GOOD, write_csv

SANWANG = shutil.which("sanwang", path=str(Path(sys.executable).parent)) or "sanwang"


def _forget_loaded_config() -> None:
    """Drop what a process loads once (rules, office overrides, the job queue): each command starts afresh."""
    for name, module in list(sys.modules.items()):
        if name.startswith("sanwang") and module is not None:
            for value in list(vars(module).values()):
                if getattr(value, "__module__", None) == name and callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def run(
    home: Path,
    *args: str,
    ok: bool = True,
    user: str | None = None,
    columns: int = 200,
    env_extra: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    env = {"SANWANG_HOME": str(home), "COLUMNS": str(columns), "SANWANG_DATABASE_URL": None, "SANWANG_USER": user}
    env.update(env_extra or {})
    _forget_loaded_config()
    code: int = 0
    with ExitStack() as stack:
        stdout, stderr, _ = stack.enter_context(CliRunner().isolation(env=env))
        for console in (common.out, common.err):  # rich fixed its width when imported; a new process would not
            stack.callback(setattr, console, "_width", console._width)
            console.width = columns
        stack.callback(setattr, sys, "argv", sys.argv)
        sys.argv = ["sanwang", *args]
        try:
            cli_main.run()
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else int(e.code is not None)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
        said, warned = stdout.getvalue().decode(), stderr.getvalue().decode()
    proc = subprocess.CompletedProcess(["sanwang", *args], code, said, warned)
    if ok:
        assert proc.returncode == 0, proc.stderr
    return proc


def js(home: Path, *args: str, user: str | None = None) -> Any:
    return json.loads(run(home, *args, "--json", user=user).stdout)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    run(h, "init")
    run(h, "unit", "add", "530600-JW", "--name", "昭通市纪委监委", "--region", "530600")
    run(h, "user", "add", "admin", "--name", "管理员", "--unit", "530600-JW", "--roles", "admin")
    run(h, "user", "add", "clerk", "--name", "王信访", "--unit", "530600-JW", "--roles", "intake_clerk,case_manager")
    run(h, "user", "add", "inv", "--name", "赵承办", "--unit", "530600-JW", "--roles", "investigator")
    run(h, "user", "add", "boss", "--name", "孙书记", "--unit", "530600-JW", "--roles", "leader")
    return h


def test_init_twice_is_safe(home: Path) -> None:
    first = js(home, "init")
    assert first["revision"] and first["units"] == 1 and first["users"] == 4


def test_the_installed_command(tmp_path: Path) -> None:
    """The real executable: its exit codes, JSON on stdout, a bilingual error without a traceback on stderr."""
    env = {k: v for k, v in os.environ.items() if k != "SANWANG_DATABASE_URL"}
    env["SANWANG_HOME"] = str(tmp_path / "home")
    done = subprocess.run([SANWANG, "init", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and json.loads(done.stdout)["revision"], done.stderr
    bad = subprocess.run([SANWANG, "deadline", "--from", "2019-02-30", "--days", "3"], capture_output=True, text=True,
                         env=env, timeout=120)  # fmt: skip
    assert bad.returncode == 2 and "--from" in bad.stderr and "Traceback" not in bad.stderr and bad.stdout == ""
    assert subprocess.run([SANWANG, "bogus"], capture_output=True, env=env, timeout=120).returncode == 2


def test_deadline_command() -> None:
    home = Path("/nonexistent-not-needed")
    assert js(home, "deadline", "--from", "2020-01-20", "--working-days", "5") == {"due": "2020-02-04"}
    assert js(home, "deadline", "--from", "2019-01-31", "--months", "1") == {"due": "2019-02-28"}
    assert js(home, "deadline", "--from", "2019-09-28", "--days", "3") == {"due": "2019-10-08"}
    assert js(home, "deadline", "--from", "2019-04-01", "--rule", "inquiry_reply")["due"] == "2019-04-23"
    bad = run(home, "deadline", "--from", "2019-02-30", "--days", "3", ok=False)
    assert bad.returncode != 0 and "--from" in bad.stderr and "Traceback" not in bad.stderr
    # A year whose holiday notice is not configured: a provisional date, flagged on stdout and stderr.
    far = run(home, "deadline", "--from", "2031-01-01", "--days", "3", "--json")
    assert json.loads(far.stdout) == {"due": "2031-01-06", "provisional": True}
    assert "holidays.yaml" in far.stderr and "provisional" in far.stderr


def test_import_list_show_workflow_stats_export(home: Path, tmp_path: Path) -> None:
    ledger = write_csv(tmp_path / "l.csv", GOOD)
    assert js(home, "clue", "import", str(ledger), user="clerk") == {
        "imported": 3, "duplicates": 0, "corrected": 0, "corrections": [], "unit": "530600-JW",
        "numbers": ["530600-2019-SH-00001", "530600-2019-XF-00002", "530600-2019-GA-00003"],
        "header_line": 1, "encoding": "utf-8",
    }  # fmt: skip
    assert js(home, "clue", "import", str(ledger), user="clerk")["imported"] == 0
    clues = js(home, "clue", "list", user="clerk")
    assert [c["number"] for c in clues] == ["530600-2019-SH-00001", "530600-2019-XF-00002", "530600-2019-GA-00003"]
    assert {"number", "state", "channel", "received", "due"} <= set(clues[0])
    assert clues[0]["due"] == "2019-04-23"  # the earliest open deadline: 15 working days to tell the reporter
    overdue = js(home, "clue", "list", "--overdue", user="clerk")
    assert len(overdue) == 3
    num = clues[1]["number"]
    run(home, "clue", "assign", num, "--handler", "inv", "--on", "2019-05-07", user="clerk")
    run(home, "clue", "propose", num, "--method", "初步核实", "--on", "2019-05-08", user="inv")
    refused = run(home, "clue", "approve", num, user="inv", ok=False)
    assert refused.returncode == 2 and "领导" in refused.stderr and "leader" in refused.stderr
    run(home, "clue", "approve", num, "--on", "2019-05-09", user="boss")
    shown = js(home, "clue", "show", num, user="boss")
    assert shown["state"] == "handling" and shown["disposal"] == "verification"
    assert [h["action"] for h in shown["history"]] == ["register", "assign", "propose", "approve"]
    st = js(home, "stats", "--since", "2019-01-01", "--until", "2019-12-31", user="boss")
    assert st["figures"]["clues_received"]["value"] == 3 and st["figures"]["clues_disposed"]["value"] == 1
    listed = js(home, "stats", "--list", "clues_disposed", "--since", "2019-01-01", user="boss")
    assert [r["label"] for r in listed["records"]] == [num]
    out = tmp_path / "ledger.xlsx"
    assert js(home, "ledger", "export", str(out), user="clerk")["rows"] == 3
    assert out.stat().st_size > 0


def test_tables_keep_numbers_and_dates_whole_and_speak_chinese(home: Path, tmp_path: Path) -> None:
    # A pipe or a narrow terminal is 80 columns: rich used to cut dates to "2019-0…" there.
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    clues = js(home, "clue", "list", user="clerk")
    listed = run(home, "clue", "list", user="clerk", columns=80).stdout
    assert "…" not in listed
    for c in clues:
        assert c["number"] in listed and c["received"] in listed and c["due"] in listed
    num = clues[1]["number"]
    run(home, "clue", "assign", num, "--handler", "inv", "--on", "2019-05-07", user="clerk")
    shown = run(home, "clue", "show", num, user="inv", columns=80).stdout
    # History and deadlines by their Chinese names; the stored English names stay in --json.
    assert "分办" in shown and "待处置" in shown and "assign" not in shown and "awaiting" not in shown
    assert "线索登记后提出处置意见" in shown and "disposal_opinion" not in shown
    assert [h["action"] for h in js(home, "clue", "show", num, user="inv")["history"]] == ["register", "assign"]
    # Roles are given and shown by their Chinese names too.
    run(home, "user", "add", "liu", "--name", "刘审理", "--unit", "530600-JW", "--roles", "审理人员,承办人")
    assert {u["username"]: u["roles"] for u in js(home, "user", "list")}["liu"] == "adjudicator,investigator"
    users = run(home, "user", "list").stdout
    assert "审理人员、承办人" in users and "案件监督管理员、信访受理员" in users


def test_changed_triage_rules_are_flagged_and_rescored(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    assert "rescore" not in run(home, "clue", "list", "--sort", "gang", user="clerk").stderr
    (home / "config").mkdir(exist_ok=True)
    (home / "config" / "triage.yaml").write_text(
        "version: 9\nbias: {gang: -1.0, misconduct: -1.0}\nindicators:\n"
        "  - {key: k, label: 甲, score: gang, weight: 1, phrases: [保护伞]}\n",
        encoding="utf-8",
    )
    # The queue is still shown, with a warning naming the command that brings the scores up to date.
    stale = run(home, "clue", "list", "--sort", "gang", user="clerk")
    assert "3 条线索" in stale.stderr and "sanwang clue rescore" in stale.stderr and stale.stdout
    assert run(home, "clue", "rescore", user="clerk", ok=False).returncode != 0  # administrators only
    assert js(home, "clue", "rescore", user="admin")["rescored"] == 3
    assert "rescore" not in run(home, "clue", "list", "--sort", "gang", user="clerk").stderr
    assert js(home, "init")["clues_rescored"] == 0
    (home / "config" / "triage.yaml").unlink()  # back to the shipped model: init (the upgrade step) re-scores
    assert js(home, "init")["clues_rescored"] == 3


def test_bad_import_names_lines_and_writes_nothing(home: Path, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", GOOD + BAD)
    proc = run(home, "clue", "import", str(bad), user="clerk", ok=False)
    assert proc.returncode == 2
    assert "第5行" in proc.stderr and "line 5" in proc.stderr and "来源渠道" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert js(home, "clue", "list", user="clerk") == []
    as_json = run(home, "clue", "import", str(bad), "--json", user="clerk", ok=False)
    problems = json.loads(as_json.stderr)["problems"]
    assert {p["line"] for p in problems} == {5, 6, 7, 8, 9, 10}
    assert len(HEADERS) == 14  # the twelve, then the optional flags 涉黑涉恶 and 涉嫌保护伞


def test_only_an_administrator_adds_users(home: Path) -> None:
    args = ["user", "add", "mole", "--name", "内鬼", "--unit", "530600-JW", "--roles", "leader", "--as", "clerk"]
    proc = run(home, *args, ok=False)
    assert proc.returncode == 2 and "administrator" in proc.stderr
    assert "mole" not in {u["username"] for u in js(home, "user", "list")}
    again = run(home, "user", "add", "clerk", "--name", "另一个", "--unit", "530600-JW", "--roles", "leader", ok=False)
    assert again.returncode == 2 and "taken" in again.stderr
    bad_state = run(home, "clue", "list", "--state", "bogus", user="clerk", ok=False)
    assert bad_state.returncode == 2 and "--state" in bad_state.stderr
    assert js(home, "clue", "list", "--state", "办结", user="clerk") == []


def test_errors_without_traceback(home: Path) -> None:
    proc = run(home, "clue", "show", "530600-2019-XF-99999", user="clerk", ok=False)
    assert proc.returncode == 2 and "不存在" in proc.stderr and "no clue" in proc.stderr
    proc = run(home, "clue", "list", user="nobody", ok=False)
    assert proc.returncode == 2 and "nobody" in proc.stderr and "Traceback" not in proc.stderr
