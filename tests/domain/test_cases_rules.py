"""Pure rules of 一案三查, discipline cases, measures, outcomes and marks: every step tried in every state."""

from __future__ import annotations

from datetime import date, datetime
from itertools import product

import pytest

from sanwang.domain.cases import (
    CASE_ACTIONS,
    CaseSnapshot,
    CaseState,
    DetentionSnapshot,
    UnitRef,
    case_number,
    check_follow_up,
    check_measure_approver,
    check_open_case,
    family_notice_deadline,
    plan_case,
    subject_rank,
)
from sanwang.domain.errors import TransitionRefused, ValidationError
from sanwang.domain.marks import MarkKind, check_clear_mark, check_instruction, check_mark, check_progress_report
from sanwang.domain.roles import Role
from sanwang.domain.sanctions import case_rules
from sanwang.domain.tracks import (
    TRACK_ACTIONS,
    Track,
    TrackSnapshot,
    TrackStatus,
    clearance,
    member_role,
    plan_track,
    track_conclusion,
)
from sanwang.domain.transfers import check_acknowledge, transfer_problem
from sanwang.domain.workflow import Actor

EVERYONE = Actor(user_id=1, roles=frozenset(Role), unit_id=1)
LEADER = Actor(user_id=2, roles=frozenset({Role.LEADER}), unit_id=1)
INVESTIGATOR = Actor(user_id=3, roles=frozenset({Role.INVESTIGATOR}), unit_id=1)
LIAISON = Actor(user_id=4, roles=frozenset({Role.POLICE_LIAISON}), unit_id=9)
PARENT_LEADER = Actor(user_id=5, roles=frozenset({Role.LEADER}), unit_id=20)

# --------------------------------------------------------------------------------------------------- tracks

TS = TrackStatus
# Arguments satisfying every content requirement of each track, so only the status decides.
TRACK_ARGS = {
    Track.GANG_CRIME: {"conclusion": "judged"},
    Track.UMBRELLA: {"conclusion": "umbrella_found", "cases": ["530600-2019-LA-0001"]},
    Track.RESPONSIBILITY: {"conclusion": "none", "reason": "经调查，监管部门已依法履职"},
}
LAWFUL_TRACK = {
    (TS.OPEN, "assign"), (TS.IN_PROGRESS, "assign"),
    (TS.IN_PROGRESS, "endorse"), (TS.IN_PROGRESS, "conclude"),
    (TS.CONCLUDED, "reopen"),
}  # fmt: skip


@pytest.mark.parametrize(("track", "status", "action"), list(product(list(Track), list(TS), sorted(TRACK_ACTIONS))))
def test_every_track_action_in_every_status(track: Track, status: TrackStatus, action: str) -> None:
    snap = TrackSnapshot(track=track, status=status, owner_id=1, stage="判决")
    args = {"owner_id": 7, "reason": "理由", **TRACK_ARGS[track]}
    lawful = (status, action) in LAWFUL_TRACK and not (action == "endorse" and track is not Track.UMBRELLA)
    if lawful:
        t = plan_track(snap, action, EVERYONE, args)
        assert t.from_status is status
        assert t.to_status is {"assign": TS.IN_PROGRESS, "endorse": status, "conclude": TS.CONCLUDED}.get(
            action, TS.IN_PROGRESS
        )
    else:
        with pytest.raises(TransitionRefused) as info:
            plan_track(snap, action, EVERYONE, args)
        assert info.value.zh and info.value.en and info.value.zh != info.value.en


def test_unknown_track_action_refused() -> None:
    with pytest.raises(TransitionRefused, match="unknown action"):
        plan_track(TrackSnapshot(track=Track.UMBRELLA, status=TS.OPEN), "fly", EVERYONE)


def test_open_track_says_to_assign_first() -> None:
    snap = TrackSnapshot(track=Track.UMBRELLA, status=TS.OPEN)
    with pytest.raises(TransitionRefused, match="须先指定承办人"):
        plan_track(snap, "conclude", EVERYONE, TRACK_ARGS[Track.UMBRELLA])


