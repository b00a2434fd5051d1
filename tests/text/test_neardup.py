"""Near-duplicate texts: rewordings, the other script and converter damage still match; unrelated texts don't;
the lookup keys are the same in every process."""

from __future__ import annotations

import json
import subprocess
import sys

from sanwang.text.neardup import BANDS, THRESHOLD, band_keys, similarity

A = "反映昭阳区某镇派出所所长张建国充当黑恶势力保护伞，收受好处费，多次向李某团伙通风报信。"
B = "群众來信反映：昭陽區某鎮派出所所長張建國充當黑惡勢力保護傘，收受好處費，並多次向李某團夥通風報信。"
DAMAGED = "反映昭阳区某镇派出所所长张建国充当黑恶势力保?hù)伞，收受好处费，多次向李某团伙通风报信。"
OTHER = "小区门口路灯坏了半个月，希望有关部门尽快修复。"
SAME_TOPIC = "反映某县国土资源局副局长王平收受采砂老板贿赂，对非法采砂不闻不问。"


def test_rewording_script_and_damage_still_match() -> None:
    for text in (B, DAMAGED):
        assert similarity(A, text) >= THRESHOLD
        assert set(band_keys(A)) & set(band_keys(text))


def test_unrelated_texts_do_not_match() -> None:
    assert similarity(A, OTHER) == 0.0
    assert similarity(A, SAME_TOPIC) < 0.2  # the same kind of complaint is not the same matter
    assert not set(band_keys(A)) & set(band_keys(OTHER))
    assert band_keys("，。！") == [] and similarity("", A) == 0.0


def test_keys_are_the_same_in_another_process() -> None:
    code = f"import json; from sanwang.text.neardup import band_keys; print(json.dumps(band_keys({A!r})))"
    other = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert other == band_keys(A) and len(other) == BANDS
    assert all(-(2**63) <= k < 2**63 for k in other)
