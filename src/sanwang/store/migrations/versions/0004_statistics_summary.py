"""Clue milestones (append-only disposals and conclusions), the monthly statistics summary, case reviews, and
the near-duplicate lookup keys of clue texts.

Milestones of an existing ledger are taken from the clues' current disposal and conclusion (earlier rounds of a
re-examined clue were not kept before this revision); the summary is built by ``sanwang init`` right after.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clue_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("review_round", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=True),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_clue_milestones_clue_id_clues")),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_clue_milestones_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_milestones")),
        sa.UniqueConstraint("clue_id", "kind", "seq", name="uq_clue_milestones_clue_id"),
    )
    with op.batch_alter_table("clue_milestones") as b:
        b.create_index("ix_clue_milestones_period", ["kind", "day", "unit_id", "code", "clue_id", "seq"])
    op.create_table(
        "clue_month_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=2), nullable=False),
        sa.Column("gang", sa.Boolean(), nullable=False),
        sa.Column("first_concluded", sa.String(length=7), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_clue_month_counts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_month_counts")),
        sa.UniqueConstraint(
            "kind", "month", "unit_id", "channel", "gang", "first_concluded", "code", name="uq_clue_month_counts_kind"
        ),
    )
    op.create_table(
        "case_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("served_on", sa.Date(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("grounds", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=10), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("new_outcome_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["discipline_cases.id"], name=op.f("fk_case_reviews_case_id_discipline_cases")
        ),
        sa.ForeignKeyConstraint(["outcome_id"], ["outcomes.id"], name=op.f("fk_case_reviews_outcome_id_outcomes")),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["case_reviews.id"], name=op.f("fk_case_reviews_parent_id_case_reviews")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_case_reviews_unit_id_units")),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_case_reviews_recorded_by_users")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_case_reviews_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["new_outcome_id"], ["outcomes.id"], name=op.f("fk_case_reviews_new_outcome_id_outcomes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_reviews")),
    )
    with op.batch_alter_table("case_reviews") as b:
        b.create_index(b.f("ix_case_reviews_case_id"), ["case_id"])
    op.create_table(
        "clue_bands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_clue_bands_clue_id_clues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_bands")),
    )
    with op.batch_alter_table("clue_bands") as b:
        b.create_index(b.f("ix_clue_bands_clue_id"), ["clue_id"])
        b.create_index(b.f("ix_clue_bands_band_key"), ["band_key"])
    for kind, day, code in (("disposed", "disposed_on", "disposal"), ("concluded", "concluded_on", "outcome")):
        op.execute(
            "INSERT INTO clue_milestones (clue_id, unit_id, kind, seq, day, review_round, code) "
            f"SELECT id, unit_id, '{kind}', 1, {day}, review_round, {code} FROM clues WHERE {day} IS NOT NULL"
        )
    _append_only("clue_milestones")


def downgrade() -> None:
    op.drop_table("clue_bands")
    op.drop_table("case_reviews")
    op.drop_table("clue_month_counts")
    op.drop_table("clue_milestones")


def _append_only(table: str) -> None:
    """Milestones are history: added, never changed or removed (只增不改). Same triggers as on events."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )
    else:
        # sanwang_append_only() was created by revision 0001.
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION sanwang_append_only()"
        )
