"""Typical-case bulletins (典型案例通报) drafted from a discipline case, with personal data reduced.

A bulletin for public exposure names the official, their position and what was decided; everyone else is
reduced to a surname and 某 (其妻王某, 商人李某某), and ID numbers, phones, bank cards and plates are removed.
The reporter (反映人) is never named. The draft is only a draft: it lists every reduction it made so the person
who signs it off can check them, and each draft is recorded on the case.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import TransitionRefused
from sanwang.domain.roles import Role
from sanwang.domain.sanctions import case_rules
from sanwang.domain.workflow import Actor
from sanwang.services.cases import get_case, outcomes_in_force
from sanwang.services.context import business_day, record
from sanwang.services.policy import check_case
from sanwang.store.tables import ClueReporter, ClueSubject, GangMember, Outcome, Unit
from sanwang.text.entities import extract
from sanwang.text.surnames import surname_at

REMOVED = "（略）"
_REMOVE = ("id_number", "phone", "bank_card", "plate")
BULLETIN_ROLES = (Role.LEADER, Role.CASE_MANAGER)


def reduce_name(name: str) -> str:
    """张三 → 张某, 欧阳明华 → 欧阳某某: the surname stays, the given name becomes 某 (one per character, at most 2)."""
    name = name.strip()
    surname = surname_at(name, 0) or name[:1]
    given = name[len(surname) :]
    if not surname or not given:
        return "某某"
    return surname + "某" * min(len(given), 2)


def _occurrences(text: str, names: list[str]) -> list[tuple[int, int]]:
    """Every occurrence of ``names`` in ``text``, longest name first, without overlaps."""
    taken: list[tuple[int, int]] = []
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        i = text.find(name)
        while i >= 0:
            if all(i >= b or i + len(name) <= a for a, b in taken):
                taken.append((i, i + len(name)))
            i = text.find(name, i + 1)
    return sorted(taken)


def redact(text: str, *, keep: set[str], known: list[str]) -> tuple[str, list[dict[str, Any]]]:
    """``text`` with personal data reduced; ``keep``: names to leave (the official), ``known``: names to reduce
    wherever they appear (reporters, relatives, gang members). Returns the text and the reductions made.

    Known names are reduced at every occurrence, even inside a longer word (over-reducing is the safe error in a
    published text); other names only where entity extraction recognises a person, so the draft lists every
    reduction for a person to check before publication.
    """
    spans: list[tuple[int, int, str, str]] = [
        (a, b, "person", reduce_name(text[a:b])) for a, b in _occurrences(text, [n for n in known if n not in keep])
    ]
    for e in extract(text):
        if any(e.start < b and a < e.end for a, b, _, _ in spans):
            continue
        if e.type in _REMOVE:
            spans.append((e.start, e.end, e.type, REMOVED))
        elif e.type == "person" and e.text not in keep and "某" not in e.text:
            spans.append((e.start, e.end, e.type, reduce_name(e.text)))
    changes: list[dict[str, Any]] = []
    out: list[str] = []
    last = 0
    for a, b, kind, shown in sorted(spans):
        out.append(text[last:a])
        out.append(shown)
        changes.append({"type": kind, "original": text[a:b], "start": a, "end": b, "shown": shown})
        last = b
    out.append(text[last:])
    return "".join(out), changes


def _outcome_sentence(name: str, outcomes: list[Outcome]) -> str:
    rules = case_rules()
    parts: list[str] = []
    prosecuted = False
    for o in outcomes:
        if o.kind == "prosecution":
            prosecuted = True
        else:
            parts.append(f"{o.value}（{rules.kind_name(o.kind)}）")
    sentence = ""
    if parts:
        sentence = f"{name}受到" + "、".join(parts) + "处理"
    if prosecuted:
        sentence += ("；" if sentence else f"{name}") + "涉嫌犯罪问题被移送检察机关依法审查起诉"
    return sentence + "。" if sentence else ""


def draft_bulletin(
    session: Session,
    *,
    actor: Actor,
    number: str,
    facts: str,
    anonymise_subject: bool = False,
    on: date | None = None,
) -> dict[str, Any]:
    """Draft a bulletin for case ``number`` from the ``facts`` a case handler wrote; recorded on the case."""
    case = get_case(session, number)
    check_case(session, actor, case)
    if not actor.has(*BULLETIN_ROLES):
        raise TransitionRefused(
            "起草典型案例通报须为领导或案件管理人员", "only leaders or case managers draft bulletins"
        )
    if not facts.strip():
        raise TransitionRefused("须提供通报所述的违纪违法事实", "give the facts the bulletin describes")
    # Only what stands: an outcome a 复审/复核 revoked or changed is history, not news.
    outcomes = outcomes_in_force(session, case_ids=[case.id])
    if not outcomes:
        raise TransitionRefused(
            "案件尚无生效的处理结果，不能起草通报（通报须写明处理结果）",
            "the case has no outcome in force: nothing to report",
        )
    known: list[str] = []
    if case.clue_id is not None:
        known += [
            n for n in session.scalars(select(ClueReporter.name).where(ClueReporter.clue_id == case.clue_id)) if n
        ]
        known += [n for n in session.scalars(select(ClueSubject.name).where(ClueSubject.clue_id == case.clue_id)) if n]
    if case.gang_case_id is not None:
        known += list(session.scalars(select(GangMember.name).where(GangMember.gang_case_id == case.gang_case_id)))
    shown_name = reduce_name(case.subject_name) if anonymise_subject else case.subject_name
    keep = set() if anonymise_subject else {case.subject_name}
    known.append(case.subject_name)
    body, changes = redact(facts.strip(), keep=keep, known=sorted(set(known)))
    unit = session.get(Unit, case.unit_id)
    what = "充当黑恶势力“保护伞”" if case.umbrella else "严重违纪违法"
    title = f"{case.subject_position or ''}{shown_name}{what}问题"
    text = f"{title}\n\n{body}" + ("" if body.endswith("。") else "。") + _outcome_sentence(shown_name, outcomes)
    day = business_day(on, not_before=case.opened_on)
    record(
        session,
        "case",
        case.id,
        "bulletin_drafted",
        actor=actor,
        day=day,
        data={"title": title, "reductions": len(changes), "anonymised_subject": anonymise_subject},
    )
    return {
        "number": case.number,
        "unit": unit.name if unit else None,
        "title": title,
        "text": text,
        "reductions": changes,
        "drafted_on": day.isoformat(),
        "note": "草稿：发布前须人工核对每一处隐去的信息 / draft: check every reduction before publication",
    }
