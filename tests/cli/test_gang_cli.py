"""A gang case from the command line, with the units laid out as the quickstart lays them out: the district police
unit filed under the city commission. The police stay the police; what people read is Chinese."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import home, js, run

__all__ = ["home"]  # the fixture, imported for pytest

GANG = "昭公（刑）立字〔2019〕7号"


def _office(home: Path) -> None:
    run(home, "unit", "add", "530600-GA", "--name", "昭通市公安局", "--kind", "公安机关", "--region", "530600",
        "--parent", "530600-JW", user="admin")  # fmt: skip
    run(home, "user", "add", "cop", "--name", "冯联络", "--unit", "530600-GA", "--roles", "police_liaison",
        user="admin")  # fmt: skip
    run(home, "gang", "register", "--police-number", GANG, "--name", "虞某某涉恶案", "--kind", "恶势力犯罪集团",
        "--region", "530600", "--filed", "2019-03-01", "--unit", "530600-JW", "--member", "虞某某,组织者",
        "--on", "2019-03-04", user="cop")  # fmt: skip


def test_police_under_the_commission_neither_sign_for_their_transfer_nor_read_its_tracks(home: Path) -> None:
    _office(home)
    sent = js(home, "gang", "transfer", GANG, "--content", "吴某为团伙通风报信", "--on", "2019-03-05", user="cop")
    own = run(home, "gang", "ack", str(sent["id"]), "--on", "2019-03-06", user="cop", ok=False)
    assert own.returncode == 2 and "接收单位" in own.stderr and "receiving unit" in own.stderr
    clue = js(home, "gang", "ack", str(sent["id"]), "--on", "2019-03-06", user="inv")
    assert clue["acknowledged_on"] == "2019-03-06"
    seen = run(home, "gang", "show", GANG, user="cop", columns=80).stdout
    assert "第1查" in seen and "第2查" not in seen and "第3查" not in seen


def test_track_steps_and_the_flags_line_speak_chinese(home: Path) -> None:
    _office(home)
    sent = js(home, "gang", "transfer", GANG, "--content", "吴某为团伙通风报信", "--on", "2019-03-05", user="cop")
    run(home, "gang", "ack", str(sent["id"]), "--on", "2019-03-06", user="inv")
    said = run(home, "gang", "assign", GANG, "--track", "2", "--owner", "inv", "--on", "2019-03-07", user="boss")
    assert "第2查" in said.stdout and "办理中" in said.stdout and "in_progress" not in said.stdout
    [number] = [c["number"] for c in js(home, "clue", "list", user="clerk")]
    shown = run(home, "clue", "show", number, user="clerk", columns=80).stdout
    [flags] = [line for line in shown.splitlines() if "标记" in line]
    assert "涉黑涉恶" in flags and "from_transfer" not in flags and "gang_case" not in flags
