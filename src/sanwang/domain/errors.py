"""Errors users see, each said in Chinese and English.

Hierarchy::

    SanwangError                 any refusal a user can act on (never a traceback)
    ├── ValidationError          a value is wrong (names the field, and the line when there is one)
    │   └── ImportRejected       a whole file refused: every bad line and field listed, nothing written
    ├── TransitionRefused        a workflow step is not allowed now (says what is missing)
    ├── NotFound                 no such clue, case, unit or user
    ├── AccessDenied             the policy refuses this read or write
    └── CalendarRangeError       a date beyond the years the holiday calendar knows
"""

from __future__ import annotations

from dataclasses import dataclass, field


class SanwangError(Exception):
    """A refusal with a bilingual message (中英文错误信息)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en

    def to_dict(self) -> dict[str, object]:
        return {"error": type(self).__name__, "zh": self.zh, "en": self.en}


# The services' field names as the Chinese half of a message names them (字段「四种形态」, not 字段「form」); the
# English half and ``to_dict`` keep the name itself. Headers, options (--as) and config paths are shown as given.
FIELD_ZH = {
    "at": "时间",
    "baseline": "基准日",
    "channel": "来源渠道",
    "channels": "来源渠道配置",
    "code": "代码",
    "content": "内容",
    "direction": "移送方向",
    "disposal": "处置方式",
    "encoding": "编码",
    "engine": "引擎",
    "entities": "实体抽取方式",
    "entity_kind": "对象类型",
    "facts": "案情",
    "figure": "统计项目",
    "file": "文件",
    "filed_on": "公安立案日期",
    "flags": "标记",
    "form": "四种形态",
    "found_on": "发现日期",
    "input": "输入",
    "kind": "类型",
    "measure": "措施",
    "members": "涉案成员",
    "members.id_number": "涉案成员身份证号",
    "method": "处置方式",
    "name": "名称",
    "notified_on": "通报日期",
    "parent": "上级单位",
    "period": "期间",
    "police_number": "公安机关立案编号",
    "police_unit": "办案公安机关",
    "purpose": "查阅目的",
    "query": "检索词",
    "reason": "理由",
    "region_code": "行政区划代码",
    "roles": "角色",
    "rule": "期限规则",
    "since": "起始日期",
    "subject_id_number": "被审查调查人身份证号",
    "target_unit": "接收单位",
    "track": "三查",
    "unit": "单位",
    "USERNAME": "登录名",
    "value": "处理结果",
}


class ValidationError(SanwangError):
    """A bad value (校验错误), naming the field and, when known, the line."""

    def __init__(
        self, zh: str, en: str, *, field: str | None = None, line: int | None = None, field_zh: str | None = None
    ) -> None:
        self.field = field
        self.line = line
        field_zh = field_zh or (FIELD_ZH.get(field, field) if field else None)
        where_zh = "".join([f"第{line}行" if line is not None else "", f"字段「{field_zh}」" if field_zh else ""])
        where_en = ", ".join(
            [p for p in (f"line {line}" if line is not None else "", f"field {field}" if field else "") if p]
        )
        super().__init__(f"{where_zh}：{zh}" if where_zh else zh, f"{where_en}: {en}" if where_en else en)
        self.reason_zh = zh
        self.reason_en = en

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "field": self.field, "line": self.line}


@dataclass(frozen=True)
class LineProblem:
    """One bad field on one line of an imported file (导入错误明细)."""

    line: int
    field: str
    zh: str
    en: str

    def __str__(self) -> str:
        return f"第{self.line}行 字段「{self.field}」：{self.zh} / line {self.line}, field {self.field}: {self.en}"


@dataclass
class ImportRejected(SanwangError):
    """The whole file is refused (整批拒收); nothing was written."""

    source: str
    problems: list[LineProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        n = len(self.problems)
        SanwangError.__init__(
            self,
            f"文件 {self.source} 有 {n} 处错误，未导入任何记录",
            f"file {self.source} has {n} problem(s); nothing was imported",
        )

    def __str__(self) -> str:
        head = f"{self.zh} / {self.en}"
        return "\n".join([head, *(f"  {p}" for p in self.problems)])

    def to_dict(self) -> dict[str, object]:
        return {
            **super().to_dict(),
            "problems": [p.__dict__ for p in self.problems],
        }


class TransitionRefused(SanwangError):
    """A workflow step refused (流程不允许), saying what is missing."""


class NotFound(SanwangError):
    """No such record (记录不存在)."""


class AccessDenied(SanwangError):
    """Refused by the access policy (无权访问)."""


class Hidden(AccessDenied):
    """Refused by the access policy and said as "not found" (不予显示): whether a clue or case exists is itself
    protected, so a user outside its jurisdiction or under recusal learns no more than from a wrong number."""

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "error": NotFound.__name__}


class CalendarRangeError(SanwangError):
    """A date outside the years the holiday calendar carries (节假日安排未知)."""
