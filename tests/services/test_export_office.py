"""Ledger export as an office meets it: no folders made, nothing overwritten, real dates, Chinese rule names."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from sanwang.domain.errors import ValidationError
from sanwang.services.context import actor_for
from sanwang.services.exports import export_ledger
from sanwang.services.imports import HEADERS, import_clues
from sanwang.store.db import Store
from tests.services.test_import import GOOD, write_csv
from tests.services.world import build_world

NAMES, UNITS, POSITIONS, IDS = (HEADERS.index(h) for h in ("被反映人姓名", "被反映人单位", "被反映人职务",
                                                           "被反映人身份证号"))  # fmt: skip


def _ledger(store: Store, tmp_path: Path) -> None:
    build_world(store)
    with store.session() as s:
        import_clues(s, actor=actor_for(s, "clerk"), path=write_csv(tmp_path / "in.csv", GOOD))


def _export(store: Store, path: Path, **kw: object) -> dict[str, object]:
    with store.session() as s:
        return export_ledger(s, actor=actor_for(s, "manager"), path=path, **kw)  # type: ignore[arg-type]


def test_export_makes_no_folder_and_overwrites_only_with_force(store: Store, tmp_path: Path) -> None:
    _ledger(store, tmp_path)
    with pytest.raises(ValidationError) as info:
        _export(store, tmp_path / "typo" / "out.csv")
    assert "不存在" in info.value.zh and not (tmp_path / "typo").exists()
    kept = tmp_path / "out.csv"
    kept.write_text("someone's work", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        _export(store, kept)
    assert "--force" in info.value.zh and kept.read_text(encoding="utf-8") == "someone's work"
    assert _export(store, kept, force=True)["rows"] == 3
    assert kept.read_text(encoding="utf-8-sig").startswith("外部编号")


def test_export_dates_rules_and_subject_columns(store: Store, tmp_path: Path) -> None:
    _ledger(store, tmp_path)
    _export(store, tmp_path / "out.xlsx")
    rows = list(openpyxl.load_workbook(tmp_path / "out.xlsx")["线索台账"].iter_rows(values_only=True))
    head = list(rows[0])
    first = dict(zip(head, rows[1], strict=True))
    assert isinstance(first["收到日期"], datetime) and first["收到日期"].date() == date(2019, 4, 1)
    assert isinstance(first["最近期限"], datetime)
    assert "处置意见" in str(first["期限明细"]) or "答复" in str(first["期限明细"])
    assert "reporter_acceptance" not in str(first["期限明细"]) and ":" not in str(first["期限明细"])
    # 钱七 has no unit, position or ID; 张三、王五 no ID numbers: no lone separators.
    third = dict(zip(head, rows[3], strict=True))
    assert [third[h] for h in ("被反映人单位", "被反映人职务", "被反映人身份证号")] == [None, None, None]
    assert first["被反映人身份证号"] is None and first["被反映人单位"] == "某镇派出所、某县国土局"
    _export(store, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    assert csv_rows[0]["收到日期"] == "2019-04-01" and csv_rows[2]["被反映人单位"] == ""


def test_an_export_reads_back_as_the_same_ledger(store: Store, tmp_path: Path) -> None:
    _ledger(store, tmp_path)
    out = tmp_path / "round.xlsx"
    _export(store, out, reveal_reporter=True, purpose="交换台账")
    wb = openpyxl.load_workbook(out)
    ws = wb["线索台账"]
    ws.delete_cols(len(HEADERS) + 1, 10)  # the export's own columns
    wb.save(out)
    with store.session() as s:
        again = import_clues(s, actor=actor_for(s, "clerk"), path=out)
    assert (again["imported"], again["duplicates"], again["corrected"]) == (0, 3, 0)


def test_a_text_longer_than_an_excel_cell_is_refused_not_cut(store: Store, tmp_path: Path) -> None:
    """CSV import takes a 问题摘要 of up to 131,072 characters; an XLSX cell holds 32,767 — the export must not cut
    it silently nor write a file Excel cannot open."""
    build_world(store)
    long_row = [*GOOD[2][:-1], "涉黑" * 20_000]  # 40,000 characters
    with store.session() as s:
        import_clues(s, actor=actor_for(s, "clerk"), path=write_csv(tmp_path / "in.csv", [long_row]))
    out = tmp_path / "long.xlsx"
    with pytest.raises(ValidationError) as info:
        _export(store, out)
    assert "问题摘要" in info.value.zh and "32767" in info.value.zh and ".csv" in info.value.en
    assert not out.exists() and not list(tmp_path.glob(".long.xlsx*"))
    assert _export(store, tmp_path / "long.csv")["rows"] == 1  # the whole text, in a format that holds it
