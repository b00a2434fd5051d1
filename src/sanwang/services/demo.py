"""The demo city (演示数据): a generated scenario replayed into a ledger through the ordinary use cases.

Nothing is inserted behind the services' back: units and users are added, clues registered, and every fate
step (分办, 审批, 办结, 立案, 留置, 处分 ...) taken by the user the scenario names, on the day it names, so the
demo's history, deadlines and statistics are exactly what real work would have produced.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import SanwangError
from sanwang.domain.vocab import channels
from sanwang.domain.workflow import Actor
from sanwang.scenario.export import clerk_flags
from sanwang.scenario.model import ClueSpec, FateStep, Scenario
from sanwang.services.clues import ClueDraft, SubjectDraft, act, get_clue, register_clues
from sanwang.services.context import actor_for, unit_by_code
from sanwang.services.demo_cases import HANDLERS, Staffing
from sanwang.services.units import add_unit, add_user
from sanwang.store.db import Store
from sanwang.store.tables import Clue

Progress = Callable[[str, int, int], None]

CLUE_ACTIONS = {
    "assign",
    "propose",
    "approve",
    "reject",
    "record_reply",
    "endorse",
    "conclude",
    "feedback",
    "archive",
    "reopen",
    "mark_duplicate",
}


@dataclass
class LoadReport:
    """What the replay did: counts per action, and steps the workflow refused (which a test keeps at zero)."""

    units: int = 0
    users: int = 0
    clues: int = 0
    gang_cases: int = 0
    steps: Counter[str] = field(default_factory=Counter)
    refused: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "users": self.users,
            "clues": self.clues,
            "gang_cases": self.gang_cases,
            "steps": dict(self.steps),
            "refused": len(self.refused),
            "refused_examples": self.refused[:10],
        }


class _Actors:
    """Actors by username, resolved once per session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[str, Actor] = {}

    def __call__(self, username: str) -> Actor:
        if username not in self.cache:
            self.cache[username] = actor_for(self.session, username)
        return self.cache[username]


def load_scenario(store: Store, scenario: Scenario, progress: Progress | None = None) -> LoadReport:
    """Replay a scenario into an empty ledger."""
    report = LoadReport()
    tick = progress or (lambda _stage, _done, _total: None)
    with store.session() as s:
        for u in scenario.units:
            add_unit(s, code=u.code, name=u.name, kind=u.kind, region_code=u.region_code, parent_code=u.parent_code)
        for us in scenario.users:
            add_user(s, username=us.username, name=us.name, unit_code=us.unit_code, roles=list(us.roles))
        # A well-known administrator and auditor, so `SANWANG_USER=admin` works on the demo as on `init --region`.
        root = next(u.code for u in scenario.units if u.kind == "纪委监委")
        add_user(s, username="admin", name="系统管理员", unit_code=root, roles=["admin", "auditor"])
        report.units, report.users = len(scenario.units), len(scenario.users) + 1
    tick("units", 1, 1)
    gang_ids = _load_gangs(store, scenario, report)
    numbers = _register(store, scenario, gang_ids, report)
    tick("register", len(numbers), len(numbers))
    by_ref = {c.external_ref: numbers[c.external_ref] for c in scenario.clues}
    done = 0
    batch = 200
    clues = scenario.clues
    for i in range(0, len(clues), batch):
        with store.session() as s:
            actors = _Actors(s)
            staff = Staffing(s)
            for spec in clues[i : i + batch]:
                _replay(s, actors, staff, spec, by_ref, report)
        done += len(clues[i : i + batch])
        tick("replay", done, len(clues))
    return report


def _register(store: Store, scenario: Scenario, gang_ids: dict[str, int], report: LoadReport) -> dict[str, str]:
    by_unit: dict[str, list[ClueSpec]] = defaultdict(list)
    for c in scenario.clues:
        by_unit[c.unit_code].append(c)
    numbers: dict[str, str] = {}
    with store.session() as s:
        for unit_code, specs in by_unit.items():
            unit = unit_by_code(s, unit_code)
            clerk = _clerk_of(s, scenario, unit_code)
            drafts = [_draft(c, gang_ids) for c in sorted(specs, key=lambda c: (c.received, c.external_ref))]
            for draft, (_, number) in zip(
                drafts, register_clues(s, actor=clerk, unit=unit, drafts=drafts), strict=True
            ):
                numbers[str(draft.external_ref)] = number
    report.clues = len(numbers)
    return numbers