def test_not_found_needs_both_endorsements() -> None:
    base = TrackSnapshot(track=Track.UMBRELLA, status=TS.IN_PROGRESS, owner_id=3, approved_by=2)
    with pytest.raises(TransitionRefused, match="缺少：承办人、审批领导"):
        plan_track(base, "conclude", INVESTIGATOR, {"conclusion": "查否"})
    handler = plan_track(base, "endorse", INVESTIGATOR, {"reason": "经查无保护伞"}).updates["endorsements"]
    half = TrackSnapshot(**{**base.__dict__, "endorsements": handler})
    with pytest.raises(TransitionRefused, match="leader"):
        plan_track(half, "conclude", INVESTIGATOR, {"conclusion": "not_found"})
    both = plan_track(half, "endorse", LEADER, {"reason": "同意"}).updates["endorsements"]
    assert set(both) == {"handler", "leader"}
    full = TrackSnapshot(**{**base.__dict__, "endorsements": both})
    assert plan_track(full, "conclude", INVESTIGATOR, {"conclusion": "查否"}).updates["conclusion"] == "not_found"


def test_endorsement_by_a_stranger_refused() -> None:
    snap = TrackSnapshot(track=Track.UMBRELLA, status=TS.IN_PROGRESS, owner_id=3, approved_by=2)
    other = Actor(user_id=8, roles=frozenset({Role.INVESTIGATOR}), unit_id=1)
    another_leader = Actor(user_id=9, roles=frozenset({Role.LEADER}), unit_id=1)
    for stranger in (other, another_leader):
        with pytest.raises(TransitionRefused, match="查否背书只能由承办人"):
            plan_track(snap, "endorse", stranger, {"reason": "x"})


def test_umbrella_found_needs_cases_or_persons() -> None:
    snap = TrackSnapshot(track=Track.UMBRELLA, status=TS.IN_PROGRESS, owner_id=1)
    with pytest.raises(TransitionRefused, match="案件编号或涉及的人员"):
        plan_track(snap, "conclude", EVERYONE, {"conclusion": "umbrella_found"})
    t = plan_track(snap, "conclude", EVERYONE, {"conclusion": "查实保护伞", "persons": ["张三"]})
    assert t.updates["finding"]["persons"] == ["张三"]


def test_track_three_needs_outcomes_or_a_reasoned_finding() -> None:
    snap = TrackSnapshot(track=Track.RESPONSIBILITY, status=TS.IN_PROGRESS, owner_id=1)
    with pytest.raises(TransitionRefused, match="问责结果"):
        plan_track(snap, "conclude", EVERYONE, {"conclusion": "accountability"})
    with pytest.raises(TransitionRefused, match="理由"):
        plan_track(snap, "conclude", EVERYONE, {"conclusion": "none"})
    t = plan_track(snap, "conclude", EVERYONE, {"conclusion": "已问责", "outcomes": ["市国土局：通报"]})
    assert t.updates["conclusion"] == "accountability"


def test_track_one_follows_the_police_stage() -> None:
    snap = TrackSnapshot(track=Track.GANG_CRIME, status=TS.IN_PROGRESS, owner_id=4, stage="侦查")
    with pytest.raises(TransitionRefused, match="起诉"):
        plan_track(snap, "conclude", LIAISON, {"conclusion": "prosecuted"})
    with pytest.raises(TransitionRefused, match="判决"):
        plan_track(TrackSnapshot(**{**snap.__dict__, "stage": "起诉"}), "conclude", LIAISON, {"conclusion": "judged"})
    assert plan_track(
        TrackSnapshot(**{**snap.__dict__, "stage": "起诉"}), "conclude", LIAISON, {"conclusion": "移送起诉"}
    )


def test_tracks_two_and_three_are_not_assigned_by_the_police() -> None:
    snap = TrackSnapshot(track=Track.UMBRELLA, status=TS.OPEN)
    with pytest.raises(TransitionRefused, match="roles"):
        plan_track(snap, "assign", LIAISON, {"owner_id": 4})
    assert plan_track(TrackSnapshot(track=Track.GANG_CRIME, status=TS.OPEN), "assign", LIAISON, {"owner_id": 4})


