"""Clue ledger import (线索台账导入): validate the whole file first, then register all of it or nothing.

Re-importing adds nothing twice: ``外部编号`` (the sender's reference) is the import key per registering unit. A
known reference whose content differs is named by line (同一外部编号内容不同), never counted as a duplicate; with
``accept_corrections`` each such row is recorded as a correction event (更正登记内容) on its clue, the registered
original untouched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sanwang.domain.errors import ImportRejected, LineProblem, SanwangError, TransitionRefused, ValidationError
from sanwang.domain.idnumber import IdNumber
from sanwang.domain.ledger import LEDGER_HEADERS
from sanwang.domain.values import Phone, parse_date, parse_yes_no
from sanwang.domain.vocab import channels
from sanwang.domain.workflow import Actor
from sanwang.services.clues import ClueDraft, SubjectDraft, check_register, register_clues
from sanwang.services.context import today, unit_by_code
from sanwang.services.import_corrections import changed_problem, content_of, record_correction, registered_content
from sanwang.services.ledgerio import EXTRA_FIELDS, NUMERIC_FIELDS
from sanwang.services.units import commission_of
from sanwang.store.tables import Clue, Unit
from sanwang.text import to_simplified

HEADERS = LEDGER_HEADERS
REQUIRED = ("外部编号", "来源渠道", "收到日期", "实名", "被反映人姓名", "问题摘要")
HEADER_EN = {
    "外部编号": "external reference",
    "来源渠道": "channel",
    "收到日期": "date received",
    "实名": "real-name",
    "反映人姓名": "reporter name",
    "反映人身份证号": "reporter ID number",
    "反映人电话": "reporter phone",
    "被反映人姓名": "subject name",
    "被反映人单位": "subject unit",
    "被反映人职务": "subject position",
    "被反映人身份证号": "subject ID number",
    "问题摘要": "summary",
    "涉黑涉恶": "gang-related",
    "涉嫌保护伞": "umbrella suspected",
}
SPLIT = re.compile(r"[、;；]")
# A number as Excel writes it to CSV once it is too long to show: 1.10105E+17.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


class _Problems:
    def __init__(self) -> None:
        self.items: list[LineProblem] = []

    def add(self, line: int, field: str, zh: str, en: str) -> None:
        self.items.append(LineProblem(line, field, zh, en))

    def from_error(self, line: int, field: str, e: SanwangError) -> None:
        zh = getattr(e, "reason_zh", e.zh)
        en = getattr(e, "reason_en", e.en)
        self.add(line, field, zh, en)


def _split(text: str) -> list[str]:
    return [p.strip() for p in SPLIT.split(text)] if text.strip() else []


def parse_row(line: int, row: dict[str, str], problems: _Problems, as_of: date) -> ClueDraft | None:
    """One ledger row → a clue draft, adding every problem found (not only the first)."""
    before = len(problems.items)
    for h in REQUIRED:
        if not row.get(h, "").strip():
            problems.add(line, h, "必填项为空", f"required field ({HEADER_EN[h]}) is empty")
    channel = None
    if row.get("来源渠道", "").strip():
        channel = channels().resolve(row["来源渠道"]) or channels().resolve(to_simplified(row["来源渠道"]))
        if channel is None:
            problems.add(
                line,
                "来源渠道",
                f"未知来源渠道「{row['来源渠道']}」",
                f"unknown channel {row['来源渠道']!r}",
            )
    received = None
    if row.get("收到日期", "").strip():
        try:
            received = parse_date(row["收到日期"], field="收到日期", line=line)
            if received > as_of:
                problems.add(line, "收到日期", "收到日期晚于今天", "the date received is in the future")
                received = None
        except ValidationError as e:
            problems.from_error(line, "收到日期", e)
    real_name = False
    if row.get("实名", "").strip():
        try:
            real_name = parse_yes_no(row["实名"], field="实名", line=line)
        except ValidationError as e:
            problems.from_error(line, "实名", e)
    flags = {}
    for header in ("涉黑涉恶", "涉嫌保护伞"):
        flags[header] = False
        if (row.get(header) or "").strip():
            try:
                flags[header] = parse_yes_no(row[header], field=header, line=line)
            except ValidationError as e:
                problems.from_error(line, header, e)
    numeric = set(row.get(NUMERIC_FIELDS, "").split("\x1f"))
    for field in ("反映人身份证号", "被反映人身份证号", "反映人电话", "外部编号"):
        # Excel keeps 15 digits of a number: an 18-digit ID number in a number cell has lost its last digits.
        as_number = field.endswith("身份证号") and field in numeric
        if as_number or _SCIENTIFIC.match(row.get(field, "").strip()):
            problems.add(line, field, "以数字格式保存，末位数字已丢失：请将该列设为文本格式后重新填写",
                         "stored as a number, which loses its last digits: store the column as text")  # fmt: skip
            row = {**row, field: ""}
    rep_id = _checked_id(row.get("反映人身份证号", ""), "反映人身份证号", line, problems)
    rep_phone = None
    if row.get("反映人电话", "").strip():
        try:
            rep_phone = Phone.parse(row["反映人电话"], field="反映人电话", line=line).value
        except ValidationError as e:
            problems.from_error(line, "反映人电话", e)
    rep_name = row.get("反映人姓名", "").strip() or None
    if real_name and not (rep_name or rep_phone):
        problems.add(line, "反映人姓名", "实名举报须填写反映人姓名或联系电话", "a real-name report needs the reporter")
    names = _split(row.get("被反映人姓名", ""))
    units = _split(row.get("被反映人单位", ""))
    positions = _split(row.get("被反映人职务", ""))
    ids_text = _split(row.get("被反映人身份证号", ""))
    for field, values in (("被反映人单位", units), ("被反映人职务", positions), ("被反映人身份证号", ids_text)):
        if len(values) > len(names):
            problems.add(line, field, "比被反映人姓名多出项目", "has more entries than there are subject names")
    ids = [_checked_id(t, "被反映人身份证号", line, problems) for t in ids_text]
    if len(problems.items) > before or channel is None or received is None:
        return None
    subjects = tuple(
        SubjectDraft(
            name=n,
            unit_name=units[i] if i < len(units) and units[i] else None,
            position=positions[i] if i < len(positions) and positions[i] else None,
            id_number=ids[i] if i < len(ids) else None,
        )
        for i, n in enumerate(names)
    )
    return ClueDraft(
        channel=channel.code,
        received=received,
        real_name=real_name,
        summary=row["问题摘要"],
        subjects=subjects,
        reporter_name=rep_name,
        reporter_id_number=rep_id,
        reporter_phone=rep_phone,
        external_ref=row["外部编号"].strip(),
        gang_related=flags["涉黑涉恶"],
        umbrella_suspected=flags["涉嫌保护伞"],
    )


def _checked_id(text: str, field: str, line: int, problems: _Problems) -> str | None:
    if not text.strip():
        return None
    try:
        return IdNumber.parse(text, field=field, line=line).value
    except ValidationError as e:
        problems.from_error(line, field, e)
        return None


def _target_unit(session: Session, actor: Actor, unit_code: str | None) -> Unit:
    return unit_by_code(session, unit_code) if unit_code else commission_of(session, actor.unit_id)


def validate(
    source: str, headers: list[str], rows: Iterable[tuple[int, dict[str, str]]]
) -> list[tuple[int, ClueDraft]]:
    """Every row checked; one ImportRejected listing all problems if any row is bad. Drafts keep their line."""
    problems = _Problems()
    unknown = [h for h in headers if h and h not in HEADERS]
    for h in unknown:
        problems.add(
            1,
            h,
            f"未知的列「{h}」，可用的列：{'、'.join(HEADERS)}",
            f"unknown column {h!r}; known columns: {', '.join(HEADERS)}",
        )
    missing = [h for h in REQUIRED if h not in headers]
    for h in missing:
        problems.add(1, h, "缺少必需的列", f"the required column ({HEADER_EN[h]}) is missing")
    if missing or unknown:
        raise ImportRejected(source, problems.items)
    drafts: list[tuple[int, ClueDraft]] = []
    seen: dict[str, int] = {}
    as_of = today()
    for line, row in rows:
        if EXTRA_FIELDS in row:
            problems.add(
                line, "(多余)", f"比表头多出内容：{row[EXTRA_FIELDS][:40]}", "the row has more fields than the header"
            )
        draft = parse_row(line, row, problems, as_of)
        ref = row.get("外部编号", "").strip()
        if ref in seen:
            problems.add(line, "外部编号", f"与第{seen[ref]}行的外部编号重复", f"same reference as line {seen[ref]}")
        elif ref:
            seen[ref] = line
        if draft is not None:
            drafts.append((line, draft))
    if problems.items:
        raise ImportRejected(source, problems.items)
    return drafts


IMPORT_BATCH = 10_000


def import_clues(
    session: Session,
    *,
    actor: Actor,
    path: Path,
    unit_code: str | None = None,
    accept_corrections: bool = False,
) -> dict[str, Any]:
    """Import a ledger file (导入台账) into a unit: all or nothing; clues already imported are skipped.

    A row whose 外部编号 is already registered with other content refuses the file, by line, unless
    ``accept_corrections``: then it is recorded as a correction event (更正登记内容) on that clue."""
    from sanwang.services.ledgerio import read_rows

    unit = _target_unit(session, actor, unit_code)
    sheet = read_rows(path, known=lambda h: to_simplified(h).strip() in HEADERS)
    # Headers written in traditional script (外部編號, 來源渠道 …) are the same columns.
    simplified = {h: to_simplified(h).strip() for h in sheet.headers}
    headers = [simplified[h] for h in sheet.headers]
    rows = ((n, _simplified_keys(r, simplified)) for n, r in sheet.rows)
    drafts = validate(path.name, headers, rows)
    lock_refs(session, unit)
    known = registered_content(session, unit.id, [d.external_ref for _, d in drafts if d.external_ref])
    total = len(drafts)
    changed = [(line, d, known[d.external_ref]) for line, d in drafts if d.external_ref in known
               and known[d.external_ref].content != content_of(d)]  # fmt: skip
    if changed and not accept_corrections:
        raise ImportRejected(path.name, [changed_problem(line, d, k) for line, d, k in changed])
    fresh = [d for _, d in drafts if d.external_ref not in known]
    del drafts
    if changed:
        check_register(session, actor, unit)  # a correction needs the same right as registering
    for line, d, k in changed:
        record_correction(session, actor, k, d, f"{path.name} 第{line}行")
    numbers: list[tuple[int, str]] = []
    # Registered in slices within the one transaction (still all or nothing): the rows built for the database
    # are then held for one slice at a time, not for the whole file.
    while fresh:
        batch, fresh = fresh[:IMPORT_BATCH], fresh[IMPORT_BATCH:]
        numbers += register_clues(session, actor=actor, unit=unit, drafts=batch)
    return {
        "imported": len(numbers),
        "duplicates": total - len(numbers) - len(changed),
        "corrected": len(changed),
        "corrections": [{"line": line, "number": k.number, "fields": k.diff(d)} for line, d, k in changed],
        "unit": unit.code,
        "numbers": [n for _, n in numbers],
        "header_line": sheet.header_line,
        "encoding": sheet.encoding,
    }


def _simplified_keys(row: dict[str, str], simplified: dict[str, str]) -> dict[str, str]:
    out = {simplified.get(k, k): v for k, v in row.items()}
    if NUMERIC_FIELDS in out:
        out[NUMERIC_FIELDS] = "\x1f".join(simplified.get(h, h) for h in out[NUMERIC_FIELDS].split("\x1f"))
    return out


def lock_refs(session: Session, unit: Unit) -> None:
    """Hold the unit's import key until the transaction ends (PostgreSQL): a second import or registration into
    the same unit waits here, then sees the first one's clues and adds none of them twice. SQLite writers are
    already serialised by ``BEGIN IMMEDIATE``."""
    session.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())


def _known_refs(session: Session, unit_id: int, refs: list[str]) -> set[str]:
    known: set[str] = set()
    for i in range(0, len(refs), 900):  # stay under SQLite's bound-parameter limit
        chunk = refs[i : i + 900]
        known.update(
            r
            for r in session.scalars(
                select(Clue.external_ref).where(Clue.unit_id == unit_id, Clue.external_ref.in_(chunk))
            )
            if r
        )
    return known


def register_one(session: Session, *, actor: Actor, unit_code: str | None, fields: dict[str, str]) -> str:
    """Register one clue from form fields, with the same checks as a ledger row."""
    unit = _target_unit(session, actor, unit_code)
    if not fields.get("外部编号"):
        fields = {**fields, "外部编号": ""}
    problems = _Problems()
    relaxed = {**fields, "外部编号": fields["外部编号"] or "-"}
    draft = parse_row(1, relaxed, problems, today())
    if draft is None:
        raise ImportRejected("表单 / form", problems.items)
    if not fields["外部编号"]:
        draft = ClueDraft(**{**draft.__dict__, "external_ref": None})
    else:
        lock_refs(session, unit)
        existing = session.scalar(select(Clue.number).where(Clue.unit_id == unit.id,
                                                            Clue.external_ref == draft.external_ref))  # fmt: skip
        if existing:
            raise TransitionRefused(
                f"外部编号「{draft.external_ref}」已登记为线索 {existing}",
                f"reference {draft.external_ref!r} is already registered as clue {existing}",
            )
    [(_, number)] = register_clues(session, actor=actor, unit=unit, drafts=[draft])
    return number
