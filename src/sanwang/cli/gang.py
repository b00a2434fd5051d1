"""``sanwang gang``: gang cases from the police, their members, two-way transfers and the three tracks of 一案三查."""

from __future__ import annotations

import re
from typing import Any

import typer

from sanwang.cli.common import AS_USER, JSON, ON, day, emit, history_table, kv, out, table, unit_of_work
from sanwang.domain.errors import ValidationError
from sanwang.domain.tracks import TRACK_ACTION_ZH, TRACK_CONCLUSIONS, TRACK_STATUS_ZH, Track, TrackStatus
from sanwang.domain.values import parse_date

app = typer.Typer(no_args_is_help=True)

NUMBER = typer.Argument(..., help="公安案件编号 / police case number")
TRACK = typer.Option(..., "--track", min=1, max=3, help="第几查：1 涉黑犯罪 2 保护伞 3 主体/监管责任 / track 1-3")
MEMBER = typer.Option(
    [],
    "--member",
    help="成员：姓名,地位[,身份证号[,罪名；罪名]]（地位：组织者/领导者、骨干、一般参加者；无身份证号留空） / "
    "name,role[,id[,crime;crime]]",
)

LIST_COLUMNS = [
    ("police_number", "公安案件编号"),
    ("name", "案件名称"),
    ("kind", "类型"),
    ("stage", "阶段"),
    ("filed_on", "立案日期"),
    ("notified_on", "通报日期"),
    ("tracks_concluded", "已办结(三查)"),
    ("cleared_on", "清底日期"),
    ("umbrella_in_step", "同步挖出保护伞"),
]
# Clearance tells of tracks 2 and 3 (一案三查): columns shown only to the commission side, never to the police.
COMMISSION_COLUMNS = frozenset({"cleared_on", "umbrella_in_step"})
TRANSFER_COLUMNS = [
    ("id", "编号"),
    ("gang_case", "涉黑涉恶案件"),
    ("direction_zh", "方向"),
    ("from_unit_name", "移送单位"),
    ("to_unit_name", "接收单位"),
    ("sent_on", "移送日期"),
    ("due", "期限"),
    ("acknowledged_on", "签收日期"),
    ("problem_zh", "问题"),
]


def _members(specs: list[str]) -> list[Any]:
    from sanwang.services.gang import MemberDraft

    drafts = []
    for i, spec in enumerate(specs, start=1):
        parts = [p.strip() for p in spec.replace("，", ",").split(",")]
        if not 2 <= len(parts) <= 4:
            raise ValidationError(
                f"成员「{spec}」应写作 姓名,地位[,身份证号[,罪名；罪名]]",
                f"member {spec!r}: write name,role[,id[,crime;crime]]",
                field="--member",
                line=i,
            )
        crimes = tuple(re.split(r"[;；]", parts[3])) if len(parts) > 3 else ()
        drafts.append(MemberDraft(parts[0], parts[1], parts[2] if len(parts) > 2 and parts[2] else None, crimes))
    return drafts


def _done(data: dict[str, Any], as_json: bool, what: str) -> None:
    emit(data, as_json, lambda d: out.print(f"{what}：{d.get('police_number') or d.get('id')}"))


