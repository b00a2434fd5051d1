"""How tables print: nothing cut off at 80 columns, yes/no in Chinese."""

from __future__ import annotations

from rich.cells import cell_len

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


def test_a_list_with_more_short_columns_than_fit_still_fits_80_columns() -> None:
    """Minimum widths are the one thing rich will not shrink: nine short columns (a case list) ran to 96 columns,
    the gang list to 119. Chinese words fold first, dates stay whole while they can, no header stands one
    character a line."""
    cols = [("n", "案件编号"), ("s", "状态"), ("p", "被审查调查人"), ("o", "职务"), ("r", "职级"), ("d", "立案日期"),
            ("x", "留置中"), ("u", "留置期限"), ("g", "涉黑涉恶案件")]  # fmt: skip
    row = {"n": "530602-2018-LA-0002", "s": "审结", "p": "张乐裕", "o": "股长", "r": "一般干部", "d": "2018-04-11",
           "x": False, "u": "2018-11-26", "g": "A5306020000002018010001"}  # fmt: skip
    text = _printed(cols, [row])
    assert max(cell_len(line) for line in text.splitlines()) <= 80, text
    assert "530602-2018-LA-0002" in text  # the record's number stays whole
    # No column narrower than two Chinese characters (plus its two padding cells).
    top = next(line for line in text.splitlines() if line.startswith("┏"))
    assert all(len(seg) >= 6 for seg in top.strip("┏┓").split("┳")), top


def test_dates_stay_whole_when_a_chinese_column_can_fold_instead() -> None:
    cols = [("n", "线索编号"), ("s", "状态"), ("c", "来源渠道"), ("a", "收到日期"), ("d", "最近期限"), ("h", "承办人"),
            ("o", "处置/办结")]  # fmt: skip
    row = {"n": "530622-2018-DH-00002", "s": "归档", "c": "电话举报", "a": "2018-01-07", "d": "2018-01-10",
           "h": "张建博", "o": "移交办理"}  # fmt: skip
    text = _printed(cols, [row])
    assert max(cell_len(line) for line in text.splitlines()) <= 80, text
    assert "2018-01-07" in text and "2018-01-10" in text


def test_many_short_columns_still_fit_80_columns_without_losing_a_character() -> None:
    """`clue list`, `case list` and `gang list` ran to 87–101 columns: every short column (states, channels,
    names, yes/no) kept its whole width and rich let them push the table past the edge; a header over a
    one-character column lost its Chinese."""
    from rich.cells import cell_len

    cols = [("n", "线索编号"), ("s", "状态"), ("c", "来源渠道"), ("r", "收到日期"), ("d", "最近期限"),
            ("h", "承办人"), ("o", "处置/办结"), ("y", "已办结(三查)")]  # fmt: skip
    rows = [{"n": "530600-2026-XF-00006", "s": "审查调查中", "c": "公安机关移送", "r": "2026-09-05",
             "d": "2026-10-08", "h": "李欣", "o": "立案审查调查", "y": "1"}]  # fmt: skip
    text = _printed(cols, rows)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    # Nothing is lost: the number and the dates stay whole, every other value and header reads in full.
    for v in ("530600-2026-XF-00006", "2026-09-05", "2026-10-08"):
        assert v in text
    column = {k: i for i, (k, _) in enumerate(cols)}

    def folded(key: str, lines: list[str]) -> str:
        return "".join(line.split("│" if "│" in line else "┃")[column[key] + 1].strip() for line in lines)

    body = [line for line in text.splitlines() if line.startswith("│")]
    head = [line for line in text.splitlines() if line.startswith("┃")]
    for key, value in rows[0].items():
        assert folded(key, body) == value
    for key, header in cols:
        assert folded(key, head) == header
