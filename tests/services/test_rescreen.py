"""大起底 re-screening: ranking, registry matches, resume, refusal on another input, registration once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from sanwang.domain.errors import ValidationError
from sanwang.services import rescreen as rescreen_module
from sanwang.services.context import actor_for
from sanwang.services.rescreen import register_top, rescreen
from sanwang.services.rescreen_input import Official, read_registry
from sanwang.store.db import Store
from sanwang.store.tables import Clue, ClueSubject
from tests.services.world import build_world

OFFICIALS = [Official("张建国", "530602198007090228", "昭阳区公安局", "副局长"), Official("王平", "", "某镇", "镇长")]
GANG = "以刘某为首的黑恶势力团伙长期欺行霸市，收取保护费。"
UMBRELLA = "昭阳区公安局副局长张建国充当保护伞，多次通风报信。"
BY_ID = "身份证号530602198007090228的干部收受好处费。"
NEUTRAL = "小区路灯坏了，请尽快修复。"


def petitions(path: Path, n: int) -> Path:
    texts = (NEUTRAL, GANG, NEUTRAL, UMBRELLA, NEUTRAL, BY_ID, NEUTRAL)
    lines = [json.dumps({"id": f"P{i:05d}", "text": texts[i % len(texts)]}, ensure_ascii=False) for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ranking_puts_registry_matches_then_scores_first(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 21)
    result = rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1, chunk=4)
    assert (result["petitions"], result["duplicate_ids"], result["with_officials"]) == (21, 0, 6)
    ranked = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["rank"] for r in ranked] == list(range(1, 22))
    assert all(r["officials"] for r in ranked[:6]) and not any(r["officials"] for r in ranked[6:])
    assert ranked[0]["text"] == UMBRELLA and "张建国（昭阳区公安局副局长）" in ranked[0]["officials"]
    assert {r["text"] for r in ranked[6:9]} == {GANG}  # then the highest scores
    assert ranked[-1]["text"] == NEUTRAL and ranked[-1]["line"] > ranked[-2]["line"]  # ties in input order
    csv_lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].startswith("rank,id,line,priority") and len(csv_lines) == 22


def test_rerun_resumes_and_gives_the_same_bytes_and_workers_agree(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 30)
    first = rescreen(src, tmp_path / "a.csv", registry=OFFICIALS, workers=1, chunk=7)
    again = rescreen(src, tmp_path / "a.csv", registry=OFFICIALS, workers=1, chunk=7)
    assert first["resumed_chunks"] == 0 and again["resumed_chunks"] == 5
    parallel = rescreen(src, tmp_path / "b.csv", registry=OFFICIALS, workers=2, chunk=7)
    assert parallel["resumed_chunks"] == 0
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()


def test_merge_in_passes_gives_the_same_list_and_keeps_the_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = petitions(tmp_path / "p.jsonl", 40)
    rescreen(src, tmp_path / "a.csv", registry=OFFICIALS, workers=1, chunk=3)  # 14 chunks, one merge
    monkeypatch.setattr(rescreen_module, "MERGE_FAN_IN", 2)  # 14 → 7 → 4 → 2 runs, then the list
    work = tmp_path / "b.csv.work"
    work.mkdir()
    (work / "chunk-000000.jsonl.999.tmp").write_text("half a chunk from a killed run", encoding="utf-8")
    rescreen(src, tmp_path / "b.csv", registry=OFFICIALS, workers=1, chunk=3)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    assert sorted(p.name for p in work.iterdir()) == [f"chunk-{k:06d}.jsonl" for k in range(14)] + ["manifest.json"]


def test_a_work_folder_of_an_older_format_is_refused_by_name(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 10)
    rescreen(src, tmp_path / "out.csv", workers=1, chunk=4)
    manifest = tmp_path / "out.csv.work" / "manifest.json"
    old = json.loads(manifest.read_text(encoding="utf-8"))
    del old["format"]  # as written before chunk files carried rendered rows
    manifest.write_text(json.dumps(old), encoding="utf-8")
    with pytest.raises(ValidationError, match="older sanwang"):
        rescreen(src, tmp_path / "out.csv", workers=1, chunk=4)


def test_broken_quoting_and_non_objects_are_refused_by_line(tmp_path: Path) -> None:
    broken = tmp_path / "q.csv"
    broken.write_text('编号,内容\nA1,"反映问题\nA2,另一个问题\nA3,第三个问题\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="a quote left open"):
        rescreen(broken, tmp_path / "q_out.csv", workers=1)  # A2 and A3 used to become part of A1's text
    long_text = tmp_path / "long.csv"
    long_text.write_text("编号,内容\nL1," + "长" * 200_000 + "\n", encoding="utf-8")
    assert rescreen(long_text, tmp_path / "long_out.csv", workers=1)["petitions"] == 1
    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"id": 1, "text": "正常"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(ValidationError, match="not a JSON object") as info:
        rescreen(odd, tmp_path / "odd_out.csv", workers=1)
    assert info.value.line == 2


def test_a_registry_name_after_a_title_is_matched_before_a_verb(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    texts = ["反映村支书王五充当保护伞，收受好处费。", "派出所所长赵六包庇纵容", "王五金店开业"]
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts, 1)),
                   encoding="utf-8")  # fmt: skip
    registry = [Official(name="王五", id_number="", unit="", position=""),
                Official(name="赵六", id_number="", unit="某派出所", position="所长")]  # fmt: skip
    rescreen(src, tmp_path / "v.csv", registry=registry, workers=1)
    rows = {
        r["id"]: r for r in (json.loads(x) for x in (tmp_path / "v.jsonl").read_text(encoding="utf-8").splitlines())
    }
    assert rows["1"]["officials"] == ["王五"] and rows["2"]["officials"] == ["赵六（某派出所所长）"]
    assert rows["3"]["officials"] == []  # no title before it: the two-character guard still holds


def test_empty_rows_of_a_workbook_are_skipped(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["编号", "内容"], ["X1", "反映村支书充当保护伞"], [None, None], ["", " "]):
        sheet.append(row)
    book.save(tmp_path / "p.xlsx")
    assert rescreen(tmp_path / "p.xlsx", tmp_path / "x.csv", workers=1)["petitions"] == 1


def test_an_output_that_would_overwrite_the_input_is_refused(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 5)
    before = src.read_bytes()
    for out in ("p.csv", "p.jsonl"):  # p.csv's twin is p.jsonl: the input itself
        with pytest.raises(ValidationError, match="would overwrite the input"):
            rescreen(src, tmp_path / out, workers=1)
    assert src.read_bytes() == before and not (tmp_path / "p.csv").exists()


def test_a_run_scored_by_other_triage_rules_is_not_resumed(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 10)
    rescreen(src, tmp_path / "out.csv", workers=1, chunk=4)
    manifest = tmp_path / "out.csv.work" / "manifest.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    recorded["triage"] = "0" * 16  # as if the model or triage.yaml had changed since the run started
    manifest.write_text(json.dumps(recorded), encoding="utf-8")
    with pytest.raises(ValidationError, match="triage model or rules changed"):
        rescreen(src, tmp_path / "out.csv", workers=1, chunk=4)


def test_another_input_is_refused_and_bad_rows_are_named(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 10)
    rescreen(src, tmp_path / "out.csv", workers=1, chunk=4)
    petitions(src, 11)
    with pytest.raises(ValidationError, match="the input file's size differs"):
        rescreen(src, tmp_path / "out.csv", workers=1, chunk=4)
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,内容\nA1,正常内容\nA2,\n", encoding="utf-8")
    with pytest.raises(ValidationError) as missing:
        rescreen(bad, tmp_path / "bad_out.csv", workers=1)
    # The line is named once, by the error itself (it was also repeated in the reason).
    assert str(missing.value) == "第3行字段「内容」：缺少内容 / line 3, field 内容: the text is missing"
    gb = tmp_path / "gb.csv"
    gb.write_bytes("编号,内容\nG1,反映张建国充当保护伞\n".encode("gb18030"))
    assert rescreen(gb, tmp_path / "gb_out.csv", registry=OFFICIALS, workers=1)["with_officials"] == 1
    reg = tmp_path / "reg.csv"
    reg.write_text("姓名,身份证号,单位,职务\n张建国,,某局,局长\n,,,\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="registry line 3"):
        read_registry(reg)


def test_registering_the_top_petitions_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    build_world(store)
    src = petitions(tmp_path / "p.jsonl", 14)
    rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1, chunk=5)
    with store.session() as s:
        first = register_top(s, actor=actor_for(s, "clerk"), ranked=tmp_path / "out.csv", top=3)
    with store.session() as s:
        again = register_top(s, actor=actor_for(s, "clerk"), ranked=tmp_path / "out.csv", top=3)
    assert (first["registered"], again["registered"], again["already"]) == (3, 0, 3)
    assert all("-DQ-" in n for n in first["numbers"])


def test_entities_on_request_with_offsets_into_the_text_as_given(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    body = "反映昭陽區公安局副局長張建國收受好處費3.5萬元，巧家縣村民李四說。"
    src.write_text(json.dumps({"id": "T1", "text": body}, ensure_ascii=False) + "\n", encoding="utf-8")
    rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1, entities="rules")
    [row] = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(body[e["start"] : e["end"]] == e["text"] for e in row["entities"])
    found = {(e["type"], e["text"]) for e in row["entities"]}
    assert {("person", "張建國"), ("amount", "3.5萬元"), ("place", "巧家縣"), ("person", "李四")} <= found
    header, line = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert header.endswith("indicators,entities,text") and "人员：張建國" in line and "金额：3.5萬元" in line
    # The work folder remembers the mode: a run asking for something else is refused, not mixed.
    with pytest.raises(ValidationError, match="--entities differs"):
        rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1)
    with pytest.raises(ValidationError, match="rules or model"):
        rescreen(src, tmp_path / "x.csv", workers=1, entities="all")


def mixed_encodings(path: Path) -> Path:
    """A UTF-8 CSV over one megabyte whose last row was pasted in from a GB18030 file."""
    rows = [f"M{i:05d},{'小区路灯坏了，请尽快修复。' * 8}\n" for i in range(3_500)]
    path.write_bytes("编号,内容\n".encode() + "".join(rows).encode() + "M99999,反映黑恶势力\n".encode("gb18030"))
    assert path.stat().st_size > 1 << 20
    return path


def test_a_file_that_changes_encoding_after_the_first_megabyte_is_refused_by_line(tmp_path: Path) -> None:
    src = mixed_encodings(tmp_path / "mixed.csv")
    with pytest.raises(ValidationError, match="mixes encodings") as info:
        rescreen(src, tmp_path / "m.csv", workers=1)  # was UnicodeDecodeError mid-run
    assert info.value.line == 3_502 and not (tmp_path / "m.csv").exists()
    jl = tmp_path / "mixed.jsonl"
    jl.write_bytes(b'{"id": 1, "text": "\xe6\xad\xa3\xe5\xb8\xb8"}\n' + '{"id": 2, "text": "黑恶"}\n'.encode("gb18030"))
    with pytest.raises(ValidationError, match="mixes encodings") as info:
        rescreen(jl, tmp_path / "j.csv", workers=1)
    assert info.value.line == 2


def test_a_resume_refusal_names_the_option_that_changed(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 10)
    rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1, chunk=4)
    with pytest.raises(ValidationError, match="--chunk") as info:
        rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1, chunk=5)
    assert info.value.field == "--chunk"
    with pytest.raises(ValidationError, match="--entities"):
        rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1, chunk=4, entities="rules")
    with pytest.raises(ValidationError, match="--registry"):
        rescreen(src, tmp_path / "out.csv", workers=1, chunk=4)


def test_registry_names_are_normalised_and_registered_subjects_keep_unit_and_position(
    store: Store, tmp_path: Path
) -> None:
    reg = tmp_path / "reg.csv"
    reg.write_text("姓名,身份证号,单位,职务\n張　建國,,昭阳区公安局,副局长\n", encoding="utf-8")
    officials = read_registry(reg)
    assert officials[0].name == "张建国"  # traditional script and a full-width space in the registry
    src = petitions(tmp_path / "p.jsonl", 4)
    rescreen(src, tmp_path / "out.csv", registry=officials, workers=1)
    build_world(store)
    with store.session() as s:
        done = register_top(s, actor=actor_for(s, "clerk"), ranked=tmp_path / "out.csv", top=1)
    with store.session() as s:
        [subject] = s.scalars(select(ClueSubject).join(Clue).where(Clue.number == done["numbers"][0])).all()
        assert (subject.name, subject.unit_name, subject.position) == ("张建国", "昭阳区公安局", "副局长")


def test_registering_a_top_that_holds_one_id_twice_registers_it_once(store: Store, tmp_path: Path) -> None:
    build_world(store)
    src = tmp_path / "dup.jsonl"
    src.write_text(
        "".join(json.dumps({"id": "D1", "text": t}, ensure_ascii=False) + "\n" for t in (UMBRELLA, GANG, NEUTRAL)),
        encoding="utf-8",
    )
    rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1)
    with store.session() as s:
        done = register_top(s, actor=actor_for(s, "clerk"), ranked=tmp_path / "out.csv", top=3)
    assert (done["registered"], done["duplicate_ids"]) == (1, ["D1", "D1"])  # was an IntegrityError


def test_gang_crime_with_an_official_ranks_above_either_alone(tmp_path: Path) -> None:
    both = "以刘某为首的黑恶势力团伙欺行霸市，收取保护费，派出所所长李某充当保护伞，收受贿赂，通风报信。"
    official = "某局副局长李某收受贿赂，滥用职权，为亲属谋利。"
    src = tmp_path / "p.jsonl"
    texts = [GANG, official, UMBRELLA, both]
    src.write_text(
        "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)),
        encoding="utf-8",
    )
    rescreen(src, tmp_path / "out.csv", registry=OFFICIALS, workers=1)
    ranked = [json.loads(x)["text"] for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    # Registry match alone (UMBRELLA names 张建国 but no gang) used to come first.
    assert ranked[0] == both