@app.command("register")
def register(
    police_number: str = typer.Option(..., "--police-number", help="公安案件编号 / police case number"),
    name: str = typer.Option(..., "--name", help="案件名称，如 虞某某涉黑案 / case name"),
    kind: str = typer.Option(..., "--kind", help="黑社会性质组织 / 恶势力犯罪集团 / 恶势力团伙"),
    region: str = typer.Option(..., "--region", help="行政区划代码 / region code"),
    sector: list[str] = typer.Option([], "--sector", help="涉及行业领域（可多次） / sector (repeatable)"),
    stage: str = typer.Option("侦查", "--stage", help="侦查 / 起诉 / 审判 / 判决"),
    filed: str = typer.Option(..., "--filed", help="公安立案日期 / date the police filed the case"),
    unit: str | None = typer.Option(None, "--unit", help="接收通报的纪委监委代码 / receiving commission"),
    police_unit: str | None = typer.Option(None, "--police-unit", help="办案公安机关代码 / police unit"),
    member: list[str] = MEMBER,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """登记公安机关通报的涉黑涉恶案件（逾期通报照登并标记） / register a police notification of a gang case."""
    from sanwang.services.gang import register_gang_case, summary_row
    from sanwang.services.policy import check_gang_case

    with unit_of_work(as_user) as (s, actor):
        gc = register_gang_case(
            s,
            actor=actor,
            police_number=police_number,
            name=name,
            kind=kind,
            region_code=region,
            sectors=sector,
            stage=stage,
            filed_on=parse_date(filed, field="--filed"),
            notified_on=day(on),
            unit_code=unit,
            police_unit_code=police_unit,
            members=_members(member),
        )
        data = summary_row(s, gc, check_gang_case(s, actor, gc))
    emit(
        data,
        as_json,
        lambda d: out.print(
            f"已登记 / registered: {d['police_number']}"
            + ("（通报逾期 / notified late）" if d["notified_late"] else "")
        ),
    )


@app.command("stage")
def stage(
    number: str = NUMBER,
    stage: str = typer.Option(..., "--stage", help="侦查 / 起诉 / 审判 / 判决"),
    reason: str | None = typer.Option(None, "--reason", help="说明，退回前一阶段时必填 / note, required going back"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """更新诉讼阶段（退回前一阶段须写明理由） / record the police stage (going back needs a reason)."""
    from sanwang.services.gang import summary_row, update_stage
    from sanwang.services.policy import check_gang_case

    with unit_of_work(as_user) as (s, actor):
        gc = update_stage(s, actor=actor, police_number=number, stage=stage, on=day(on), reason=reason)
        data = summary_row(s, gc, check_gang_case(s, actor, gc))
    _done(data, as_json, f"阶段已更新为 {stage} / stage updated")


@app.command("members")
def members(
    number: str = NUMBER,
    member: list[str] = MEMBER,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """补充涉案成员 / add members."""
    from sanwang.services.gang import add_members

    with unit_of_work(as_user) as (s, actor):
        n = add_members(s, actor=actor, police_number=number, members=_members(member), on=day(on))
    emit({"police_number": number, "added": n}, as_json, lambda d: out.print(f"补充成员 {d['added']} 人 / added"))


@app.command("transfer")
def transfer(
    number: str = NUMBER,
    content: str = typer.Option(..., "--content", help="移送内容 / what is transferred"),
    direction: str | None = typer.Option(
        None, "--direction", help="police_to_commission / commission_to_police（默认按您的单位） / default by your unit"
    ),
    found: str | None = typer.Option(None, "--found", help="发现涉黑线索日期（纪委移送公安时起算） / date found"),
    clue: str | None = typer.Option(None, "--clue", help="相关线索编号 / related clue number"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """线索移送（公安→纪委：保护伞线索；纪委→公安：涉黑涉恶犯罪线索） / send a transfer."""
    from sanwang.services.transfers import send_transfer, transfer_row

    with unit_of_work(as_user) as (s, actor):
        t = send_transfer(
            s,
            actor=actor,
            police_number=number,
            content=content,
            direction=direction,
            found_on=day(found, "--found"),
            clue_number=clue,
            on=day(on),
        )
        data = transfer_row(s, t, t.sent_on)
    emit(data, as_json, lambda d: out.print(f"已移送 / sent: #{d['id']}，期限 / due {d['due']}"))


@app.command("ack")
def ack(
    transfer_id: int = typer.Argument(..., help="移送记录编号 / transfer id"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """接收单位签收移送 / the receiving unit signs for a transfer."""
    from sanwang.services.transfers import acknowledge_transfer, transfer_row

    with unit_of_work(as_user) as (s, actor):
        t = acknowledge_transfer(s, actor=actor, transfer_id=transfer_id, on=day(on))
        data = transfer_row(s, t, t.acknowledged_on or t.sent_on)
    emit(data, as_json, lambda d: out.print(f"已签收 / acknowledged: #{d['id']}"))


@app.command("transfers")
def transfers(
    overdue: bool = typer.Option(False, "--overdue", help="只列逾期移送或逾期未签收 / only late or unsigned"),
    as_of: str | None = typer.Option(None, "--as-of", help="以该日计算逾期 / as of this date"),
    gang: str | None = typer.Option(None, "--gang", help="只列该案 / only this gang case"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """移送登记台账 / list transfers."""
    from sanwang.services.transfers import list_transfers

    with unit_of_work(as_user) as (s, actor):
        rows = list_transfers(s, actor=actor, overdue=overdue, as_of=day(as_of, "--as-of"), police_number=gang)
    emit(rows, as_json, lambda r: table(f"线索移送 / transfers（{len(r)}）", TRANSFER_COLUMNS, r))


def _track(
    action: str, number: str, track: int, as_user: str | None, on: str | None, as_json: bool, **args: Any
) -> None:
    from sanwang.services.gang import act_track

    with unit_of_work(as_user) as (s, actor):
        row = act_track(
            s,
            actor=actor,
            police_number=number,
            track=track,
            action=action,
            on=day(on),
            args={k: v for k, v in args.items() if v},
        )
        data = {
            "police_number": number,
            "track": row.track,
            "status": row.status,
            "conclusion": row.conclusion,
            "finding": row.finding,
        }
    # For people, the step and the track's state in Chinese (the codes stay in --json), as clue steps print.
    track_ = Track(row.track)
    status_zh = TRACK_STATUS_ZH[TrackStatus(row.status)]
    conclusion_zh = TRACK_CONCLUSIONS[track_].get(row.conclusion or "")
    said = f"{TRACK_ACTION_ZH[action]}：{number} 第{row.track}查（{track_.zh}）→ {status_zh}"
    emit(data, as_json, lambda d: out.print(said + (f"（{conclusion_zh}）" if conclusion_zh else "")))


@app.command("assign")
def assign(
    number: str = NUMBER,
    track: int = TRACK,
    owner: str = typer.Option(..., "--owner", help="承办人登录名 / owner's username"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """指定一案三查某一查的承办人 / assign the owner of a track."""
    _track("assign", number, track, as_user, on, as_json, owner=owner)


@app.command("endorse")
def endorse(
    number: str = NUMBER,
    text: str = typer.Option(..., "--text", help="背书意见 / endorsement"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """第二查查否背书（承办人或领导） / endorse a not-found finding on track 2."""
    _track("endorse", number, 2, as_user, on, as_json, reason=text)


@app.command("conclude")
def conclude(
    number: str = NUMBER,
    track: int = TRACK,
    conclusion: str = typer.Option(
        ..., "--conclusion", help="1: 移送起诉/已判决/撤销案件 2: 查实保护伞/查否 3: 已问责/未发现失职失责"
    ),
    case: list[str] = typer.Option([], "--case", help="关联审查调查案件编号 / linked case number"),
    person: list[str] = typer.Option([], "--person", help="查实的保护伞人员 / persons found"),
    outcome: list[str] = typer.Option([], "--outcome", help="问责结果 / accountability outcome"),
    reason: str | None = typer.Option(None, "--reason", help="理由或认定意见 / reason or finding"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """办结一案三查的某一查（三查均办结即清底） / conclude a track; all three concluded clears the case."""
    _track(
        "conclude", number, track, as_user, on, as_json,
        conclusion=conclusion, cases=case, persons=person, outcomes=outcome, reason=reason,
    )  # fmt: skip


@app.command("reopen")
def reopen(
    number: str = NUMBER,
    track: int = TRACK,
    reason: str = typer.Option(..., "--reason", help="理由 / reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """领导重新打开已办结的一查（原结论保留，清底撤销） / a leader reopens a track."""
    _track("reopen", number, track, as_user, on, as_json, reason=reason)


@app.command("link")
def link(
    number: str = NUMBER,
    case: str = typer.Option(..., "--case", help="审查调查案件编号 / discipline case number"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """同步立案、同步调查：关联审查调查案件 / link a discipline case opened on this gang case."""
    from sanwang.services.gang import link_case

    with unit_of_work(as_user) as (s, actor):
        c = link_case(s, actor=actor, police_number=number, case_number=case, on=day(on))
        data = {"police_number": number, "case": c.number}
    emit(data, as_json, lambda d: out.print(f"已关联 / linked: {d['police_number']} ↔ {d['case']}"))


@app.command("list")
def list_(
    cleared: bool | None = typer.Option(None, "--cleared/--uncleared", help="已清底 / 未清底 / cleared or not"),
    late_notice: bool = typer.Option(False, "--late-notice", help="只列逾期通报 / only late notifications"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="最多列出条数 / at most this many"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """涉黑涉恶案件台账（一案三查进度、清底） / list gang cases with track status and clearance."""
    from sanwang.services.gang import list_gang_cases

    with unit_of_work(as_user) as (s, actor):
        rows = list_gang_cases(s, actor=actor, cleared=cleared, late_notice=late_notice, limit=limit)
    emit(rows, as_json, _render_list)


def _render_list(rows: list[dict[str, Any]]) -> None:
    """涉黑涉恶案件台账: a late notice beside its date; clearance only where the reader may see it (not police)."""
    commission = not rows or any(r["commission_view"] for r in rows)
    columns = [c for c in LIST_COLUMNS if commission or c[0] not in COMMISSION_COLUMNS]
    shown = [{**r, "notified_on": _notified(r), "cleared_on": _cleared(r)} for r in rows]
    table(f"涉黑涉恶案件 / gang cases（{len(rows)}）", columns, shown)


def _notified(d: dict[str, Any]) -> str:
    return str(d["notified_on"]) + ("（逾期）" if d["notified_late"] else "")


def _cleared(d: dict[str, Any]) -> str | None:
    """清底日期 as people read it: the date, 未清底, or nothing where clearance is not the reader's to see."""
    return (d["cleared_on"] or "未清底") if d["commission_view"] else None


@app.command("show")
def show(number: str = NUMBER, as_user: str | None = AS_USER, as_json: bool = JSON) -> None:
    """查看涉黑涉恶案件：成员、三查、移送、关联案件、操作记录 / show a gang case in full."""
    from sanwang.services.gang import show_gang_case

    with unit_of_work(as_user) as (s, actor):
        data = show_gang_case(s, actor=actor, police_number=number)
    emit(data, as_json, _render)


def _yes(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def _render(d: dict[str, Any]) -> None:
    """涉黑涉恶案件 for people: Chinese labels and names only (the stored codes are in --json)."""
    head = {
        "案件名称": d["name"],
        "类型": d["kind"],
        "诉讼阶段": d["stage"],
        "涉及行业领域": "、".join(d["sectors"] or []),
        "办案公安机关": d["police_unit_name"],
        "接收纪委监委": d["unit_name"],
        "公安立案日期": d["filed_on"],
        "通报日期": _notified(d),
        "应通报日期": d["notify_due"],
    }
    if d["commission_view"]:  # the police do not see clearance: no row rather than a wrong 未清底
        head.update({"清底日期": _cleared(d), "同步挖出保护伞": _yes(d["umbrella_in_step"])})
    kv(f"涉黑涉恶案件 {d['police_number']}", head)
    members = [{**m, "crimes": "；".join(m["crimes"])} for m in d["members"]]
    table("涉案成员", [("name", "姓名"), ("role", "地位"), ("id_number", "身份证号"), ("crimes", "罪名")], members)
    tracks = [
        {**t, "track": f"第{t['track']}查", "owner_name": t.get("owner_name") or "未指定"} for t in d["track_detail"]
    ]
    table(
        "一案三查",
        [("track", "三查"), ("track_zh", "内容"), ("status_zh", "状态"), ("owner_name", "承办人"),
         ("conclusion_zh", "结论"), ("concluded_on", "办结日期")],
        tracks,
    )  # fmt: skip
    if d["transfers"]:
        table(
            "线索移送",
            [("id", "编号"), ("direction_zh", "方向"), ("sent_on", "移送日期"), ("due", "期限"),
             ("acknowledged_on", "签收日期"), ("problem_zh", "问题")],
            d["transfers"],
        )  # fmt: skip
        for t in d["transfers"]:  # a clue number is too wide for the table at 80 columns
            if t["clue"]:
                out.print(f"移送 {t['id']} 的线索：{t['clue']}")
    if d["cases"]:
        cases = [{**c, "umbrella": _yes(c["umbrella"])} for c in d["cases"]]
        table(
            "关联审查调查案件",
            [("number", "案件编号"), ("subject", "被审查调查人"), ("state_zh", "状态"), ("umbrella", "保护伞问题")],
            cases,
        )
    if d["marks"]:
        table("督办标记", [("kind_zh", "标记"), ("set_on", "设置日期"), ("reason", "理由")], d["marks"])
    history_table("gang_case", d["history"])
