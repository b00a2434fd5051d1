"""``sanwang rescreen`` — 大起底: re-screen historical petitions into a ranked list for review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from sanwang.cli.common import AS_USER, JSON, emit, err, out, unit_of_work
from sanwang.domain.errors import ValidationError


def rescreen(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="历史信访件 CSV / XLSX / JSONL（编号、内容）"),
    output: Path = typer.Option(..., "--out", help="排序结果 CSV（旁边另写同名 .jsonl） / ranked list"),
    registry: Path | None = typer.Option(
        None, "--registry", exists=True, dir_okay=False, help="公职人员名单 CSV（姓名、身份证号、单位、职务）"
    ),
    workers: int | None = typer.Option(None, "--workers", min=1, help="进程数（默认全部核心） / processes"),
    chunk: int = typer.Option(2000, "--chunk", min=1, help="每批条数（续做单位） / rows per chunk"),
    engine: str = typer.Option(
        "local", "--engine", help="local（本机多进程，可续做）或 spark（省级规模） / local processes or Spark"
    ),
    master: str = typer.Option("local[*]", "--master", help="Spark master（local[2]、spark://host:7077）"),
    partitions: int | None = typer.Option(None, "--partitions", min=1, help="Spark 分区数 / Spark partitions"),
    entities: str | None = typer.Option(
        None,
        "--entities",
        help="同时抽取实体：rules（规则与名单，快）或 model（另加人名模型，慢） / also extract entities",
    ),
    register: int = typer.Option(
        0, "--register", min=0, help="将排名前 N 件登记为线索（渠道：大起底） / register top N"
    ),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """大起底：批量研判历史信访件，按与公职人员名单的匹配和评分排序；中断后重跑自动续做 / re-screen petitions."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from sanwang.services.rescreen import register_top
    from sanwang.services.rescreen import rescreen as run
    from sanwang.services.rescreen_input import read_registry

    if engine not in ("local", "spark"):
        raise ValidationError(
            "引擎只能是 local 或 spark", f"the engine must be local or spark, not {engine!r}", field="engine"
        )
    officials = read_registry(registry) if registry else []
    with Progress(
        TextColumn("大起底 / rescreen"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=as_json,
    ) as bar:  # fmt: skip
        task = bar.add_task("screen", total=None)
        result: dict[str, Any]
        if engine == "spark":
            from sanwang.services.rescreen_spark import rescreen_spark

            result = rescreen_spark(
                file, output, registry=officials, master=master, partitions=partitions, entities=entities,
                progress=lambda n: bar.advance(task, n),
            )  # fmt: skip
        else:
            result = run(
                file, output, registry=officials, workers=workers, chunk=chunk, entities=entities,
                progress=lambda n: bar.advance(task, n),
            )  # fmt: skip
    if register:
        with unit_of_work(as_user) as (s, actor):
            result["registration"] = register_top(s, actor=actor, ranked=output, top=register)
    emit(
        result,
        as_json,
        lambda r: out.print(
            f"已研判 {r['petitions']} 件（续做 {r['resumed_chunks']} 批），涉及名单人员 {r['with_officials']} 件 → "
            f"{r['output']} / screened {r['petitions']}"
            + (f"；登记线索 {r['registration']['registered']} 件" if "registration" in r else "")
            + (
                f"；重复编号未登记 {len(r['registration']['duplicate_ids'])} 件"
                if r.get("registration", {}).get("duplicate_ids")
                else ""
            )  # fmt: skip
        ),
    )
