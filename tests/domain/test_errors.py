"""Refusals people read: the Chinese half names the field in Chinese (字段「四种形态」, not 字段「form」)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sanwang
from sanwang.domain.endorsement import Signatories, require
from sanwang.domain.errors import FIELD_ZH, TransitionRefused, ValidationError
from sanwang.domain.tracks import member_role

SRC = Path(sanwang.__file__).resolve().parent


def test_the_chinese_half_names_the_field_in_chinese() -> None:
    err = ValidationError("不能计为第一种形态", "cannot count as form 1", field="form")
    assert err.zh == "字段「四种形态」：不能计为第一种形态"
    assert err.en == "field form: cannot count as form 1" and err.to_dict()["field"] == "form"
    # Headers and options are shown as given.
    assert ValidationError("x", "y", field="收到日期", line=3).zh == "第3行字段「收到日期」：x"
    assert ValidationError("x", "y", field="--as").zh == "字段「--as」：x"


def test_every_field_a_service_names_in_english_has_a_chinese_name() -> None:
    """Generated from the sources, so a new field="…" cannot put an English word into a Chinese message."""
    named = {
        m.group(1)
        for path in SRC.rglob("*.py")
        for m in re.finditer(r'(?:field|what)="([A-Za-z_.]+)"', path.read_text(encoding="utf-8"))
    }
    assert named, "the scan found no fields"
    assert sorted(named - FIELD_ZH.keys()) == []


def test_a_vocabulary_refusal_names_its_field_in_chinese() -> None:
    """`gang register --member 乙,头目` said 字段「role」."""
    with pytest.raises(ValidationError) as refused:
        member_role("头目")
    assert refused.value.zh.startswith("字段「成员地位」：") and refused.value.field == "role"


def test_the_missing_endorsement_names_the_signatories_in_both_languages() -> None:
    """The Chinese half named 承办人赵宇、审批领导周林; the English half did not say who may sign."""
    who = Signatories(handler_id=1, approver_id=2, handler_name="赵宇", approver_name="周林")
    with pytest.raises(TransitionRefused) as refused:
        require({"handler": {"by": 1, "text": "不实"}}, who)
    assert "审批领导周林" in refused.value.zh
    assert "赵宇" in refused.value.en and "周林" in refused.value.en
