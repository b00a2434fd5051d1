"""Discipline cases from the command line: outcome, 复审, a bulletin draft, and the statistics summary rebuild."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len

from tests.cli.test_cli import GOOD, home, js, run, write_csv

__all__ = ["home"]  # the fixture, imported for pytest


def test_case_review_bulletin_and_stats_rebuild(home: Path, tmp_path: Path) -> None:
    js(home, "clue", "import", str(write_csv(tmp_path / "l.csv", GOOD)), user="clerk")
    clue = js(home, "clue", "list", user="clerk")[0]["number"]
    case = js(
        home, "case", "open", "--approver", "boss", "--subject", "张建国", "--position", "某局局长",
        "--clue", clue, "--direct", "经研究决定直接立案", "--on", "2019-05-06", user="inv",
    )["number"]  # fmt: skip
    js(
        home,
        "case",
        "outcome",
        case,
        "--kind",
        "党纪处分",
        "--value",
        "警告",
        "--form",
        "2",
        "--on",
        "2019-09-02",
        user="boss",
    )
    outcome = js(home, "case", "show", case, user="boss")["outcomes"][0]["id"]
    # For people: Chinese at 80 columns, no English keys or stored codes, no zero-width column.
    shown = run(home, "case", "show", case, user="boss", columns=80).stdout
    assert "处理结果" in shown and "第二种形态" in shown and "生效" in shown and "直接立案决定" in shown
    for code in ("number", "state_zh", "approved_by", "party", "outcomes", "investigating"):
        assert code not in shown
    assert max(cell_len(line) for line in shown.splitlines()) <= 80
    assert "││" not in shown
    late = run(
        home, "case", "review-apply", case, "--outcome", str(outcome), "--grounds", "处分过重", "--on", "2019-10-09",
        user="clerk", ok=False,
    )  # fmt: skip
    assert late.returncode == 2 and "届满" in late.stderr and "ended on 2019-10-08" in late.stderr
    review = js(
        home, "case", "review-apply", case, "--outcome", str(outcome), "--grounds", "处分过重", "--on", "2019-09-20",
        user="clerk",
    )["review"]  # fmt: skip
    decided = js(home, "case", "review-decide", str(review), "--result", "维持", "--decision", "事实清楚", user="boss")
    assert decided["result"] == "upheld"
    facts = tmp_path / "facts.txt"
    # 王五 (a subject of the source clue) and 李四 (its reporter) are known to the ledger: always reduced.
    facts.write_text("经查，张建国收受王五所送现金，并向李四打听举报情况，王五电话13812345678。", encoding="utf-8")
    draft = js(home, "case", "bulletin", case, "--facts-file", str(facts), user="boss")
    assert "张建国" in draft["text"] and "13812345678" not in draft["text"]
    assert "王五" not in draft["text"] and "李四" not in draft["text"] and "王某" in draft["text"]
    both = run(home, "case", "bulletin", case, user="boss", ok=False)
    assert both.returncode == 2 and "--facts" in both.stderr and "Traceback" not in both.stderr
    refused = run(home, "stats", "--rebuild", user="boss", ok=False)
    assert refused.returncode != 0 and "administrator" in refused.stderr
    assert js(home, "stats", "--rebuild", user="admin")["rows"] >= 2
    st = js(home, "stats", "--since", "2019-01-01", "--until", "2019-12-31", user="boss")
    assert st["figures"]["clues_received"]["value"] == 3
