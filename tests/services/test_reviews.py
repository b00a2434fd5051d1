"""复审 / 复核 of case decisions, and typical-case bulletins with personal data reduced."""

from __future__ import annotations

from datetime import date

import pytest

from sanwang.domain.errors import AccessDenied, TransitionRefused, ValidationError
from sanwang.services.bulletins import draft_bulletin, redact, reduce_name
from sanwang.services.cases import outcomes_in_force, record_outcome, show_case
from sanwang.services.clues import ClueDraft, SubjectDraft, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.marks import list_overdue
from sanwang.services.reviews import apply_review, decide_review
from sanwang.store.db import Store
from tests.services.test_cases import _open, approve_investigation
from tests.services.world import CITY
from tests.services.world2 import build_world2


def _case_with_outcome(store: Store) -> tuple[str, int]:
    build_world2(store)
    with store.session() as s:
        draft = ClueDraft(
            channel="XF",
            received=date(2019, 4, 1),
            real_name=True,
            reporter_name="欧阳明华",
            reporter_phone="13812345678",
            summary="反映某局局长张某充当保护伞",
            subjects=(SubjectDraft(name="张建国", position="局长"),),
        )
        [(_, clue)] = register_clues(s, actor=actor_for(s, "clerk"), unit=unit_by_code(s, CITY), drafts=[draft])
    approve_investigation(store, clue)
    number = _open(store, clue, subject_name="张建国")
    with store.session() as s:
        o = record_outcome(
            s,
            actor=actor_for(s, "leader"),
            number=number,
            kind="党纪处分",
            value="留党察看",
            form=3,
            on=date(2019, 9, 2),
        )
        return number, o.id


def test_review_then_recheck_one_level_up(store: Store) -> None:
    number, outcome = _case_with_outcome(store)

    def apply(level: str, on: date, **kw: object) -> int:
        with store.session() as s:
            r = apply_review(
                s,
                actor=actor_for(s, "manager"),
                number=number,
                outcome_id=outcome,
                level=level,
                grounds=kw.pop("grounds", "认为处分过重"),  # type: ignore[arg-type]
                on=on,
                **kw,  # type: ignore[arg-type]
            )
            return r.id

    with pytest.raises(TransitionRefused, match="先经复审"):
        apply("复核", date(2019, 9, 10))
    with pytest.raises(TransitionRefused, match="须写明理由"):
        apply("复审", date(2019, 9, 10), grounds=" ")
    # One month from service (2019-09-02) ends on 2019-10-02, inside the National Day holiday: moved to 10-08.
    with pytest.raises(TransitionRefused, match="2019-10-08 届满"):
        apply("复审", date(2019, 10, 9))
    review = apply("复审", date(2019, 10, 8))
    with pytest.raises(TransitionRefused, match="已申请过复审"):
        apply("复审", date(2019, 10, 8))
    # Deciding late puts the review on the overdue list of the deciding commission.
    with store.session() as s:
        overdue = list_overdue(s, actor=actor_for(s, "leader"), as_of=date(2019, 11, 20), kinds=("review",))
        assert [r["rule"] for r in overdue] == ["review_decision"]
    with pytest.raises(TransitionRefused, match="复审决定须由作出原决定的"), store.session() as s:
        decide_review(
            s, actor=actor_for(s, "pleader"), review_id=review, result="维持", decision="x", on=date(2019, 11, 1)
        )
    with pytest.raises(TransitionRefused, match="写明变更后的处理"), store.session() as s:
        decide_review(
            s, actor=actor_for(s, "leader"), review_id=review, result="变更", decision="x", on=date(2019, 11, 1)
        )
    with store.session() as s:
        decided = decide_review(
            s, actor=actor_for(s, "leader"), review_id=review, result="维持", decision="事实清楚", on=date(2019, 11, 1)
        )
        assert decided.result == "upheld"
    with pytest.raises(TransitionRefused, match="已于 2019-11-01 作出决定"), store.session() as s:
        decide_review(
            s, actor=actor_for(s, "leader"), review_id=review, result="撤销", decision="x", on=date(2019, 11, 2)
        )
    recheck = apply("复核", date(2019, 11, 20))
    with pytest.raises(TransitionRefused, match="上一级纪委监委领导"), store.session() as s:
        decide_review(
            s, actor=actor_for(s, "leader"), review_id=recheck, result="维持", decision="x", on=date(2019, 12, 2)
        )
    with pytest.raises(ValidationError, match="没有「记过"), store.session() as s:
        decide_review(
            s,
            actor=actor_for(s, "pleader"),
            review_id=recheck,
            result="变更",
            new_value="记过",
            decision="情节较轻",
            on=date(2019, 12, 2),
        )
    with store.session() as s:
        decide_review(
            s,
            actor=actor_for(s, "pleader"),
            review_id=recheck,
            result="变更",
            new_value="严重警告",
            form=2,
            decision="情节较轻",
            on=date(2019, 12, 2),
        )
    shown = show_case_for(store, number)
    assert [(o["value"], o["form"]) for o in shown["outcomes"]] == [("留党察看", 3), ("严重警告", 2)]
    assert [(r["level"], r["result"]) for r in shown["reviews"]] == [("review", "upheld"), ("recheck", "changed")]
    assert shown["reviews"][1]["new_outcome"] == shown["outcomes"][1]["id"]
    actions = [h["action"] for h in shown["history"]]
    assert actions.count("review_applied") == 1 and actions.count("recheck_decided") == 1


