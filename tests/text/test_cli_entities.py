"""``sanwang text entities``: offsets index the text exactly as given, damaged or not."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sanwang.cli.text import app

DAMAGED = "來(lái)源:昭通新聞網(wǎng) 陈某于2019年4月24日收受3.5万元"


def test_jsonl_offsets_slice_the_given_text() -> None:
    lines = [json.dumps({"id": "a", "text": DAMAGED}, ensure_ascii=False), json.dumps({"id": 7, "text": "无"})]
    result = CliRunner().invoke(app, ["entities", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert first["id"] == "a" and second == {"id": 7, "entities": []}
    found = {(e["type"], e["text"]) for e in first["entities"]}
    # 昭通新闻网 is a unit (the name model reads it whole), so 昭通 is no longer a place of its own.
    assert {("org", "昭通新聞網(wǎng)"), ("person", "陈某"), ("date", "2019年4月24日"), ("amount", "3.5万元")} <= found
    for e in first["entities"]:
        assert DAMAGED[e["start"] : e["end"]] == e["text"]


def test_bad_line_is_named() -> None:
    result = CliRunner().invoke(app, ["entities", "--jsonl"], input='{"id": 1, "text": "x"}\nnot json\n')
    assert result.exit_code == 2 and "line 2" in result.output


def test_a_month_stays_a_month_and_more_than_stays_more_than() -> None:
    text = "2019年3月，某局长收受5万余元；2020年4月5日又收3万元。"
    result = CliRunner().invoke(app, ["entities", "--json"], input=text)
    assert result.exit_code == 0, result.output
    by_text = {e["text"]: e for e in json.loads(result.stdout)["entities"]}
    # The value alone (2019-03-01, 50000) read as a day and an exact sum.
    assert (by_text["2019年3月"]["value"], by_text["2019年3月"]["precision"]) == ("2019-03-01", "month")
    assert by_text["2020年4月5日"]["precision"] == "day"
    assert (by_text["5万余元"]["value"], by_text["5万余元"]["precision"]) == (50000, "more_than")
    assert by_text["3万元"]["precision"] == "exact"
