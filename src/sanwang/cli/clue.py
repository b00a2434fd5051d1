"""``sanwang clue``: register, import, list, show, and every workflow step on a clue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from sanwang.cli.common import (
    AS_USER,
    JSON,
    ON,
    day,
    deadline_table,
    emit,
    err,
    history_table,
    kv,
    out,
    table,
    unit_of_work,
    username,
)
from sanwang.domain.workflow import ACTION_ZH

app = typer.Typer(no_args_is_help=True)

LIST_COLUMNS = [
    ("number", "线索编号"),
    ("state_zh", "状态"),
    ("channel", "来源渠道"),
    ("received", "收到日期"),
    ("due_shown", "最近期限"),
    ("handler", "承办人"),
    ("handling_zh", "处置/办结"),  # the outcome once concluded, the disposal before: one column keeps it narrow
]


def _list_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "handling_zh": r.get("outcome_zh") or r.get("disposal_zh")} for r in rows]


@app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV / XLSX / JSONL 台账文件 / ledger file"),
    unit: str | None = typer.Option(None, "--unit", help="登记单位代码 / registering unit (default: your commission)"),
    accept_corrections: bool = typer.Option(
        False,
        "--accept-corrections",
        help="已登记的外部编号内容不同时记为更正（原件保留） / record changed rows as corrections, originals kept",
    ),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """导入线索台账（整批校验，有错全拒；同一外部编号内容不同的逐行列出） / import a clue ledger: all or nothing,
    idempotent; a known reference with changed content is named by line."""
    from sanwang.services.imports import import_clues
    from sanwang.services.neardup import ensure_banded
    from sanwang.services.textindex import index_pending

    with unit_of_work(as_user) as (s, actor):
        result = import_clues(s, actor=actor, path=file, unit_code=unit, accept_corrections=accept_corrections)
    if result["imported"]:
        # Derived search index and near-duplicate keys, after the import has committed: the ledger never waits.
        with unit_of_work(as_user) as (s, _):
            index_pending(s)
            ensure_banded(s)
        from sanwang.jobs import enqueue_derive

        enqueue_derive()  # entities (≈3 ms a clue) are left to the background worker: sanwang worker
    emit(
        result,
        as_json,
        lambda r: out.print(
            f"导入 {r['imported']} 条，重复 {r['duplicates']} 条，更正 {r['corrected']} 条 / imported "
            f"{r['imported']}, duplicates {r['duplicates']}, corrected {r['corrected']}"
            + "".join(f"\n  更正 / corrected {c['number']}（第{c['line']}行）：{'、'.join(c['fields'])}"
                      for c in r["corrections"])
        ),
    )  # fmt: skip


@app.command("register")
def register(
    channel: str = typer.Option(..., "--channel", help="来源渠道 / channel (name or code)"),
    received: str = typer.Option(..., "--received", help="收到日期 / date received"),
    summary: str = typer.Option(..., "--summary", help="问题摘要（原文） / the text, verbatim"),
    subject: list[str] = typer.Option(
        [], "--subject", help="被反映人：姓名[,单位[,职务]] / subject: name[,unit[,position]]"
    ),
    reporter: str | None = typer.Option(None, "--reporter", help="反映人姓名（实名） / reporter name (real-name)"),
    reporter_id: str | None = typer.Option(None, "--reporter-id", help="反映人身份证号 / reporter ID number"),
    reporter_phone: str | None = typer.Option(None, "--reporter-phone", help="反映人电话 / reporter phone"),
    external_ref: str | None = typer.Option(None, "--external-ref", help="外部编号 / sender's reference"),
    unit: str | None = typer.Option(None, "--unit", help="登记单位代码 / registering unit"),
    gang_related: bool = typer.Option(False, "--gang-related", help="涉黑涉恶 / gang-related"),
    umbrella: bool = typer.Option(False, "--umbrella-suspected", help="涉嫌保护伞 / protective umbrella suspected"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """登记一条线索 / register one clue."""
    from sanwang.services.imports import register_one

    with unit_of_work(as_user) as (s, actor):
        number = register_one(
            s,
            actor=actor,
            unit_code=unit,
            fields={
                "外部编号": external_ref or "",
                "来源渠道": channel,
                "收到日期": received,
                "实名": "是" if reporter else "否",
                "反映人姓名": reporter or "",
                "反映人身份证号": reporter_id or "",
                "反映人电话": reporter_phone or "",
                "被反映人姓名": "、".join(x.split(",")[0] for x in subject),
                "被反映人单位": "、".join((x.split(",") + ["", ""])[1] for x in subject),
                "被反映人职务": "、".join((x.split(",") + ["", "", ""])[2] for x in subject),
                "被反映人身份证号": "",
                "问题摘要": summary,
                "涉黑涉恶": "是" if gang_related else "否",
                "涉嫌保护伞": "是" if umbrella else "否",
            },
        )
    emit({"number": number}, as_json, lambda d: out.print(f"已登记 / registered: {d['number']}"))


@app.command("flag")
def flag(
    number: str = typer.Argument(..., help="线索编号 / clue number"),
    gang_related: bool | None = typer.Option(
        None, "--gang-related/--not-gang-related", help="涉黑涉恶与否 / gang-related or not"
    ),
    umbrella: bool | None = typer.Option(
        None, "--umbrella-suspected/--no-umbrella-suspected", help="涉嫌保护伞与否 / umbrella suspected or not"
    ),
    reason: str = typer.Option(..., "--reason", help="理由（记入操作记录） / why (recorded)"),
    on: str | None = typer.Option(None, "--on", help="业务日期 / date of the change"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """更正线索标记：涉黑涉恶、涉嫌保护伞（留痕，统计随之更正） / set or clear a clue's flags."""
    from sanwang.services.clues import set_flags

    with unit_of_work(as_user) as (s, actor):
        data = set_flags(s, actor=actor, number=number, gang_related=gang_related, umbrella_suspected=umbrella,
                         reason=reason, on=day(on))  # fmt: skip
    emit(data, as_json, lambda d: out.print(f"{d['number']}：涉黑涉恶 {'是' if d['gang_related'] else '否'}，"
                                            f"涉嫌保护伞 {'是' if d['umbrella_suspected'] else '否'}"))  # fmt: skip


