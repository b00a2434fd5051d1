"""Triage scores: indicators with exact offsets, scores that move the right way, a validated rule file, the CLI,
and a smoke evaluation on the held-out split (skipped without ../shared/data)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sanwang.cli.text import app
from sanwang.domain.errors import ValidationError
from sanwang.text import triage as tri

GANG = "以张三为首的黑恶势力团伙长期在农贸市场欺行霸市，收取保护费，多次殴打摊主。"
MISCONDUCT = "派出所所长李四充当保护伞，收受张三所送好处费，并在专项行动前通风报信。"
NEUTRAL = "小区门口的路灯坏了半个月，希望有关部门尽快修复。"


@pytest.fixture(autouse=True)
def _fresh_rules() -> Iterator[None]:
    tri._model.cache_clear()  # an office override in one test must not leak into the next
    yield
    tri._model.cache_clear()


def test_indicators_point_at_the_words_that_raised_the_score() -> None:
    r = tri.triage(GANG + MISCONDUCT)
    text = GANG + MISCONDUCT
    assert r.indicators
    for i in r.indicators:
        assert text[i.start : i.end] == i.text
    keys = {i.key for i in r.indicators}
    assert {"gang.organisation", "gang.extortion", "misconduct.umbrella", "misconduct.tip_off"} <= keys
    assert "通风报信" in r.typology and "市场流通" in r.sectors


def test_scores_move_the_right_way() -> None:
    neutral, gang, mis = tri.triage(NEUTRAL), tri.triage(GANG), tri.triage(MISCONDUCT)
    assert gang.gang > 0.9 > neutral.gang
    assert mis.misconduct > 0.5 > 0.05 > neutral.misconduct
    assert gang.gang > mis.gang and mis.misconduct > gang.misconduct
    both = tri.triage(GANG + MISCONDUCT)
    assert both.gang >= gang.gang - 0.01
    # The learned misconduct part is scaled by the text's length (tf-idf): unrelated words dilute it, the rules not.
    assert both.misconduct > 0.5 and both.misconduct > 10 * gang.misconduct


COURT_FACT = (
    "经审理查明，被告人王某某在担任某县国土资源局副局长期间，违反规定，滥用职权，为不符合条件的企业办理土地使用"
    "手续，致使国家利益遭受重大损失。"
)


def test_a_short_umbrella_petition_is_not_buried_by_the_court_trained_part() -> None:
    # Court facts about village secretaries are company-style bribery (a negative): the learned part alone sank
    # this letter to 0.02, below the review threshold.
    for letter in ("反映村支书王某某充当黑恶势力保护伞", "举报某镇党委书记张某为黑恶势力充当保护伞。"):
        assert tri.triage(letter).misconduct > 0.5
    # Not a floor for every text: a title alone, or no phrase at all, keeps the learned score.
    assert tri.triage("反映某局局长工作作风粗暴。").misconduct < 0.5
    assert tri.triage(NEUTRAL).misconduct < tri.review_threshold("misconduct")
    # In court language the learned part still decides: the same words in an indictment score lower.
    court = "公诉机关指控：被告人王某某系某村村支书，" + "充当黑恶势力保护伞"
    assert tri.triage(court).misconduct <= tri.triage("反映村支书王某某充当黑恶势力保护伞").misconduct
    if _learned("misconduct"):
        assert tri.triage(court).misconduct < tri.triage("反映村支书王某某充当黑恶势力保护伞").misconduct


def _learned(score: tri.Score) -> bool:
    """Whether the shipped model has a learned part for ``score`` (none without enough training examples)."""
    m = tri._model()
    return (
        bool(m.learned_scale[score] or m.head_scale[score]) and m.learned is not None and m.learned.inside[score].any()
    )


def test_the_learned_misconduct_part_reads_court_language() -> None:
    r = tri.triage(COURT_FACT)
    if not _learned("misconduct"):
        # Trained on data without crimes of office, the score is the rules' alone: no learned cue is shown.
        assert not [i for i in r.indicators if i.key == "learned.misconduct"]
        return
    # No campaign words here (保护伞, 通风报信): what raises the score is learned from judgments.
    assert r.misconduct > 10 * tri.triage(NEUTRAL).misconduct
    assert r.misconduct >= tri.review_threshold("misconduct")
    cues = [i for i in r.indicators if i.key == "learned.misconduct"]
    assert cues and all(COURT_FACT[i.start : i.end] == i.text for i in cues)


def test_a_learned_cue_is_shown_as_the_word_it_sits_in() -> None:
    text = "以张三为首的团伙在昭阳区凤凰街道办事处辖区多次随意殴打摊主，强行收取保护费。"
    cues = [i for i in tri.triage(text).indicators if i.key.startswith("learned.")]
    assert cues and all(text[i.start : i.end] == i.text and i.label == f"模型特征「{i.text}」" for i in cues)
    spans = [(i.key, i.start, i.end) for i in cues]
    assert len(spans) == len(set(spans))  # 办事 and 事处 are one reason, not two
    # The word around a bigram, longest first; the bigram itself when it is a word; nothing when it is not.
    simple = "街道办事处主任"
    span = tri.cue_span(simple, simple.find("事处"), 2)
    assert span is not None and simple[slice(*span)] == "办事处"
    assert tri.cue_span("主任", 0, 2) == (0, 2)
    assert tri.cue_span("局长李某", 1, 2) is None  # 长李


def test_no_overlapping_indicators_and_no_cues_across_words() -> None:
    text = "以刘某为首的黑恶势力团伙长期欺行霸市。反映县公安局局长李明充当保护伞，收受贿赂。"
    r = tri.triage(text)
    rules = sorted((i for i in r.indicators if not i.key.startswith("learned.")), key=lambda i: i.start)
    # 恶势力 inside 黑恶势力, 保护伞 inside 充当保护伞, 行霸 inside 欺行霸市, 受贿 across 收受贿赂 were listed too.
    assert all(a.end <= b.start for a, b in zip(rules, rules[1:], strict=False))
    assert {"黑恶势力", "充当保护伞", "欺行霸市"} <= {i.text for i in rules}
    shown = {i.text for i in r.indicators if i.key.startswith("learned.")}
    assert not shown & {"局局", "长李", "刘某"}  # the bigrams across 公安局|局长, 局长|李明 and a court pseudonym


def _reference_logit(simple: str) -> dict[str, float]:
    """The learned part computed the slow way, from the shipped arrays and ``bigrams_of``, one bigram at a time."""
    import io
    import math
    from importlib import resources

    with np.load(io.BytesIO(resources.files("sanwang.text").joinpath("data", "triage_charges.npz").read_bytes())) as z:
        codes, idf, weight, bias = list(z["codes"]), z["idf"], z["weight"], z["bias"]
        classes = [str(c) for c in z["classes"]]
    row = {int(c): i for i, c in enumerate(codes)}
    present = [row[tri._code(g)] for g in tri.bigrams_of(simple) if tri._code(g) in row]
    norm = math.sqrt(sum(float(idf[i]) ** 2 for i in present)) or 1.0
    logits = [
        float(bias[k]) + sum(float(idf[i]) / norm * float(weight[i, k]) for i in present) for k in range(len(classes))
    ]
    charge = [k for k, c in enumerate(classes) if not c.startswith(tri.HEAD_PREFIX)]
    top = max(logits[k] for k in charge)
    mass = {k: math.exp(logits[k] - top) for k in charge}
    out = {}
    for score, prefix in tri.GROUP_PREFIX.items():
        if tri.HEAD_PREFIX + score in classes:
            out[score + ".head"] = logits[classes.index(tri.HEAD_PREFIX + score)]
        if not any(classes[k].startswith(prefix) for k in charge):
            continue  # no class of this score: the model has no learned part for it
        p_in = sum(v for k, v in mass.items() if classes[k].startswith(prefix))
        p_out = sum(v for k, v in mass.items() if not classes[k].startswith(prefix))
        out[score] = max(-tri._LOGIT_CAP, min(tri._LOGIT_CAP, math.log(p_in) - math.log(p_out)))
    return out


@pytest.mark.parametrize("text", [GANG, MISCONDUCT, NEUTRAL, COURT_FACT, "", "a", "张", "一鿿一丁x乙", "㐀𠀀好"])
def test_array_lookup_equals_the_plain_sum(text: str) -> None:
    got = tri.learned(text)
    for key, value in _reference_logit(text).items():
        score, _, head = key.partition(".")
        assert (got[score].head if head else got[score].total) == pytest.approx(value, abs=1e-6)


def test_traditional_script_scores_the_same() -> None:
    traditional = "以張三為首的黑惡勢力團夥長期在農貿市場欺行霸市，收取保護費，多次毆打攤主。"
    a, b = tri.triage(GANG), tri.triage(traditional)
    assert abs(a.gang - b.gang) < 1e-9 and [i.key for i in a.indicators] == [i.key for i in b.indicators]
    assert all(traditional[i.start : i.end] == i.text for i in b.indicators)


def test_an_office_rule_file_is_validated_and_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "home" / "config"
    config.mkdir(parents=True)
    monkeypatch.setenv("SANWANG_HOME", str(tmp_path / "home"))
    (config / "triage.yaml").write_text(
        "version: 2\nbias: {gang: -2.0, misconduct: -2.0}\nindicators:\n"
        "  - {key: a, label: 甲, score: gang, weight: 1, phrases: [甲乙]}\n"
        "  - {key: a, label: 乙, score: gang, weight: 1, phrases: [丙丁]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match="indicator keys repeated: a"):
        tri.triage("x")
    (config / "triage.yaml").write_text(
        "version: 2\nbias: {gang: -2.0, misconduct: -2.0}\nindicators:\n"
        "  - {key: a, label: 甲, score: gang, weight: 4, phrases: [甲乙]}\n",
        encoding="utf-8",
    )
    tri._model.cache_clear()
    # Another rule version: the shipped learned weights do not apply, the office's rules alone score.
    assert tri.triage("甲乙").gang == pytest.approx(1 / (1 + 2.718281828459045**-2), rel=1e-6)
    assert tri.triage(GANG).gang == pytest.approx(1 / (1 + 2.718281828459045**2), rel=1e-6)


def test_cli_jsonl_keeps_ids_and_maps_offsets_to_the_given_text() -> None:
    damaged = "以张三为首的黑恶势(shì)力团伙收取保护费"
    lines = [json.dumps({"id": "a", "text": damaged}, ensure_ascii=False), json.dumps({"id": 7, "text": NEUTRAL})]
    result = CliRunner().invoke(app, ["triage", "--jsonl"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    first, second = (json.loads(x) for x in result.stdout.splitlines())
    assert first["id"] == "a" and second["id"] == 7
    assert 0 <= second["gang"] < first["gang"] <= 1
    for ind in first["indicators"]:
        assert damaged[ind["start"] : ind["end"]] == ind["text"]
    bad = CliRunner().invoke(app, ["triage", "--jsonl"], input='{"id": 1, "text": "x"}\n{"id": 2}\n')
    assert bad.exit_code == 2 and "line 2" in bad.output


def test_held_out_split_smoke() -> None:
    from bench import triage_data

    if not triage_data.available():
        pytest.skip("../shared/data is absent: the triage evaluation data are not here")
    docs = [d for d in triage_data.load() if d.split == "test"]
    scored = sorted(((tri.triage(d.text).gang, d.gang) for d in docs), reverse=True)
    positives = sum(y for _, y in scored)
    top = [y for _, y in scored[: positives // 2]]
    assert sum(top) / len(top) > 0.8  # the best-scored half as many as there are positives: mostly right
    flagged = [y for s, y in scored if s >= tri.review_threshold("gang")]
    assert sum(flagged) / positives > 0.9  # the shipped threshold keeps its recall on texts it never saw


def test_jsonl_checks_every_line_before_writing_any() -> None:
    good = [json.dumps({"id": i, "text": NEUTRAL}, ensure_ascii=False) for i in range(1500)]
    bad = CliRunner().invoke(app, ["triage", "--jsonl"], input="\n".join([*good, "not json", *good]) + "\n")
    assert bad.exit_code == 2 and "line 1501" in bad.output and not bad.stdout.strip()  # nothing half-written
    # A line separator inside a JSON string (U+2028) does not end the line; CRLF files are read too.
    sep = json.dumps({"id": "s", "text": "第一段\u2028第二段"}, ensure_ascii=False) + "\r\n"
    ok = CliRunner().invoke(app, ["normalize", "--jsonl"], input=sep)
    assert ok.exit_code == 0 and json.loads(ok.stdout)["id"] == "s"
