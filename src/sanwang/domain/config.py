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


def read_yaml(name: str) -> tuple[str, Any]:
    """Return (where, parsed) for a rule file: the office's copy when present, else the shipped default."""
    override = config_dir() / name
    if override.is_file():
        return str(override), yaml.safe_load(override.read_text(encoding="utf-8"))
    text = resources.files("sanwang.domain").joinpath("data", name).read_text(encoding="utf-8")
    return f"sanwang/domain/data/{name}", yaml.safe_load(text)


def validated(model: type[M], where: str, raw: Any) -> M:
    """Validate a parsed YAML document against its schema, naming the first bad field."""
    try:
        return model.model_validate(raw)
    except PydanticValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise ValidationError(
            f"配置文件 {where} 有误：{err['msg']}",
            f"rule file {where} is invalid: {err['msg']}",
            field=loc,
        ) from None


def load(model: type[M], name: str) -> M:
    where, raw = read_yaml(name)
    return validated(model, where, raw)
