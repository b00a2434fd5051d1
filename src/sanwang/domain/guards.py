"""Shared guards (守则) of the pure rules: refusals in Chinese and English, role and text checks, picking a word.

Used by the clue state machine (:mod:`sanwang.domain.workflow`) and the case rules (:mod:`~sanwang.domain.tracks`,
:mod:`~sanwang.domain.cases`, :mod:`~sanwang.domain.marks`, :mod:`~sanwang.domain.transfers`,
:mod:`~sanwang.domain.reviews`), so that a refusal reads the same wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from sanwang.domain.errors import TransitionRefused, ValidationError
from sanwang.domain.roles import Role


class HasRoles(Protocol):
    """Whoever acts (an :class:`~sanwang.domain.workflow.Actor`); named so that workflow can import this module."""

    def has(self, *roles: Role) -> bool: ...


def refuse(zh: str, en: str) -> TransitionRefused:
    return TransitionRefused(zh, en)


def need_role(actor: HasRoles, roles: tuple[Role, ...], action_zh: str, action: str) -> None:
    if not actor.has(*roles):
        zh = "、".join(r.zh for r in roles)
        en = ", ".join(r.value for r in roles)
        raise refuse(f"{action_zh}需要以下角色之一：{zh}", f"{action} needs one of the roles: {en}")


def need_text(args: Mapping[str, Any], key: str, action_zh: str, action: str, what_zh: str = "理由") -> str:
    value = str(args.get(key) or "").strip()
    if not value:
        raise refuse(f"{action_zh}必须写明{what_zh}", f"{action} needs a {key}")
    return value


def texts(value: Any) -> list[str]:
    if not value:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return [str(v).strip() for v in items if str(v).strip()]


def pick(text: str | None, allowed: Sequence[str], field_name: str, what_zh: str, what_en: str) -> str:
    key = (text or "").strip().replace("（", "(").replace("）", ")")
    if key in allowed:
        return key
    raise ValidationError(
        f"未知{what_zh}「{text}」，可选：{'、'.join(allowed)}",
        f"unknown {what_en} {text!r}; choose from: {', '.join(allowed)}",
        field=field_name,
        field_zh=what_zh,
    )
