"""``sanwang supervise``: supervision marks (督办标记), leaders' instructions (领导批示) and the overdue list."""

from __future__ import annotations

from typing import Any

import typer

from sanwang.cli.common import AS_USER, JSON, ON, day, emit, out, table, unit_of_work

app = typer.Typer(no_args_is_help=True)

KIND = typer.Argument(..., help="对象类型：线索（clue）/ 涉黑涉恶案件（gang_case）/ 审查调查案件（case）")
NUMBER = typer.Argument(..., help="线索编号、公安案件编号或案件编号 / the record's number")
MARK = typer.Option(..., "--kind", help="提级办理/直查直办/重点督办/挂牌督办/领导包案/指定管辖")


def _mark_row(m: Any, number: str) -> dict[str, Any]:
    return {
        "id": m.id,
        "number": number,
        "kind": m.kind,
        "set_on": m.set_on.isoformat(),
        "cleared_on": m.cleared_on.isoformat() if m.cleared_on else None,
    }


@app.command("mark")
def mark(
    entity_kind: str = KIND,
    number: str = NUMBER,
    kind: str = MARK,
    reason: str = typer.Option(..., "--reason", help="理由 / reason"),
    owner: str | None = typer.Option(None, "--owner", help="包案领导登录名（领导包案） / the owning leader"),
    target: str | None = typer.Option(None, "--target", help="被指定管辖的单位代码（指定管辖） / designated unit"),
    every: str = typer.Option("1个月", "--every", help="重点督办报告进展周期，如 1个月、15个工作日 / report period"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """设置督办标记（仅领导） / set a supervision mark (leaders only)."""
    from sanwang.services.marks import set_mark

    with unit_of_work(as_user) as (s, actor):
        m = set_mark(
            s,
            actor=actor,
            entity_kind=entity_kind,
            number=number,
            kind=kind,
            reason=reason,
            on=day(on),
            owner=owner,
            target_unit=target,
            report_every=every,
        )
        data = _mark_row(m, number)
    emit(data, as_json, lambda d: out.print(f"已设置 / set: {d['number']} {kind}"))


@app.command("unmark")
def unmark(
    entity_kind: str = KIND,
    number: str = NUMBER,
    kind: str = MARK,
    reason: str = typer.Option(..., "--reason", help="理由 / reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """撤销督办标记（仅领导，记录保留） / clear a mark (leaders only; the record stays)."""
    from sanwang.services.marks import clear_mark

    with unit_of_work(as_user) as (s, actor):
        m = clear_mark(s, actor=actor, entity_kind=entity_kind, number=number, kind=kind, reason=reason, on=day(on))
        data = _mark_row(m, number)
    emit(data, as_json, lambda d: out.print(f"已撤销 / cleared: {d['number']} {kind}"))


@app.command("progress")
def progress(
    entity_kind: str = KIND,
    number: str = NUMBER,
    text: str = typer.Option(..., "--text", help="进展情况 / progress"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """重点督办事项报告进展 / report progress on a priority-supervised record."""
    from sanwang.services.marks import report_progress

    with unit_of_work(as_user) as (s, actor):
        due = report_progress(s, actor=actor, entity_kind=entity_kind, number=number, text=text, on=day(on))
    emit(
        {"number": number, "next_report_due": due.isoformat()},
        as_json,
        lambda d: out.print(f"已报告，下次报告期限 / next report due {d['next_report_due']}"),
    )


@app.command("instruct")
def instruct(
    entity_kind: str = KIND,
    number: str = NUMBER,
    text: str = typer.Option(..., "--text", help="批示内容 / the instruction"),
    action: list[str] = typer.Option([], "--action", help="要求办理的事项（可多次） / required action"),
    due: str | None = typer.Option(None, "--due", help="办理期限 / due date"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """领导批示 / a leader's written instruction."""
    from sanwang.services.marks import instruct as instruct_

    with unit_of_work(as_user) as (s, actor):
        ins = instruct_(
            s,
            actor=actor,
            entity_kind=entity_kind,
            number=number,
            text=text,
            actions=action,
            due=day(due, "--due"),
            on=day(on),
        )
        data = {"id": ins.id, "number": number, "due": ins.due.isoformat() if ins.due else None}
    emit(data, as_json, lambda d: out.print(f"批示 #{d['id']} 已登记，期限 / due {d['due'] or '-'}"))


@app.command("done")
def done(
    instruction_id: int = typer.Argument(..., help="批示编号 / instruction id"),
    note: str = typer.Option(..., "--note", help="落实情况 / how it was carried out"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """批示办结 / report an instruction carried out."""
    from sanwang.services.marks import complete_instruction

    with unit_of_work(as_user) as (s, actor):
        ins = complete_instruction(s, actor=actor, instruction_id=instruction_id, note=note, on=day(on))
        data = {"id": ins.id, "done_on": ins.done_on.isoformat() if ins.done_on else None}
    emit(data, as_json, lambda d: out.print(f"批示 #{d['id']} 已办结 / done {d['done_on']}"))


@app.command("marks")
def marks(
    kind: str | None = typer.Option(None, "--kind", help="只列该类标记 / only this kind"),
    all_: bool = typer.Option(False, "--all", help="包括已撤销的 / include cleared marks"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """督办台账 / list supervision marks."""
    from sanwang.services.marks import list_marks

    with unit_of_work(as_user) as (s, actor):
        rows = list_marks(s, actor=actor, kind=kind, active_only=not all_)
    cols = [("number", "编号"), ("kind_zh", "标记"), ("set_by_name", "设置人"), ("set_on", "日期"),
            ("owner_name", "包案领导"), ("target_unit", "指定单位"), ("reason", "理由")]  # fmt: skip
    cols += [("cleared_on", "撤销")] if all_ else []  # without --all none is cleared: no empty column
    emit(rows, as_json, lambda r: table(f"督办标记 / marks（{len(r)}）", cols, r))


@app.command("instructions")
def instructions(
    overdue: bool = typer.Option(False, "--overdue", help="只列逾期未办结 / only overdue"),
    open_only: bool = typer.Option(False, "--open", help="只列未办结 / only not done"),
    as_of: str | None = typer.Option(None, "--as-of", help="以该日计算逾期 / as of this date"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """领导批示台账 / list instructions."""
    from sanwang.services.marks import list_instructions

    with unit_of_work(as_user) as (s, actor):
        rows = list_instructions(s, actor=actor, overdue=overdue, open_only=open_only, as_of=day(as_of, "--as-of"))
    cols = [("id", "编号"), ("number", "对象"), ("leader_name", "批示领导"), ("given_on", "日期"), ("text", "批示"),
            ("due", "期限"), ("done_on", "办结")]  # fmt: skip
    emit(rows, as_json, lambda r: table(f"领导批示 / instructions（{len(r)}）", cols, r))


@app.command("overdue")
def overdue(
    as_of: str | None = typer.Option(None, "--as-of", help="以该日计算逾期 / as of this date"),
    kind: list[str] = typer.Option(
        [],
        "--kind",
        help="对象类型（可多次）：线索、涉黑涉恶案件、审查调查案件、线索移送、监察建议、复审复核、领导批示、"
        "督办标记 / record kind (repeatable)",
    ),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """逾期清单：线索、通报、移送、留置、通知家属、监察建议、批示、进展报告 / every overdue deadline."""
    from sanwang.services.marks import list_overdue

    with unit_of_work(as_user) as (s, actor):
        rows = list_overdue(s, actor=actor, as_of=day(as_of, "--as-of"), kinds=kind or None)
    # The record's number first: a table keeps its first column whole, however narrow the terminal.
    cols = [("reference", "对象"), ("entity_kind_zh", "类型"), ("rule_zh", "期限"), ("due_shown", "到期"),
            ("days_overdue", "逾期天数")]  # fmt: skip
    emit(rows, as_json, lambda r: table(f"逾期清单 / overdue（{len(r)}）", cols, r))