def test_reopen_needs_a_leader_and_a_reason() -> None:
    snap = TrackSnapshot(track=Track.UMBRELLA, status=TS.CONCLUDED, owner_id=3)
    with pytest.raises(TransitionRefused, match="leader"):
        plan_track(snap, "reopen", INVESTIGATOR, {"reason": "x"})
    with pytest.raises(TransitionRefused, match="reason"):
        plan_track(snap, "reopen", LEADER, {})
    t = plan_track(snap, "reopen", LEADER, {"reason": "督导组要求"})
    assert t.to_status is TS.IN_PROGRESS and t.updates["conclusion"] is None


def test_unknown_conclusion_lists_the_choices() -> None:
    with pytest.raises(TransitionRefused, match="查实保护伞"):
        track_conclusion(Track.UMBRELLA, "accountability")


def test_clearance_needs_all_three() -> None:
    done = TS.CONCLUDED.value
    assert clearance({1: (done, "judged"), 2: (done, "umbrella_found"), 3: (done, "none")}) == (True, True)
    assert clearance({1: (done, "judged"), 2: (done, "not_found"), 3: (done, "none")}) == (True, False)
    assert clearance({1: (done, "judged"), 2: ("in_progress", None), 3: (done, "none")}) == (False, None)
    assert clearance({1: (done, "judged"), 2: (done, "umbrella_found")}) == (False, None)


# ------------------------------------------------------------------------------------------------ transfers


def test_acknowledgement_only_by_the_receiving_side_once() -> None:
    with pytest.raises(TransitionRefused, match="接收单位"):
        check_acknowledge(receiving=False, acknowledged_on=None, sent_on=date(2019, 3, 1), on=date(2019, 3, 2))
    with pytest.raises(TransitionRefused, match="already"):
        check_acknowledge(
            receiving=True, acknowledged_on=date(2019, 3, 2), sent_on=date(2019, 3, 1), on=date(2019, 3, 3)
        )
    check_acknowledge(receiving=True, acknowledged_on=None, sent_on=date(2019, 3, 1), on=date(2019, 3, 2))


def test_transfer_problems() -> None:
    due = date(2019, 3, 11)
    assert transfer_problem(date(2019, 3, 12), due, None, date(2019, 3, 12)) == "sent_late"
    assert transfer_problem(date(2019, 3, 5), due, None, date(2019, 3, 11)) is None
    assert transfer_problem(date(2019, 3, 5), due, None, date(2019, 3, 12)) == "unacknowledged"
    assert transfer_problem(date(2019, 3, 5), due, date(2019, 3, 13), date(2019, 4, 1)) == "acknowledged_late"
    assert transfer_problem(date(2019, 3, 5), due, date(2019, 3, 6), date(2019, 4, 1)) is None


# ---------------------------------------------------------------------------------------- discipline cases

COUNTY = UnitRef(id=30, region_code="530602", name="昭阳区纪委监委", parent_id=20, parent_name="昭通市纪委监委")
CITY = UnitRef(id=20, region_code="530600", name="昭通市纪委监委", parent_id=10, parent_name="云南省纪委监委")
PROVINCE = UnitRef(id=10, region_code="530000", name="云南省纪委监委")
START = datetime(2019, 5, 6, 10, 0)


def _detention(kind: str) -> DetentionSnapshot | None:
    if kind == "none":
        return None
    return DetentionSnapshot(
        started_on=START.date(),
        started_at=START,
        released_on=date(2019, 6, 1) if kind == "released" else None,
    )


CASE_ARGS = {
    "detain": {"approver": PARENT_LEADER, "approver_commission_id": 20},
    "notify_family": {"at": datetime(2019, 5, 6, 20, 0)},
    "waive_notice": {"reason": "通知可能有碍调查"},
    "extend_detention": {"approver": PARENT_LEADER, "approver_commission_id": 20, "reason": "案情复杂"},
    "record_outcome": {"kind": "党纪处分", "value": "留党察看", "form": 3},
    "recommend": {"to_unit": "昭阳区自然资源局", "content": "健全矿产审批监管"},
    "conclude": {"reason": "不予处分"},
}
# The lawful (case state, detention) pairs for each action.
CS = CaseState
ACTIVE_ONLY = {(CS.INVESTIGATING, "active"), (CS.CONCLUDED, "active")}
LAWFUL_CASE = {
    "detain": {(CS.INVESTIGATING, "none")},
    "notify_family": ACTIVE_ONLY,
    "waive_notice": ACTIVE_ONLY,
    "extend_detention": ACTIVE_ONLY,
    "release": ACTIVE_ONLY,
    "record_outcome": {(CS.INVESTIGATING, d) for d in ("none", "active", "released")},
    "recommend": {(s, d) for s in CS for d in ("none", "active", "released")},
    "conclude": {(CS.INVESTIGATING, "none"), (CS.INVESTIGATING, "released")},
}


