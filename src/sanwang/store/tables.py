"""The ledger's tables (台账数据表). One schema for SQLite and PostgreSQL; changes go through Alembic.

Reporter identity lives in its own table so that it can be protected (and encrypted) separately from the
clue; events are append-only (triggers refuse UPDATE and DELETE on them, see migrations).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """A unit (单位) in the region tree; ``path`` is the materialised chain of ids for subtree queries."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(6))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    path: Mapped[str] = mapped_column(String(400), index=True)


class User(Base):
    """A user (经办人/承办人) of one unit. ``roles`` is a comma-separated list of Role values."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    roles: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(18))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class ClueCounter(Base):
    """Gap-free clue sequence per registering unit and year (线索编号计数器)."""

    __tablename__ = "clue_counters"
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Clue(Base):
    """A problem clue (问题线索). ``summary`` is the original text, verbatim, never rewritten."""

    __tablename__ = "clues"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(2))
    external_ref: Mapped[str | None] = mapped_column(String(120))
    received: Mapped[date] = mapped_column(Date)
    registered_at: Mapped[datetime] = mapped_column(DateTime)
    real_name: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    disposal: Mapped[str | None] = mapped_column(String(20))
    handling_mode: Mapped[str | None] = mapped_column(String(10))
    outcome: Mapped[str | None] = mapped_column(String(30))
    proposal: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    endorsements: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    gang_related: Mapped[bool] = mapped_column(Boolean, default=False)
    umbrella_suspected: Mapped[bool] = mapped_column(Boolean, default=False)
    flags: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    transferred_to_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The leader who approved the current disposal (审批领导): the second signatory of a 查否 endorsement.
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    gang_case_id: Mapped[int | None] = mapped_column(ForeignKey("gang_cases.id"))
    review_round: Mapped[int] = mapped_column(Integer, default=0)
    disposed_on: Mapped[date | None] = mapped_column(Date)
    concluded_on: Mapped[date | None] = mapped_column(Date)
    archived_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        UniqueConstraint("unit_id", "year", "seq", name="uq_clues_unit_year_seq"),
        UniqueConstraint("unit_id", "external_ref", name="uq_clues_unit_external_ref"),
        # Covering indexes for the statistics: each period figure is a range scan that reads no table rows.
        Index("ix_clues_received_stats", "received", "unit_id", "channel", "gang_related", "concluded_on"),
        Index("ix_clues_disposed_stats", "disposed_on", "unit_id", "disposal"),
        Index("ix_clues_concluded_stats", "concluded_on", "unit_id", "outcome"),
        Index("ix_clues_state", "state"),
    )


class ClueReporter(Base):
    """The reporter (反映人) of a real-name clue: the most protected record of the system."""

    __tablename__ = "clue_reporters"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(80))
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))


class ClueSubject(Base):
    """A person a clue is about (被反映人)."""

    __tablename__ = "clue_subjects"
    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80), index=True)
    unit_name: Mapped[str | None] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(120))
    id_number: Mapped[str | None] = mapped_column(String(18), index=True)
    rank: Mapped[str | None] = mapped_column(String(20))


class ClueLink(Base):
    """A link between clues (重复件 duplicate / 同案 related); links are added, never removed."""

    __tablename__ = "clue_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Deadline(Base):
    """A computed deadline (期限) on a clue, case, transfer, detention or recommendation."""

    __tablename__ = "deadlines"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    rule: Mapped[str] = mapped_column(String(40))
    trigger_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    warn_from: Mapped[date] = mapped_column(Date)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    # Computed while the holiday notice of a year it spans was not configured (暂定): recomputed by `sanwang init`.
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    met_on: Mapped[date | None] = mapped_column(Date)
    reminded_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_deadlines_entity", "entity_kind", "entity_id"),
        # The historical overdue figure: deadlines due in a period, by unit, with when (if ever) they were met.
        Index("ix_deadlines_period", "entity_kind", "due", "unit_id", "met_on", "entity_id"),
        # The overdue list walks open deadlines of one kind in due order and stops at the page size.
        Index(
            "ix_deadlines_open_due",
            "entity_kind",
            "due",
            "entity_id",
            postgresql_where=text("met_on IS NULL"),
            sqlite_where=text("met_on IS NULL"),
        ),
        # ... and checks, per clue, that no earlier open deadline precedes the one found (equality first).
        Index(
            "ix_deadlines_open_entity",
            "entity_kind",
            "entity_id",
            "due",
            postgresql_where=text("met_on IS NULL"),
            sqlite_where=text("met_on IS NULL"),
        ),
    )


class Event(Base):
    """An append-only history entry (操作记录): who did what, when, why. Never updated or deleted."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)
    day: Mapped[date] = mapped_column(Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_events_entity", "entity_kind", "entity_id", "id"),)


class Mark(Base):
    """A supervision mark (督办标记): 提级办理, 直查直办, 重点督办, 挂牌督办, 领导包案, 指定管辖."""

    __tablename__ = "marks"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    set_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    cleared_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (Index("ix_marks_entity", "entity_kind", "entity_id"),)


class Instruction(Base):
    """A leader's written instruction (领导批示) with required actions and a due date."""

    __tablename__ = "instructions"
    id: Mapped[int] = mapped_column(primary_key=True)
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int] = mapped_column(Integer)
    leader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    given_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    actions: Mapped[list[Any]] = mapped_column(JSON)
    due: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class GangCase(Base):
    """A gang case from the police (涉黑涉恶案件), carrying the three tracks of 一案三查."""

    __tablename__ = "gang_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    police_number: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[str] = mapped_column(String(6))
    sectors: Mapped[list[Any]] = mapped_column(JSON)
    stage: Mapped[str] = mapped_column(String(10))
    filed_on: Mapped[date] = mapped_column(Date)
    notified_on: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    police_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    cleared_on: Mapped[date | None] = mapped_column(Date)
    umbrella_in_step: Mapped[bool | None] = mapped_column(Boolean)


