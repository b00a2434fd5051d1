"""Vocabularies (词表): channels (来源渠道) and disposal methods (处置方式), loaded from YAML."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from sanwang.domain.config import load
from sanwang.domain.errors import ValidationError


class Channel(BaseModel):
    """A channel a clue arrives through (来源渠道)."""

    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: str
    aliases: list[str] = []


class Channels(BaseModel):
    channels: list[Channel]

    @model_validator(mode="after")
    def _unique(self) -> Channels:
        seen: set[str] = set()
        for ch in self.channels:
            for key in [ch.code, ch.name, *ch.aliases]:
                if key in seen:
                    raise ValueError(f"channel key {key!r} appears twice")
                seen.add(key)
        return self

    def by_code(self, code: str) -> Channel:
        for ch in self.channels:
            if ch.code == code:
                return ch
        raise ValidationError(f"未知来源渠道代码 {code}", f"unknown channel code {code}", field="来源渠道")

    def resolve(self, text: str) -> Channel | None:
        """The channel named by a ledger cell (name, alias or code), or None."""
        key = text.strip()
        for ch in self.channels:
            if key == ch.name or key == ch.code or key in ch.aliases:
                return ch
        return None


Outcome = Literal["closed", "case_opened", "transferred", "returned", "merged"]


class DisposalMethod(BaseModel):
    """A lawful disposal method (处置方式)."""

    code: str
    name: str
    next: Literal["handling", "concluded"]
    outcome: Outcome | None = None
    needs_target: bool = False
    target_kinds: list[str] = []
    """Kinds of unit that may receive it (转办/交办 go only to a commission), empty for any."""
    needs_duplicate: bool = False  # 并入重复件: names the clue this one repeats

    @model_validator(mode="after")
    def _outcome_when_concluding(self) -> DisposalMethod:
        if self.next == "concluded" and self.outcome is None:
            raise ValueError(f"method {self.code} concludes the clue but names no outcome")
        return self


class DisposalMethods(BaseModel):
    methods: list[DisposalMethod]

    def get(self, key: str) -> DisposalMethod:
        for m in self.methods:
            if key in (m.code, m.name):
                return m
        names = "、".join(m.name for m in self.methods)
        raise ValidationError(
            f"未知处置方式「{key}」，可选：{names}", f"unknown disposal method {key!r}", field="disposal"
        )


@cache
def channels() -> Channels:
    return load(Channels, "channels.yaml")


@cache
def disposal_methods() -> DisposalMethods:
    return load(DisposalMethods, "disposals.yaml")
