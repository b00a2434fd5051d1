"""What a case handler and a leader read, replayed from the command line: names, not logins or stored codes."""

from __future__ import annotations

import re
from pathlib import Path

from sanwang.domain.vocab import disposal_methods
from tests.cli.test_cli import home, js, run

__all__ = ["home"]  # the fixture, imported for pytest


def _detained(home: Path) -> str:
    run(home, "unit", "add", "530000-JW", "--name", "云南省纪委监委", "--region", "530000", user="admin")
    run(home, "unit", "move", "530600-JW", "--parent", "530000-JW", user="admin")
    run(home, "user", "add", "pboss", "--name", "吴省领导", "--unit", "530000-JW", "--roles", "leader", user="admin")
    number: str = js(
        home, "case", "open", "--approver", "boss", "--subject", "郑某", "--position", "某局局长",
        "--direct", "常委会决定直接立案", "--on", "2024-06-20", user="inv",
    )["number"]  # fmt: skip
    run(home, "case", "detain", number, "--approver", "pboss", "--at", "2024-07-01 10:00", user="inv")
    return number


def test_case_show_names_the_approving_leader(home: Path) -> None:
    number = _detained(home)
    shown = run(home, "case", "show", number, user="boss", columns=80).stdout
    [line] = [line for line in shown.splitlines() if "批准领导" in line]
    assert "孙书记" in line and "boss" not in line
    assert js(home, "case", "show", number, user="boss")["approved_by"] == "boss"  # the login stays in --json


def test_the_overdue_list_names_the_kind_of_record(home: Path) -> None:
    number = _detained(home)
    listed = run(home, "supervise", "overdue", "--as-of", "2024-07-03", user="boss", columns=80).stdout
    [line] = [line for line in listed.splitlines() if number in line]
    assert "审查调查案件" in line and "case" not in line.replace(number, "")


def test_the_propose_help_names_only_methods_it_accepts(home: Path) -> None:
    """The help offered 立案审查调查, which `clue propose --method` refused as an unknown method."""
    helped = (
        run(home, "clue", "propose", "--help", columns=200).stdout
        + run(home, "clue", "conclude", "--help", columns=200).stdout
    )
    known = {m.name for m in disposal_methods().methods}
    named = set(re.findall(r"予以了结|立案审查调查|移送审查调查|并入重复件|暂存复核|暂存待查", helped))
    assert named and named <= known, named - known


def test_the_family_notice_deadline_row_shows_the_lateness_in_hours(home: Path) -> None:
    """Told 6 hours late on the due day, the deadline row read due 2024-07-02, done 2024-07-02: on time."""
    number = _detained(home)
    run(home, "case", "notify-family", number, "--at", "2024-07-02 15:30", user="inv")
    shown = run(home, "case", "show", number, user="boss", columns=80).stdout
    [row] = [line for line in shown.splitlines() if "留置后通知家属" in line]
    assert "2024-07-02 10:00" in row and "2024-07-02 15:30（逾期6小时）" in row


def test_marks_and_instructions_name_the_leaders_and_the_overdue_list_keeps_numbers_whole(home: Path) -> None:
    """`supervise marks` and `supervise instructions` showed logins (boss); `supervise overdue` folded the record's
    number (530600-2024-LA-000/2) because its first column was the kind."""
    number = _detained(home)
    run(home, "supervise", "mark", "case", number, "--kind", "挂牌督办", "--reason", "典型", "--on", "2024-07-02",
        user="boss")  # fmt: skip
    run(home, "supervise", "instruct", "case", number, "--text", "请深挖", "--due", "2024-07-05", "--on",
        "2024-07-02", user="boss")  # fmt: skip
    for listing in ("marks", "instructions"):
        shown = run(home, "supervise", listing, user="boss", columns=80).stdout
        [line] = [line for line in shown.splitlines() if number in line]
        assert "孙书记" in line and "boss" not in line, listing
    listed = run(home, "supervise", "overdue", "--as-of", "2024-07-08", user="boss", columns=80).stdout
    assert all(line.split("│")[1].strip() == number for line in listed.splitlines() if number in line)
