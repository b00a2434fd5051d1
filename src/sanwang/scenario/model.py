"""What a generated scenario contains: plain records the demo loader replays through the services.

The generator is pure (domain imports only); ``sanwang.services.demo`` writes a Scenario into a store by
calling the same service functions users call, so every demo record has a real event history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Size = Literal["small", "city", "province"]


@dataclass(frozen=True)
class UnitSpec:
    """A unit (单位) in the region tree. ``code`` is unique, e.g. ``530600-JW`` (昭通市纪委监委)."""

    code: str
    name: str
    kind: str  # one of sanwang.domain.roles.UNIT_KINDS (纪委监委, 信访室, 公安机关, 监管部门 ...)
    region_code: str  # 6-digit 行政区划代码
    parent_code: str | None


@dataclass(frozen=True)
class UserSpec:
    """A user (经办人/承办人) of one unit, with roles from sanwang.domain.roles."""

    username: str
    name: str
    unit_code: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class OfficialSpec:
    """An entry of the officials registry (公职人员信息库)."""

    person_id: str  # stable ground-truth identity, e.g. "P0000123"
    name: str
    id_number: str
    phone: str
    employer: str  # 单位名称
    position: str  # 职务
    rank: str  # 省部级 / 厅局级 / 县处级 / 乡科级 / 一般干部 / 村(社区)干部 / 其他
    sector: str
    region_code: str
    party_member: bool
    supervised: bool  # 监察对象


@dataclass(frozen=True)
class GangMemberSpec:
    """A member of a gang (涉黑涉恶成员) with role 组织者/领导者, 骨干 or 一般参加者."""

    person_id: str
    name: str
    id_number: str
    role: str


@dataclass(frozen=True)
class GangCaseSpec:
    """A gang case handed over by the police (涉黑涉恶案件)."""

    police_number: str
    name: str  # e.g. 虞关荣涉黑案
    kind: str  # 黑社会性质组织 / 恶势力犯罪集团 / 恶势力团伙
    region_code: str
    sectors: tuple[str, ...]
    stage: str  # 侦查 / 起诉 / 审判 / 判决
    filed_on: date
    police_unit_code: str
    commission_unit_code: str
    members: tuple[GangMemberSpec, ...]


@dataclass(frozen=True)
class SubjectSpec:
    """A person a clue is about (被反映人)."""

    name: str
    unit_name: str
    position: str
    id_number: str | None
    rank: str
    person_id: str | None = None  # ground truth; never shown to the system


@dataclass(frozen=True)
class FateStep:
    """One workflow step the demo loader replays on a clue, on a given day.

    ``action`` is one of: assign, propose, approve, reject, record_reply, endorse, conclude, feedback,
    archive, reopen, mark, instruct, mark_duplicate, open_case, detain, extend_detention, notify_family,
    release, outcome, recommend, follow_up, conclude_case. ``args`` carries what the step needs
    (e.g. {"method": "初步核实"} or {"result": "substantiated"}).
    """

    action: str
    on: date
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClueSpec:
    """A problem clue (问题线索) as it arrives, plus the fate the demo replays on it."""

    external_ref: str  # 外部编号, the import key
    unit_code: str  # registering unit
    channel: str  # channel name as in channels.yaml
    received: date
    real_name: bool
    reporter_name: str | None
    reporter_id_number: str | None
    reporter_phone: str | None
    subjects: tuple[SubjectSpec, ...]
    summary: str  # verbatim text, simplified or traditional, sometimes damaged
    script: Literal["simplified", "traditional"] = "simplified"
    damaged: bool = False
    gang_case: str | None = None  # police number of the related gang case
    fate: tuple[FateStep, ...] = ()
    kind: str = ""  # the matter reported: gang, umbrella or ordinary (for evaluating triage; never imported)
    matter: int = 0  # which matter: clues with the same number report the same facts (for evaluating 重复件)


@dataclass
class Scenario:
    """Everything a generated city holds. ``ground_truth`` is never loaded into the ledger."""

    size: Size
    seed: int
    units: list[UnitSpec]
    users: list[UserSpec]
    officials: list[OfficialSpec]
    gang_cases: list[GangCaseSpec]
    clues: list[ClueSpec]
    ground_truth: dict[str, Any]
