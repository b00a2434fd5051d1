"""The sanctions vocabulary (处理结果词表) and measure rules, from ``data/sanctions.yaml`` ⚙.

Outcome kinds and their values, the four forms (四种形态), who approves a detention (留置) and the family-notice
window — what an office may change without a code change.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sanwang.domain.config import load
from sanwang.domain.errors import ValidationError
from sanwang.domain.regions import Level


class OutcomeKind(BaseModel):
    """A kind of case outcome (处理结果类别) and the values it allows."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z_]*$", max_length=20)
    name: str = Field(min_length=1)
    aliases: list[str] = []
    values: list[str] = Field(min_length=1)
    one_in_force: bool = False
    """At most one outcome of this kind stands on a case (one 党纪处分, one 政务处分)."""
    forms: dict[str, list[int]] = {}
    """For each value, the classes of the four forms it may count as (a value not listed: any)."""

    @model_validator(mode="after")
    def _forms_known(self) -> OutcomeKind:
        for value, numbers in self.forms.items():
            if value not in self.values:
                raise ValueError(f"{self.code}: forms names {value!r}, which is not one of its values")
            if not numbers or any(n not in (1, 2, 3, 4) for n in numbers):
                raise ValueError(f"{self.code}: the forms of {value!r} must be among 1, 2, 3, 4")
        return self

    def allowed_forms(self, value: str) -> list[int]:
        return self.forms.get(value, [1, 2, 3, 4])


ApprovalLevel = Literal["own", "one_level_up", "national"]


class Measure(BaseModel):
    """A measure of the revised Supervision Law (管护, 责令候查, 再延长, 重新计算) and who approves it (⚙)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: str = Field(min_length=1)
    in_force_from: date
    approval: ApprovalLevel
    rule: str = Field(pattern=r"^[a-z][a-z0-9_]*$")


class Form(BaseModel):
    """One of the four forms (四种形态)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1, le=4)
    name: str
    aliases: list[str] = []


class DetentionRules(BaseModel):
    """Rules on 留置 that differ by province (⚙)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    approve_one_level_up: list[Level] = ["city", "county"]
    family_notice_hours: int = Field(default=24, gt=0)


class CaseRules(BaseModel):
    """The outcome vocabulary and measure rules (处理结果词表与措施规则)."""

    model_config = ConfigDict(extra="forbid")

    outcome_kinds: list[OutcomeKind]
    forms: list[Form]
    detention: DetentionRules = DetentionRules()
    measures: list[Measure] = []

    @model_validator(mode="after")
    def _unique(self) -> CaseRules:
        seen: set[str] = set()
        for k in self.outcome_kinds:
            for key in (k.code, k.name, *k.aliases):
                if key in seen:
                    raise ValueError(f"outcome kind key {key!r} appears twice")
                seen.add(key)
        if sorted(f.number for f in self.forms) != [1, 2, 3, 4]:
            raise ValueError("forms must be numbered 1, 2, 3 and 4, once each")
        return self

    def kind(self, text: str) -> OutcomeKind:
        key = (text or "").strip().replace("(", "（").replace(")", "）")
        for k in self.outcome_kinds:
            if key in (k.code, k.name) or text.strip() in k.aliases or key in k.aliases:
                return k
        names = "、".join(k.name for k in self.outcome_kinds)
        raise ValidationError(
            f"未知处理结果类别「{text}」，可选：{names}",
            f"unknown outcome kind {text!r}; choose from: {', '.join(k.code for k in self.outcome_kinds)}",
            field="kind",
        )

    def value(self, kind: OutcomeKind, text: str) -> str:
        key = (text or "").strip()
        if key in kind.values:
            return key
        raise ValidationError(
            f"「{kind.name}」没有「{text}」这一种，可选：{'、'.join(kind.values)}",
            f"{kind.code} has no value {text!r}; choose from: {', '.join(kind.values)}",
            field="value",
        )

    def form(self, value: int | str | None) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        for f in self.forms:
            if value == f.number or str(value).strip() in (str(f.number), f.name, *f.aliases):
                return f.number
        raise ValidationError(
            f"「{value}」不是四种形态之一，应为 1-4 或 第一种形态…第四种形态",
            f"{value!r} is not one of the four forms; give 1-4 or 第一种形态…第四种形态",
            field="form",
        )

    def check_form(self, kind: OutcomeKind, value: str, form: int | None) -> None:
        """The class of the four forms must fit the outcome (开除党籍 is never 第一种形态)."""
        allowed = kind.allowed_forms(value)
        if form is None or form in allowed:
            return
        names = {f.number: f.name for f in self.forms}
        raise ValidationError(
            f"「{kind.name}·{value}」不能计为{names[form]}，只能计为：{'、'.join(names[n] for n in allowed)}"
            "（四种形态，见 sanctions.yaml）",
            f"{kind.code} {value!r} cannot count as form {form}; allowed: {', '.join(map(str, allowed))}",
            field="form",
        )

    def form_name(self, number: int | None) -> str:
        return next((f.name for f in self.forms if f.number == number), "")

    def measure(self, code: str) -> Measure:
        for m in self.measures:
            if m.code == code:
                return m
        raise ValidationError(
            f"未配置措施「{code}」（sanctions.yaml 的 measures）",
            f"no measure {code!r} in sanctions.yaml",
            field="measure",
        )

    def kind_name(self, code: str) -> str:
        for k in self.outcome_kinds:
            if k.code == code:
                return k.name
        return code


@cache
def case_rules() -> CaseRules:
    """The outcome vocabulary and measure rules, loaded once (clear with ``case_rules.cache_clear()``)."""
    return load(CaseRules, "sanctions.yaml")
