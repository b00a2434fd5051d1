"""Ledger import: all or nothing, every bad line named, idempotent; export with the same headers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from sanwang.domain.errors import ImportRejected
from sanwang.services.context import actor_for
from sanwang.services.exports import export_ledger
from sanwang.services.imports import HEADERS, import_clues
from sanwang.store.db import Store
from sanwang.store.tables import AuditEntry, Clue, ClueCounter, ClueSubject, Deadline, Event
from tests.services.world import build_world

GOOD = [
    ["A-001", "12337", "2019-04-01", "是", "李四", "11010519491231002X", "13800000000", "张三、王五",
     "某镇派出所、某县国土局", "所长、局长", "", "反映张三、王五为黑恶势力充当保护伞"],
    ["A-002", "信访举报", "2019/5/6", "否", "", "", "", "赵六", "某县交通局", "副局长", "",
     "反映赵六收受好处费"],
    ["A-003", "公安机关移送", "2019年6月3日", "否", "", "", "", "钱七", "", "", "", "涉黑案件中发现的线索"],
]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]], headers: tuple[str, ...] = HEADERS, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    return path


def _import(store: Store, path: Path) -> dict[str, object]:
    with store.session() as s:
        return import_clues(s, actor=actor_for(s, "clerk"), path=path)


def _counts(store: Store) -> tuple[int, ...]:
    with store.session() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(t)) or 0
            for t in (Clue, ClueSubject, Event, Deadline, ClueCounter)
        )


def test_import_then_reimport_adds_nothing(store: Store, tmp_path: Path) -> None:
    build_world(store)
    path = write_csv(tmp_path / "ledger.csv", GOOD)
    first = _import(store, path)
    assert (first["imported"], first["duplicates"]) == (3, 0)
    assert first["numbers"] == ["530600-2019-SH-00001", "530600-2019-XF-00002", "530600-2019-GA-00003"]
    before = _counts(store)
    again = _import(store, path)
    assert (again["imported"], again["duplicates"]) == (0, 3)
    assert _counts(store) == before
    with store.session() as s:
        subjects = s.scalars(select(ClueSubject.unit_name).order_by(ClueSubject.id)).all()
    assert subjects[:2] == ["某镇派出所", "某县国土局"]


def test_a_large_file_is_registered_in_slices_in_order(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_world(store)
    monkeypatch.setattr("sanwang.services.imports.IMPORT_BATCH", 2)  # 3 rows, and 3 more: slices of 2
    first = _import(store, write_csv(tmp_path / "a.csv", GOOD))
    more = [[f"M-{i}", *row[1:]] for i, row in enumerate(GOOD)]
    second = _import(store, write_csv(tmp_path / "b.csv", [*GOOD, *more]))
    assert (second["imported"], second["duplicates"]) == (3, 3)
    seqs = [int(n.rsplit("-", 1)[1]) for n in first["numbers"] + second["numbers"]]
    assert seqs == [1, 2, 3, 4, 5, 6]  # gap-free, in file order, across slices and files


BAD = [
    ["B-1", "飞鸽传书", "2019-04-01", "否", "", "", "", "张三", "", "", "", "x"],  # unknown channel
    ["B-2", "12337", "2019-02-30", "否", "", "", "", "张三", "", "", "", "x"],  # impossible date
    ["B-3", "12337", "2019-04-01", "是", "李四", "110105194912310021", "", "张三", "", "", "", "x"],  # checksum
    ["B-4", "12337", "2019-04-01", "否", "", "", "", "张三", "", "", "999999194912310020", "x"],  # region code
    ["B-5", "12337", "2019-04-01", "否", "", "", "", "", "", "", "", ""],  # two required fields missing
    ["B-1", "12337", "2019-04-01", "否", "", "", "", "张三", "", "", "", "x"],  # reference repeated
]  # fmt: skip


def test_bad_file_rejected_whole_with_every_line_named(store: Store, tmp_path: Path) -> None:
    build_world(store)
    before = _counts(store)
    path = write_csv(tmp_path / "bad.csv", GOOD + BAD)
    with pytest.raises(ImportRejected) as info:
        _import(store, path)
    found = {(p.line, p.field) for p in info.value.problems}
    assert found == {
        (5, "来源渠道"),
        (6, "收到日期"),
        (7, "反映人身份证号"),
        (8, "被反映人身份证号"),
        (9, "被反映人姓名"),
        (9, "问题摘要"),
        (10, "外部编号"),
    }
    by_line = {p.line: p for p in info.value.problems}
    assert "校验码" in by_line[7].zh and "check" in by_line[7].en
    assert "地区" in by_line[8].zh or "区划" in by_line[8].zh
    assert "第5行" in str(info.value) and "line 5" in str(info.value)
    assert _counts(store) == before and before[0] == 0  # nothing of the file written


def test_missing_column_rejected(store: Store, tmp_path: Path) -> None:
    build_world(store)
    headers = tuple(h for h in HEADERS if h != "来源渠道")
    path = write_csv(tmp_path / "cols.csv", [r[:1] + r[2:] for r in GOOD], headers=headers)
    with pytest.raises(ImportRejected) as info:
        _import(store, path)
    assert [(p.line, p.field) for p in info.value.problems] == [(1, "来源渠道")]


def test_xlsx_jsonl_and_gb18030_import_the_same(sqlite_store: Store, tmp_path: Path) -> None:
    build_world(sqlite_store)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(list(HEADERS))
    for r in GOOD:
        ws.append(r)
    wb.save(tmp_path / "l.xlsx")
    assert _import(sqlite_store, tmp_path / "l.xlsx")["imported"] == 3
    jsonl = tmp_path / "l.jsonl"
    jsonl.write_text(
        "\n".join(
            json.dumps(dict(zip(HEADERS[: len(r)], [f"J{r[0]}", *r[1:]], strict=True)), ensure_ascii=False)
            for r in GOOD
        ),
        encoding="utf-8",
    )
    assert _import(sqlite_store, jsonl)["imported"] == 3
    gbk = write_csv(tmp_path / "g.csv", [[f"G{r[0]}", *r[1:]] for r in GOOD], encoding="gb18030")
    assert _import(sqlite_store, gbk)["imported"] == 3


def test_export_has_import_headers_and_masks_reporters(store: Store, tmp_path: Path) -> None:
    build_world(store)
    _import(store, write_csv(tmp_path / "ledger.csv", GOOD))
    out = tmp_path / "out.xlsx"
    with store.session() as s:
        result = export_ledger(s, actor=actor_for(s, "manager"), path=out)
    assert result["rows"] == 3
    wb = openpyxl.load_workbook(out)
    ws = wb["线索台账"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0][: len(HEADERS)]) == list(HEADERS)
    assert rows[0][len(HEADERS)] == "线索编号" and rows[1][len(HEADERS)] == "530600-2019-SH-00001"
    assert rows[1][4] == "李*" and rows[1][2].date().isoformat() == "2019-04-01"
    assert "manager" in (wb.properties.creator or "")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "export")) == 1
