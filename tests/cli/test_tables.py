"""How tables print: nothing cut off at 80 columns, yes/no in Chinese."""

from __future__ import annotations

from sanwang.cli import common


def _printed(columns: list[tuple[str, str]], rows: list[dict[str, object]], width: int = 80) -> str:
    old = common.out.width
    common.out.width = width
    try:
        with common.out.capture() as cap:
            common.table("t", columns, rows)
    finally:
        common.out.width = old
    return cap.get()


def test_short_values_stay_whole_and_long_text_folds_without_loss() -> None:
    summary = "反映某镇党委书记收受黑恶势力头目好处费并为其充当保护伞" * 3
    rows = [{"number": "530600-2020-XF-00001", "a": "2020-03-02", "b": "2020-03-23", "c": "信访举报", "s": summary}]
    cols = [("number", "线索编号"), ("a", "收到日期"), ("b", "最近期限"), ("c", "来源渠道"), ("s", "摘要")]
    text = _printed(cols, rows)
    assert "…" not in text and max(len(line) for line in text.splitlines()) <= 80
    for v in ("530600-2020-XF-00001", "2020-03-02", "2020-03-23", "信访举报"):
        assert v in text
    folded = "".join(line.split("│")[-2].strip() for line in text.splitlines() if line.startswith("│"))
    assert folded == summary


def test_yes_no_and_empty_cells() -> None:
    text = _printed(
        [("n", "编号"), ("linked", "已关联"), ("x", "备注")],
        [{"n": "1", "linked": True, "x": None}, {"n": "2", "linked": False, "x": ""}],
    )
    assert "是" in text and "否" in text and "True" not in text and "None" not in text