class GangMember(Base):
    """A gang member (涉黑涉恶成员) and role (组织者/领导者, 骨干, 一般参加者)."""

    __tablename__ = "gang_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    gang_case_id: Mapped[int] = mapped_column(ForeignKey("gang_cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    id_number: Mapped[str | None] = mapped_column(String(18))
    role: Mapped[str] = mapped_column(String(20))
    # The crimes charged (罪名), e.g. 组织、领导黑社会性质组织罪, 寻衅滋事罪; None for members recorded without them.
    crimes: Mapped[list[Any] | None] = mapped_column(JSON)


class CaseTrack(Base):
    """One of the three tracks of 一案三查 (gang crime / 保护伞 / 主体责任与监管责任)."""

    __tablename__ = "case_tracks"
    id: Mapped[int] = mapped_column(primary_key=True)
    gang_case_id: Mapped[int] = mapped_column(ForeignKey("gang_cases.id"), index=True)
    track: Mapped[int] = mapped_column(Integer)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The leader who assigned the owner (审批领导), the second signatory of a track-2 查否 endorsement.
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))
    conclusion: Mapped[str | None] = mapped_column(String(30))
    finding: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    endorsements: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    concluded_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("gang_case_id", "track", name="uq_case_tracks_case_track"),)


class Transfer(Base):
    """A clue transfer between police and commission (线索双向移送), with acknowledgement."""

    __tablename__ = "transfers"
    id: Mapped[int] = mapped_column(primary_key=True)
    direction: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(30))
    gang_case_id: Mapped[int | None] = mapped_column(ForeignKey("gang_cases.id"))
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    from_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    trigger_on: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    content: Mapped[str] = mapped_column(Text)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class DisciplineCase(Base):
    """A discipline case (立案审查调查) against one person."""

    __tablename__ = "discipline_cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    gang_case_id: Mapped[int | None] = mapped_column(ForeignKey("gang_cases.id"))
    subject_name: Mapped[str] = mapped_column(String(80))
    subject_id_number: Mapped[str | None] = mapped_column(String(18))
    subject_position: Mapped[str | None] = mapped_column(String(120))
    subject_rank: Mapped[str | None] = mapped_column(String(20))
    umbrella: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_on: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team: Mapped[list[Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))
    concluded_on: Mapped[date | None] = mapped_column(Date)
    # 直接立案: the recorded decision to open without an approved 移送审查调查 disposal (its basis, verbatim).
    direct_basis: Mapped[str | None] = mapped_column(Text)


