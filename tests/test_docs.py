"""The documentation keeps up with the code: the CLI reference, the rule files and the environment variables."""

from __future__ import annotations

import importlib.util
import re
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import typer.main

from sanwang.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SRC = ROOT / "src" / "sanwang"
CLI_MD = DOCS / "cli.md"
CONFIGURATION_MD = DOCS / "configuration.md"


def _gen_cli() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli", DOCS / "gen_cli.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _commands() -> dict[str, Any]:
    """Every command of the app by its full name (``sanwang clue register``), walking the click command tree."""
    found: dict[str, Any] = {}

    def walk(cmd: Any, path: list[str]) -> None:
        found[" ".join(["sanwang", *path])] = cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            if not sub.hidden:
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return found


def _sections(text: str) -> dict[str, str]:
    """The sections of docs/cli.md by heading (``sanwang clue register``) → their text."""
    parts = re.split(r"^#{2,4} (sanwang(?: [a-z][a-z0-9-]*)*)\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _options(cmd: Any) -> set[str]:
    """Long option names a command takes, including the off-switch of a flag pair (``--cleared/--uncleared``)."""
    names: set[str] = set()
    for p in cmd.params:
        if getattr(p, "param_type_name", "") == "option":
            names |= {o for o in [*p.opts, *getattr(p, "secondary_opts", [])] if o.startswith("--")}
    return names


def _listed(section: str) -> set[str]:
    """Long option names shown in a help section (``--as``, ``--json`` …), wherever the panel wraps them."""
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", section))


def test_every_command_has_its_section_in_cli_md() -> None:
    sections = _sections(CLI_MD.read_text(encoding="utf-8"))
    missing = sorted(set(_commands()) - set(sections))
    assert not missing, f"commands missing from docs/cli.md (run docs/gen_cli.py): {missing}"
    stale = sorted(set(sections) - set(_commands()))
    assert not stale, f"docs/cli.md documents commands that no longer exist: {stale}"


def test_cli_md_lists_every_option_of_every_command() -> None:
    """Independent of terminal width and colour: each section names exactly the options its command takes."""
    sections = _sections(CLI_MD.read_text(encoding="utf-8"))
    wrong = {}
    for name, cmd in _commands().items():
        want, have = _options(cmd) | {"--help"}, _listed(sections.get(name, ""))
        if want != have:
            wrong[name] = {"undocumented": sorted(want - have), "no longer exist": sorted(have - want)}
    assert not wrong, f"docs/cli.md is out of date (run docs/gen_cli.py): {wrong}"


def test_cli_md_is_what_the_generator_writes() -> None:
    """Regenerating gives the same page. The generator fixes width, colour and terminal in a child process; only a
    different typer or rich release (which may draw the panels differently) is a reason to skip."""
    text = CLI_MD.read_text(encoding="utf-8")
    stamp = re.search(r"<!-- rendered with typer (\S+), rich (\S+) -->", text)
    assert stamp, "docs/cli.md lacks the generator's stamp: run docs/gen_cli.py"
    if stamp.groups() != (version("typer"), version("rich")):
        pytest.skip(f"docs/cli.md was rendered with typer {stamp[1]}, rich {stamp[2]}; the options test still runs")
    gen = _gen_cli()
    assert gen.page(gen.render(), text) == text, "docs/cli.md is out of date: run .venv/bin/python docs/gen_cli.py"


def test_every_rule_file_is_documented_in_configuration_md() -> None:
    rule_files = sorted(p.name for p in (SRC / "domain" / "data").glob("*.yaml"))
    assert rule_files, "no rule files found"
    text = CONFIGURATION_MD.read_text(encoding="utf-8")
    missing = [name for name in rule_files if f"`{name}`" not in text or f"### {name}" not in text]
    assert not missing, f"rule files without a row and a section in docs/configuration.md: {missing}"


def test_every_environment_variable_is_documented_in_configuration_md() -> None:
    used = {m for path in SRC.rglob("*.py") for m in re.findall(r"SANWANG_[A-Z_]+", path.read_text(encoding="utf-8"))}
    assert "SANWANG_HOME" in used, "the scan found no environment variables"
    table = CONFIGURATION_MD.read_text(encoding="utf-8").split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(SANWANG_[A-Z_]+)` \|", table, flags=re.M))
    missing = sorted(used - documented)
    assert not missing, f"environment variables read in src/ but not in docs/configuration.md's table: {missing}"
