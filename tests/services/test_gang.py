"""Gang cases and 一案三查 through the services, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from sanwang.domain.errors import AccessDenied, NotFound, TransitionRefused, ValidationError
from sanwang.services.cases import open_case
from sanwang.services.context import actor_for
from sanwang.services.gang import (
    MemberDraft,
    add_members,
    assign_track,
    conclude_track,
    endorse_track,
    list_gang_cases,
    register_gang_case,
    reopen_track,
    show_gang_case,
    update_stage,
)
from sanwang.services.marks import list_overdue
from sanwang.services.transfers import acknowledge_transfer, list_transfers, send_transfer
from sanwang.store.db import Store
from sanwang.store.tables import CaseTrack, Deadline
from tests.services.world import CITY
from tests.services.world2 import build_world2

GANG = "昭公(刑)立字〔2019〕101号"
BOSS_ID = "53060219750302011X"
FILED = date(2019, 3, 1)  # police_notify due 2019-03-06; police_transfer_umbrella due 2019-03-11


def _register(store: Store, notified: date = date(2019, 3, 4), number: str = GANG, **kw: Any) -> None:
    with store.session() as s:
        register_gang_case(
            s,
            actor=actor_for(s, "liaison"),
            police_number=number,
            name="虞某某涉黑案",
            kind="黑社会性质组织",
            region_code="530602",
            sectors=["矿产", "建筑工程"],
            stage="侦查",
            filed_on=FILED,
            notified_on=notified,
            unit_code=CITY,
            members=[
                MemberDraft("虞某某", "组织者", BOSS_ID, (" 组织、领导黑社会性质组织罪", "寻衅滋事罪", "寻衅滋事罪")),
                MemberDraft("李某", "骨干"),
            ],
            **kw,
        )


def _show(store: Store, who: str = "leader", number: str = GANG) -> dict[str, Any]:
    with store.session() as s:
        return show_gang_case(s, actor=actor_for(s, who), police_number=number)


def _open_umbrella_case(store: Store) -> str:
    with store.session() as s:
        case = open_case(
            s,
            actor=actor_for(s, "inv"),
            approver="leader",
            subject_name="张某",
            subject_position="某镇派出所所长",
            subject_rank="乡科级",
            gang_number=GANG,
            umbrella=True,
            direct_basis="同步立案：涉黑案件关联的公职人员",
            on=date(2019, 4, 1),
        )
        return case.number


def test_full_one_case_three_investigations_to_clearance(store: Store) -> None:
    build_world2(store)
    _register(store)
    shown = _show(store)
    assert [t["status"] for t in shown["track_detail"]] == ["open", "open", "open"]
    assert shown["members"][0] == {
        "name": "虞某某",
        "role": "组织者/领导者",
        "id_number": BOSS_ID,
        "crimes": ["组织、领导黑社会性质组织罪", "寻衅滋事罪"],
    }
    assert shown["members"][1]["crimes"] == []
    assert shown["notified_late"] is False
    day = date(2019, 4, 2)
    with store.session() as s:
        assign_track(s, actor=actor_for(s, "liaison"), police_number=GANG, track=1, owner="liaison", on=day)
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=2, owner="inv", on=day)
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=3, owner="inv2", on=day)
    case_number = _open_umbrella_case(store)
    # Track 1 follows the police stage: not judged while still under investigation.
    with pytest.raises(TransitionRefused, match="判决"), store.session() as s:
        conclude_track(s, actor=actor_for(s, "liaison"), police_number=GANG, track=1, conclusion="已判决", on=day)
    with store.session() as s:
        update_stage(s, actor=actor_for(s, "liaison"), police_number=GANG, stage="判决", on=day)
        conclude_track(s, actor=actor_for(s, "liaison"), police_number=GANG, track=1, conclusion="已判决", on=day)
        # No cases named: the umbrella cases linked to the gang case are taken.
        t2 = conclude_track(s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查实保护伞", on=day)
        assert t2.finding is not None and t2.finding["cases"] == [case_number]
    assert _show(store)["cleared_on"] is None  # two of three tracks are not a clearance
    with store.session() as s:
        conclude_track(
            s,
            actor=actor_for(s, "inv2"),
            police_number=GANG,
            track=3,
            conclusion="accountability",
            outcomes=["昭阳区自然资源局：通报问责", "某镇党委：检查"],
            on=date(2019, 4, 3),
        )
    shown = _show(store)
    assert shown["cleared_on"] == "2019-04-03" and shown["umbrella_in_step"] is True
    assert [c["number"] for c in shown["cases"]] == [case_number]
    assert [r["police_number"] for r in _list(store, cleared=True)] == [GANG]
    # A leader reopens track 3: clearance is undone, the earlier conclusion stays in history.
    with pytest.raises(TransitionRefused, match="leader"), store.session() as s:
        reopen_track(s, actor=actor_for(s, "inv2"), police_number=GANG, track=3, reason="复查")
    with store.session() as s:
        reopen_track(s, actor=actor_for(s, "leader"), police_number=GANG, track=3, reason="督导组要求复查", on=day)
    shown = _show(store)
    assert shown["cleared_on"] is None and shown["umbrella_in_step"] is None
    actions = [h["action"] for h in shown["history"]]
    assert actions[-3:] == ["clear", "track_reopen", "clearance_undone"]
    concluded = [h for h in shown["history"] if h["action"] == "track_conclude"]
    assert [h["data"]["track"] for h in concluded] == [1, 2, 3]
    assert concluded[2]["data"]["conclusion"] == "accountability"
    assert _list(store, cleared=True) == []


def _list(store: Store, who: str = "leader", **kw: Any) -> list[dict[str, Any]]:
    with store.session() as s:
        return list_gang_cases(s, actor=actor_for(s, who), **kw)


def test_not_found_on_track_two_needs_both_endorsements(store: Store) -> None:
    build_world2(store)
    _register(store)
    day = date(2019, 4, 2)
    with store.session() as s:  # the leader who assigns the owner is the approving leader of the track
        assign_track(s, actor=actor_for(s, "leader"), police_number=GANG, track=2, owner="inv", on=day)
    with pytest.raises(TransitionRefused, match="承办人、审批领导"), store.session() as s:
        conclude_track(s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查否", on=day)
    with store.session() as s:
        endorse_track(s, actor=actor_for(s, "inv"), police_number=GANG, text="经深挖未发现保护伞", on=day)
    with pytest.raises(TransitionRefused, match="审批领导"), store.session() as s:
        conclude_track(s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查否", on=day)
    with store.session() as s:
        endorse_track(s, actor=actor_for(s, "leader"), police_number=GANG, text="同意查否", on=day)
        row = conclude_track(s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查否", on=day)
        assert row.conclusion == "not_found" and set(row.endorsements or {}) == {"handler", "leader"}


def test_tracks_need_an_owner_of_the_right_side(store: Store) -> None:
    build_world2(store)
    _register(store)
    with pytest.raises(TransitionRefused, match="须先指定承办人"), store.session() as s:
        conclude_track(s, actor=actor_for(s, "leader"), police_number=GANG, track=3, conclusion="none", reason="x")
    with pytest.raises(TransitionRefused, match="纪委监委的人员"), store.session() as s:
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=2, owner="liaison")
    with pytest.raises(TransitionRefused, match="公安机关的人员"), store.session() as s:
        assign_track(s, actor=actor_for(s, "manager"), police_number=GANG, track=1, owner="inv")
    with pytest.raises(TransitionRefused, match="纪委监委办理"), store.session() as s:
        assign_track(s, actor=actor_for(s, "liaison"), police_number=GANG, track=2, owner="inv")
    with store.session() as s:
        assert s.scalar(select(CaseTrack.owner_id).where(CaseTrack.track == 2)) is None


def test_late_notification_is_recorded_not_refused(store: Store) -> None:
    build_world2(store)
    _register(store, notified=date(2019, 3, 20))
    shown = _show(store)
    assert shown["notified_late"] is True and shown["notify_due"] == "2019-03-06"
    assert [h["action"] for h in shown["history"]] == ["register", "notified_late"]
    assert shown["history"][1]["data"]["days_late"] == 14
    _register(store, number="昭公(刑)立字〔2019〕102号")  # on time
    assert [r["police_number"] for r in _list(store, late_notice=True)] == [GANG]
    with store.session() as s:
        met = {(d.due, d.met_on) for d in s.scalars(select(Deadline).where(Deadline.rule == "police_notify"))}
    assert (date(2019, 3, 6), date(2019, 3, 20)) in met


def test_member_id_numbers_are_validated(store: Store) -> None:
    build_world2(store)
    with pytest.raises(ValidationError) as info, store.session() as s:
        register_gang_case(
            s,
            actor=actor_for(s, "liaison"),
            police_number=GANG,
            name="虞某某涉黑案",
            kind="恶势力团伙",
            region_code="530602",
            sectors=[],
            stage="侦查",
            filed_on=FILED,
            notified_on=date(2019, 3, 4),
            unit_code=CITY,
            members=[MemberDraft("甲", "骨干"), MemberDraft("虞某某", "组织者", "530602197503020112")],
        )
    assert info.value.line == 2 and "校验码" in info.value.zh
    assert _list(store) == []  # nothing half-written
    _register(store)
    with pytest.raises(ValidationError, match="重复"), store.session() as s:
        add_members(
            s, actor=actor_for(s, "liaison"), police_number=GANG, members=[MemberDraft("虞二", "骨干", BOSS_ID)]
        )
    with store.session() as s:
        added = add_members(
            s, actor=actor_for(s, "liaison"), police_number=GANG, members=[MemberDraft("王某", "一般参加者")]
        )
    assert added == 1 and len(_show(store)["members"]) == 3


def test_transfers_both_ways_acknowledged_by_the_receiving_unit(store: Store) -> None:
    build_world2(store)
    _register(store)
    with store.session() as s:
        up = send_transfer(
            s,
            actor=actor_for(s, "liaison"),
            police_number=GANG,
            content="虞某某供述向某镇派出所所长张某行贿",
            on=date(2019, 3, 8),
        )
        down = send_transfer(
            s,
            actor=actor_for(s, "inv"),
            police_number=GANG,
            content="信访反映虞某某强揽工程",
            found_on=date(2019, 3, 25),
            on=date(2019, 3, 26),
        )
        up_id, down_id = up.id, down.id
        assert (up.direction, up.due) == ("police_to_commission", date(2019, 3, 11))
        assert (down.direction, down.due) == ("commission_to_police", date(2019, 3, 28))
    # The sender, a county user, or the other police unit cannot sign for it (to those outside, it does not exist).
    for who, tid in (("liaison", up_id), ("county_clerk", up_id), ("liaison2", down_id), ("manager", down_id)):
        with pytest.raises((TransitionRefused, NotFound), match="接收单位|no transfer"), store.session() as s:
            acknowledge_transfer(s, actor=actor_for(s, who), transfer_id=tid, on=date(2019, 3, 27))
    with store.session() as s:
        acknowledge_transfer(s, actor=actor_for(s, "clerk"), transfer_id=up_id, on=date(2019, 3, 9))
    with pytest.raises(TransitionRefused, match="已于 2019-03-09 签收"), store.session() as s:
        acknowledge_transfer(s, actor=actor_for(s, "manager"), transfer_id=up_id, on=date(2019, 3, 10))
    # On 29 March the commission's transfer to the police is past due and unsigned.
    with store.session() as s:
        late = list_transfers(s, actor=actor_for(s, "manager"), overdue=True, as_of=date(2019, 3, 29))
        assert [(r["id"], r["problem"]) for r in late] == [(down_id, "unacknowledged")]
        assert list_transfers(s, actor=actor_for(s, "manager"), overdue=True, as_of=date(2019, 3, 28)) == []
        refs = [r["rule"] for r in list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 3, 29))]
        assert refs == ["commission_transfer_gang"]
        acknowledge_transfer(s, actor=actor_for(s, "liaison"), transfer_id=down_id, on=date(2019, 3, 29))
        late = list_transfers(s, actor=actor_for(s, "liaison"), overdue=True, as_of=date(2019, 4, 1))
        assert [(r["id"], r["problem"], r["problem_zh"]) for r in late] == [(down_id, "acknowledged_late", "逾期签收")]
        assert list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 4, 1)) == []


def test_a_transfer_sent_late_is_listed(store: Store) -> None:
    build_world2(store)
    _register(store)
    with store.session() as s:
        t = send_transfer(
            s, actor=actor_for(s, "liaison"), police_number=GANG, content="保护伞线索", on=date(2019, 3, 15)
        )
        acknowledge_transfer(s, actor=actor_for(s, "manager"), transfer_id=t.id, on=date(2019, 3, 15))
        rows = list_transfers(s, actor=actor_for(s, "leader"), overdue=True, as_of=date(2019, 3, 16))
    assert [(r["problem"], r["due"], r["sent_on"]) for r in rows] == [("sent_late", "2019-03-11", "2019-03-15")]
    assert _show(store)["history"][-2]["data"]["late"] is True


def test_wrong_side_cannot_send(store: Store) -> None:
    build_world2(store)
    _register(store)
    with pytest.raises(TransitionRefused, match="联络员"), store.session() as s:
        send_transfer(s, actor=actor_for(s, "inv"), police_number=GANG, content="x", direction="police_to_commission")
    with pytest.raises(AccessDenied), store.session() as s:
        send_transfer(s, actor=actor_for(s, "liaison2"), police_number=GANG, content="x")


def test_gang_cases_are_seen_by_their_commission_and_police_only(store: Store) -> None:
    build_world2(store)
    _register(store)
    assert [r["police_number"] for r in _list(store, "liaison")] == [GANG]
    assert [r["police_number"] for r in _list(store, "pleader")] == [GANG]  # the province sees its subtree
    assert _list(store, "county_clerk") == [] and _list(store, "liaison2") == []
    with pytest.raises(AccessDenied):
        _show(store, "county_clerk")


def test_members_crimes_are_recorded_when_added_later(store: Store) -> None:
    build_world2(store)
    _register(store)
    with store.session() as s:
        add_members(
            s, actor=actor_for(s, "liaison"), police_number=GANG,
            members=[MemberDraft("王某", "一般参加者", None, ("强迫交易罪", "非法采矿罪"))], on=date(2019, 3, 5),
        )  # fmt: skip
    shown = _show(store)
    assert shown["members"][2]["crimes"] == ["强迫交易罪", "非法采矿罪"]
    assert shown["history"][-1]["data"]["members"][0]["crimes"] == ["强迫交易罪", "非法采矿罪"]


def test_moving_the_stage_back_needs_a_reason(store: Store) -> None:
    build_world2(store)
    _register(store)
    with store.session() as s:
        update_stage(s, actor=actor_for(s, "liaison"), police_number=GANG, stage="判决", on=date(2019, 4, 1))
    with pytest.raises(TransitionRefused, match="须写明理由") as info, store.session() as s:
        update_stage(s, actor=actor_for(s, "liaison"), police_number=GANG, stage="审判", on=date(2019, 4, 2))
    assert "判决" in info.value.zh and "back" in info.value.en
    with pytest.raises(TransitionRefused), store.session() as s:
        update_stage(s, actor=actor_for(s, "liaison"), police_number=GANG, stage="审判", reason=" ")
    with store.session() as s:
        update_stage(
            s, actor=actor_for(s, "liaison"), police_number=GANG, stage="审判", reason="二审发回重审",
            on=date(2019, 4, 2),
        )  # fmt: skip
    last = _show(store)["history"][-1]
    assert (last["from_state"], last["to_state"], last["reason"]) == ("判决", "审判", "二审发回重审")
    assert last["data"] == {"backwards": True}
    assert _show(store)["stage"] == "审判"


def test_track_two_not_found_is_refused_beside_umbrella_cases(store: Store) -> None:
    build_world2(store)
    _register(store)
    day = date(2019, 4, 2)
    with store.session() as s:
        assign_track(s, actor=actor_for(s, "leader"), police_number=GANG, track=2, owner="inv", on=day)
    case_number = _open_umbrella_case(store)
    with store.session() as s:
        conclude_track(s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查实保护伞", on=day)
        reopen_track(s, actor=actor_for(s, "leader"), police_number=GANG, track=2, reason="复查", on=day)
        endorse_track(s, actor=actor_for(s, "inv"), police_number=GANG, text="未发现保护伞", on=day)
        endorse_track(s, actor=actor_for(s, "leader"), police_number=GANG, text="同意", on=day)
    with pytest.raises(TransitionRefused, match=case_number) as info, store.session() as s:
        conclude_track(s, actor=actor_for(s, "inv"), police_number=GANG, track=2, conclusion="查否", on=day)
    assert case_number in info.value.en
    with store.session() as s:
        assert s.scalar(select(CaseTrack.status).where(CaseTrack.track == 2)) == "in_progress"


def test_gang_show_for_people_is_chinese_at_80_columns(store: Store) -> None:
    from sanwang.cli import common
    from sanwang.cli.gang import _render

    build_world2(store)
    _register(store)
    with store.session() as s:
        liaison = actor_for(s, "liaison")
        t = send_transfer(s, actor=liaison, police_number=GANG, content="保护伞线索", on=date(2019, 3, 8))
        acknowledge_transfer(s, actor=actor_for(s, "manager"), transfer_id=t.id, on=date(2019, 3, 9))
    _open_umbrella_case(store)
    shown = _show(store)
    old = common.out.width
    common.out.width = 80
    try:
        with common.out.capture() as cap:
            _render(shown)
    finally:
        common.out.width = old
    text = cap.get()
    assert max(len(line) for line in text.splitlines()) <= 80
    for english in ("police_to_commission", "umbrella", "investigating", "True", "False", "None", "open", "/ "):
        assert english not in text, english
    for chinese in (
        "公安→纪委",
        "审查调查中",
        "组织、领导黑社会性质组织罪",
        "昭通市公安局",
        "待分配",
        "第2查",
        "移送 1 的线索：530600-2019-GA-00001",
    ):
        assert chinese in text, chinese
    # No column squeezed to nothing: every header is printed whole on its first line.
    for header in ("姓名", "地位", "身份证号", "罪名", "状态", "承办人", "签收日期", "被审查调查人"):
        assert header in text, header
