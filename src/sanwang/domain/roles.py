"""User roles (角色) and unit kinds (单位类型)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do (用户角色)."""

    INTAKE_CLERK = "intake_clerk"  # 信访受理员: registers clues
    CASE_MANAGER = "case_manager"  # 案管人员: keeps the ledger, assigns
    INVESTIGATOR = "investigator"  # 承办人: handles inquiries, verification, cases
    ADJUDICATOR = "adjudicator"  # 审理人员
    LEADER = "leader"  # 领导: approves disposals, writes 批示
    POLICE_LIAISON = "police_liaison"  # 公安联络员: gang cases and transfers
    AUDITOR = "auditor"  # 审计/监督: reads the audit trail
    ADMIN = "admin"  # 系统管理员

    @property
    def zh(self) -> str:
        return ROLE_ZH[self]

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role by its name or its Chinese name (信访受理员); ValueError for neither."""
        key = text.strip()
        for role in cls:
            if key in (role.value, role.zh):
                return role
        raise ValueError(key)


def roles_zh(roles: str) -> str:
    """A user's stored roles (comma-separated names) as users say them: 信访受理员、案件监督管理员."""
    names = {role.value: role.zh for role in Role}
    return "、".join(names.get(r, r) for r in roles.split(",") if r)


ROLE_ZH: dict[Role, str] = {
    Role.INTAKE_CLERK: "信访受理员",
    Role.CASE_MANAGER: "案件监督管理员",
    Role.INVESTIGATOR: "承办人",
    Role.ADJUDICATOR: "审理人员",
    Role.LEADER: "领导",
    Role.POLICE_LIAISON: "公安联络员",
    Role.AUDITOR: "审计员",
    Role.ADMIN: "系统管理员",
}

UNIT_KINDS: tuple[str, ...] = (
    "纪委监委",
    "信访室",
    "案件监督管理室",
    "监督检查室",
    "审查调查室",
    "审理室",
    "派驻纪检监察组",
    "巡察组",
    "公安机关",
    "检察院",
    "法院",
    "扫黑办",
    "督导组",
    "监管部门",
)
