"""Import as an office meets it: a re-sent ledger with corrected rows, and two clerks importing at once."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sanwang.domain.errors import ImportRejected, SanwangError
from sanwang.services.clues import show_clue
from sanwang.services.context import actor_for
from sanwang.services.imports import import_clues
from sanwang.store.db import Store
from sanwang.store.tables import Clue, Event
from tests.services.test_import import GOOD, write_csv
from tests.services.world import build_world


def _import(store: Store, path: Path, **kw: object) -> dict[str, object]:
    with store.session() as s:
        return import_clues(s, actor=actor_for(s, "clerk"), path=path, **kw)  # type: ignore[arg-type]


def _changed_rows() -> list[list[str]]:
    rows = [list(r) for r in GOOD]
    rows[1][11] = "反映赵六收受好处费十万元"  # the sender corrected the summary of A-002
    rows[2][7] = "钱七、孙八"  # and added a subject to A-003
    return rows


def test_changed_content_on_reimport_is_named_by_line(store: Store, tmp_path: Path) -> None:
    build_world(store)
    _import(store, write_csv(tmp_path / "a.csv", GOOD))
    with pytest.raises(ImportRejected) as info:
        _import(store, write_csv(tmp_path / "b.csv", _changed_rows()))
    problems = {p.line: p for p in info.value.problems}
    assert sorted(problems) == [3, 4]
    assert "同一外部编号内容不同" in problems[3].zh and "问题摘要" in problems[3].zh
    assert "same reference, different content" in problems[3].en and "summary" in problems[3].en
    assert "被反映人" in problems[4].zh and "530600-2019-GA-00003" in problems[4].zh
    with store.session() as s:  # nothing written
        assert s.scalar(select(func.count()).select_from(Event).where(Event.action == "correct")) == 0


def test_accepted_corrections_are_events_and_the_original_stays(store: Store, tmp_path: Path) -> None:
    build_world(store)
    _import(store, write_csv(tmp_path / "a.csv", GOOD))
    changed = write_csv(tmp_path / "b.csv", [*_changed_rows(), ["A-004", *GOOD[0][1:]]])
    result = _import(store, changed, accept_corrections=True)
    assert (result["imported"], result["duplicates"], result["corrected"]) == (1, 1, 2)
    assert [c["line"] for c in result["corrections"]] == [3, 4]  # type: ignore[attr-defined]
    with store.session() as s:
        assert s.scalar(select(Clue.summary).where(Clue.external_ref == "A-002")) == GOOD[1][11]  # verbatim
        shown = show_clue(s, actor=actor_for(s, "manager"), number="530600-2019-XF-00002")
    [fix] = [h for h in shown["history"] if h["action"] == "correct"]
    assert fix["data"]["changes"]["问题摘要"] == [GOOD[1][11], "反映赵六收受好处费十万元"]
    # The corrected file again is a plain re-import: the correction in force is what it is compared with.
    again = _import(store, changed, accept_corrections=True)
    assert (again["imported"], again["duplicates"], again["corrected"]) == (0, 4, 0)


def test_two_imports_at_once_the_second_waits_and_adds_nothing(store: Store, tmp_path: Path) -> None:
    build_world(store)
    path = write_csv(tmp_path / "a.csv", GOOD)
    first_done = threading.Event()
    release = threading.Event()
    results: dict[str, object] = {}

    def first() -> None:
        with store.session() as s:
            results["first"] = import_clues(s, actor=actor_for(s, "clerk"), path=path)
            first_done.set()
            release.wait(20)  # still uncommitted while the second starts

    def second() -> None:
        first_done.wait(20)
        try:
            results["second"] = _import(store, path)
        except SanwangError as e:  # pragma: no cover - the failure this test guards against
            results["second"] = e
        except Exception as e:  # noqa: BLE001 - what used to surface as "internal error"
            results["second"] = e

    t1, t2 = threading.Thread(target=first), threading.Thread(target=second)
    t1.start()
    t2.start()
    first_done.wait(20)
    t2.join(1.5)
    if store.url.startswith("postgresql"):
        assert t2.is_alive(), "the second import must wait for the first"
    release.set()
    t1.join(30)
    t2.join(30)
    second_result = results["second"]
    assert isinstance(second_result, dict), second_result
    assert (second_result["imported"], second_result["duplicates"]) == (0, 3)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Clue)) == 3


def test_registering_a_known_reference_is_refused_by_name(store: Store, tmp_path: Path) -> None:
    from sanwang.domain.errors import TransitionRefused
    from sanwang.services.imports import register_one

    build_world(store)
    _import(store, write_csv(tmp_path / "a.csv", GOOD))
    fields = dict(zip(("外部编号", "来源渠道", "收到日期", "实名", "被反映人姓名", "问题摘要"),
                      ("A-002", "信访举报", "2019-05-06", "否", "赵六", "x"), strict=True))  # fmt: skip
    with store.session() as s, pytest.raises(TransitionRefused) as info:  # was an IntegrityError
        register_one(s, actor=actor_for(s, "clerk"), unit_code=None, fields=fields)
    assert "530600-2019-XF-00002" in info.value.zh and "A-002" in info.value.en


# --- Excel's usual traps, each named for what it is -------------------------------------------------------------


def _xlsx(path: Path, rows: list[list[object]], *, title: str | None = None, merge: str | None = None) -> Path:
    import openpyxl

    from sanwang.services.imports import HEADERS

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
        ws.merge_cells("A1:N1")
    ws.append(list(HEADERS))
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    wb.save(path)
    return path


def _rejected(store: Store, path: Path) -> dict[tuple[int, str], object]:
    with pytest.raises(ImportRejected) as info:
        _import(store, path)
    return {(p.line, p.field): p for p in info.value.problems}


def test_an_id_number_stored_as_a_number_says_store_it_as_text(store: Store, tmp_path: Path) -> None:
    build_world(store)
    row: list[object] = list(GOOD[1])
    row[10] = 110105194912310029  # an ID number in a number cell (Excel keeps 15 digits of it)
    found = _rejected(store, _xlsx(tmp_path / "n.xlsx", [row]))
    p = found[(2, "被反映人身份证号")]
    assert "文本格式" in p.zh and "as text" in p.en  # type: ignore[attr-defined]
    csv_row = list(GOOD[0])
    csv_row[5] = "1.10105E+17"  # the same cell saved to CSV by Excel
    p = _rejected(store, write_csv(tmp_path / "n.csv", [csv_row]))[(2, "反映人身份证号")]
    assert "文本格式" in p.zh  # type: ignore[attr-defined]


def test_merged_cells_are_named_with_their_range(store: Store, tmp_path: Path) -> None:
    build_world(store)
    rows = [list(GOOD[1]), ["A-9", *GOOD[1][1:7], "", *GOOD[1][8:]]]
    found = _rejected(store, _xlsx(tmp_path / "m.xlsx", rows, merge="H2:H3"))  # one name over two rows
    p = found[(2, "被反映人姓名")]
    assert "合并单元格 H2:H3" in p.zh and "merged cells" in p.en  # type: ignore[attr-defined]


def test_a_title_row_above_the_headers_is_skipped(store: Store, tmp_path: Path) -> None:
    build_world(store)
    result = _import(store, _xlsx(tmp_path / "t.xlsx", [list(r) for r in GOOD], title="2019年问题线索台账"))
    assert (result["imported"], result["header_line"]) == (3, 2)
    titled = tmp_path / "t.csv"
    titled.write_text("昭通市2019年线索台账,,\n" + write_csv(tmp_path / "x.csv", [["B-1", *GOOD[1][1:]]])
                      .read_text(encoding="utf-8"), encoding="utf-8")  # fmt: skip
    bad = list(GOOD[1])
    bad[2] = "2019-02-30"
    titled_bad = tmp_path / "tb.csv"
    titled_bad.write_text("线索台账\n" + write_csv(tmp_path / "y.csv", [bad]).read_text(encoding="utf-8"),
                          encoding="utf-8")  # fmt: skip
    assert _import(store, titled)["imported"] == 1
    assert (3, "收到日期") in _rejected(store, titled_bad)  # lines still counted as the file shows them


TRADITIONAL = ("外部編號", "來源渠道", "收到日期", "實名", "反映人姓名", "反映人身份證號", "反映人電話", "被反映人姓名",
               "被反映人單位", "被反映人職務", "被反映人身份證號", "問題摘要")  # fmt: skip


def test_big5_text_is_read_as_big5(store: Store, tmp_path: Path) -> None:
    build_world(store)
    summary = "反映趙六收受好處費，為黑惡勢力充當保護傘"
    row = ["T-1", "信訪舉報", "2019-05-06", "否", "", "", "", "趙六", "某縣交通局", "副局長", "", summary]
    path = write_csv(tmp_path / "b5.csv", [row], headers=TRADITIONAL, encoding="big5")
    result = _import(store, path)
    assert (result["imported"], result["encoding"]) == (1, "big5")
    with store.session() as s:
        assert s.scalar(select(Clue.summary).where(Clue.external_ref == "T-1")) == summary


def test_a_field_over_the_size_limit_is_named_by_line_and_field(store: Store, tmp_path: Path) -> None:
    build_world(store)
    long = [*GOOD[1][:11], "很长" * 70_000]
    found = _rejected(store, write_csv(tmp_path / "long.csv", [list(GOOD[0]), long]))
    assert list(found) == [(3, "问题摘要")]