@pytest.mark.parametrize(
    ("state", "det", "action"), list(product(list(CS), ("none", "active", "released"), sorted(CASE_ACTIONS)))
)
def test_every_case_action_in_every_state(state: CaseState, det: str, action: str) -> None:
    snap = CaseSnapshot(state=state, unit=COUNTY, detention=_detention(det))
    if (state, det) in LAWFUL_CASE[action]:
        t = plan_case(snap, action, EVERYONE, CASE_ARGS.get(action, {}))
        assert t.from_state is state
    else:
        with pytest.raises(TransitionRefused) as info:
            plan_case(snap, action, EVERYONE, CASE_ARGS.get(action, {}))
        assert info.value.zh and info.value.en and info.value.zh != info.value.en


def test_conclude_needs_outcomes_or_a_reason() -> None:
    snap = CaseSnapshot(state=CS.INVESTIGATING, unit=CITY)
    with pytest.raises(TransitionRefused, match="处理结果"):
        plan_case(snap, "conclude", LEADER, {})
    assert plan_case(CaseSnapshot(state=CS.INVESTIGATING, unit=CITY, outcomes=1), "conclude", LEADER).to_state is (
        CS.CONCLUDED
    )
    with pytest.raises(TransitionRefused, match="leader"):
        plan_case(CaseSnapshot(state=CS.INVESTIGATING, unit=CITY, outcomes=1), "conclude", INVESTIGATOR)


def test_detention_extended_once_only() -> None:
    d = DetentionSnapshot(started_on=START.date(), started_at=START, extensions=1)
    snap = CaseSnapshot(state=CS.INVESTIGATING, unit=COUNTY, detention=d)
    with pytest.raises(TransitionRefused, match="只能延长一次"):
        plan_case(snap, "extend_detention", EVERYONE, CASE_ARGS["extend_detention"])


def test_detention_approval_one_level_up() -> None:
    same_level = Actor(user_id=6, roles=frozenset({Role.LEADER}), unit_id=30)
    with pytest.raises(TransitionRefused, match="上一级纪委监委（昭通市纪委监委）"):
        check_measure_approver(COUNTY, same_level, 30, "留置")
    check_measure_approver(COUNTY, PARENT_LEADER, 20, "留置")
    with pytest.raises(TransitionRefused, match="云南省纪委监委"):
        check_measure_approver(CITY, LEADER, 20, "留置")
    check_measure_approver(CITY, LEADER, 10, "留置")
    # A province-level commission approves its own.
    check_measure_approver(PROVINCE, LEADER, 10, "留置")
    with pytest.raises(TransitionRefused, match="not a leader|领导"):
        check_measure_approver(COUNTY, INVESTIGATOR, 20, "留置")


def test_family_notice_window() -> None:
    d = DetentionSnapshot(started_on=START.date(), started_at=START)
    assert family_notice_deadline(d) == datetime(2019, 5, 7, 10, 0)
    snap = CaseSnapshot(state=CS.INVESTIGATING, unit=CITY, detention=d)
    on_time = plan_case(snap, "notify_family", INVESTIGATOR, {"at": datetime(2019, 5, 7, 9, 59)})
    late = plan_case(snap, "notify_family", INVESTIGATOR, {"at": datetime(2019, 5, 7, 10, 1)})
    assert on_time.data["late"] is False and late.data["late"] is True
    with pytest.raises(TransitionRefused, match="早于留置开始"):
        plan_case(snap, "notify_family", INVESTIGATOR, {"at": datetime(2019, 5, 6, 9, 0)})
    unknown_time = DetentionSnapshot(started_on=START.date(), started_at=None)
    assert family_notice_deadline(unknown_time) == datetime(2019, 5, 7, 23, 59, 59)


