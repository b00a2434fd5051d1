"""Generate docs/cli.md from the real ``--help`` output of every ``sanwang`` command and sub-command.

    .venv/bin/python docs/gen_cli.py           # rewrite the text between the markers in docs/cli.md
    .venv/bin/python docs/gen_cli.py --check   # exit 1 if docs/cli.md is not up to date

The help is rendered through ``typer.testing.CliRunner`` in a child process whose environment is fixed (120
columns, no colour, no forced terminal), because typer and rich read those settings when they are imported: the
output is then the same on a developer's terminal and in CI. tests/test_docs.py checks the result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CLI_MD = HERE / "cli.md"
START, END = "<!-- cli:start -->", "<!-- cli:end -->"
WIDTH = 120

# Settings typer and rich read at import time; fixed so the rendering does not depend on the caller's terminal.
FIXED_ENV = {
    "COLUMNS": str(WIDTH),
    "LINES": "50",
    "TERMINAL_WIDTH": str(WIDTH),
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "NO_COLOR": "1",
    "TERM": "dumb",
    "PYTHONIOENCODING": "utf-8",
}
# Settings that would force colour or a terminal (set on CI machines such as GitHub Actions).
DROPPED_ENV = ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE")

HEADER = """# Command reference

Generated from the `--help` output of every `sanwang` command by `docs/gen_cli.py` (120 columns); do not edit the
text between the markers by hand — change the command's help in `src/sanwang/cli/` and run
`.venv/bin/python docs/gen_cli.py`. `tests/test_docs.py` fails when this page is out of date.

Every command that acts on the ledger takes `--as USERNAME` (else `$SANWANG_USER`, else `admin`), and most take
`--json` (machine-readable output; errors as one JSON object on stderr) and `--on YYYY-MM-DD` (the business
date, default today). Refusals exit with status 2. The domain behind each command is in [concepts](concepts.md).
"""


def command_paths() -> list[list[str]]:
    """Every command path of the typer app, depth first in the order ``--help`` lists them (root = [])."""
    import typer.main

    from sanwang.cli.main import app

    paths: list[list[str]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        paths.append(path)
        # A group (typer's own click-compatible Command) keeps its sub-commands in ``commands``, in creation order.
        for name, sub in getattr(cmd, "commands", {}).items():
            if not sub.hidden:
                walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def _render_here() -> str:
    """The markdown between the markers; must run with FIXED_ENV in force before typer is imported."""
    from typer.testing import CliRunner

    from sanwang.cli.main import app

    runner = CliRunner()
    parts = [f"<!-- rendered with typer {_version('typer')}, rich {_version('rich')} -->", ""]
    index = [f"[`{' '.join(['sanwang', *p])}`](#{_anchor(p)})" for p in command_paths()]
    parts += ["Commands: " + " · ".join(index), ""]
    for path in command_paths():
        result = runner.invoke(app, [*path, "--help"], prog_name="sanwang", env=FIXED_ENV, terminal_width=WIDTH)
        if result.exit_code != 0:
            raise SystemExit(f"sanwang {' '.join(path)} --help failed ({result.exit_code}): {result.output}")
        text = "\n".join(line.rstrip() for line in result.output.splitlines()).strip("\n")
        level = "#" * min(2 + len(path), 4)
        parts += [f"{level} {' '.join(['sanwang', *path])}", "", "```text", text, "```", ""]
    return "\n".join(parts).rstrip("\n") + "\n"


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _anchor(path: list[str]) -> str:
    """GitHub's anchor for a heading ``sanwang a b``."""
    return "-".join(["sanwang", *path])


def fixed_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV}
    env.update(FIXED_ENV)
    return env


def render() -> str:
    """Render the reference in a child process with the fixed environment (typer reads it at import time)."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--render"],
        env=fixed_environment(),
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"rendering the CLI help failed:\n{proc.stderr.decode('utf-8', 'replace')}")
    return str(json.loads(proc.stdout.decode("utf-8")))


def page(body: str, current: str | None = None) -> str:
    """The whole docs/cli.md: the current page with the text between the markers replaced (or a fresh page)."""
    if current and START in current and END in current:
        head, rest = current.split(START, 1)
        tail = rest.split(END, 1)[1]
        return f"{head}{START}\n{body}{END}{tail}"
    return f"{HEADER}\n{START}\n{body}{END}\n"


def main(argv: list[str]) -> int:
    if "--render" in argv:
        sys.stdout.write(json.dumps(_render_here(), ensure_ascii=True))
        return 0
    current = CLI_MD.read_text(encoding="utf-8") if CLI_MD.exists() else None
    wanted = page(render(), current)
    if "--check" in argv:
        if wanted != current:
            print(f"{CLI_MD} is out of date: run .venv/bin/python docs/gen_cli.py", file=sys.stderr)
            return 1
        return 0
    CLI_MD.write_text(wanted, encoding="utf-8")
    print(f"wrote {CLI_MD}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