def show_case_for(store: Store, number: str) -> dict[str, object]:
    with store.session() as s:
        return show_case(s, actor=actor_for(s, "leader"), number=number).to_json()


def test_reduce_and_redact_names_and_numbers() -> None:
    assert [reduce_name(n) for n in ("张三", "欧阳明华", "李建国")] == ["张某", "欧阳某某", "李某某"]
    text = "张建国收受商人王小明所送现金，其妻刘芳经手，王小明电话13812345678，车牌云C12345，身份证530602198007090228。"
    shown, changes = redact(text, keep={"张建国"}, known=["王小明", "刘芳"])
    assert "张建国" in shown and "王小明" not in shown and "刘芳" not in shown
    assert "王某某" in shown and "刘某" in shown
    assert "13812345678" not in shown and "云C12345" not in shown and "530602198007090228" not in shown
    assert {c["type"] for c in changes} >= {"person", "phone", "plate", "id_number"}
    for c in changes:
        assert text[c["start"] : c["end"]] == c["original"]


def test_bulletin_names_the_official_and_reduces_everyone_else(store: Store) -> None:
    number, _ = _case_with_outcome(store)
    facts = "经查，张建国利用职务便利为其亲属欧阳明华谋利，收受好处费，联系电话13812345678"
    with store.session() as s:
        with pytest.raises(TransitionRefused, match="领导或案件管理人员"):
            draft_bulletin(s, actor=actor_for(s, "inv"), number=number, facts=facts, on=date(2019, 10, 1))
        d = draft_bulletin(s, actor=actor_for(s, "leader"), number=number, facts=facts, on=date(2019, 10, 1))
    assert d["title"].startswith("某局局长张建国")
    assert "欧阳明华" not in d["text"] and "欧阳某某" in d["text"]  # the reporter's name is never published
    assert "13812345678" not in d["text"]
    assert "留党察看（党纪处分）" in d["text"]
    with store.session() as s:
        anon = draft_bulletin(
            s, actor=actor_for(s, "leader"), number=number, facts=facts, anonymise_subject=True, on=date(2019, 10, 1)
        )
        assert "张建国" not in anon["text"] and "张某某" in anon["title"]
        with pytest.raises(AccessDenied):
            draft_bulletin(s, actor=actor_for(s, "county_leader"), number=number, facts=facts)
    assert [h["action"] for h in show_case_for(store, number)["history"]].count("bulletin_drafted") == 2  # type: ignore[union-attr]


def _review(store: Store, number: str, outcome: int, result: str, **kw: object) -> None:
    with store.session() as s:
        review = apply_review(
            s, actor=actor_for(s, "manager"), number=number, outcome_id=outcome, level="复审", grounds="不服",
            on=date(2019, 9, 20),
        ).id  # fmt: skip
        decide_review(
            s, actor=actor_for(s, "leader"), review_id=review, result=result, decision="经复审", on=date(2019, 10, 8),
            **kw,  # type: ignore[arg-type]
        )  # fmt: skip


def test_a_change_retires_the_original_and_only_the_outcome_in_force_counts(store: Store) -> None:
    number, outcome = _case_with_outcome(store)
    _review(store, number, outcome, "变更", new_value="严重警告", form=2)
    shown = show_case_for(store, number)
    outcomes = shown["outcomes"]
    assert isinstance(outcomes, list)
    # The history keeps both; only the changed one is in force, and the original names its successor.
    assert [(o["value"], o["in_force"], o["retired_on"]) for o in outcomes] == [
        ("留党察看", False, "2019-10-08"),
        ("严重警告", True, None),
    ]
    assert outcomes[0]["superseded_by"] == outcomes[1]["id"]
    with store.session() as s:
        assert [o.value for o in outcomes_in_force(s)] == ["严重警告"]
        assert [o.value for o in outcomes_in_force(s, date(2019, 10, 7))] == ["留党察看"]  # before the decision
        text = draft_bulletin(s, actor=actor_for(s, "leader"), number=number, facts="张建国收受财物。")["text"]
        # A second party sanction while the changed one stands is still refused.
        with pytest.raises(TransitionRefused, match="严重警告"):
            record_outcome(s, actor=actor_for(s, "leader"), number=number, kind="党纪处分", value="警告", form=2,
                           on=date(2019, 10, 9))  # fmt: skip
    assert "严重警告" in text and "留党察看" not in text


def test_a_revocation_leaves_nothing_in_force_to_publish(store: Store) -> None:
    number, outcome = _case_with_outcome(store)
    _review(store, number, outcome, "撤销")
    with store.session() as s:
        assert outcomes_in_force(s) == []
        with pytest.raises(TransitionRefused, match="生效的处理结果"):
            draft_bulletin(s, actor=actor_for(s, "leader"), number=number, facts="张建国收受财物。")
        # With the first one revoked, a new party sanction may be decided.
        record_outcome(s, actor=actor_for(s, "leader"), number=number, kind="党纪处分", value="警告", form=2,
                       on=date(2019, 10, 9))  # fmt: skip
        assert [o.value for o in outcomes_in_force(s)] == ["警告"]