def test_waiver_needs_a_leader_and_a_reason() -> None:
    snap = CaseSnapshot(state=CS.INVESTIGATING, unit=CITY, detention=_detention("active"))
    with pytest.raises(TransitionRefused, match="leader"):
        plan_case(snap, "waive_notice", INVESTIGATOR, {"reason": "有碍调查"})
    with pytest.raises(TransitionRefused, match="reason"):
        plan_case(snap, "waive_notice", LEADER, {})


def test_open_case_guards() -> None:
    from sanwang.domain.cases import ClueSource

    approved = ClueSource("530600-2019-XF-00001", "investigate", "case_opened", True)
    with pytest.raises(TransitionRefused, match="批准人不是领导"):
        check_open_case(INVESTIGATOR, INVESTIGATOR, subject_name="张三", clue=approved, direct_basis=None)
    with pytest.raises(TransitionRefused, match="提请人本人"):
        check_open_case(LEADER, LEADER, subject_name="张三", clue=approved, direct_basis=None)
    with pytest.raises(TransitionRefused, match="--direct"):
        check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=None, direct_basis=None)
    with pytest.raises(TransitionRefused, match="姓名"):
        check_open_case(INVESTIGATOR, LEADER, subject_name=" ", clue=approved, direct_basis=None)
    held = ClueSource("530600-2019-XF-00002", "hold", None, True)
    with pytest.raises(TransitionRefused, match="未经批准"):
        check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=held, direct_basis=None)
    with pytest.raises(TransitionRefused, match="LA-0001"):
        check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=approved, direct_basis=None,
                        already_open="530600-2019-LA-0001")  # fmt: skip
    check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=approved, direct_basis=None)
    check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=None, direct_basis="经常委会研究决定直接立案")
    assert case_number("530600", 2019, 1) == "530600-2019-LA-0001"


def test_outcome_vocabularies() -> None:
    rules = case_rules()
    assert rules.value(rules.kind("党纪处分"), "开除党籍") == "开除党籍"
    with pytest.raises(ValidationError, match="记过"):
        rules.value(rules.kind("党纪处分"), "记过")  # 记过 is an administrative sanction
    assert rules.value(rules.kind("政务处分"), "记过") == "记过"
    assert rules.kind("问责").code == "accountability_cadre"
    assert rules.kind("问责(单位)").code == "accountability_org"
    assert rules.value(rules.kind("单位问责"), "改组") == "改组"
    with pytest.raises(ValidationError, match="改组"):
        rules.value(rules.kind("干部问责"), "改组")
    with pytest.raises(ValidationError) as info:
        rules.kind("罚款")
    assert info.value.field == "kind"
    assert rules.form("第三种形态") == 3 and rules.form(2) == 2 and rules.form("4") == 4 and rules.form(None) is None
    with pytest.raises(ValidationError, match="四种形态"):
        rules.form(5)


def test_other_vocabularies() -> None:
    assert member_role("组织者") == "组织者/领导者"
    with pytest.raises(ValidationError, match="成员地位"):
        member_role("老大")
    assert subject_rank("村（社区）干部") == "村(社区)干部" and subject_rank("") is None
    with pytest.raises(ValidationError):
        subject_rank("正科")


def test_follow_up_once_with_a_result() -> None:
    with pytest.raises(TransitionRefused, match="落实情况"):
        check_follow_up(INVESTIGATOR, followed_up_on=None, result=" ")
    with pytest.raises(TransitionRefused, match="already"):
        check_follow_up(INVESTIGATOR, followed_up_on=date(2019, 7, 1), result="已整改")
    check_follow_up(INVESTIGATOR, followed_up_on=None, result="已整改")


# ------------------------------------------------------------------------------------------------- marks


def test_marks_only_by_leaders_with_a_reason() -> None:
    with pytest.raises(TransitionRefused, match="leader"):
        check_mark(INVESTIGATOR, MarkKind.PRIORITY, reason="群众反映强烈", active=[], actor_above=False)
    with pytest.raises(TransitionRefused, match="理由"):
        check_mark(LEADER, MarkKind.PRIORITY, reason=" ", active=[], actor_above=False)
    with pytest.raises(TransitionRefused, match="already"):
        check_mark(LEADER, MarkKind.PRIORITY, reason="x", active=["priority"], actor_above=False)
    check_mark(LEADER, MarkKind.PRIORITY, reason="x", active=[], actor_above=False)


