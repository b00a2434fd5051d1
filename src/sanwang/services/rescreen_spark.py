"""大起底 on Spark (省级规模): the same per-petition function as the local engine, spread over a Spark cluster.

For province-scale input — tens of millions of petitions, more than one machine's cores — ``rescreen_spark``
runs ``sanwang.services.rescreen.screen`` on every petition through PySpark and writes the same ranked list,
byte for byte, as the local engine would for the same input and registry (a test holds it to that on
``local[2]``).

- **Reading.** JSON lines are read by Spark itself as bytes, split across tasks, numbered by physical line (blank
  lines counted) and parsed by the local engine's functions. CSV is read in one task by the local engine's
  reader (strict quoting, the encoding checked line by line), then repartitioned. Either way a bad line is
  refused with the local engine's words and line number.
  XLSX is read on the driver and handed to Spark: a workbook is never province-scale.
- **Registry.** Broadcast once; each Python worker builds its gazetteer on first use and keeps it.
- **Bad rows.** A row without id or text fails the run with the first such line named, before anything is
  written — as the local engine does.
- **Output.** Sorted by Spark (registry matches, score, input order), streamed to the driver one partition at a
  time and written atomically: memory on the driver stays at one partition.
- **Crashes.** Spark retries failed tasks itself; a killed driver starts the job again from the beginning (the
  chunked resume of the local engine is not offered here — on a cluster a rerun is cheaper than bookkeeping).

PySpark is an optional dependency (``pip install 'sanwang[spark]'``), with a Java 17 runtime.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sanwang.domain.errors import ValidationError
from sanwang.services import rescreen as local
from sanwang.services import rescreen_input as reader

_ERROR = "__error__"
_worker_registry: str | None = None  # which registry (and entity mode) this Python worker was set up for


def _ensure_registry(officials: list[reader.Official], digest: str, entities: str | None) -> None:
    global _worker_registry
    if _worker_registry != f"{digest}:{entities}":
        local._init_worker(officials, entities)
        _worker_registry = f"{digest}:{entities}"


def _screen_partition(
    rows: Iterator[tuple[int, Any, Any]], officials: Any, digest: str, entities: str | None = None
) -> Iterator[dict[str, Any]]:
    _ensure_registry(officials.value, digest, entities)
    for line, pid, body in rows:
        if isinstance(body, dict):  # a line the reader refused, marked with the local engine's reason
            yield {_ERROR: True, "line": line, **body}
            continue
        yield local.screen(line, pid, body)


def _refused(e: ValidationError) -> tuple[int, str, dict[str, Any]]:
    return (e.line or 0, "", {"zh": e.reason_zh, "en": e.reason_en, "field": e.field})


def _jsonl_rows(sc: Any, path: Path) -> Any:
    """Lines read as bytes and parsed by the local engine's own functions: the same encoding check, JSON check
    and missing-field check, by the same physical line numbers."""

    def parse(pair: tuple[bytes, int]) -> tuple[int, Any, Any]:
        raw, index = pair
        n = index + 1
        try:
            return reader.json_row(n, reader.decode_line(raw, n, "utf-8-sig" if n == 1 else "utf-8"))
        except ValidationError as e:
            return _refused(e)

    lines = sc.textFile(str(path), use_unicode=False).zipWithIndex()
    return lines.filter(lambda p: p[0].strip() != b"").map(parse)


def _csv_rows(sc: Any, path: Path) -> Any:
    """CSV is read by the local engine's reader in one task (a CSV with quoted line breaks cannot be split
    anyway; Spark's own reader would also read it in one task), so quoting is as strict, encodings are checked
    line by line and records are numbered the same way; the rows are then spread over the cluster. The path
    must be readable where the task runs, as for Spark's reader."""

    def read(p: str) -> Iterator[tuple[int, Any, Any]]:
        try:
            yield from reader.read_petitions(Path(p))
        except ValidationError as e:
            yield _refused(e)

    return sc.parallelize([str(path)], 1).flatMap(read)


def rescreen_spark(
    path: Path,
    out: Path,
    *,
    registry: list[reader.Official] | None = None,
    master: str = "local[*]",
    partitions: int | None = None,
    entities: str | None = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Screen ``path`` into the ranked list ``out`` on Spark (``master``: ``local[2]``, ``spark://host:7077`` …)."""
    local.check_outputs(path, out)  # the input is never overwritten, whichever engine runs
    try:
        from pyspark import StorageLevel
        from pyspark.sql import SparkSession
    except ImportError:
        raise ValidationError(
            "未安装 PySpark：pip install 'sanwang[spark]'（另需 Java 17）",
            "PySpark is not installed: pip install 'sanwang[spark]' (and a Java 17 runtime)",
            field="engine",
        ) from None
    if entities is not None and entities not in local.ENTITY_MODES:
        raise ValidationError(
            "实体抽取方式只能是 rules 或 model", f"entities must be rules or model, not {entities!r}", field="entities"
        )
    officials = registry or []
    digest = hashlib.sha256(json.dumps([o.__dict__ for o in officials], ensure_ascii=False).encode()).hexdigest()
    # Workers run this Python (the one sanwang is installed in) unless PYSPARK_PYTHON says otherwise.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(master)
        .appName("sanwang-rescreen")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.legacy.javaCharsets", "true")  # GB18030 petitions: Spark 4 lists only a few charsets
        .getOrCreate()
    )
    sc = spark.sparkContext
    try:
        suffix = path.suffix.lower()
        if suffix == ".jsonl":
            rows = _jsonl_rows(sc, path)
        elif suffix == ".xlsx":
            rows = sc.parallelize(list(reader.read_petitions(path)))
        else:
            rows = _csv_rows(sc, path)
        rows = rows.repartition(partitions or max(sc.defaultParallelism * 4, 1))
        shared = sc.broadcast(officials)
        done = sc.accumulator(0)

        def screened(part: Iterator[tuple[int, Any, Any]]) -> Iterator[dict[str, Any]]:
            for r in _screen_partition(part, shared, digest, entities):
                done.add(1)
                yield r

        results = rows.mapPartitions(screened).persist(StorageLevel.MEMORY_AND_DISK)
        stop = threading.Event()
        watcher = threading.Thread(target=_report, args=(done, progress, stop), daemon=True) if progress else None
        if watcher:
            watcher.start()
        try:
            errors = results.filter(lambda r: _ERROR in r).takeOrdered(1, key=lambda r: r["line"])
        finally:
            stop.set()
            if watcher:
                watcher.join()
        if errors:
            e = errors[0]
            raise ValidationError(e["zh"], e["en"], field=e["field"], line=e["line"] or None)
        ranked = results.sortBy(local.rank_key)
        written = local.write_ranked(ranked.toLocalIterator(), out, with_entities=entities is not None)
        distinct = results.map(lambda r: r["id"]).distinct().count()
        results.unpersist()
    finally:
        spark.stop()
    return {
        "input": str(path),
        "output": str(out),
        "engine": "spark",
        "master": master,
        "petitions": written["petitions"],
        "resumed_chunks": 0,
        "with_officials": written["with_officials"],
        "duplicate_ids": written["petitions"] - distinct,
    }


def _report(done: Any, progress: Any, stop: threading.Event) -> None:
    """Pass the accumulator's growth to ``progress`` (Spark updates it as tasks finish)."""
    seen = 0
    while not stop.wait(0.5):
        now = done.value
        if now > seen:
            progress(now - seen)
            seen = now
    if done.value > seen:
        progress(done.value - seen)
