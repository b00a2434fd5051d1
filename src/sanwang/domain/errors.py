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


class ValidationError(SanwangError):
    """A bad value (校验错误), naming the field and, when known, the line."""

    def __init__(self, zh: str, en: str, *, field: str | None = None, line: int | None = None) -> None:
        self.field = field
        self.line = line
        where_zh = "".join([f"第{line}行" if line is not None else "", f"字段「{field}」" if field else ""])
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