def test_mark_specific_requirements() -> None:
    with pytest.raises(TransitionRefused, match="上级"):
        check_mark(LEADER, MarkKind.ESCALATED, reason="x", active=[], actor_above=False)
    check_mark(LEADER, MarkKind.DIRECT, reason="x", active=[], actor_above=True)
    with pytest.raises(TransitionRefused, match="包案领导"):
        check_mark(LEADER, MarkKind.LEADER_OWNED, reason="x", active=[], actor_above=False)
    with pytest.raises(TransitionRefused, match="包案人须是领导"):
        check_mark(LEADER, MarkKind.LEADER_OWNED, reason="x", active=[], actor_above=False, owner=INVESTIGATOR)
    with pytest.raises(TransitionRefused, match="被指定的单位"):
        check_mark(LEADER, MarkKind.DESIGNATED, reason="x", active=[], actor_above=False)
    with pytest.raises(TransitionRefused, match="原管辖"):
        check_mark(
            LEADER, MarkKind.DESIGNATED, reason="x", active=[], actor_above=False, target_unit_id=5, entity_unit_id=5
        )
    check_mark(
        LEADER, MarkKind.DESIGNATED, reason="x", active=[], actor_above=False, target_unit_id=6, entity_unit_id=5
    )


def test_clear_and_report() -> None:
    with pytest.raises(TransitionRefused, match="no mark"):
        check_clear_mark(LEADER, MarkKind.FLAGGED, active=[], reason="x")
    with pytest.raises(TransitionRefused, match="leader"):
        check_clear_mark(INVESTIGATOR, MarkKind.FLAGGED, active=["flagged"], reason="x")
    with pytest.raises(TransitionRefused, match="重点督办"):
        check_progress_report(INVESTIGATOR, active=["flagged"], text="进展")
    check_progress_report(INVESTIGATOR, active=["priority"], text="进展")


def test_instruction_guards() -> None:
    day = date(2019, 5, 6)
    with pytest.raises(TransitionRefused, match="leader"):
        check_instruction(INVESTIGATOR, text="请抓紧办理", actions=[], due=None, given_on=day)
    with pytest.raises(TransitionRefused, match="早于批示日期"):
        check_instruction(LEADER, text="请抓紧办理", actions=[], due=date(2019, 5, 1), given_on=day)
    with pytest.raises(TransitionRefused, match="empty"):
        check_instruction(LEADER, text="请抓紧办理", actions=[" "], due=None, given_on=day)
    check_instruction(LEADER, text="请抓紧办理", actions=["一周内报告"], due=date(2019, 5, 13), given_on=day)


def test_a_case_does_not_open_before_its_clue_was_approved() -> None:
    """`case open --clue N --on D` was accepted with D before the leader approved 移送审查调查 for N."""
    from sanwang.domain.cases import ClueSource

    clue = ClueSource("530600-2019-XF-00001", "investigate", "case_opened", True, date(2019, 5, 6))
    with pytest.raises(TransitionRefused, match="2019-05-06"):
        check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=clue, direct_basis=None, on=date(2019, 5, 5))
    check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=clue, direct_basis=None, on=date(2019, 5, 6))
    # A recorded direct decision does not rest on the clue's approval.
    check_open_case(INVESTIGATOR, LEADER, subject_name="张三", clue=clue, direct_basis="直接立案", on=date(2019, 5, 5))


def test_the_same_post_written_shorter_is_the_same_person() -> None:
    """A second case on 钱某（交通局局长） beside the open one on 钱某（昭阳区交通局局长）, same clue, was opened."""
    from sanwang.domain.cases import SubjectKey

    first = SubjectKey("钱某", None, "昭阳区交通局局长")
    assert first.same_person(SubjectKey("钱某", None, "交通局局长"))
    assert first.same_person(SubjectKey("钱某", None, "昭阳区 交通局局长"))
    assert not first.same_person(SubjectKey("钱某", None, "某乡乡长"))
    assert not SubjectKey("钱某", "530621196807020455").same_person(SubjectKey("钱某", "11010519491231002X"))
