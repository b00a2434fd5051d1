"""Figures named as people type them in ``stats --list``."""

from __future__ import annotations

import pytest

from sanwang.domain.errors import ValidationError
from sanwang.services.stats_figures import figure_named


def test_a_rate_typed_for_a_list_names_its_two_figures() -> None:
    """查结率 has no records of its own: the refusal says which two figures to list, not "unknown figure"."""
    with pytest.raises(ValidationError) as exc:
        figure_named("查结率")
    said = str(exc.value)
    assert "未知" not in said and "受理线索中已办结" in said and "受理问题线索" in said


def test_the_known_figures_are_listed_apart_from_the_commas_inside_their_names() -> None:
    with pytest.raises(ValidationError) as exc:
        figure_named("处分人数")
    assert "；组织处理、问责；" in str(exc.value)
