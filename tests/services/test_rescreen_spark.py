"""大起底 on Spark (local[2]): the same ranked list, byte for byte, as the local engine; bad rows named."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from sanwang.domain.errors import ValidationError
from sanwang.services.rescreen import rescreen
from tests.services.test_rescreen import OFFICIALS, petitions

pytest.importorskip("pyspark")
pytestmark = [
    pytest.mark.xdist_group("spark"),  # one xdist worker runs these: one JVM, started once for all of them
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime"),
    # py4j leaves its gateway socket to the garbage collector: not ours to close
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

from sanwang.services.rescreen_spark import rescreen_spark  # noqa: E402


def _local(src: Path, out: Path) -> dict[str, object]:
    return rescreen(src, out, registry=OFFICIALS, workers=1, chunk=5)


def test_spark_gives_the_local_bytes_for_jsonl_and_csv(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 40)
    # A blank line and a numeric id: the line numbers and ids must still match the local reader's.
    lines = src.read_text(encoding="utf-8").splitlines()
    lines.insert(7, "")
    lines.append(json.dumps({"id": 99, "text": "镇长王平收受好处费，纵容赌场。"}, ensure_ascii=False))
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    seen: list[int] = []
    spark = rescreen_spark(src, tmp_path / "s.csv", registry=OFFICIALS, master="local[2]", partitions=3,
                           progress=seen.append)  # fmt: skip
    local = _local(src, tmp_path / "l.csv")
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "l.csv").read_bytes()
    assert (tmp_path / "s.jsonl").read_bytes() == (tmp_path / "l.jsonl").read_bytes()
    assert spark["petitions"] == local["petitions"] == 41 and sum(seen) == 41
    assert spark["with_officials"] == local["with_officials"] and spark["duplicate_ids"] == 0

    # The same petitions as CSV, with a quoted multi-line text and GB18030 encoding.
    rows = [json.loads(x) for x in src.read_text(encoding="utf-8").splitlines() if x.strip()]
    rows[3]["text"] = '第一行，"引号"\n第二行：张建国充当保护伞'
    table = tmp_path / "p.csv"
    with table.open("w", encoding="gb18030", newline="") as f:
        w = csv.writer(f)
        w.writerow(["编号", "内容", "备注"])
        w.writerows([[r["id"], r["text"], "x"] for r in rows])
    rescreen_spark(table, tmp_path / "sc.csv", registry=OFFICIALS, master="local[2]")
    _local(table, tmp_path / "lc.csv")
    assert (tmp_path / "sc.csv").read_bytes() == (tmp_path / "lc.csv").read_bytes()
    ranked = [json.loads(x) for x in (tmp_path / "sc.jsonl").read_text(encoding="utf-8").splitlines()]
    multi = [r for r in ranked if r["id"] == rows[3]["id"]]
    assert multi[0]["text"] == rows[3]["text"] and multi[0]["officials"]  # kept whole, quotes and line break


def test_spark_names_the_first_bad_line_and_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text(
        '{"id": "A1", "text": "正常内容"}\n{"id": "A2", "text": ""}\n{"id": "A3"\n{"text": "无编号"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as spark_err:
        rescreen_spark(src, tmp_path / "out.csv", master="local[2]")
    with pytest.raises(ValidationError) as local_err:
        rescreen(src, tmp_path / "out2.csv", workers=1)
    assert spark_err.value.line == local_err.value.line == 2
    assert str(spark_err.value) == str(local_err.value)
    assert not (tmp_path / "out.csv").exists()


def test_spark_extracts_the_same_entities(tmp_path: Path) -> None:
    src = petitions(tmp_path / "p.jsonl", 14)
    rescreen_spark(src, tmp_path / "s.csv", registry=OFFICIALS, master="local[2]", entities="rules")
    rescreen(src, tmp_path / "l.csv", registry=OFFICIALS, workers=2, chunk=4, entities="rules")
    assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "l.csv").read_bytes()
    assert (tmp_path / "s.jsonl").read_bytes() == (tmp_path / "l.jsonl").read_bytes()
    assert b"entities" in (tmp_path / "s.csv").read_bytes().splitlines()[0]


def test_spark_refuses_what_the_local_engine_refuses_with_the_same_words(tmp_path: Path) -> None:
    from tests.services.test_rescreen import mixed_encodings

    odd = tmp_path / "odd.jsonl"
    odd.write_text('{"id": 1, "text": "正常"}\n[1, 2]\n', encoding="utf-8")  # crashed the Spark reader
    quote = tmp_path / "q.csv"
    quote.write_text('编号,内容\nA1,"反映问题\nA2,另一个问题\n', encoding="utf-8")  # Spark swallowed A2 into A1
    mixed = mixed_encodings(tmp_path / "mixed.csv")  # Spark published mojibake
    for src in (odd, quote, mixed):
        with pytest.raises(ValidationError) as spark_err:
            rescreen_spark(src, tmp_path / "s.csv", master="local[2]")
        with pytest.raises(ValidationError) as local_err:
            rescreen(src, tmp_path / f"l-{src.stem}.csv", workers=1)
        assert str(spark_err.value) == str(local_err.value) and spark_err.value.line == local_err.value.line
        assert not (tmp_path / "s.csv").exists()
