"""Loading domain rules shipped as YAML (⚙ 可配置规则), validated, with office overrides.

Defaults live in ``sanwang/domain/data``; an office overrides a file by placing one of the same name in
``$SANWANG_HOME/config/``. A bad file is refused at load with the file and the field named.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from sanwang.domain.errors import ValidationError

M = TypeVar("M", bound=BaseModel)


def config_dir() -> Path:
    """The office's override folder (本单位配置目录)."""
    return Path(os.environ.get("SANWANG_HOME", "./var")) / "config"


def read_text(name: str) -> tuple[str, str]:
    """Return (where, text) for a rule file: the office's copy when present, else the shipped default."""
    override = config_dir() / name
    if override.is_file():
        return str(override), override.read_text(encoding="utf-8")
    return f"sanwang/domain/data/{name}", resources.files("sanwang.domain").joinpath("data", name).read_text(
        encoding="utf-8"
    )


def read_yaml(name: str) -> tuple[str, Any]:
    """Return (where, parsed) for a rule file: the office's copy when present, else the shipped default."""
    where, text = read_text(name)
    return where, _parse(where, text)


def _parse(where: str, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ValidationError(
            f"配置文件 {where} 不是有效的 YAML：{exc}",
            f"rule file {where} is not valid YAML: {exc}",
            line=mark.line + 1 if mark is not None else None,
        ) from None


def line_of(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line (1-based) of the YAML node at ``loc`` (mapping keys and list indexes), or of its nearest parent
    that exists — so that an office sees where in its file a bad value sits."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
        if child is None:
            break
        node, line = child, child.start_mark.line + 1
    return line


def validated(model: type[M], where: str, raw: Any, text: str | None = None) -> M:
    """Validate a parsed YAML document against its schema, naming the first bad field (and its line, given the
    file's text)."""
    try:
        return model.model_validate(raw)
    except PydanticValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ValidationError(
            f"配置文件 {where} 有误：{err['msg']}",
            f"rule file {where} is invalid: {err['msg']}",
            field=loc,
            line=line_of(text, tuple(err["loc"])) if text is not None else None,
        ) from None


def load(model: type[M], name: str) -> M:
    where, text = read_text(name)
    return validated(model, where, _parse(where, text), text)
