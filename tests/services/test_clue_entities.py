"""Entities of clue texts: extracted once, keyed to known records, offsets into the verbatim text, crash-safe."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from sanwang.services.clue_entities import _claim_and_store, _compute, entities_of, extract_pending, known_names
from sanwang.services.clues import ClueDraft, SubjectDraft, register_clues, show_clue
from sanwang.services.context import actor_for, unit_by_code
from sanwang.store.db import Store
from sanwang.store.tables import Clue, ClueEntity, ClueEntityPending
from tests.services.test_gang import _register
from tests.services.world import CITY
from tests.services.world2 import build_world2

# Traditional script and a converter artefact: offsets must still land in the text as received.
TEXT = "反映昭通市公安局副局長張建國與虞某某來(lái)往密切，2019年3月收受好處費3.5萬余元。"


def _clues(store: Store, n: int = 3) -> list[str]:
    with store.session() as s:
        drafts = [
            ClueDraft(
                channel="SH",
                received=date(2019, 4, 1),
                real_name=False,
                summary=TEXT if i == 0 else f"第{i}件：无关内容",
                subjects=(SubjectDraft(name="张建国", position="副局长"),),
            )  # fmt: skip
            for i in range(n)
        ]
        return [
            num for _, num in register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=drafts)
        ]


def test_worker_extraction_keys_known_names_and_maps_offsets(store: Store) -> None:
    build_world2(store)
    _register(store)  # gang case with member 虞某某
    numbers = _clues(store)
    assert extract_pending(store, batch=2) == 3
    assert extract_pending(store) == 0  # nothing twice
    with store.session() as s:
        ents = show_clue(s, actor=actor_for(s, "manager"), number=numbers[0])["entities"]
        assert s.scalar(select(func.count()).select_from(ClueEntityPending)) == 0
    by_text = {e["text"]: e for e in ents}
    assert all(TEXT[e["start"] : e["end"]] == e["text"] for e in ents)
    assert by_text["昭通市公安局"]["value"] == "unit:530600-GA" and by_text["昭通市公安局"]["source"] == "gazetteer"
    assert by_text["張建國"]["type"] == "person" and by_text["張建國"]["value"].startswith("subject:")
    assert by_text["虞某某"]["value"].startswith("gang_member:")
    assert by_text["3.5萬余元"]["value"] == "35000" and by_text["3.5萬余元"]["type"] == "amount"
    # Stored with their precision: a month, and a lower bound (万余), not a day and an exact sum.
    assert by_text["3.5萬余元"]["precision"] == "more_than"
    assert (by_text["2019年3月"]["value"], by_text["2019年3月"]["precision"]) == ("2019-03-01", "month")


def test_a_shown_clue_gets_its_entities_at_once_and_a_worker_does_not_store_them_again(store: Store) -> None:
    build_world2(store)
    [number] = _clues(store, 1)
    with store.reading() as s:
        cid = s.scalar(select(Clue.id).where(Clue.number == number))
        assert cid is not None
        computed = _compute(s, [cid], known_names(s))  # a worker has read and computed it ...
    with store.session() as s:
        shown = entities_of(s, cid)  # ... when a reader opens the clue first
    assert shown and any(e["text"] == "張建國" for e in shown)
    with store.session() as s:
        assert _claim_and_store(s, computed) == 0  # the worker finds it gone and stores nothing
    with store.reading() as s:
        assert s.scalar(select(func.count()).select_from(ClueEntity).where(ClueEntity.clue_id == cid)) == len(shown)


def test_gang_members_registered_later_reach_the_clues_that_name_them(store: Store) -> None:
    build_world2(store)
    numbers = _clues(store)  # the first names 虞某某 (traditional script around it); the police notify later
    assert extract_pending(store) == 3
    with store.reading() as s:
        first = s.scalar(select(Clue.id).where(Clue.number == numbers[0]))
        before = s.scalar(select(func.count()).select_from(ClueEntity).where(ClueEntity.clue_id == first))
        assert not s.scalar(select(func.count()).select_from(ClueEntity).where(ClueEntity.value.like("gang_member:%")))
    _register(store)  # gang case with members 虞某某 and 李某
    with store.reading() as s:
        # Only the clue that names a member goes back on the waiting list, not the unrelated ones.
        assert list(s.scalars(select(ClueEntityPending.clue_id))) == [first]
    assert extract_pending(store) == 1
    with store.session() as s:
        ents = show_clue(s, actor=actor_for(s, "manager"), number=numbers[0])["entities"]
    linked = [e for e in ents if e["text"] == "虞某某"]
    assert len(linked) == 1 and linked[0]["value"].startswith("gang_member:")
    assert len(ents) == before  # extracted again, replaced: no row twice