class Detention(Base):
    """留置 (detention): at most 3 months, extendable once by 3 months, approved one level up."""

    __tablename__ = "detentions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("discipline_cases.id"), index=True)
    started_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    extensions: Mapped[int] = mapped_column(Integer, default=0)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    family_notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    notify_waiver: Mapped[str | None] = mapped_column(Text)
    released_on: Mapped[date | None] = mapped_column(Date)
    # The exact start (宣布留置之时) and the moment the family must have been told by (24 hours after it).
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    family_notice_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 监察法 (2024修正): 再延长 (once, 2 months) and 重新计算 (once, from the day a new serious offence is found).
    further_extensions: Mapped[int] = mapped_column(Integer, default=0)
    recounted_on: Mapped[date | None] = mapped_column(Date)


class CaseMeasure(Base):
    """A measure other than 留置 on a case (监察法 2024修正): 管护 or 责令候查, with its approval and limit."""

    __tablename__ = "case_measures"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("discipline_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # guanhu (管护) | zeling_houcha (责令候查)
    decided_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    approved_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    approval_ref: Mapped[str | None] = mapped_column(String(120))
    reason: Mapped[str | None] = mapped_column(Text)
    ended_on: Mapped[date | None] = mapped_column(Date)


class Outcome(Base):
    """A case outcome (处理结果): sanction, organisational measure, accountability or prosecution."""

    __tablename__ = "outcomes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("discipline_cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(40))
    form: Mapped[int | None] = mapped_column(Integer)
    decided_on: Mapped[date] = mapped_column(Date)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Retired by a 复审/复核 decision of 撤销 or 变更 (the row itself is kept verbatim): the day, and for 变更 the
    # outcome that took its place. An outcome is in force while ``retired_on`` is empty (or after the day asked).
    retired_on: Mapped[date | None] = mapped_column(Date)
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id"))


