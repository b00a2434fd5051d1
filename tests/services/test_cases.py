"""Discipline cases through the services: numbering, 留置 and its approvals, outcomes, recommendations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import text

from sanwang.domain.errors import AccessDenied, TransitionRefused, ValidationError
from sanwang.services.cases import (
    conclude_case,
    detain,
    extend_detention,
    follow_up,
    list_cases,
    notify_family,
    open_case,
    recommend,
    record_outcome,
    release,
    show_case,
    waive_family_notice,
)
from sanwang.services.clues import ClueDraft, SubjectDraft, act, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.marks import list_overdue
from sanwang.store.db import Store
from tests.services.world import CITY, COUNTY
from tests.services.world2 import build_world2

SUBJECT_ID = "530602198007090228"
CASE_KINDS = ("case", "recommendation")  # the clues' own deadlines are not what these tests look at


def _clue(store: Store, unit: str = CITY, clerk: str = "clerk", *, investigate: bool = True) -> str:
    with store.session() as s:
        draft = ClueDraft(
            channel="SH",
            received=date(2019, 4, 1),
            real_name=False,
            summary="反映某局局长充当保护伞",
            subjects=(SubjectDraft(name="张某", position="局长"),),
        )
        [(_, number)] = register_clues(s, actor=actor_for(s, clerk), unit=unit_by_code(s, unit), drafts=[draft])
    if investigate:
        approve_investigation(store, number, county=unit == COUNTY)
    return number


def approve_investigation(store: Store, number: str, *, county: bool = False) -> None:
    """Dispose the clue 移送审查调查 and have a leader approve it: the source a case opens from."""
    manager, handler, leader = (
        ("county_clerk", "county_inv", "county_leader") if county else ("manager", "inv", "leader")
    )
    steps: list[tuple[str, str, dict[str, Any]]] = [
        (manager, "assign", {"handler": handler}),
        (handler, "propose", {"method": "移送审查调查", "reason": "涉嫌严重违纪违法"}),
        (leader, "approve", {}),
    ]
    for who, action, args in steps:
        with store.session() as s:
            act(s, actor=actor_for(s, who), number=number, action=action, on=date(2019, 4, 20), args=args)


def _open(
    store: Store, clue: str, who: str = "inv", approver: str = "leader", on: date = date(2019, 5, 6), **kw: Any
) -> str:
    with store.session() as s:
        case = open_case(
            s,
            actor=actor_for(s, who),
            approver=approver,
            subject_name=kw.pop("subject_name", "张某"),
            subject_position="某局局长",
            subject_rank="县处级",
            clue_number=clue,
            on=on,
            **kw,
        )
        return case.number


def _show(store: Store, number: str, who: str = "leader") -> dict[str, Any]:
    with store.session() as s:
        detail = show_case(s, actor=actor_for(s, who), number=number)
        assert detail.summary.number == number  # typed for the web; --json is its to_json()
        return detail.to_json()


def test_case_numbers_are_gap_free_per_unit_and_year(store: Store) -> None:
    build_world2(store)
    clue = _clue(store)
    opened = [_open(store, clue), _open(store, clue, subject_name="李某")]
    assert opened == ["530600-2019-LA-0001", "530600-2019-LA-0002"]
    with pytest.raises(TransitionRefused, match="提请人本人"):
        _open(store, clue, who="leader", approver="leader", subject_name="王某")
    with pytest.raises(TransitionRefused, match="批准人不是领导"):
        _open(store, clue, approver="manager", subject_name="王某")
    with pytest.raises(ValidationError, match="校验码"):
        _open(store, clue, subject_id_number="530602198007090229", subject_name="王某")
    assert _open(store, clue, subject_name="王某") == "530600-2019-LA-0003"  # the refusals burnt no number
    assert _open(store, clue, on=date(2020, 1, 6), subject_name="赵某") == "530600-2020-LA-0001"
    county_clue = _clue(store, COUNTY, "county_clerk")
    assert _open(store, county_clue, who="county_inv", approver="county_leader") == "530602-2019-LA-0001"
    # A county leader cannot approve a city case.
    with pytest.raises(TransitionRefused, match="上级纪委监委"):
        _open(store, clue, approver="county_leader", subject_name="钱某")
    shown = _show(store, "530600-2019-LA-0001")
    assert shown["clue"] == clue and shown["approved_by"] == "leader" and shown["subject_rank"] == "县处级"
    assert [h["action"] for h in shown["history"]] == ["open"]


def test_detention_of_a_city_case_is_approved_one_level_up(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store))
    start = datetime(2019, 5, 6, 10, 0)
    with pytest.raises(TransitionRefused, match="上一级纪委监委（云南省纪委监委）"), store.session() as s:
        detain(s, actor=actor_for(s, "inv"), number=number, approver="leader2", at=start)
    with store.session() as s:
        d = detain(s, actor=actor_for(s, "inv"), number=number, approver="pleader", at=start)
        assert (d.started_on, d.due) == (date(2019, 5, 6), date(2019, 8, 6))
    with pytest.raises(TransitionRefused, match="已采取过留置"), store.session() as s:
        detain(s, actor=actor_for(s, "inv"), number=number, approver="pleader", on=date(2019, 5, 7))
    # The extension too needs the level above; then it is granted once, and only once.
    with pytest.raises(TransitionRefused, match="上一级"), store.session() as s:
        extend_detention(
            s, actor=actor_for(s, "inv"), number=number, approver="leader", reason="案情复杂", on=date(2019, 8, 1)
        )
    with store.session() as s:
        d = extend_detention(
            s, actor=actor_for(s, "inv"), number=number, approver="pleader", reason="案情复杂", on=date(2019, 8, 1)
        )
        assert (d.due, d.extensions) == (date(2019, 11, 6), 1)
    with pytest.raises(TransitionRefused, match="只能延长一次"), store.session() as s:
        extend_detention(
            s, actor=actor_for(s, "inv"), number=number, approver="pleader", reason="再延", on=date(2019, 11, 1)
        )
    shown = _show(store, number)
    assert shown["detention"]["due"] == "2019-11-06" and shown["detained"] is True
    assert [d["due"] for d in shown["deadlines"] if d["rule"] == "detention"] == ["2019-11-06"]
    with store.session() as s:
        release(s, actor=actor_for(s, "inv"), number=number, on=date(2019, 10, 30))
    shown = _show(store, number)
    assert shown["detained"] is False
    assert [h["action"] for h in shown["history"]] == ["open", "detain", "extend_detention", "release"]


def test_detention_of_a_county_case_needs_the_city(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store, COUNTY, "county_clerk"), who="county_inv", approver="county_leader")
    with pytest.raises(TransitionRefused, match="昭通市纪委监委"), store.session() as s:
        detain(s, actor=actor_for(s, "county_inv"), number=number, approver="county_leader", on=date(2019, 5, 6))
    with pytest.raises(TransitionRefused, match="上一级"), store.session() as s:
        detain(s, actor=actor_for(s, "county_inv"), number=number, approver="pleader", on=date(2019, 5, 6))
    with store.session() as s:
        d = detain(s, actor=actor_for(s, "county_inv"), number=number, approver="leader", on=date(2019, 5, 6))
        assert d.approved_by == actor_for(s, "leader").user_id


def test_family_notice_within_24_hours(store: Store) -> None:
    build_world2(store)
    clue = _clue(store)
    on_time, late, missing = (_open(store, clue, subject_name=n) for n in ("张某", "李某", "王某"))
    start = datetime(2019, 5, 6, 10, 0)
    with store.session() as s:
        for number in (on_time, late, missing):
            detain(s, actor=actor_for(s, "inv"), number=number, approver="pleader", at=start)
        notify_family(s, actor=actor_for(s, "inv"), number=on_time, at=datetime(2019, 5, 7, 9, 30))
        notify_family(s, actor=actor_for(s, "inv"), number=late, at=datetime(2019, 5, 7, 11, 0))
    assert _show(store, on_time)["history"][-1]["data"]["late"] is False
    assert _show(store, late)["history"][-1]["data"] == {
        "at": "2019-05-07T11:00:00",
        "deadline": "2019-05-07T10:00:00",
        "late": True,
    }
    with pytest.raises(TransitionRefused, match="已登记"), store.session() as s:
        notify_family(s, actor=actor_for(s, "inv"), number=late, at=datetime(2019, 5, 7, 12, 0))
    # The moment the notice is due is stored as a time, and every reading of the case says how late it was or is.
    with store.session() as s:
        assert s.scalar(text("SELECT count(*) FROM detentions WHERE family_notice_due_at IS NOT NULL")) == 3
    assert _show(store, late)["detention"]["family_notice_due_at"] == "2019-05-07T10:00"
    assert _show(store, late)["detention"]["family_notice_hours_late"] == 1
    assert _show(store, on_time)["detention"]["family_notice_hours_late"] is None
    with store.session() as s:
        still = show_case(s, actor=actor_for(s, "leader"), number=missing, now=datetime(2019, 5, 7, 15, 0))
    assert still.detention is not None and still.detention["family_notice_hours_late"] == 5
    # The case where nobody told the family is on the overdue list the day after.
    with store.session() as s:
        overdue = list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 5, 8), kinds=CASE_KINDS)
    assert [(r["reference"], r["rule"]) for r in overdue] == [(missing, "family_notice")]
    with pytest.raises(TransitionRefused, match="leader"), store.session() as s:
        waive_family_notice(s, actor=actor_for(s, "inv"), number=missing, reason="有碍调查", on=date(2019, 5, 6))
    with store.session() as s:
        d = waive_family_notice(
            s, actor=actor_for(s, "leader"), number=missing, reason="可能串供、毁灭证据", on=date(2019, 5, 6)
        )
        assert d.notify_waiver == "可能串供、毁灭证据"
        assert list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 5, 8), kinds=CASE_KINDS) == []


def test_outcomes_use_the_vocabulary_and_conclusion_needs_release(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store))
    day = date(2019, 9, 2)

    def outcome(kind: str, value: str, form: Any = None, who: str = "leader") -> None:
        with store.session() as s:
            record_outcome(s, actor=actor_for(s, who), number=number, kind=kind, value=value, form=form, on=day)

    with pytest.raises(ValidationError, match="党纪处分」没有「记过"):
        outcome("党纪处分", "记过")
    with pytest.raises(ValidationError, match="未知处理结果类别"):
        outcome("罚款", "一万元")
    with pytest.raises(ValidationError, match="四种形态"):
        outcome("党纪处分", "留党察看", 5)
    with pytest.raises(TransitionRefused, match="roles"):
        outcome("党纪处分", "留党察看", 3, who="inv")
    with store.session() as s:
        detain(s, actor=actor_for(s, "inv"), number=number, approver="pleader", on=date(2019, 5, 6))
    outcome("党纪处分", "留党察看", "第三种形态")
    outcome("政务处分", "撤职", 3)
    outcome("问责", "诫勉")
    with pytest.raises(TransitionRefused, match="解除留置"), store.session() as s:
        conclude_case(s, actor=actor_for(s, "leader"), number=number, on=day)
    with store.session() as s:
        release(s, actor=actor_for(s, "inv"), number=number, on=day)
        with pytest.raises(TransitionRefused, match="leader"):
            conclude_case(s, actor=actor_for(s, "inv"), number=number, on=day)
        conclude_case(s, actor=actor_for(s, "leader"), number=number, on=day)
    shown = _show(store, number)
    assert shown["state"] == "concluded" and shown["concluded_on"] == "2019-09-02"
    assert [(o["kind"], o["value"], o["form"]) for o in shown["outcomes"]] == [
        ("party", "留党察看", 3),
        ("administrative", "撤职", 3),
        ("accountability_cadre", "诫勉", None),
    ]
    with pytest.raises(TransitionRefused, match="审结"):
        outcome("移送审查起诉", "移送审查起诉")
    other = _open(store, _clue(store))
    with pytest.raises(TransitionRefused, match="不予处理的理由"), store.session() as s:
        conclude_case(s, actor=actor_for(s, "leader"), number=other, on=day)


def test_recommendation_follow_up_deadline(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store))
    with store.session() as s:
        rec = recommend(
            s,
            actor=actor_for(s, "inv"),
            number=number,
            to_unit="昭阳区自然资源局",
            content="建立矿产审批廉政风险防控制度",
            on=date(2019, 6, 3),
        )
        rec_id = rec.id
        assert rec.due == date(2019, 7, 3)
    with store.session() as s:
        assert [
            r.number for r in list_cases(s, actor=actor_for(s, "leader"), overdue=True, as_of=date(2019, 7, 4))
        ] == [number]
        overdue = list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 7, 4), kinds=CASE_KINDS)
        assert [r["rule"] for r in overdue] == ["recommendation_followup"]
        assert overdue[0]["reference"].startswith(number)
        follow_up(s, actor=actor_for(s, "inv"), recommendation_id=rec_id, result="已出台制度", on=date(2019, 7, 5))
        assert list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 7, 8), kinds=CASE_KINDS) == []
        with pytest.raises(TransitionRefused, match="already"):
            follow_up(s, actor=actor_for(s, "inv"), recommendation_id=rec_id, result="再次", on=date(2019, 7, 8))
    assert _show(store, number)["history"][-1]["data"] == {"recommendation": rec_id, "late": True}


def test_cases_are_hidden_from_their_subject_and_other_units(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store), subject_name="周副书记", subject_id_number=SUBJECT_ID)
    with store.session() as s:
        s.execute(text(f"UPDATE users SET id_number = '{SUBJECT_ID}' WHERE username = 'leader2'"))
    with store.session() as s:
        assert list_cases(s, actor=actor_for(s, "leader2")) == []
        assert [r.number for r in list_cases(s, actor=actor_for(s, "leader"))] == [number]
        assert list_cases(s, actor=actor_for(s, "county_inv")) == []
    with pytest.raises(AccessDenied):
        _show(store, number, "leader2")
    with pytest.raises(AccessDenied):
        _show(store, number, "county_inv")


def test_one_open_case_per_person_and_clue(store: Store) -> None:
    build_world2(store)
    clue = _clue(store)
    first = _open(store, clue, subject_id_number=SUBJECT_ID)
    # The same person by ID number, even under another spelling of the name: refused, the first case named.
    with pytest.raises(TransitionRefused, match=f"尚未审结的案件 {first}.*open case on the same clue: {first}"):
        _open(store, clue, subject_id_number=SUBJECT_ID, subject_name="张  某")
    # Without an ID number, by name and unit: the same name in the same post is the same person ...
    second = _open(store, clue, subject_name="刘某")
    with pytest.raises(TransitionRefused, match=second):
        _open(store, clue, subject_name="刘某")
    # ... another person of the same name in another unit is not.
    with store.session() as s:
        third = open_case(
            s, actor=actor_for(s, "inv"), approver="leader", subject_name="刘某", subject_position="某乡乡长",
            clue_number=clue, on=date(2019, 5, 6),
        ).number  # fmt: skip
    assert third != second
    # Once the first case is concluded, the person may be the subject of a new case on the same clue.
    with store.session() as s:
        conclude_case(s, actor=actor_for(s, "leader"), number=first, reason="不予处理", on=date(2019, 6, 3))
    assert _open(store, clue, subject_id_number=SUBJECT_ID, on=date(2019, 6, 4)) not in (first, second, third)


def test_a_case_opens_only_from_an_approved_investigation_or_a_direct_decision(store: Store) -> None:
    build_world2(store)
    pending = _clue(store, investigate=False)
    with pytest.raises(TransitionRefused, match="未经批准为「移送审查调查」.*has no approved disposal"):
        _open(store, pending)
    # A clue approved for verification (初步核实) is not a decision to open a case either.
    with store.session() as s:
        act(s, actor=actor_for(s, "manager"), number=pending, action="assign", on=date(2019, 4, 20),
            args={"handler": "inv"})  # fmt: skip
        act(s, actor=actor_for(s, "inv"), number=pending, action="propose", on=date(2019, 4, 20),
            args={"method": "初步核实", "reason": "核实"})  # fmt: skip
        act(s, actor=actor_for(s, "leader"), number=pending, action="approve", on=date(2019, 4, 20))
    with pytest.raises(TransitionRefused, match="移送审查调查"):
        _open(store, pending)
    # No source at all: refused, in both languages.
    with pytest.raises(TransitionRefused, match="直接立案.*open it directly"), store.session() as s:
        open_case(s, actor=actor_for(s, "inv"), approver="leader", subject_name="张某", on=date(2019, 5, 6))
    # A leader's recorded decision to open directly: accepted, kept on the case and in its history.
    number = _open(store, pending, direct_basis="经纪委常委会研究，决定直接立案审查调查")
    shown = _show(store, number)
    assert shown["direct_basis"] == "经纪委常委会研究，决定直接立案审查调查" and shown["approved_by"] == "leader"
    assert shown["history"][0]["data"]["direct"] == "经纪委常委会研究，决定直接立案审查调查"


def test_outcomes_agree_with_each_other(store: Store) -> None:
    build_world2(store)
    number = _open(store, _clue(store))

    def outcome(kind: str, value: str, form: Any = None) -> None:
        with store.session() as s:
            record_outcome(s, actor=actor_for(s, "leader"), number=number, kind=kind, value=value, form=form,
                           on=date(2019, 9, 2))  # fmt: skip

    # The class of the four forms must fit: 开除党籍 is never 第一种形态, a prosecution only the fourth.
    with pytest.raises(ValidationError, match="不能计为第一种形态.*第三种形态、第四种形态"):
        outcome("党纪处分", "开除党籍", 1)
    with pytest.raises(ValidationError, match="cannot count as form 2"):
        outcome("移送审查起诉", "移送审查起诉", 2)
    with pytest.raises(ValidationError, match="第二种形态"):
        outcome("政务处分", "记过", 3)
    outcome("党纪处分", "开除党籍", 4)
    outcome("政务处分", "开除", 4)
    outcome("移送审查起诉", "移送审查起诉", 4)
    # At most one party sanction and one 政务处分 in force per case.
    with pytest.raises(TransitionRefused, match="已有生效的党纪处分「开除党籍」.*only one may stand"):
        outcome("党纪处分", "留党察看", 3)
    with pytest.raises(TransitionRefused, match="政务处分"):
        outcome("政务处分", "撤职", 3)
    assert [(o["value"], o["form_zh"]) for o in _show(store, number)["outcomes"]] == [
        ("开除党籍", "第四种形态"),
        ("开除", "第四种形态"),
        ("移送审查起诉", "第四种形态"),
    ]


def test_measures_of_the_revised_supervision_law(store: Store) -> None:
    from sanwang.services.measures import further_extend_detention, recount_detention, take_measure

    build_world2(store)
    clue = _clue(store)
    number = _open(store, clue, on=date(2025, 5, 6))

    def measure(kind: str, on: date, approver: str = "leader2") -> Any:
        with store.session() as s:
            return take_measure(s, actor=actor_for(s, "inv"), number=number, kind=kind, approver=approver,
                                reason="自动投案", on=on)  # fmt: skip

    # Before 1 June 2025 the law had no 管护: refused, in both languages.
    with pytest.raises(TransitionRefused, match="2025-06-01.*came into force"):
        measure("guanhu", date(2025, 5, 30))
    with pytest.raises(TransitionRefused, match="批准人不是领导"):
        measure("guanhu", date(2025, 6, 3), approver="manager")
    m = measure("guanhu", date(2025, 6, 3))
    assert (m.kind, m.due) == ("guanhu", date(2025, 6, 10))
    with pytest.raises(TransitionRefused, match="已在管护中"):
        measure("guanhu", date(2025, 6, 4))
    shown = _show(store, number)
    assert ("protective_custody", "2025-06-10") in [(d["rule"], d["due"]) for d in shown["deadlines"]]
    assert shown["measures"][0]["kind_zh"] == "管护" and shown["history"][-1]["action"] == "guanhu"

    other = _open(store, clue, subject_name="李某", on=date(2025, 5, 6))
    start = date(2025, 7, 1)

    def further(on: date, ref: str | None = "国监委〔2025〕12号") -> Any:
        with store.session() as s:
            return further_extend_detention(s, actor=actor_for(s, "inv"), number=other, approver="pleader",
                                            reason="可能判处十年有期徒刑以上刑罚", approval_ref=ref, on=on)  # fmt: skip

    with store.session() as s:
        detain(s, actor=actor_for(s, "inv"), number=other, approver="pleader", on=start)
    with pytest.raises(TransitionRefused, match="须先依法延长一次"):
        further(date(2025, 9, 20))
    with store.session() as s:
        d = extend_detention(s, actor=actor_for(s, "inv"), number=other, approver="pleader", reason="案情复杂",
                             on=date(2025, 9, 25))  # fmt: skip
        extended = d.due
    with pytest.raises(TransitionRefused, match="国家监察委员会批准.*approval-ref"):
        further(date(2025, 12, 20), ref=None)
    d = further(date(2025, 12, 20))
    assert d.further_extensions == 1 and d.due > extended
    with pytest.raises(TransitionRefused, match="再延长过"):
        further(date(2025, 12, 22))

    # 重新计算: from the day the new offence is found, approved by 国家监察委员会 (its reference recorded), once.
    def recount(on: date, approver: str = "pleader", ref: str | None = "国监委〔2026〕1号") -> Any:
        with store.session() as s:
            return recount_detention(s, actor=actor_for(s, "inv"), number=other, approver=approver,
                                     reason="发现另有不同种的重大职务犯罪", approval_ref=ref, on=on)  # fmt: skip

    with pytest.raises(TransitionRefused, match="approval-ref"):
        recount(date(2026, 1, 5), ref=None)
    d = recount(date(2026, 1, 5))
    assert d.recounted_on == date(2026, 1, 5) and d.due >= date(2026, 4, 5)
    with pytest.raises(TransitionRefused, match="以一次为限"):
        recount(date(2026, 1, 6))
    shown = _show(store, other)
    open_rules = [x["rule"] for x in shown["deadlines"] if x["met_on"] is None]
    assert "detention_recount" in open_rules and "detention" not in open_rules
    with store.session() as s:
        release(s, actor=actor_for(s, "inv"), number=other, on=date(2026, 2, 2))
    assert [x for x in _show(store, other)["deadlines"] if x["met_on"] is None and "detention" in x["rule"]] == []
