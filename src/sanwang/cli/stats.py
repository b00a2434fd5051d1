"""``sanwang stats``: the figures leaders report, each drilling down to its records; ``stats verify`` checks the
monthly summary against the ledger. People read Chinese names only; ``--json`` keeps the stored names."""

from __future__ import annotations

from typing import Any

import typer

from sanwang.cli.common import AS_USER, JSON, day, emit, out, table, unit_of_work

app = typer.Typer(invoke_without_command=True, no_args_is_help=False)

LIST_HINT = "明细：sanwang stats --list 项目名称\n（可加 --channel 来源渠道、--method 处置方式、--baseline 基准日）"


@app.callback()
def stats(
    ctx: typer.Context,
    since: str | None = typer.Option(None, "--since", help="统计起始日 / period start"),
    until: str | None = typer.Option(None, "--until", help="统计截止日（默认今天） / period end (default today)"),
    unit: str | None = typer.Option(None, "--unit", help="单位代码（含下辖） / unit code, subtree included"),
    channel: str | None = typer.Option(None, "--channel", help="只统计该来源渠道（名称或代码） / only this channel"),
    baseline: str | None = typer.Option(None, "--baseline", help="基准日：比较变化 / compare with this date"),
    list_: str | None = typer.Option(
        None, "--list", help="列出某项数据的明细（项目名称） / list the records behind a figure"
    ),
    method: str | None = typer.Option(
        None, "--method", help="与 --list 同用：只列该处置方式 / with --list: only this disposal method"
    ),
    rebuild: bool = typer.Option(
        False, "--rebuild", help="由台账重建统计月汇总（管理员） / rebuild the monthly summary from the ledger (admin)"
    ),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """统计数据：各项数字、较基准日变化、明细可追溯 / the figures leaders report, each traceable."""
    from sanwang.services.stats import drill, rebuild_summary, statistics

    if ctx.invoked_subcommand is not None:
        return
    if rebuild:
        with unit_of_work(as_user) as (s, actor):
            done = rebuild_summary(s, actor=actor)
        emit(done, as_json, lambda d: out.print(f"统计月汇总已重建：{d['rows']} 行"))
        return
    period: dict[str, Any] = {
        "since": day(since, "--since"),
        "until": day(until, "--until"),
        "unit_code": unit,
        "channel": channel,
    }
    with unit_of_work(as_user, read_only=not list_) as (s, actor):
        if list_:
            result = drill(s, actor=actor, figure=list_, method=method, baseline=day(baseline, "--baseline"), **period)
            emit(result.as_dict(), as_json, _render_drill)
            return
        data = statistics(s, actor=actor, baseline=day(baseline, "--baseline"), **period)
    emit(data, as_json, _render)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v:.1%}"


def _render(d: dict[str, Any]) -> None:
    rows = list(d["figures"].values())
    cols = [("zh", "项目"), ("value", "数量"), ("unit", "单位")]
    if d["baseline"]:
        cols += [("baseline", f"基准日{d['baseline']}"), ("change", "变化")]
    scope = "  ".join(x for x in (d["unit"], d["channel"]) if x)
    table(f"统计 {d['since'] or '—'} 至 {d['until']}  {scope}".rstrip(), cols, rows)
    table(
        "比率",
        [("zh", "项目"), ("value", "值"), ("parts", "分子/分母")],
        [
            {"zh": p["zh"], "value": _pct(d["rates"][k]), "parts": f"{p['of'][0]}/{p['of'][1]}"}
            for k, p in d["rate_parts"].items()
        ],
    )
    if d["by_channel"]:
        table(
            "按来源渠道（受理线索）",
            [("k", "渠道"), ("n", "件")],
            [{"k": k, "n": n} for k, n in d["by_channel"].items()],
        )
    if d["by_disposal"]:
        table(
            "按处置方式（处置线索）",
            [("k", "处置方式"), ("n", "件")],
            [{"k": k, "n": n} for k, n in d["by_disposal"].items()],
        )
    out.print(LIST_HINT)


def _line(r: dict[str, Any]) -> str:
    refs = [x for x in r["refs"] if x != r["label"]]
    return f"{r['label']}  {'、'.join(refs)}".rstrip()


def _render_drill(d: dict[str, Any]) -> None:
    out.print(f"{d['zh']}：{len(d['records'])} {d['unit']}")
    for r in d["records"]:
        out.print(f"  {_line(r)}")
    if d["baseline"]:
        out.print(f"较基准日 {d['baseline']} 新增 {len(d['added'])} {d['unit']}：")
        for r in d["added"]:
            out.print(f"  {_line(r)}")
        if d["removed"]:
            out.print(f"较基准日减少 {len(d['removed'])} {d['unit']}：")
            for r in d["removed"]:
                out.print(f"  {_line(r)}")


@app.command("verify")
def verify(as_user: str | None = AS_USER, as_json: bool = JSON) -> None:
    """核对统计月汇总与台账，列出不符之处 / compare the monthly summary with the ledger and name any drift."""
    from sanwang.services.stats import verify as verify_

    with unit_of_work(as_user) as (s, actor):
        data = verify_(s, actor=actor)

    def render(d: dict[str, Any]) -> None:
        if d["ok"]:
            out.print("统计月汇总与台账一致")
            return
        cols = [("zh", "项目"), ("month", "月份"), ("unit", "单位"), ("summary", "汇总"), ("ledger", "台账")]
        table(f"统计月汇总与台账不符（{len(d['drifts'])} 处），可用 --rebuild 重建", cols, d["drifts"])

    emit(data, as_json, render)
    if not data["ok"]:
        raise typer.Exit(1)