class Recommendation(Base):
    """A supervision recommendation (监察建议) to a unit, with follow-up (以案促改)."""

    __tablename__ = "recommendations"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("discipline_cases.id"), index=True)
    to_unit: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    followed_up_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """An attributable read, export or print (访问留痕): who, what, when, why."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    entity_kind: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CaseReview(Base):
    """An application against a case decision (复审 / 复核申请) and its decision.

    复审 goes to the commission that decided, 复核 (after a 复审 decision) to the commission one level up.
    A decision that changes the outcome adds a new ``outcomes`` row; the contested one is kept as it was.
    """

    __tablename__ = "case_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("discipline_cases.id"), index=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcomes.id"))
    level: Mapped[str] = mapped_column(String(10))  # review (复审) | recheck (复核)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("case_reviews.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))  # the commission that decides
    served_on: Mapped[date] = mapped_column(Date)  # the contested decision reached the person (送达)
    applied_on: Mapped[date] = mapped_column(Date)
    grounds: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_on: Mapped[date | None] = mapped_column(Date)
    result: Mapped[str | None] = mapped_column(String(10))  # upheld | changed | revoked
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    new_outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcomes.id"))


class ClueTextPending(Base):
    """A clue whose text is not in the full-text index yet (待索引): written with the registration, consumed by
    ``services.textindex.index_pending`` after the import commits, by ``sanwang init`` and before every search."""

    __tablename__ = "clue_text_pending"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True)


class ClueTriage(Base):
    """The triage of a clue's text (线索研判结果: ``sanwang.text.triage``), derived when the clue is indexed.

    Shown on the clue and used to sort work queues; never a gate. Indicator offsets are into ``clues.summary``.
    """

    __tablename__ = "clue_triage"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True)
    gang: Mapped[float] = mapped_column(Float)
    misconduct: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)  # indicators, sectors, typology
    # The model and rules that scored it (``sanwang.text.triage.fingerprint``); NULL: before revision 0006.
    version: Mapped[str | None] = mapped_column(String(16))


class ClueBand(Base):
    """A near-duplicate lookup key of a clue's text (重复件检索键: MinHash band, ``sanwang.text.neardup``).

    Derived data, filled after registration (``services/neardup.py``); a text with no content gets the single key
    0 so that it is not computed again.
    """

    __tablename__ = "clue_bands"
    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    band_key: Mapped[int] = mapped_column(BigInteger, index=True)


class UserRelative(Base):
    """A close relative a user has declared (亲属申报: spouse, children, parents, siblings …), for recusal (回避):
    the user never sees a clue, case or figure about a person with this ID number, nor — where the work unit
    (工作单位) is declared — about a subject recorded without an ID number under this name and unit. Added, never
    removed — recusal errs on the safe side."""

    __tablename__ = "user_relatives"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    id_number: Mapped[str] = mapped_column(String(18))
    unit_name: Mapped[str | None] = mapped_column(String(200))
    relation: Mapped[str] = mapped_column(String(20))
    declared_on: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("user_id", "id_number", name="uq_user_relatives_user_id"),)


class ClueEntityPending(Base):
    """A clue whose entities are not extracted yet (待抽取): written with the registration, consumed by the
    background worker (``sanwang worker``) or on demand when the clue is shown."""

    __tablename__ = "clue_entity_pending"
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), primary_key=True)


class ClueEntity(Base):
    """An entity found in a clue's text (线索实体: ``sanwang.text.entities``), with offsets into ``clues.summary``.

    Derived data: the text is never touched. ``value`` holds the entity's value as text (region code, ID number,
    amount in yuan, ISO date) or, for names known to the system, the key of the matching record
    (``gang_member:12``, ``unit:530602``, ``subject:88``).
    """

    __tablename__ = "clue_entities"
    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    value: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))
    confidence: Mapped[float] = mapped_column(Float)
    # What ``value`` stands for (Entity.precision): day, month, year or relative for dates; exact or more_than
    # (余/多: the value is a lower bound) for amounts.
    precision: Mapped[str | None] = mapped_column(String(10))


class ClueMilestone(Base):
    """A disposal or a conclusion of a clue (线索处置/办结节点), as it happened. Append-only.

    The clue row holds only its current state: 复查 clears the conclusion and a second approval replaces the
    disposal. The statistics of a past period count these rows instead, so they never change afterwards.
    ``seq`` numbers the milestones of one kind per clue (1, 2, ...), so each can be listed on its own.
    """

    __tablename__ = "clue_milestones"
    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(12))  # disposed | concluded
    seq: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    review_round: Mapped[int] = mapped_column(Integer)
    code: Mapped[str | None] = mapped_column(String(30))  # the disposal method, or the outcome

    __table_args__ = (
        UniqueConstraint("clue_id", "kind", "seq", name="uq_clue_milestones_clue_id"),
        # Covering range index for the detail passes and the drill-down lists of the period figures.
        Index("ix_clue_milestones_period", "kind", "day", "unit_id", "code", "clue_id", "seq"),
    )


class ClueMonthCount(Base):
    """Monthly statistics summary (统计月汇总): derived counts, kept in step with every registration and
    milestone in the same transaction, rebuildable from the ledger (``sanwang stats --rebuild``).

    ``received`` rows count clues by month received, channel, gang flag and the month of their first conclusion
    (``''`` while none); ``disposed`` and ``concluded`` rows count milestones by month and code. Empty strings
    instead of NULLs keep the unique key usable for upserts on both databases.
    """

    __tablename__ = "clue_month_counts"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # received | disposed | concluded
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    channel: Mapped[str] = mapped_column(String(2), default="")
    gang: Mapped[bool] = mapped_column(Boolean, default=False)
    first_concluded: Mapped[str] = mapped_column(String(7), default="")
    code: Mapped[str] = mapped_column(String(30), default="")
    n: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint(
            "kind", "month", "unit_id", "channel", "gang", "first_concluded", "code", name="uq_clue_month_counts_kind"
        ),
    )


def table_of(model: type[Base]) -> Table:
    """The Core table behind a mapped class, for bulk inserts that bypass the ORM's per-row bookkeeping."""
    return Base.metadata.tables[model.__tablename__]