def _clerk_of(session: Session, scenario: Scenario, unit_code: str) -> Actor:
    for u in scenario.users:
        if "intake_clerk" in u.roles and (u.unit_code == unit_code or u.unit_code.startswith(unit_code + "-")):
            return actor_for(session, u.username)
    raise SanwangError(f"演示数据中 {unit_code} 没有受理员", f"the scenario has no intake clerk for {unit_code}")


def _draft(c: ClueSpec, gang_ids: dict[str, int]) -> ClueDraft:
    ch = channels().resolve(c.channel)
    if ch is None:
        raise SanwangError(f"演示数据的来源渠道未知：{c.channel}", f"unknown channel in scenario: {c.channel}")
    text = c.summary
    return ClueDraft(
        channel=ch.code,
        received=c.received,
        real_name=c.real_name,
        summary=text,
        subjects=tuple(
            SubjectDraft(name=s.name, unit_name=s.unit_name, position=s.position, id_number=s.id_number, rank=s.rank)
            for s in c.subjects
        ),
        reporter_name=c.reporter_name,
        reporter_id_number=c.reporter_id_number,
        reporter_phone=c.reporter_phone,
        external_ref=c.external_ref,
        gang_related=clerk_flags(c)[0],
        umbrella_suspected=clerk_flags(c)[1],
        gang_case_id=gang_ids.get(c.gang_case) if c.gang_case else None,
    )


def _load_gangs(store: Store, scenario: Scenario, report: LoadReport) -> dict[str, int]:
    from sanwang.services.demo_cases import load_gangs

    with store.session() as s:
        ids = load_gangs(s, scenario)
    report.gang_cases = len(ids)
    return ids


def _replay(
    session: Session, actors: _Actors, staff: Staffing, spec: ClueSpec, by_ref: dict[str, str], report: LoadReport
) -> None:
    number = by_ref[spec.external_ref]
    ctx: dict[str, Any] = {"gang_number": spec.gang_case}
    for step in spec.fate:
        try:
            with session.begin_nested():
                _apply(session, actors, staff, number, step, by_ref, ctx)
            report.steps[step.action] += 1
        except SanwangError as e:
            report.refused.append({"clue": number, "action": step.action, "day": step.on.isoformat(), "why": e.en})
            return  # the rest of this fate depended on the refused step


def _apply(
    session: Session,
    actors: _Actors,
    staff: Staffing,
    number: str,
    step: FateStep,
    by_ref: dict[str, str],
    ctx: dict[str, Any],
) -> None:
    a = step.args
    who = actors(str(a["by"]))
    if step.action not in CLUE_ACTIONS:
        handler = HANDLERS.get(step.action)
        if handler is None:
            raise SanwangError(f"演示数据含未知步骤 {step.action}", f"unknown fate step {step.action}")
        handler(session, staff, who, number, step, ctx)
        return
    args: dict[str, Any] = {}
    clue = get_clue(session, number)
    if step.action == "assign":
        args["handler"] = a["to"]
    elif step.action == "propose":
        if clue.state == "handling" and clue.disposal == "hold":
            act(session, actor=who, number=number, action="resume", on=step.on, args={"reason": "暂存期满，重新处置"})
        args = {"method": a["method"], "target": a.get("target"), "reason": a.get("reason")}
    elif step.action in ("reject", "reopen"):
        args["reason"] = a.get("reason") or "理由见批示"
    elif step.action == "record_reply":
        args["reason"] = a.get("reply")
    elif step.action == "endorse":
        args["reason"] = a.get("statement") or "同意"
    elif step.action == "conclude":
        args["result"] = a["result"]
    elif step.action == "feedback":
        args["kind"] = "result" if clue.state in ("concluded", "archived") else "accepted"
    elif step.action == "mark_duplicate":
        args["of"] = by_ref[str(a["of"])]
        args["reason"] = "同一事项多渠道反映"
    act(session, actor=who, number=number, action=step.action, on=step.on, args=args)


def write_scenario_files(scenario: Scenario, folder: Path) -> dict[str, Any]:
    """The scenario's side files: the ledger CSV, relationship Parquet and the ground truth (never loaded)."""
    from sanwang.scenario.generator import write_ground_truth, write_import_csv, write_relationships

    folder.mkdir(parents=True, exist_ok=True)
    write_import_csv(scenario.clues, folder / "clues.csv")
    counts = write_relationships(scenario, folder / "relationships")
    write_ground_truth(scenario, folder / "ground_truth.json")
    return {"folder": str(folder), "relationships": counts}


def clue_count(session: Session) -> int:
    return len(session.scalars(select(Clue.id).limit(1)).all())


def read_marker(home: Path) -> dict[str, Any] | None:
    path = home / "demo.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else None


def write_marker(home: Path, data: dict[str, Any]) -> None:
    (home / "demo.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
