"""Chinese names of history events and states (操作记录用语), for the history tables users read.

Events are stored under stable English action names (append-only, never renamed); these maps only say them in
Chinese. An action not listed here is shown as stored.
"""

from __future__ import annotations

from sanwang.domain.cases import CASE_ACTION_ZH, CASE_STATE_ZH
from sanwang.domain.tracks import TRACK_ACTION_ZH, TRACK_STATUS_ZH
from sanwang.domain.workflow import ACTION_ZH, STATE_ZH

_COMMON = {
    "set_mark": "督办标记",
    "clear_mark": "撤销督办标记",
    "instruct": "领导批示",
    "complete_instruction": "批示落实",
    "report_progress": "报告进展",
    "extend_deadline": "延长期限",
    "remind": "催办",
}

_EVENT_ZH: dict[str, dict[str, str]] = {
    "clue": {
        **ACTION_ZH,
        "register": "登记",
        "correct": "更正登记内容",
        "flag": "更正涉黑涉恶/保护伞标记",
        "not_duplicate": "排除重复件",
        "case_opened": "立案审查调查",
    },
    "case": {
        **CASE_ACTION_ZH,
        "link_gang_case": "关联涉黑涉恶案件",
        "bulletin_drafted": "起草通报",
        "review_applied": "申请复审",
        "review_decided": "复审决定",
        "recheck_applied": "申请复核",
        "recheck_decided": "复核决定",
    },
    "gang_case": {
        "register": "登记涉黑涉恶案件",
        "notified_late": "逾期通报",
        "add_members": "增补成员",
        "update_stage": "更新诉讼阶段",
        "send_transfer": "移送线索",
        "acknowledge_transfer": "签收线索",
        "link_case": "关联审查调查案件",
        "clear": "清底",
        "clearance_undone": "撤销清底",
        **{f"track_{k}": f"一案三查·{v}" for k, v in TRACK_ACTION_ZH.items()},
    },
}

_STATE_ZH: dict[str, dict[str, str]] = {
    "clue": {s.value: z for s, z in STATE_ZH.items()},
    "case": {s.value: z for s, z in CASE_STATE_ZH.items()},
    "gang_case": {s.value: z for s, z in TRACK_STATUS_ZH.items()},
}


def event_zh(entity_kind: str, action: str) -> str:
    """操作名称: the Chinese name of an event of a clue, case or gang case."""
    return _EVENT_ZH.get(entity_kind, {}).get(action) or _COMMON.get(action, action)


def state_zh(entity_kind: str, state: str | None) -> str:
    """状态名称: a state as users say it (police stages are already Chinese and pass through)."""
    if not state:
        return ""
    return _STATE_ZH.get(entity_kind, {}).get(state, state)
