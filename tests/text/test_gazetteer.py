"""Gazetteer of known names (sanwang.text.gazetteer): longest match, no overlaps, the two-character name guard."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanwang.text.entities import extract
from sanwang.text.gazetteer import Gazetteer


def spans(gaz: Gazetteer, text: str) -> list[tuple[str, str, object]]:
    return [(e.text, e.type, e.value) for e in gaz.find(text)]


def test_finds_known_names_with_their_keys_and_offsets() -> None:
    gaz = Gazetteer.build([("王清波", "person", "P1"), ("昭阳区公安局", "org", "U1")])
    text = "王清波与昭阳区公安局"
    hits = gaz.find(text)
    assert [(e.text, e.type, e.value, e.source) for e in hits] == [
        ("王清波", "person", "P1", "gazetteer"),
        ("昭阳区公安局", "org", "U1", "gazetteer"),
    ]
    assert all(text[e.start : e.end] == e.text for e in hits)


def test_longest_match_wins_and_hits_do_not_overlap() -> None:
    gaz = Gazetteer.build([("公安局", "org", "U0"), ("昭阳区公安局", "org", "U1"), ("公安局长", "position", "X")])
    assert spans(gaz, "昭阳区公安局长") == [("昭阳区公安局", "org", "U1")]
    assert spans(gaz, "县公安局长") == [("公安局长", "position", "X")]


def test_leftmost_match_wins_over_a_later_longer_one() -> None:
    gaz = Gazetteer.build([("AB", "org", "1"), ("BCDE", "org", "2")])
    assert spans(gaz, "ABCDE") == [("AB", "org", "1")]


def test_shared_name_carries_all_keys() -> None:
    gaz = Gazetteer.build([("张伟", "person", "P1"), ("张伟", "person", "P2"), ("张伟", "person", "P1")])
    assert len(gaz) == 1
    assert spans(gaz, "张伟。") == [("张伟", "person", ("P1", "P2"))]


def test_person_type_wins_a_name_registered_twice() -> None:
    gaz = Gazetteer.build([("张伟", "org", "U1"), ("张伟", "person", "P1")])
    assert spans(gaz, "张伟。") == [("张伟", "person", "P1")]
    assert gaz.dropped == 1


def test_blank_entries_are_skipped_and_unknown_types_refused() -> None:
    assert len(Gazetteer.build([("  ", "person", "P1")])) == 0
    assert Gazetteer.build([]).find("任何文字") == []
    with pytest.raises(ValueError, match="unknown entity type"):
        Gazetteer.build([("张三", "people", "P1")])


# ------------------------------------------------------------------------------- two-character name guard


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("张三收受贿赂", True),  # 收 starts the verb after the name
        ("张三的弟弟", True),
        ("张三，男", True),
        ("所长张三", True),
        ("和张三", True),  # 和 is a surname, but here the conjunction
        ("张三丰富", False),  # 张三 is the head of 张三丰
        ("李张三", False),  # 张三 is the given name of 李张三
        ("是张三", True),
    ],
)
def test_two_character_name_guard(text: str, found: bool) -> None:
    gaz = Gazetteer.build([("张三", "person", "P1")])
    assert bool(gaz.find(text)) is found


def test_guard_yields_to_evidence_and_titles_block_misreadings() -> None:
    gaz = Gazetteer.build([("方玉", "person", "P1"), ("任林", "person", "P2"), ("林强元", "person", "P3")])
    text = "科长方玉长期公款吃喝"
    assert gaz.find(text) == []  # 方玉长 could be a longer name
    assert [e.value for e in gaz.find(text, title_ends={2})] == ["P1"]  # ... but a title ends right before it
    assert [e.value for e in gaz.find(text, confirmed={(2, 4)})] == ["P1"]  # ... or a person was read there
    text = "村委会主任林强元与李建亮来往密切"
    assert [e.text for e in gaz.find(text)] == ["任林"]  # leftmost-longest alone misreads the title
    assert [e.text for e in gaz.find(text, titles=[(3, 5)])] == ["林强元"]


def test_extract_passes_the_evidence_to_the_gazetteer() -> None:
    gaz = Gazetteer.build([("方玉", "person", "P1"), ("任林", "person", "P2"), ("林强元", "person", "P3")])
    persons = [(e.text, e.value) for e in extract("科长方玉长期公款吃喝；村委会主任林强元", gaz) if e.type == "person"]
    assert persons == [("方玉", "P1"), ("林强元", "P3")]


def test_guard_spares_longer_names_and_other_types() -> None:
    gaz = Gazetteer.build([("王清波", "person", "P1"), ("某局", "org", "U1")])
    assert [e.text for e in gaz.find("李王清波丰")] == ["王清波"]
    assert [e.text for e in gaz.find("李某局丰")] == ["某局"]


# ---------------------------------------------------------------------- property: brute-force leftmost-longest


def _reference(names: set[str], text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        best = max((len(n) for n in names if text.startswith(n, i)), default=0)
        if best:
            out.append((i, i + best))
            i += best
        else:
            i += 1
    return out


@settings(max_examples=300, deadline=None)
@given(
    st.sets(st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=4), min_size=1, max_size=12),
    st.text(alphabet="甲乙丙丁戊，", max_size=40),
)
def test_matches_equal_brute_force_leftmost_longest(names: set[str], text: str) -> None:
    # Type org: the person guard is not under test here.
    gaz = Gazetteer.build((n, "org", n) for n in names)
    hits = gaz.find(text)
    assert [(e.start, e.end) for e in hits] == _reference(names, text)
    assert all(text[e.start : e.end] == e.text == e.value for e in hits)


# ---------------------------------------------------------------------------------------------------- scale


@pytest.mark.slow
def test_scales_to_many_names() -> None:
    # 2×10^5 names and a text with a known name every nine characters (far denser than real clues): every
    # mention found, none invented. Speed is measured by the benchmarks (docs/benchmarks.md), not here.
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    given_chars = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
    names = [s + a + b for s in surnames for a in given_chars for b in given_chars]
    names += [f"{s}{a}{b}{i}" for i in range(10) for s in surnames for a in given_chars for b in given_chars]
    gaz = Gazetteer.build((n, "person", f"P{i}") for i, n in enumerate(names))
    segment = "反映王伟芳收受贿赂，李强磊等人参与，"
    text = (segment * 20_000)[:300_000]
    hits = gaz.find(text)
    assert len(gaz) == len(names)
    whole = len(text) // len(segment)
    tail = text[whole * len(segment) :]
    expected = 2 * whole + ("王伟芳" in tail) + ("李强磊" in tail)
    assert len(hits) == expected
    assert {e.text for e in hits} == {"王伟芳", "李强磊"}
