"""Discipline cases: outcomes retired by 复审/复核, 直接立案, the family-notice time, and the measures of the
Supervision Law as revised in 2024 (管护, 责令候查, 再延长, 重新计算).

Existing rows are filled from what was already stored: a detention's exact start from its ``detain`` event and its
family-notice moment from that start (24 hours; the end of the next day where no time was given); an outcome's
retirement from the decided reviews (撤销 or 变更, oldest first, following earlier changes).

Revision ID: 0011_cases
Revises: 0010_gang
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0011_cases"
down_revision = "0010_gang"
branch_labels = None
depends_on = None

_events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("entity_kind", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("data", sa.JSON),
)
_detentions = sa.table(
    "detentions",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("started_on", sa.Date),
    sa.column("started_at", sa.DateTime),
    sa.column("family_notice_due_at", sa.DateTime),
)
_outcomes = sa.table(
    "outcomes",
    sa.column("id", sa.Integer),
    sa.column("retired_on", sa.Date),
    sa.column("superseded_by", sa.Integer),
)
_reviews = sa.table(
    "case_reviews",
    sa.column("id", sa.Integer),
    sa.column("outcome_id", sa.Integer),
    sa.column("decided_on", sa.Date),
    sa.column("result", sa.String),
    sa.column("new_outcome_id", sa.Integer),
)


def upgrade() -> None:
    with op.batch_alter_table("discipline_cases") as b:
        b.add_column(sa.Column("direct_basis", sa.Text(), nullable=True))
    with op.batch_alter_table("detentions") as b:
        b.add_column(sa.Column("started_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("family_notice_due_at", sa.DateTime(), nullable=True))
        b.add_column(sa.Column("further_extensions", sa.Integer(), nullable=False, server_default="0"))
        b.add_column(sa.Column("recounted_on", sa.Date(), nullable=True))
    with op.batch_alter_table("outcomes") as b:
        b.add_column(sa.Column("retired_on", sa.Date(), nullable=True))
        b.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        b.create_foreign_key(op.f("fk_outcomes_superseded_by_outcomes"), "outcomes", ["superseded_by"], ["id"])
    op.create_table(
        "case_measures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("discipline_cases.id"), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("approval_ref", sa.String(length=120), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
    )
    op.create_index(op.f("ix_case_measures_case_id"), "case_measures", ["case_id"])
    conn = op.get_bind()
    for det_id, case_id, started_on in conn.execute(
        sa.select(_detentions.c.id, _detentions.c.case_id, _detentions.c.started_on)
    ):
        data = conn.execute(
            sa.select(_events.c.data)
            .where(_events.c.entity_kind == "case", _events.c.entity_id == case_id, _events.c.action == "detain")
            .order_by(_events.c.id.desc())
            .limit(1)
        ).scalar()
        text = (data or {}).get("started_at")
        at = datetime.fromisoformat(text) if text else None
        due = at + timedelta(hours=24) if at else datetime.combine(started_on + timedelta(days=1), time(23, 59, 59))
        op.execute(
            _detentions.update().where(_detentions.c.id == det_id).values(started_at=at, family_notice_due_at=due)
        )
    in_force: dict[int, int] = {}  # original outcome → the one now standing for it
    rows = conn.execute(
        sa.select(_reviews.c.outcome_id, _reviews.c.decided_on, _reviews.c.result, _reviews.c.new_outcome_id)
        .where(_reviews.c.result.in_(("revoked", "changed")))
        .order_by(_reviews.c.id)
    )
    for outcome_id, decided_on, result, new_id in rows:
        current = in_force.get(outcome_id, outcome_id)
        op.execute(
            _outcomes.update()
            .where(_outcomes.c.id == current)
            .values(retired_on=decided_on, superseded_by=new_id if result == "changed" else None)
        )
        if result == "changed" and new_id is not None:
            in_force[outcome_id] = new_id


def downgrade() -> None:
    op.drop_index(op.f("ix_case_measures_case_id"), table_name="case_measures")
    op.drop_table("case_measures")
    with op.batch_alter_table("outcomes") as b:
        b.drop_constraint(op.f("fk_outcomes_superseded_by_outcomes"), type_="foreignkey")
        b.drop_column("superseded_by")
        b.drop_column("retired_on")
    with op.batch_alter_table("detentions") as b:
        for column in ("recounted_on", "further_extensions", "family_notice_due_at", "started_at"):
            b.drop_column(column)
    with op.batch_alter_table("discipline_cases") as b:
        b.drop_column("direct_basis")
