"""Entry point of the ``sanwang`` command: sub-commands are registered here; errors never show a traceback."""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

import typer

# Typer carries its own copy of click's exceptions (the vendored module is the only place they are defined).
from typer._click import exceptions as click

from sanwang.cli import case as case_cli
from sanwang.cli import clue as clue_cli
from sanwang.cli import gang as gang_cli
from sanwang.cli import org as org_cli
from sanwang.cli import rescreen as rescreen_cli
from sanwang.cli import stats as stats_cli
from sanwang.cli import supervise as supervise_cli
from sanwang.cli import text as text_cli
from sanwang.cli import worker as worker_cli
from sanwang.cli.common import AS_USER, JSON, emit, err, out, print_json, unit_of_work
from sanwang.domain.errors import SanwangError, ValidationError
from sanwang.domain.roles import Role

app = typer.Typer(
    name="sanwang",
    help="伞网 sanwang — 问题线索台账与流程、一案三查、统计 / clue ledger, workflow, 一案三查 and statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(clue_cli.app, name="clue", help="问题线索 / problem clues")
app.add_typer(gang_cli.app, name="gang", help="涉黑涉恶案件与一案三查 / gang cases and 一案三查")
app.add_typer(case_cli.app, name="case", help="审查调查案件 / discipline cases")
app.add_typer(supervise_cli.app, name="supervise", help="督办标记、领导批示、逾期清单 / marks, instructions, overdue")
app.add_typer(org_cli.unit_app, name="unit", help="单位 / units")
app.add_typer(text_cli.app, name="text", help="中文文本处理 / Chinese text")
app.add_typer(org_cli.user_app, name="user", help="用户 / users")
app.add_typer(stats_cli.app, name="stats", help="统计数据与核对 / statistics and their check")
app.command("rescreen")(rescreen_cli.rescreen)
app.command("worker")(worker_cli.worker)


@app.command()
def init(
    region: str | None = typer.Option(
        None,
        "--region",
        help="同时建立本级及上级纪委监委和 admin 用户，如 530600 / also the commissions up to the province, and admin",
    ),
    name: str | None = typer.Option(None, "--name", help="纪委监委名称 / its name (default from the region)"),
    as_json: bool = JSON,
) -> None:
    """创建或升级数据库（可重复运行） / create or upgrade the database; safe to run twice."""
    from sanwang.services.setup import initialise

    result = initialise(region=region, name=name)

    def render(r: dict[str, Any]) -> None:
        out.print(f"数据库已就绪 / database ready: {r['database']} (schema {r['revision']})")
        if r["units_created"]:
            from sanwang.cli.org import render_units

            render_units("新建单位 / units created", r["units_created"])
        for u in r["users_created"]:
            roles = "、".join(Role(x).zh for x in u["roles"].split(","))
            out.print(f"新建用户 / user created：{u['username']}（{u['name']}，{u['unit']}，{roles}）")

    emit(result, as_json, render)
    if not result["users"] and not as_json:
        from sanwang.cli.common import no_users

        err.print(f"下一步 / next: {no_users()}", markup=False)


@app.command()
def deadline(
    from_: str = typer.Option(..., "--from", help="起算日期（当日不计入） / trigger date, not counted"),
    working_days: int | None = typer.Option(None, "--working-days", min=1, help="N 个工作日 / N working days"),
    days: int | None = typer.Option(None, "--days", min=1, help="N 日 / N calendar days"),
    months: int | None = typer.Option(None, "--months", min=1, help="N 个月 / N months"),
    rule: str | None = typer.Option(None, "--rule", help="按配置的期限规则 / a configured rule name"),
    as_json: bool = JSON,
) -> None:
    """计算期限 / compute a due date with the working-day calendar."""
    from sanwang.domain.deadlines import Period, deadline_rules, due_date
    from sanwang.domain.values import parse_date
    from sanwang.services.deadlines import counted

    start = parse_date(from_, field="--from")
    given = [(n, u) for n, u in ((working_days, "working_days"), (days, "days"), (months, "months")) if n]
    if rule and given or (not rule and len(given) != 1):
        raise ValidationError(
            "请只给出一种期限：--working-days、--days、--months 或 --rule 之一",
            "give exactly one of --working-days, --days, --months or --rule",
            field="period",
        )
    if rule:
        r = deadline_rules().get(rule)
        due, provisional = counted(lambda cal: due_date(r, start, cal))
        data: dict[str, Any] = {"due": due.isoformat(), "rule": r.name, "rule_zh": r.zh, "period": str(r.period)}
    else:
        amount, unit = given[0]
        period = Period(amount=amount, unit=unit)  # type: ignore[arg-type]
        due, provisional = counted(lambda cal: due_date(period, start, cal))
        data = {"due": due.isoformat()}
    if provisional:
        # A year without a configured holiday notice: the date is a provisional count (Mon–Fri), flagged.
        data["provisional"] = True
        err.print(
            "注意：期间涉及尚未配置节假日安排的年份，此为暂按周一至周五计算的暂定期限，请在 config/holidays.yaml "
            "中加入该年通知 / note: the period runs into a year whose holiday notice is not configured; this due "
            "date is provisional (Mon–Fri counted) — add the notice to config/holidays.yaml"
        )
    emit(data, as_json, lambda d: out.print(d["due"] + (" （暂定 / provisional）" if d.get("provisional") else "")))


def run() -> None:
    """Console entry: bilingual messages on stderr and a non-zero exit instead of tracebacks."""
    # Not standalone: click's own usage errors (missing option, bad value …) arrive here too, to be said in
    # Chinese and English like every other refusal; --help and typer.Exit come back as an exit code.
    try:
        code = app(standalone_mode=False)
    except SanwangError as e:
        _fail(e)
    except click.NoArgsIsHelpError as e:
        e.show()  # a group called bare prints its help, as in standalone mode
        sys.exit(e.exit_code)
    except click.UsageError as e:
        _fail(usage_error(e))
    except (KeyboardInterrupt, typer.Abort):
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - the last line of defence: no traceback reaches a user
        if os.environ.get("SANWANG_DEBUG"):
            raise
        err.print(f"内部错误 / internal error: {type(e).__name__}: {e}")
        err.print("设置 SANWANG_DEBUG=1 可查看详细信息 / set SANWANG_DEBUG=1 for details")
        sys.exit(1)

    if isinstance(code, int) and code:
        sys.exit(code)


def usage_error(e: click.UsageError) -> SanwangError:
    """A usage error of click/typer, said in Chinese and English, with where to find the command's usage."""
    en = e.format_message().rstrip(".") + "."
    param = getattr(e, "param", None)
    name = param.get_error_hint().replace("'", "") if param is not None else ""
    if isinstance(e, click.MissingParameter):
        kind = e.param_type or (param.param_type_name if param is not None else "option")
        zh = f"缺少{'参数' if kind == 'argument' else '选项'} {name}".rstrip()
    elif isinstance(e, click.NoSuchOption):
        zh = f"没有选项 {e.option_name}" + (f"，您是否要用 {'、'.join(e.possibilities)}" if e.possibilities else "")
    elif isinstance(e, click.BadParameter):
        zh = (f"{name} 的值无效" if name else "参数值无效") + _why_zh(en)
    elif isinstance(e, click.BadOptionUsage):
        zh = f"选项 {e.option_name} 用法有误（是否缺少取值？）"
    elif en.startswith("No such command"):
        zh = "没有这个命令" + (f"「{en.split(chr(39))[1]}」" if en.count("'") >= 2 else "")
    elif en.startswith("Got unexpected extra argument"):
        zh = "多余的参数：" + en.rsplit("(", 1)[-1].rstrip(".)")
    else:
        zh = "命令用法有误"
    path = e.ctx.command_path if e.ctx is not None else "sanwang"
    return SanwangError(f"{zh}。运行 {path} --help 查看用法", f"{en} Run `{path} --help` for usage.")


# The reasons click and typer give for a bad value, in Chinese (the English is kept beside it).
_WHY_ZH = (
    (re.compile(r"valid integer"), "：应为整数"),
    (re.compile(r"valid number|valid float"), "：应为数字"),
    (re.compile(r"greater than or equal to (\S+)"), r"：应不小于 \1"),
    (re.compile(r"less than or equal to (\S+)"), r"：应不大于 \1"),
    (re.compile(r"is not one of (.+)"), r"：应为 \1 之一"),
    (re.compile(r"does not exist"), "：文件不存在"),
    (re.compile(r"is a directory"), "：这是目录，请给出文件"),
)


def _why_zh(en: str) -> str:
    for pattern, zh in _WHY_ZH:
        if m := pattern.search(en):
            return m.expand(zh).rstrip(".")
    return ""


def _fail(e: SanwangError) -> None:
    if "--json" in sys.argv:
        sys.stderr.write(json.dumps(e.to_dict(), ensure_ascii=False) + "\n")
    else:
        err.print(str(e), markup=False)
    sys.exit(2)


__all__ = ["app", "print_json", "run"]


ledger_app = typer.Typer(no_args_is_help=True)
app.add_typer(ledger_app, name="ledger", help="台账导入导出 / ledger files")


@ledger_app.command("export")
def ledger_export(
    file: str = typer.Argument(..., help="导出文件 .xlsx / .csv / .jsonl"),
    reveal_reporter: bool = typer.Option(False, "--reveal-reporter", help="含反映人身份（留痕） / include reporters"),
    purpose: str | None = typer.Option(None, "--purpose", help="导出用途 / why (recorded)"),
    force: bool = typer.Option(False, "--force", help="覆盖已有文件 / overwrite an existing file"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """导出线索台账（带导出人水印，留痕；不建目录，不擅自覆盖已有文件） / export the clue ledger, watermarked and
    audited; no folder is created, no file overwritten unless forced."""
    from pathlib import Path

    from sanwang.services.exports import export_ledger

    with unit_of_work(as_user) as (s, actor):
        result = export_ledger(
            s, actor=actor, path=Path(file), reveal_reporter=reveal_reporter, purpose=purpose, force=force
        )
    emit(result, as_json, lambda r: out.print(f"已导出 {r['rows']} 条到 / exported to {r['file']}"))


@app.command()
def demo(
    size: str = typer.Option("city", "--size", help="small（秒级）| city（约2万公职人员）| province"),
    seed: int = typer.Option(7, "--seed", help="随机种子：相同种子生成相同城市 / same seed, same city"),
    no_serve: bool = typer.Option(False, "--no-serve", help="不启动网页服务 / do not start the web server"),
    fresh: bool = typer.Option(False, "--fresh", help="删除已有的演示数据库重建 / rebuild the SQLite demo ledger"),
    as_json: bool = JSON,
) -> None:
    """生成演示城市并载入台账，打印统计 / build the demo city into the ledger and print its figures."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from sanwang.services.demo_run import build_demo

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, disable=as_json,
    ) as bar:  # fmt: skip
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = build_demo(size=size, seed=seed, fresh=fresh, progress=progress)
    if as_json:
        print_json(result)
        return
    from sanwang.cli.common import kv, table

    load = result["load"]
    loaded = {zh: load[k] for k, zh in DEMO_LOADED.items()}
    if load["refused"]:  # replayed steps the services refused: their clues (the reasons are in --json)
        loaded["被拒绝的线索"] = "、".join(str(r["clue"]) for r in load["refused_examples"][:3])
    kv(f"演示城市 / demo（{size}，种子 {seed}）", loaded)
    st = result["stats"]
    rows = [{"name": k, **v} for k, v in st["figures"].items()]
    cols = [("zh", "项目"), ("value", "数量"), ("baseline", f"基准日 {st['baseline']}"), ("change", "变化")]
    table(f"统计 {st['since']} 至 {st['until']}（基准日：督导组进驻）", cols, rows)
    rates = st["rates"]
    out.print(
        "查结率 {}  查实率 {}  同步挖出保护伞比例 {}".format(
            *("—" if rates[k] is None else f"{rates[k]:.1%}" for k in rates)
        )
    )
    out.print(f"台账 / ledger: {result['database']}")
    out.print(f"场景文件 / scenario files: {result['files']['folder']}")
    if not no_serve:
        out.print("网页界面尚未提供，请用命令行查看 / the web interface is not built yet; use the commands above")


STAGES = {"units": "单位与用户", "register": "登记线索", "replay": "重放处置流程"}
# What the demo loaded, as people read it (the keys stay in --json).
DEMO_LOADED = {
    "units": "单位",
    "users": "用户",
    "clues": "线索",
    "gang_cases": "涉黑涉恶案件",
    "refused": "被拒绝的操作",
}


@app.command()
def remind(
    as_of: str | None = typer.Option(None, "--as-of", help="以该日计算逾期（默认今天） / overdue as of this date"),
    every: int = typer.Option(7, "--every", min=1, help="同一事项至少间隔天数 / days between reminders of one item"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """生成催办单：逾期事项逐条催办并留痕，需升级的列出 / issue reminders for overdue deadlines, with escalations."""
    from sanwang.cli.common import day
    from sanwang.services.context import business_day
    from sanwang.services.reminders import remind as issue

    with unit_of_work(as_user) as (s, actor):
        data = issue(s, actor=actor, as_of=business_day(day(as_of, "--as-of"), what="--as-of"), every_days=every)
    emit(data, as_json, _reminder_sheet)


def _reminder_sheet(data: dict[str, Any]) -> None:
    """催办单 for people: one table per unit (its name in the title, not a column), so the rule names keep room at
    80 columns; everything in Chinese (the stored rule and record kinds stay in --json)."""
    from sanwang.cli.common import table

    items = data["reminders"]
    if not items:
        out.print(f"催办单 {data['as_of']}：无需催办的逾期事项")
        return
    cols = [("reference", "编号"), ("rule_zh", "期限"), ("due", "到期日"), ("late", "逾期"), ("handler", "承办人"),
            ("escalate", "报上级")]  # fmt: skip
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for r in items:
        due = r["due"] + ("（暂定）" if r.get("provisional") else "")
        row = {**r, "due": due, "late": f"{r['days_overdue']}天"}
        by_unit.setdefault(r["unit"] or "（未知单位）", []).append(row)
    for unit, rows in by_unit.items():
        table(f"催办单 {data['as_of']} · {unit}（{len(rows)} 项）", cols, rows)
    escalated = len(data["escalations"])
    out.print(f"共 {len(items)} 项催办" + (f"，其中 {escalated} 项报上级督办" if escalated else ""))
