"""Every service that acts for a user goes through the access policy — checked from the code itself.

The services are read with :mod:`ast`: each public function of ``sanwang.services`` taking an ``actor`` must
reach a check or restriction of ``services/policy.py`` (directly, or through the helpers and services it
calls), and each read (show, list, search, export, figures) must also reach ``policy.audit``. A new read path
that decides for itself, or forgets the audit, fails here until it calls the policy or is added to the short
allow-lists below with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import sanwang.services
from sanwang.services import policy

SERVICES = Path(sanwang.services.__file__).parent
POLICY_MODULES = {"policy", "recusal"}  # the policy itself
GATES = {n for n in vars(policy) if n.startswith(("check_", "restrict_", "find_"))} | {"visible_records"}
READ_PREFIXES = ("list_", "show_", "search", "drill", "statistics", "export_", "suggest")

# Functions taking an actor that read nothing protected, each with why.
NO_GATE = {
    "clues.check_register": "checks the right to register in a unit; reads no record",
    "clues.register_clues": "creates clues in the actor's commission; reads none",
    "imports.import_clues": "creates clues (through register_clues); reads none",
    "imports.register_one": "creates one clue (through register_clues); reads none",
    "gang.register_gang_case": "creates a gang case; a duplicate police number is the police's own",
    "rescreen.register_top": "registers clues from a rescreen run; reads none",
    "context.record": "writes an event for a step already checked by its caller",
    "deadlines.extend": "extends a deadline of a record its caller has checked",
    "demo_cases.police_name": "demo data builder, not a user-facing path",
    "stats.rebuild_summary": "administrators only; rebuilds counts, returns none (audited)",
    "clues.rescore_clues": "administrators only; re-scores in place and returns a count, no record (audited)",
    "stats.verify": "administrators and auditors only; compares counts, lists no record (audited)",
    "import_corrections.record_correction": "reached only from import_clues after check_register; writes an event",
    "units.add_unit": "unit administration (cli/org admits administrators only); reads no protected record",
    "units.edit_unit": "unit administration (cli/org admits administrators only); reads no protected record",
    "units.move_unit": "unit administration (cli/org admits administrators only); reads no protected record",
    "units.ensure_commission_chain": "sanwang init creates the commissions above; reads no protected record",
}
# Reads that are not audited, each with why.
NO_AUDIT: dict[str, str] = {}


@dataclass
class Fn:
    module: str
    name: str
    node: ast.FunctionDef
    calls: set[tuple[str, str]] = field(default_factory=set)  # (module, name) of service functions called


def _modules(root: Path) -> dict[str, ast.Module]:
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.py"))}


def _index(mods: dict[str, ast.Module]) -> dict[tuple[str, str], Fn]:
    """Every top-level function with the service functions it calls, imports resolved."""
    fns: dict[tuple[str, str], Fn] = {}
    for mod, tree in mods.items():
        names: dict[str, tuple[str, str]] = {}  # local name → (module, function)
        aliases: dict[str, str] = {}  # local name → module (``from sanwang.services import deadlines``)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sanwang.services"):
                for a in node.names:
                    if node.module == "sanwang.services":
                        aliases[a.asname or a.name] = a.name
                    else:
                        names[a.asname or a.name] = (node.module.rsplit(".", 1)[1], a.name)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                fn = Fn(mod, node.name, node)
                for call in ast.walk(node):
                    if not isinstance(call, ast.Call):
                        continue
                    f = call.func
                    if isinstance(f, ast.Name):
                        fn.calls.add(names.get(f.id, (mod, f.id)))
                    elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in aliases:
                        fn.calls.add((aliases[f.value.id], f.attr))
                fns[(mod, node.name)] = fn
    return fns


def _reaches(fns: dict[tuple[str, str], Fn], start: tuple[str, str], targets: set[tuple[str, str]]) -> bool:
    seen: set[tuple[str, str]] = set()
    todo = [start]
    while todo:
        key = todo.pop()
        if key in targets:
            return True
        if key in seen or key not in fns or (key != start and key[0] in POLICY_MODULES):
            continue
        seen.add(key)
        todo.extend(fns[key].calls)
    return False


def _acting(fns: dict[tuple[str, str], Fn]) -> Iterator[Fn]:
    for (mod, name), fn in sorted(fns.items()):
        args = fn.node.args
        if (
            mod not in POLICY_MODULES
            and not name.startswith("_")
            and "actor" in {a.arg for a in args.args + args.kwonlyargs}
        ):
            yield fn


def problems(root: Path) -> list[str]:
    """What the services get wrong about the policy, one line each (empty when all is well)."""
    fns = _index(_modules(root))
    gates = {("policy", g) for g in GATES}
    out = []
    for fn in _acting(fns):
        key = f"{fn.module}.{fn.name}"
        if key not in NO_GATE and not _reaches(fns, (fn.module, fn.name), gates):
            out.append(f"{key}: takes an actor but calls no policy check or restriction")
        audited = _reaches(fns, (fn.module, fn.name), {("policy", "audit")})
        if fn.name.startswith(READ_PREFIXES) and key not in NO_AUDIT and not audited:
            out.append(f"{key}: a read that is not audited (policy.audit)")
    return out


def test_every_service_acting_for_a_user_goes_through_the_policy() -> None:
    assert problems(SERVICES) == []


def test_the_allow_lists_name_only_functions_that_exist() -> None:
    fns = _index(_modules(SERVICES))
    acting = {f"{fn.module}.{fn.name}" for fn in _acting(fns)}
    assert set(NO_GATE) - acting == set() and set(NO_AUDIT) - acting == set()


def test_a_read_path_that_skips_the_policy_is_caught(tmp_path: Path) -> None:
    """The check can fail: a new service that reads for itself, or lists without an audit, is named."""
    (tmp_path / "policy.py").write_text("def check_clue(s, a, c): ...\ndef audit(*a): ...\n", encoding="utf-8")
    (tmp_path / "leak.py").write_text(
        "from sanwang.services.policy import check_clue\n"
        "def show_secret(session, *, actor, number):\n    return session.get(number)\n"
        "def _helper(session, actor, c):\n    check_clue(session, actor, c)\n"
        "def list_checked(session, *, actor):\n    _helper(session, actor, 1)\n",
        encoding="utf-8",
    )
    assert problems(tmp_path) == [
        "leak.list_checked: a read that is not audited (policy.audit)",
        "leak.show_secret: takes an actor but calls no policy check or restriction",
        "leak.show_secret: a read that is not audited (policy.audit)",
    ]


@pytest.mark.parametrize("gate", sorted(GATES))
def test_each_gate_is_a_policy_function(gate: str) -> None:
    assert callable(getattr(policy, gate))
