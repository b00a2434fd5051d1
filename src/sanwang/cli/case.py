"""``sanwang case``: discipline cases — opening, 留置, outcomes, supervision recommendations, conclusion."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import typer

from sanwang.cli.common import AS_USER, JSON, ON, day, deadline_table, emit, history_table, kv, out, table, unit_of_work
from sanwang.domain.errors import ValidationError

app = typer.Typer(no_args_is_help=True)

NUMBER = typer.Argument(..., help="案件编号，如 530600-2019-LA-0001 / case number")
APPROVER = typer.Option(..., "--approver", help="批准领导登录名 / username of the approving leader")

LIST_COLUMNS = [
    ("number", "案件编号"),
    ("state_zh", "状态"),
    ("subject_name", "被审查调查人"),
    ("subject_position", "职务"),
    ("subject_rank", "职级"),
    ("opened_on", "立案日期"),
    ("detained_until", "留置至"),  # one column for 留置中 and its end: the list keeps its dates whole at 80 columns
    ("gang_case", "涉黑涉恶案件"),
]

_WHEN = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def when(text: str, field: str) -> datetime:
    """A date and time: ``2019-05-06 10:00`` or ``2019-05-06T10:00:00``."""
    m = _WHEN.match(text)
    if m:
        try:
            return datetime.fromisoformat(f"{m.group(1)}T{int(m.group(2)):02d}:{m.group(3)}:{m.group(4) or '00'}")
        except ValueError:
            pass
    raise ValidationError(
        f"「{text}」不是日期时间，应写作 2019-05-06 10:00",
        f"{text!r} is not a date and time; write 2019-05-06 10:00",
        field=field,
    )


def _print(what: str) -> Any:
    return lambda d: out.print(f"{what}：{d['number']}")


@app.command("open")
def open_(
    approver: str = APPROVER,
    subject: str = typer.Option(..., "--subject", help="被审查调查人姓名 / the person's name"),
    subject_id: str | None = typer.Option(None, "--subject-id", help="身份证号 / ID number"),
    position: str | None = typer.Option(None, "--position", help="单位职务 / position"),
    rank: str | None = typer.Option(
        None, "--rank", help="职级：省部级/厅局级/县处级/乡科级/一般干部/村(社区)干部/其他"
    ),
    clue: str | None = typer.Option(None, "--clue", help="来源线索编号 / source clue number"),
    gang: str | None = typer.Option(None, "--gang", help="涉黑涉恶案件公安编号 / gang case"),
    umbrella: bool = typer.Option(False, "--umbrella", help="涉嫌充当保护伞 / umbrella conduct"),
    team: list[str] = typer.Option([], "--team", help="专案组成员登录名 / team member"),
    direct: str | None = typer.Option(
        None, "--direct", help="直接立案的决定（无经批准的移送审查调查线索时必填） / the decision to open directly"
    ),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """立案审查调查：来自经批准移送审查调查的线索，或领导直接立案的决定 / open a case."""
    from sanwang.services.cases import open_case, summary_row

    with unit_of_work(as_user) as (s, actor):
        case = open_case(
            s,
            actor=actor,
            approver=approver,
            subject_name=subject,
            subject_id_number=subject_id,
            subject_position=position,
            subject_rank=rank,
            clue_number=clue,
            gang_number=gang,
            umbrella=umbrella,
            team=team,
            direct_basis=direct,
            on=day(on),
        )
        data = summary_row(s, case).to_json()
    emit(data, as_json, _print("已立案 / opened"))


def _detention(d: Any, number: str) -> dict[str, Any]:
    return {
        "number": number,
        "started_on": d.started_on.isoformat(),
        "due": d.due.isoformat(),
        "extensions": d.extensions,
        "family_notice_due_at": d.family_notice_due_at.isoformat() if d.family_notice_due_at else None,
        "family_notified_at": d.family_notified_at.isoformat() if d.family_notified_at else None,
        "notify_waiver": d.notify_waiver,
        "released_on": d.released_on.isoformat() if d.released_on else None,
    }


@app.command("detain")
def detain(
    number: str = NUMBER,
    approver: str = APPROVER,
    at: str | None = typer.Option(None, "--at", help="留置开始时间 2019-05-06 10:00 / start time"),
    reason: str | None = typer.Option(None, "--reason", help="理由 / reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """采取留置措施（市县级报上一级批准，期限3个月） / detain: 3 months, city level and below approved one up."""
    from sanwang.services.cases import detain as detain_

    with unit_of_work(as_user) as (s, actor):
        d = detain_(
            s,
            actor=actor,
            number=number,
            approver=approver,
            on=day(on),
            at=when(at, "--at") if at else None,
            reason=reason,
        )
        data = _detention(d, number)
    emit(data, as_json, lambda x: out.print(f"已留置 / detained: {x['number']}，期限 / due {x['due']}"))


@app.command("notify-family")
def notify_family(
    number: str = NUMBER,
    at: str = typer.Option(..., "--at", help="通知家属时间 2019-05-07 09:30 / when the family was told"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """登记通知家属（超过24小时记为逾期） / record the family notice (late after 24 hours)."""
    from sanwang.services.cases import notify_family as notify

    with unit_of_work(as_user) as (s, actor):
        data = _detention(notify(s, actor=actor, number=number, at=when(at, "--at"), on=day(on)), number)
    emit(data, as_json, _print("已登记通知家属 / family notice recorded"))


@app.command("waive-notice")
def waive_notice(
    number: str = NUMBER,
    reason: str = typer.Option(..., "--reason", help="有碍调查的理由 / why telling would obstruct"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """领导决定不通知家属（有碍调查） / a leader waives the family notice."""
    from sanwang.services.cases import waive_family_notice

    with unit_of_work(as_user) as (s, actor):
        data = _detention(waive_family_notice(s, actor=actor, number=number, reason=reason, on=day(on)), number)
    emit(data, as_json, _print("已决定不通知家属 / notice waived"))


@app.command("extend")
def extend(
    number: str = NUMBER,
    approver: str = APPROVER,
    reason: str = typer.Option(..., "--reason", help="理由 / reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """延长留置（仅一次，3个月） / extend the detention once, by 3 months."""
    from sanwang.services.cases import extend_detention

    with unit_of_work(as_user) as (s, actor):
        d = extend_detention(s, actor=actor, number=number, approver=approver, reason=reason, on=day(on))
        data = _detention(d, number)
    emit(data, as_json, lambda x: out.print(f"留置延至 / extended to {x['due']}"))


APPROVAL_REF = typer.Option(
    None, "--approval-ref", help="国家监察委员会批准文号（再延长须填） / the national commission's approval reference"
)
MEASURES = {"管护": "guanhu", "责令候查": "zeling_houcha", "guanhu": "guanhu", "zeling_houcha": "zeling_houcha"}


@app.command("measure")
def measure(
    number: str = NUMBER,
    kind: str = typer.Option(..., "--kind", help="管护 | 责令候查"),
    approver: str = APPROVER,
    reason: str = typer.Option(..., "--reason", help="理由 / reason"),
    approval_ref: str | None = APPROVAL_REF,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """采取管护或责令候查（2025年6月1日起施行的监察法） / take 管护 or 责令候查 (law in force from 2025-06-01)."""
    from sanwang.services.measures import take_measure

    code = MEASURES.get(kind.strip())
    if code is None:
        raise ValidationError(f"未知措施「{kind}」，可选：管护、责令候查", f"unknown measure {kind!r}", field="--kind")
    with unit_of_work(as_user) as (s, actor):
        m = take_measure(
            s, actor=actor, number=number, kind=code, approver=approver, reason=reason,
            approval_ref=approval_ref, on=day(on),
        )  # fmt: skip
        data = {"number": number, "measure": m.id, "kind": m.kind, "decided_on": m.decided_on, "due": m.due}
    emit(data, as_json, lambda d: out.print(f"已采取{kind}：措施 #{d['measure']}，期限 {d['due']}"))


@app.command("measure-end")
def measure_end(
    measure_id: int = typer.Argument(..., help="措施编号（case show 可见） / measure id"),
    reason: str | None = typer.Option(None, "--reason", help="理由 / reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """解除管护或责令候查 / end 管护 or 责令候查."""
    from sanwang.services.measures import end_measure

    with unit_of_work(as_user) as (s, actor):
        m = end_measure(s, actor=actor, measure_id=measure_id, reason=reason or "", on=day(on))
        data = {
            "measure": m.id,
            "kind": m.kind,
            "ended_on": m.ended_on,
            "late": bool(m.ended_on and m.ended_on > m.due),
        }
    emit(data, as_json, lambda d: out.print(f"已解除措施 #{d['measure']}"))


@app.command("extend-further")
def extend_further(
    number: str = NUMBER,
    approver: str = APPROVER,
    reason: str = typer.Option(..., "--reason", help="理由（可能判处十年有期徒刑以上刑罚） / the ground"),
    approval_ref: str | None = APPROVAL_REF,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """再延长留置时间（二个月，经国家监察委员会批准） / further extension of a detention (2 months)."""
    from sanwang.services.measures import further_extend_detention

    with unit_of_work(as_user) as (s, actor):
        d = further_extend_detention(
            s, actor=actor, number=number, approver=approver, reason=reason, approval_ref=approval_ref, on=day(on)
        )
        data = _detention(d, number)
    emit(data, as_json, lambda x: out.print(f"留置再延长至 {x['due']}"))


@app.command("recount")
def recount(
    number: str = NUMBER,
    approver: str = APPROVER,
    reason: str = typer.Option(..., "--reason", help="新发现的重大职务犯罪 / the new serious offence"),
    approval_ref: str | None = APPROVAL_REF,
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """重新计算留置时间（自发现之日起，以一次为限） / recount a detention from the day a new offence is found."""
    from sanwang.services.measures import recount_detention

    with unit_of_work(as_user) as (s, actor):
        d = recount_detention(
            s, actor=actor, number=number, approver=approver, reason=reason, approval_ref=approval_ref, on=day(on)
        )
        data = _detention(d, number)
    emit(data, as_json, lambda x: out.print(f"留置时间重新计算，期限 {x['due']}"))


@app.command("release")
def release(
    number: str = NUMBER,
    reason: str | None = typer.Option(None, "--reason", help="理由 / reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """解除留置 / release."""
    from sanwang.services.cases import release as release_

    with unit_of_work(as_user) as (s, actor):
        data = _detention(release_(s, actor=actor, number=number, on=day(on), reason=reason), number)
    emit(data, as_json, _print("已解除留置 / released"))


@app.command("outcome")
def outcome(
    number: str = NUMBER,
    kind: str = typer.Option(..., "--kind", help="党纪处分/政务处分/组织处理/问责（单位）/问责（干部）/移送审查起诉"),
    value: str = typer.Option(..., "--value", help="如 留党察看、记大过、诫勉 / e.g. 留党察看"),
    form: str | None = typer.Option(None, "--form", help="四种形态 1-4 / the form"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """登记处理结果 / record an outcome."""
    from sanwang.services.cases import record_outcome

    with unit_of_work(as_user) as (s, actor):
        o = record_outcome(s, actor=actor, number=number, kind=kind, value=value, form=form, on=day(on))
        data = {"number": number, "kind": o.kind, "value": o.value, "form": o.form}
    emit(data, as_json, lambda d: out.print(f"{d['number']}：{d['value']}"))


@app.command("recommend")
def recommend(
    number: str = NUMBER,
    to: str = typer.Option(..., "--to", help="收受建议的单位 / the unit"),
    content: str = typer.Option(..., "--content", help="建议内容 / content"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """提出监察建议（以案促改，1个月内回复） / issue a supervision recommendation."""
    from sanwang.services.cases import recommend as recommend_

    with unit_of_work(as_user) as (s, actor):
        r = recommend_(s, actor=actor, number=number, to_unit=to, content=content, on=day(on))
        data = {"number": number, "recommendation": r.id, "due": r.due.isoformat()}
    emit(data, as_json, lambda d: out.print(f"监察建议 #{d['recommendation']}，回复期限 / due {d['due']}"))


@app.command("follow-up")
def follow_up(
    recommendation_id: int = typer.Argument(..., help="监察建议编号 / recommendation id"),
    result: str = typer.Option(..., "--result", help="落实情况 / what the unit did"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """登记监察建议落实情况 / record the follow-up of a recommendation."""
    from sanwang.services.cases import follow_up as follow

    with unit_of_work(as_user) as (s, actor):
        r = follow(s, actor=actor, recommendation_id=recommendation_id, result=result, on=day(on))
        data = {
            "recommendation": r.id,
            "followed_up_on": r.followed_up_on,
            "late": bool(r.followed_up_on and r.followed_up_on > r.due),
        }
    emit(data, as_json, lambda d: out.print(f"已登记落实情况 / recorded: #{d['recommendation']}"))


@app.command("conclude")
def conclude(
    number: str = NUMBER,
    reason: str | None = typer.Option(None, "--reason", help="审结意见（无处理结果时必填） / reason"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """审结案件（领导） / conclude a case."""
    from sanwang.services.cases import conclude_case, summary_row

    with unit_of_work(as_user) as (s, actor):
        data = summary_row(s, conclude_case(s, actor=actor, number=number, reason=reason, on=day(on))).to_json()
    emit(data, as_json, _print("已审结 / concluded"))


@app.command("review-apply")
def review_apply(
    number: str = NUMBER,
    outcome: int = typer.Option(..., "--outcome", help="所不服的处理结果编号（case show 可见） / outcome id"),
    level: str = typer.Option("复审", "--level", help="复审（原决定机关）| 复核（上一级） / review or recheck"),
    grounds: str = typer.Option(..., "--grounds", help="申请理由 / grounds"),
    served: str | None = typer.Option(None, "--served", help="决定送达日（默认决定日） / day the decision was served"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """登记复审、复核申请（收到决定之日起一个月内） / record an application for review or recheck."""
    from sanwang.services.reviews import apply_review

    with unit_of_work(as_user) as (s, actor):
        r = apply_review(
            s,
            actor=actor,
            number=number,
            outcome_id=outcome,
            level=level,
            grounds=grounds,
            served_on=day(served, "--served"),
            on=day(on),
        )
        data = {"number": number, "review": r.id, "level": r.level, "applied_on": r.applied_on}
    emit(data, as_json, lambda d: out.print(f"已登记{'复审' if d['level'] == 'review' else '复核'}申请 #{d['review']}"))


@app.command("review-decide")
def review_decide(
    review_id: int = typer.Argument(..., help="复审复核申请编号 / application id"),
    result: str = typer.Option(..., "--result", help="维持 | 变更 | 撤销 / upheld, changed, revoked"),
    decision: str = typer.Option(..., "--decision", help="决定理由 / reasons"),
    new_value: str | None = typer.Option(None, "--new-value", help="变更后的处理（变更时必填） / the new outcome"),
    form: str | None = typer.Option(None, "--form", help="变更后的形态 1–4 / form of the new outcome"),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """作出复审、复核决定（决定机关领导） / decide a review or recheck."""
    from sanwang.services.reviews import decide_review

    with unit_of_work(as_user) as (s, actor):
        r = decide_review(
            s,
            actor=actor,
            review_id=review_id,
            result=result,
            decision=decision,
            new_value=new_value,
            form=form,
            on=day(on),
        )
        data = {"review": r.id, "result": r.result, "decided_on": r.decided_on, "new_outcome": r.new_outcome_id}
    emit(data, as_json, lambda d: out.print(f"已作出决定 / decided: #{d['review']} {d['result']}"))


@app.command("bulletin")
def bulletin(
    number: str = NUMBER,
    facts: str | None = typer.Option(None, "--facts", help="通报所述违纪违法事实 / the facts to publish"),
    facts_file: str | None = typer.Option(
        None, "--facts-file", help="从 UTF-8 文本文件读取事实 / read them from a file"
    ),
    anonymise_subject: bool = typer.Option(
        False, "--anonymise-subject", help="被审查调查人也隐去姓名 / reduce the official's name too"
    ),
    as_user: str | None = AS_USER,
    on: str | None = ON,
    as_json: bool = JSON,
) -> None:
    """起草典型案例通报（隐去个人信息，列出每处改动供核对） / draft a typical-case bulletin, personal data reduced."""
    from pathlib import Path

    from sanwang.services.bulletins import draft_bulletin

    if (facts is None) == (facts_file is None):
        raise ValidationError(
            "请给出 --facts 或 --facts-file 之一", "give one of --facts or --facts-file", field="facts"
        )
    if facts_file is not None:
        try:
            facts = Path(facts_file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise ValidationError(
                f"无法读取 {facts_file}：{e}", f"cannot read {facts_file}: {e}", field="--facts-file"
            ) from None
    with unit_of_work(as_user) as (s, actor):
        data = draft_bulletin(
            s, actor=actor, number=number, facts=facts or "", anonymise_subject=anonymise_subject, on=day(on)
        )

    def render(d: dict[str, Any]) -> None:
        out.print(d["text"])
        table(
            "隐去的信息（发布前核对） / reductions to check",
            [("type", "类别"), ("original", "原文"), ("shown", "通报中")],
            d["reductions"],
        )

    emit(data, as_json, render)


@app.command("list")
def list_(
    state: str | None = typer.Option(None, "--state", help="investigating / concluded"),
    gang: str | None = typer.Option(None, "--gang", help="涉黑涉恶案件 / gang case"),
    detained: bool | None = typer.Option(None, "--detained/--not-detained", help="留置中 / detained now"),
    overdue: bool = typer.Option(False, "--overdue", help="有逾期期限 / past a deadline"),
    as_of: str | None = typer.Option(None, "--as-of", help="以该日计算逾期 / as of this date"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="最多列出条数 / at most this many"),
    as_user: str | None = AS_USER,
    as_json: bool = JSON,
) -> None:
    """审查调查案件台账 / list discipline cases."""
    from sanwang.services.cases import list_cases

    with unit_of_work(as_user) as (s, actor):
        rows = list_cases(
            s,
            actor=actor,
            state=state,
            gang_number=gang,
            detained=detained,
            overdue=overdue,
            as_of=day(as_of, "--as-of"),
            limit=limit,
        )
    emit([r.to_json() for r in rows], as_json, _render_list)


def _render_list(rows: list[dict[str, Any]]) -> None:
    shown = [{**r, "detained_until": r["detention_due"] if r["detained"] else None} for r in rows]
    table(f"审查调查案件 / cases（{len(rows)}）", LIST_COLUMNS, shown)


@app.command("show")
def show(number: str = NUMBER, as_user: str | None = AS_USER, as_json: bool = JSON) -> None:
    """查看案件：留置、处理结果、监察建议、期限、操作记录 / show a case in full."""
    from sanwang.services.cases import show_case

    with unit_of_work(as_user) as (s, actor):
        data = show_case(s, actor=actor, number=number).to_json()
    emit(data, as_json, _render)


def _late(hours: int | None) -> str:
    return f"（逾期{hours}小时）" if hours else ""


def _minute(text: str) -> str:
    """A stored time as people read it, to the minute like the notice deadline: 2018-05-26 09:00."""
    shown = str(text).replace("T", " ")
    return shown[:16] if len(shown) > 16 and shown[10] == " " else shown


def _render(d: dict[str, Any]) -> None:
    """case show for people: Chinese labels only, codes and English in --json."""
    head: dict[str, Any] = {
        "状态": d["state_zh"],
        "被审查调查人": d["subject_name"],
        "职务": d["subject_position"],
        "职级": d["subject_rank"],
        "立案日期": d["opened_on"],
        "批准领导": d["approved_by_name"],
        "来源线索": d["clue"],
        "直接立案决定": d["direct_basis"],
        "涉黑涉恶案件": d["gang_case"],
        "涉嫌保护伞": "是" if d["umbrella"] else None,
        "审结日期": d["concluded_on"],
    }
    kv(f"案件 {d['number']}", {k: v for k, v in head.items() if v not in (None, "")})
    x = d["detention"]
    if x:
        notice = x["family_notified_at"] or ("不通知（有碍调查）" if x["notify_waiver"] else "未通知")
        rows: dict[str, Any] = {
            "开始": _minute(x["started_at"] or x["started_on"]),
            "期限": x["due"],
            "延长": f"{x['extensions']}次" + ("，再延长1次" if x["further_extensions"] else ""),
            "重新计算": x["recounted_on"],
            "通知家属时限": _minute(x["family_notice_due_at"] or ""),
            "通知家属": _minute(notice) + _late(x["family_notice_hours_late"]),
            "解除": x["released_on"],
        }
        kv("留置", {k: v for k, v in rows.items() if v not in (None, "")})
    if d["measures"]:
        table(
            "管护、责令候查",
            [("id", "编号"), ("kind_zh", "措施"), ("decided_on", "决定"), ("due", "期限"), ("ended_on", "解除")],
            d["measures"],
        )
    outcomes = [{**o, "state": "生效" if o["in_force"] else f"{o['retired_on']}失效"} for o in d["outcomes"]]
    table(
        "处理结果",
        [("id", "编号"), ("kind_zh", "类别"), ("value", "结果"), ("form_zh", "形态"), ("decided_on", "日期"),
         ("state", "效力")],
        outcomes,
    )  # fmt: skip
    if d["reviews"]:
        table(
            "复审复核",
            [
                ("id", "编号"),
                ("level_zh", "类别"),
                ("outcome", "处理结果"),
                ("applied_on", "申请"),
                ("due", "决定期限"),
                ("decided_on", "决定"),
                ("result_zh", "结果"),
            ],
            d["reviews"],
        )
    if d["recommendations"]:
        table(
            "监察建议",
            [("id", "编号"), ("to_unit", "单位"), ("due", "期限"), ("followed_up_on", "落实")],
            d["recommendations"],
        )
    deadline_table([_family_notice_row(r, x) for r in d["deadlines"]])
    history_table("case", d["history"])


def _family_notice_row(row: dict[str, Any], detention: dict[str, Any] | None) -> dict[str, Any]:
    """The 24-hour family notice is due at a moment: its row gives the times and the lateness, not a day that reads
    as on time when the family was told hours late on the due day."""
    if row["rule"] != "family_notice" or not detention or not detention["family_notice_due_at"]:
        return row
    told = detention["family_notified_at"] or ("不通知（有碍调查）" if detention["notify_waiver"] else None)
    met = str(told)[:16].replace("T", " ") + _late(detention["family_notice_hours_late"]) if told else None
    return {**row, "due_shown": detention["family_notice_due_at"].replace("T", " "), "met_on": met}