@app.command("list")
def list_(
    overdue: bool = typer.Option(False, "--overdue", help="只列超期线索 / only clues past a deadline"),
    warning: bool = typer.Option(False, "--warning", help="只列临期预警线索 / only clues in a warning window"),
    state: str | None = typer.Option(None, "--state", help="按状态筛选 / filter by state"),
    as_of: str | None = typer.Option(None, "--as-of", help="以该日计算超期 / overdue as of this date"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="最多列出条数 / at most this many"),
    sort: str | None = typer.Option(
        None, "--sort", help="按研判评分排序：gang（涉黑涉恶）| misconduct（违纪违法/保护伞） / order by a triage score"
    ),
    handler: str | None = typer.Option(
        None, "--handler", help="按承办人（登录名或姓名）筛选 / by handler (login or name)"
    ),
    flag: str | None = typer.Option(
        None, "--flag", help="按标记筛选：gang（涉黑涉恶）| umbrella（涉嫌保护伞） / by flag"
    ),
    channel: str | None = typer.Option(None, "--channel", help="按来源渠道筛选（名称或代码） / by channel"),
    unit: str | None = typer.Option(None, "--unit", help="按登记单位筛选（含下辖） / by unit, subtree included"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """线索台账：可按状态、承办人、标记、来源渠道、单位筛选 / list clues you may see, with filters."""
    from sanwang.services.clues import list_clues

    with unit_of_work(as_user) as (s, actor):
        rows = list_clues(
            s,
            actor=actor,
            overdue=overdue,
            warning=warning,
            state=state,
            as_of=day(as_of, "--as-of"),
            limit=limit,
            sort=sort,
            handler=handler,
            flag=flag,
            channel=channel,
            unit=unit,
        )
    title = "超期线索 / overdue clues" if overdue else "临期线索 / due soon" if warning else "线索台账 / clues"
    emit(rows, as_json, lambda r: table(f"{title}（{len(r)}）", LIST_COLUMNS, _list_rows(r)))
    if stale := sum(bool(r.get("triage_stale")) for r in rows):
        err.print(
            f"注意：{stale} 条线索的研判评分来自旧的模型或规则，排序可能不准；请管理员运行 sanwang clue rescore / "
            f"note: {stale} clues were scored by an older model or rules; an administrator should run "
            "sanwang clue rescore"
        )


@app.command("rescore")
def rescore(as_user: str | None = AS_USER, as_json: bool = JSON) -> None:
    """重新研判评分已过期的线索（更换模型或修改 triage.yaml 后；管理员） / re-score clues scored by an older
    triage model or rules (administrators)."""
    from sanwang.services.clues import rescore_clues
    from sanwang.text.triage import fingerprint

    done = 0
    while True:  # one batch per transaction: a run stopped half-way keeps what it did and resumes
        with unit_of_work(as_user) as (s, actor):
            n = rescore_clues(s, actor=actor)
        if not n:
            break
        done += n
        if not as_json:
            err.print(f"已重新研判 {done} 条 / re-scored {done}")
    emit(
        {"rescored": done, "version": fingerprint()},
        as_json,
        lambda d: out.print(f"重新研判 {d['rescored']} 条线索 / re-scored {d['rescored']} clues ({d['version']})"),
    )


@app.command("search")
def search(
    query: str = typer.Argument(..., help="检索词，空格分隔表示同时包含；繁简皆可 / words, all must appear"),
    limit: int = typer.Option(20, "--limit", min=1, max=500, help="每页条数 / results per page"),
    offset: int = typer.Option(0, "--offset", min=0, help="跳过前若干条 / skip this many"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """全文检索线索（最新在前，命中处以【】标出） / search clue texts, newest first, hits marked 【】."""
    from sanwang.services.search import search as run_search

    with unit_of_work(as_user) as (s, actor):  # not read-only: the search is audited
        data = run_search(s, actor=actor, query=query, limit=limit, offset=offset)

    def render(d: dict[str, Any]) -> None:
        more = "，还有更多 / more with --offset" if d["more"] else ""
        table(
            f"检索「{d['query']}」（{len(d['results'])}{more}）",
            [
                ("number", "线索编号"),
                ("state_zh", "状态"),
                ("received", "收到日期"),
                ("due_shown", "最近期限"),
                ("snippet", "摘要"),
            ],
            d["results"],
        )

    emit(data, as_json, render)


@app.command("similar")
def similar(
    number: str = typer.Argument(..., help="线索编号 / clue number"),
    limit: int = typer.Option(10, "--limit", min=1, max=100, help="最多列出条数 / at most this many"),
    all_: bool = typer.Option(False, "--all", help="包括已排除的 / include dismissed pairs"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """疑似重复件：文字高度相似的线索，供人工确认后用 clue duplicate 关联或用 clue not-duplicate 排除 /
    clues whose text nearly matches."""
    from sanwang.services.neardup import suggest

    with unit_of_work(as_user) as (s, actor):
        data = suggest(s, actor=actor, number=number, limit=limit, include_dismissed=all_)
    emit(
        data,
        as_json,
        lambda d: table(
            f"与 {d['number']} 相似的线索（相似度 ≥ {d['threshold']}） / similar clues",
            [("number", "线索编号"), ("similarity", "相似度"), ("linked", "已关联"), ("dismissed", "已排除"),
             ("summary", "摘要")],
            d["similar"],
        ),
    )  # fmt: skip


@app.command("not-duplicate")
def not_duplicate(
    number: str = typer.Argument(..., help="线索编号 / clue number"),
    other: str = typer.Argument(..., help="被提示为相似的线索编号 / the clue suggested as similar"),
    reason: str = typer.Option(..., "--reason", help="理由（记入两条线索的操作记录） / why they differ"),
    on: str | None = typer.Option(None, "--on", help="业务日期 / date of the decision"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """排除疑似重复件：两条线索反映的不是同一事项，不再相互提示 / dismiss a near-duplicate suggestion."""
    from sanwang.services.neardup import dismiss

    with unit_of_work(as_user) as (s, actor):
        data = dismiss(s, actor=actor, number=number, other=other, reason=reason, on=day(on))
    emit(data, as_json, lambda d: out.print(
        f"已排除：{d['number']} 与 {d['other']} 不是重复件 / dismissed" if d["dismissed"]
        else f"此前已排除 / already dismissed: {d['number']} — {d['other']}"))  # fmt: skip


@app.command("show")
def show(
    number: str = typer.Argument(..., help="线索编号 / clue number"),
    reveal_reporter: bool = typer.Option(False, "--reveal-reporter", help="显示反映人身份（留痕） / show the reporter"),
    purpose: str | None = typer.Option(None, "--purpose", help="查阅用途 / why you read it (recorded)"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """查看线索详情与全部操作记录 / show a clue with its whole history."""
    from sanwang.services.clues import show_clue

    with unit_of_work(as_user) as (s, actor):
        data = show_clue(s, actor=actor, number=number, reveal_reporter=reveal_reporter, purpose=purpose)
    emit(data, as_json, _render_clue)


def _subject(x: dict[str, Any]) -> str:
    """姓名（单位职务）, or the name alone when neither is recorded: no empty brackets."""
    where = f"{x['unit'] or ''}{x['position'] or ''}"
    return f"{x['name']}（{where}）" if where else str(x["name"])


def _render_clue(d: dict[str, Any]) -> None:
    labels = {
        "number": "线索编号",
        "state_zh": "状态",
        "channel": "来源渠道",
        "received": "收到日期",
        "unit_name": "登记单位",
        "disposal_zh": "处置方式",
        "outcome_zh": "办结方式",
        "due_shown": "最近期限",
    }
    head = {zh: d[k] for k, zh in labels.items()}
    head["被反映人"] = "、".join(_subject(x) for x in d["subjects"])
    head["反映人"] = d["reporter"]["name"] if d["reporter"] else "匿名"
    head["承办人"] = d["handler"]["name"] if d["handler"] else "未分办"
    head["标记"] = "、".join(f["zh"] + (f"（{f['value']}）" if f.get("value") not in (None, True) else "")
                            for f in d["flags"]) or "无"  # fmt: skip
    if d["gang_case"]:
        head["涉黑涉恶案件"] = d["gang_case"]
    if d["links"]:
        head["关联线索"] = "、".join(f"{x['number']}（{_LINK_ZH.get(x['kind'], x['kind'])}）" for x in d["links"])
    came = d.get("came_from") or {}
    if came.get("transfer"):
        gang = f"，涉黑涉恶案件 {came['gang_case']}" if came.get("gang_case") else ""
        head["来源"] = f"公安机关移送（移送记录 #{came['transfer']}{gang}）"
    elif came.get("clue"):
        head["来源"] = f"上级转办（原线索 {came['clue']}）"
    t = d["triage"]
    head["研判（参考）"] = f"涉黑涉恶 {t['gang']:.2f}  违纪违法/保护伞 {t['misconduct']:.2f}"
    if t["indicators"]:
        head["研判依据"] = "、".join(dict.fromkeys(i["label"] for i in t["indicators"]))
    names = [e for e in d["entities"] if e["type"] in _SHOWN_ENTITIES]
    if names:
        head["文中要素"] = "；".join(
            f"{_SHOWN_ENTITIES[t]}：" + "、".join(dict.fromkeys(e["text"] for e in names if e["type"] == t))
            for t in _SHOWN_ENTITIES
            if any(e["type"] == t for e in names)
        )
    kv(f"线索 {d['number']}", head)
    out.print(d["summary"])
    if d["cases"]:
        table("关联审查调查案件 / cases", [("number", "案件编号"), ("subject", "被审查调查人"), ("state_zh", "状态"),
              ("opened_on", "立案日期")], d["cases"])  # fmt: skip
    if d["transfers"]:
        table("移送记录 / transfers", [("id", "编号"), ("direction_zh", "方向"), ("to_unit", "接收单位"),
              ("sent_on", "移送日期"), ("due", "期限"), ("acknowledged_on", "签收日期")], d["transfers"])  # fmt: skip
    deadline_table(d["deadlines"])
    history_table("clue", d["history"])


_LINK_ZH = {"duplicate": "重复件", "related": "同案"}

# Entity types listed on the clue, in this order (the rest is in --json).
_SHOWN_ENTITIES = {
    "person": "人员",
    "org": "单位",
    "position": "职务",
    "place": "地点",
    "amount": "金额",
    "date": "日期",
}


def _action(name: str, params: dict[str, Any], number: str, as_user: str | None, on: str | None, as_json: bool) -> None:
    from sanwang.services.clues import act, summary_row

    with unit_of_work(as_user) as (s, actor):
        clue = act(s, actor=actor, number=number, action=name, on=day(on), args={k: v for k, v in params.items() if v})
        data = summary_row(clue, None)
    for key in ("due", "due_provisional", "due_shown"):
        data.pop(key)
    emit(
        data, as_json, lambda d: out.print(f"{ACTION_ZH[name]}：{d['number']} → {d['state_zh']} ({username(as_user)})")
    )


NUMBER = typer.Argument(..., help="线索编号 / clue number")
REASON = typer.Option(None, "--reason", help="理由 / reason")


@app.command("assign")
def assign(
    number: str = NUMBER,
    handler: str = typer.Option(..., "--handler", help="承办人登录名"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """分办给承办人 / assign a handler."""
    _action("assign", {"handler": handler}, number, as_user, on, as_json)


@app.command("propose")
def propose(
    number: str = NUMBER,
    method: str = typer.Option(..., "--method", help="处置方式，如 初步核实"),
    target: str | None = typer.Option(None, "--target", help="接收单位（转办/交办/移送）"),
    of: str | None = typer.Option(None, "--of", help="与之重复的线索编号（并入重复件）"),
    reason: str | None = REASON,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """提出处置建议（待处置，或办理中改变处置：予以了结、移送审查调查、并入重复件等） / propose a disposal
    method, first or after handling."""
    args = {"method": method, "target": target, "of": of, "reason": reason}
    _action("propose", args, number, as_user, on, as_json)


@app.command("approve")
def approve(
    number: str = NUMBER,
    reason: str | None = REASON,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """领导审批处置建议 / a leader approves the proposed disposal."""
    _action("approve", {"reason": reason}, number, as_user, on, as_json)


@app.command("reject")
def reject(
    number: str = NUMBER,
    reason: str = typer.Option(..., "--reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """退回处置建议 / a leader rejects the proposal."""
    _action("reject", {"reason": reason}, number, as_user, on, as_json)


@app.command("reply")
def reply(
    number: str = NUMBER,
    reason: str | None = REASON,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """登记谈话或函询回复（再次登记为补充说明，不重新计时） / record the talk or the inquiry reply."""
    _action("record_reply", {"reason": reason}, number, as_user, on, as_json)


@app.command("resume")
def resume(
    number: str = NUMBER,
    reason: str = typer.Option(..., "--reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """启用暂存待查线索 / resume a clue on hold."""
    _action("resume", {"reason": reason}, number, as_user, on, as_json)


@app.command("endorse")
def endorse(
    number: str = NUMBER,
    text: str = typer.Option(..., "--text", help="背书意见"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """查否背书：仅限承办人和批准处置的领导签署 / sign the 查否 endorsement (the handler and the approving leader)."""
    _action("endorse", {"reason": text}, number, as_user, on, as_json)


@app.command("conclude")
def conclude(
    number: str = NUMBER,
    result: str = typer.Option(..., "--result", help="澄清/查实/查否（予以了结、移送审查调查须经处置建议和审批）"),
    reason: str | None = REASON,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """办结 / conclude the handling."""
    _action("conclude", {"result": result, "reason": reason}, number, as_user, on, as_json)


@app.command("feedback")
def feedback(
    number: str = NUMBER,
    kind: str = typer.Option(..., "--kind", help="accepted（受理告知）或 result（结果反馈）"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """向实名反映人反馈 / tell the real-name reporter."""
    _action("feedback", {"kind": kind}, number, as_user, on, as_json)


@app.command("archive")
def archive(number: str = NUMBER, as_user: str | None = AS_USER, on: str | None = ON, as_json: bool = JSON) -> None:
    """归档 / archive a concluded clue."""
    _action("archive", {}, number, as_user, on, as_json)


@app.command("reopen")
def reopen(
    number: str = NUMBER,
    reason: str = typer.Option(..., "--reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """复查：重新打开已办结线索（原结论保留在记录中） / reopen for re-examination."""
    _action("reopen", {"reason": reason}, number, as_user, on, as_json)


@app.command("duplicate")
def duplicate(
    number: str = NUMBER,
    of: str = typer.Option(..., "--of", help="与之重复的线索编号"),
    reason: str | None = REASON,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """标记为重复件（链接，不删除；仅限处置前，办理中须提出「并入重复件」处置建议） / mark as a duplicate of another
    clue, before disposal only."""
    _action("mark_duplicate", {"of": of, "reason": reason}, number, as_user, on, as_json)


@app.command("extend")
def extend(
    number: str = NUMBER,
    rule: str = typer.Option("verification", "--rule"),
    reason: str = typer.Option(..., "--reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """经批准延长期限（如初核） / extend a deadline, with a leader's approval."""
    from sanwang.services.clues import extend_deadline

    with unit_of_work(as_user) as (s, actor):
        new_due = extend_deadline(s, actor=actor, number=number, rule=rule, reason=reason, on=day(on))
    emit(
        {"number": number, "rule": rule, "due": new_due.isoformat()},
        as_json,
        lambda d: out.print(f"{d['number']} {d['rule']} 延至 / extended to {d['due']}"),
    )
