"""Full-text search on both databases: either script finds the other, words AND, phrases, snippets, policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sanwang.domain.errors import AccessDenied, ValidationError
from sanwang.services.clues import ClueDraft, SubjectDraft, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.search import highlight, search
from sanwang.services.textindex import ensure_indexed, index_pending, stale_count, tsvector_literal
from sanwang.store.db import Store
from sanwang.store.tables import AuditEntry, Clue, ClueTextPending
from sanwang.text.segment import index_tokens, query_terms
from tests.services.world import CITY, COUNTY, build_world

OWN = "11010519491231002X"
TEXTS = {
    "a": "反映昭阳区某镇派出所所长张建国充当黑恶势力保护伞，收受好处费。",
    "b": "反映鎮雄縣國土資源局副局長李明收受採砂老闆賄賂。",  # traditional script
    "c": "小区门口路灯坏了，请尽快修复。",
    "d": "举报张建国的弟弟张建军在农贸市场欺行霸市。",
}


def _world(store: Store) -> dict[str, str]:
    build_world(store)
    with store.session() as s:
        s.execute(text(f"UPDATE users SET id_number = '{OWN}' WHERE username = 'leader2'"))
        out = {}
        for key, body in TEXTS.items():
            unit, clerk = (COUNTY, "county_clerk") if key == "d" else (CITY, "clerk")
            subject = SubjectDraft(name="周副书记", id_number=OWN) if key == "a" else SubjectDraft(name="某人")
            draft = ClueDraft(
                channel="XF", received=date(2019, 4, 1), real_name=False, summary=body, subjects=(subject,),
                external_ref=key,
            )  # fmt: skip
            [(_, number)] = register_clues(s, actor=actor_for(s, clerk), unit=unit_by_code(s, unit), drafts=[draft])
            out[key] = number
    return out


def _numbers(store: Store, who: str, query: str) -> list[str]:
    with store.session() as s:
        return [r["number"] for r in search(s, actor=actor_for(s, who), query=query)["results"]]


def test_either_script_finds_the_other(store: Store) -> None:
    n = _world(store)
    assert _numbers(store, "leader", "国土资源局") == [n["b"]]  # simplified query, traditional text
    assert _numbers(store, "leader", "保護傘") == [n["a"]]  # traditional query, simplified text


def test_words_and_phrases(store: Store) -> None:
    n = _world(store)
    assert _numbers(store, "leader", "张建国") == [n["d"], n["a"]]  # newest first
    assert _numbers(store, "leader", "张建国 保护伞") == [n["a"]]  # both words
    assert _numbers(store, "leader", "建国保护") == []  # a phrase must appear as written
    assert _numbers(store, "leader", "路灯") == [n["c"]]
    assert _numbers(store, "leader", "灯") == [n["c"]]  # one character
    with pytest.raises(ValidationError, match="no searchable words"), store.session() as s:
        search(s, actor=actor_for(s, "leader"), query="，。 ")


def test_policy_and_recusal_apply_and_searches_are_audited(store: Store) -> None:
    n = _world(store)
    assert _numbers(store, "county_clerk", "张建国") == [n["d"]]  # the county sees its own subtree only
    assert _numbers(store, "leader2", "张建国") == [n["d"]]  # recused from clue a, which names them
    assert _numbers(store, "liaison", "张建国") == []  # the police see no clues
    with store.session() as s:
        audits = s.scalars(select(AuditEntry).where(AuditEntry.action == "search")).all()
        assert len(audits) == 3 and audits[0].data == {"query": "张建国", "rows": 1}


def test_snippets_mark_hits_in_the_original_text(store: Store) -> None:
    n = _world(store)
    with store.session() as s:
        [row] = search(s, actor=actor_for(s, "leader"), query="国土资源局 李明")["results"]
        assert row["number"] == n["b"]
        assert "【國土資源局】" in row["snippet"] and "【李明】" in row["snippet"]
        body = TEXTS["b"]
        assert [body[a:b] for a, b in row["hits"]] == ["國土資源局", "李明"]
        summaries = {number: body for number, body in s.execute(select(Clue.number, Clue.summary))}
        assert summaries[n["b"]] == TEXTS["b"]  # the original is never rewritten


def test_pending_clues_are_indexed_before_a_search_and_by_init(store: Store) -> None:
    n = _world(store)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ClueTextPending)) == len(TEXTS)  # noted, not indexed
    assert _numbers(store, "leader", "欺行霸市") == [n["d"]]  # the search indexed them first
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(ClueTextPending)) == 0
        sqlite = store.dialect == "sqlite"
        # A contentless FTS5 table is emptied with its own command; DELETE is refused there.
        s.execute(text("INSERT INTO clue_fts (clue_fts) VALUES ('delete-all')" if sqlite else "DELETE FROM clue_fts"))
        s.execute(text("DELETE FROM clue_triage"))
        assert ensure_indexed(s) == len(TEXTS)  # a ledger from before the index: init indexes every clue
        assert ensure_indexed(s) == 0
    assert _numbers(store, "leader", "欺行霸市") == [n["d"]]


def test_segmentation() -> None:
    assert index_tokens("張三收受3.5萬元 ABC") == "张三 三收 收受 3 5 万元 abc"
    assert query_terms("保护伞 张") == [["保护", "护伞"], ["张"]]
    assert tsvector_literal("张三 三收 张三") == "'张三':1,3 '三收':2"
    snippet, hits = highlight("某某" * 40 + "张三收受" + "某某" * 40, "张三")
    assert "【张三】" in snippet and snippet.startswith("…") and snippet.endswith("…") and hits == [(80, 82)]


def test_triage_is_stored_shown_and_orders_the_work_queue(store: Store) -> None:
    n = _world(store)
    from sanwang.services.clues import list_clues, show_clue

    with store.session() as s:
        leader = actor_for(s, "leader")
        queue = list_clues(s, actor=leader, sort="misconduct")
        shown = {r["number"]: show_clue(s, actor=leader, number=r["number"])["triage"] for r in queue}
        scores = [shown[r["number"]]["misconduct"] for r in queue]
        assert scores == sorted(scores, reverse=True) and len(queue) == len(TEXTS)  # the city sees its counties too
        assert {r["number"] for r in queue[:2]} == {n["a"], n["b"]}  # the two reports about officials first
        a = shown[n["a"]]
        assert any(i["key"] == "misconduct.umbrella" for i in a["indicators"])
        for i in a["indicators"]:
            assert TEXTS["a"][i["start"] : i["end"]] == i["text"]
        with pytest.raises(ValidationError, match="unknown sort"):
            list_clues(s, actor=leader, sort="newest")


OFFICE_RULES = (  # an office's own triage.yaml: another version, so its rules alone score
    "version: 2\nbias: {gang: -2.0, misconduct: -2.0}\nindicators:\n"
    "  - {key: lamp, label: 路灯, score: gang, weight: 6, phrases: [路灯]}\n"
)


def test_a_new_model_or_office_rules_rescore_the_clues(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanwang.services.clues import list_clues, rescore_clues
    from sanwang.text import triage as tri

    n = _world(store)
    with store.session() as s:
        assert index_pending(s) == len(TEXTS) and stale_count(s) == 0
        # A clue scored before versions were kept (revision 0006) is out of date.
        c_id = s.scalar(select(Clue.id).where(Clue.number == n["c"]))
        s.execute(text("UPDATE clue_triage SET version = NULL WHERE clue_id = :i"), {"i": c_id})
        assert stale_count(s) == 1
    (tmp_path / "home" / "config").mkdir(parents=True)
    (tmp_path / "home" / "config" / "triage.yaml").write_text(OFFICE_RULES, encoding="utf-8")
    monkeypatch.setenv("SANWANG_HOME", str(tmp_path / "home"))
    tri._model.cache_clear()
    try:
        with store.session() as s:
            assert stale_count(s) == len(TEXTS)  # the office's rules are not what scored any clue
            with pytest.raises(AccessDenied):
                rescore_clues(s, actor=actor_for(s, "leader"))
        with store.session() as s:
            admin = actor_for(s, "admin")
            before = {i: b for i, b in s.execute(select(Clue.id, Clue.summary))}
            assert rescore_clues(s, actor=admin) == len(TEXTS) and rescore_clues(s, actor=admin) == 0
            assert stale_count(s) == 0
            queue = list_clues(s, actor=actor_for(s, "leader"), sort="gang")
            assert queue[0]["number"] == n["c"]  # the office's rule puts the street-lamp letter first
            assert {i: b for i, b in s.execute(select(Clue.id, Clue.summary))} == before
            assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "rescore")) == 1
    finally:
        tri._model.cache_clear()
