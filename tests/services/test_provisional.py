"""Deadlines running into a year without a configured holiday notice: provisional, flagged, then finalised."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from sqlalchemy import select

from sanwang.domain.calendar import default_calendar
from sanwang.services import deadlines
from sanwang.services.setup import initialise
from sanwang.store.db import Store
from sanwang.store.tables import Deadline
from tests.services.world import CITY, build_world

# An office's own notice for 2027 (a test fixture, not the State Council's text).
OFFICE_2027 = """\
years:
  2027:
    notice: 本单位测试用2027年安排
    holidays: [2027-01-01..2027-01-03, 2027-02-06..2027-02-13]
    workdays: [2027-02-14]
"""


def test_provisional_until_the_notice_is_added(store: Store) -> None:
    build_world(store)
    due, _, provisional = deadlines.compute("disposal_opinion", date(2026, 12, 31))
    # 2027-01-31 is a Sunday: counted Mon–Fri it moves to Monday 1 February, and is flagged.
    assert (due, provisional) == (date(2027, 2, 1), True)
    with store.session() as s:
        from sanwang.services.context import unit_by_code

        deadlines.start(
            s, "clue", 1, unit_by_code(s, CITY).id, ["disposal_opinion", "verification"], date(2026, 12, 31)
        )
    home = Path(os.environ["SANWANG_HOME"])
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "holidays.yaml").write_text(OFFICE_2027, encoding="utf-8")
    default_calendar.cache_clear()
    try:
        result = initialise(store)
        assert result["deadlines_finalised"] == 2
        with store.session() as s:
            rows = {d.rule: d for d in s.scalars(select(Deadline))}
        assert not rows["disposal_opinion"].provisional and rows["disposal_opinion"].due == date(2027, 2, 1)
        # 15 working days from 2026-12-31: 2027-01-01..03 are now holidays, so it ends on 22 January.
        assert rows["verification"].due == date(2027, 1, 22) and not rows["verification"].provisional
    finally:
        default_calendar.cache_clear()


def test_known_years_are_final(store: Store) -> None:
    due, _, provisional = deadlines.compute("inquiry_reply", date(2019, 4, 1))
    assert (due, provisional) == (date(2019, 4, 23), False)


def test_provisional_due_dates_are_marked_wherever_people_read_them(store: Store, tmp_path: Path) -> None:
    from sanwang.services.clues import ClueDraft, list_clues, register_clues, show_clue
    from sanwang.services.context import actor_for, unit_by_code
    from sanwang.services.exports import export_ledger
    from sanwang.services.marks import list_overdue

    build_world(store)
    # received 1 December 2026: one month runs into 2027, whose holiday notice is not configured
    draft = ClueDraft(channel="XF", received=date(2026, 12, 1), real_name=False, summary="反映某局长违规吃喝")
    with store.session() as s:
        [(_, number)] = register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=[draft])
    shown = "2027-01-01（暂定）"
    with store.session() as s:
        manager = actor_for(s, "manager")
        [row] = list_clues(s, actor=manager)
        assert (row["due"], row["due_provisional"], row["due_shown"]) == ("2027-01-01", True, shown)
        [late] = list_clues(s, actor=manager, overdue=True, as_of=date(2027, 1, 5))
        assert late["due_shown"] == shown
        one = show_clue(s, actor=manager, number=number)
        assert one["due_shown"] == shown and [d["due_shown"] for d in one["deadlines"]] == [shown]
        [overdue] = list_overdue(s, actor=manager, as_of=date(2027, 1, 5))
        assert overdue["due_shown"] == shown
        out = tmp_path / "ledger.csv"
        export_ledger(s, actor=manager, path=out)
    assert "线索登记后提出处置意见 " + shown in out.read_text(encoding="utf-8-sig")


def test_the_list_marks_each_clues_own_nearest_date(store: Store) -> None:
    """With one clue in the ledger the list marked （暂定）; beside a clue due earlier it never did: the nearest due
    date was compared with the earliest of the whole ledger."""
    from sanwang.services.clues import ClueDraft, list_clues, register_clues
    from sanwang.services.context import actor_for, unit_by_code

    build_world(store)
    drafts = [
        ClueDraft(channel="XF", received=date(2026, 9, 1), real_name=False, summary="反映某局长违规吃喝"),
        ClueDraft(channel="XF", received=date(2026, 12, 1), real_name=False, summary="反映某镇长收受礼金"),
    ]
    with store.session() as s:
        register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=drafts)
    with store.session() as s:
        rows = list_clues(s, actor=actor_for(s, "manager"))
    assert [(r["due_shown"], r["due_provisional"]) for r in rows] == [
        ("2026-10-08", False),
        ("2027-01-01（暂定）", True),
    ]
