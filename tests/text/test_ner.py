"""The name model (命名实体识别): features, BIO decoding, unknown names in context, merged name lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sanwang.text import ner
from sanwang.text.entities import extract

pytestmark = pytest.mark.skipif(not ner.available(), reason="the NER model ships with the package")


def test_model_is_installed() -> None:
    # The model is part of the package: a missing file would silently turn the model off.
    assert ner.available()


def test_features_one_list_per_character_and_deterministic() -> None:
    text = "反映镇长刘建国收受贿赂。"
    f = ner.features(text)
    assert len(f) == len(text)
    assert f == ner.features(text)
    assert "c=刘" in f[4] and "s=010" in f[4]  # a surname starts at 刘, not at its neighbours


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 2), ("LOC", 3, 4)]),
        (["I-ORG", "I-ORG", "O"], [("ORG", 0, 2)]),  # a stray I- opens an entity, as conlleval does
        (["B-PER", "B-PER", "I-LOC"], [("PER", 0, 1), ("PER", 1, 2), ("LOC", 2, 3)]),
        (["O", "O"], []),
    ],
)
def test_spans_decode_bio(labels: list[str], expected: list[tuple[str, int, int]]) -> None:
    assert ner.spans(labels) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("群众反映，镇长刘建国在征地拆迁中收受开发商好处。", "刘建国"),
        ("村民反映，马国强纠集多人强揽工程。", "马国强"),
        ("昨天下午，省委书记张伟民会见了代表团一行。", "张伟民"),
    ],
)
def test_unknown_names_found_in_context(text: str, name: str) -> None:
    persons = [e.text for e in ner.model_entities(text) if e.type == "person"]
    assert name in persons
    # The rules alone do not find every one of these: the model is what adds them.
    assert name in [e.text for e in extract(text) if e.type == "person"]


def test_model_off_means_rules_only() -> None:
    text = "举报人称，赵永红的弟弟赵永刚在县城开设赌场。"
    # The rules name 赵永刚 (after the role word 弟弟) but not 赵永红, who stands in no such context.
    assert [e.text for e in extract(text, model=False) if e.type == "person"] == ["赵永刚"]
    assert [e.text for e in extract(text) if e.type == "person"] == ["赵永红", "赵永刚"]


def test_merged_list_of_names_is_cut_into_names() -> None:
    text = "出席会议的有王建国李明华张志强刘德胜等同志。"
    persons = [e.text for e in ner.model_entities(text) if e.type == "person"]
    assert persons == ["王建国", "李明华", "张志强", "刘德胜"]


def test_places_and_units_in_context() -> None:
    found = {(e.type, e.text) for e in ner.model_entities("他在北京大学读书，后来去了上海工作。")}
    assert ("org", "北京大学") in found and ("place", "上海") in found


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("王李张刘陈某镇长村民反映收受万元，。北京市公安局·A1 ")), max_size=40))
def test_offsets_slice_the_text(text: str) -> None:
    for e in ner.model_entities(text):
        assert text[e.start : e.end] == e.text and e.end - e.start >= 1
        assert e.source == "model" and 0.0 <= e.confidence <= 1.0
