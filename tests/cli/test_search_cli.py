"""``sanwang clue search`` as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import GOOD, home, js, run, write_csv

__all__ = ["home"]  # the fixture, imported for pytest


def test_search_finds_marks_and_refuses_an_empty_query(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    found = js(home, "clue", "search", "保護傘", user="boss")  # traditional query, simplified text
    assert [r["number"] for r in found["results"]] == ["530600-2019-SH-00001"]
    assert "【保护伞】" in found["results"][0]["snippet"] and found["more"] is False
    plain = run(home, "clue", "search", "好处费", user="boss")
    assert "530600-2019-XF-00002" in plain.stdout
    empty = run(home, "clue", "search", "，", user="boss", ok=False)
    assert empty.returncode == 2 and "no searchable words" in empty.stderr and "Traceback" not in empty.stderr
