"""Entities of clue texts (线索实体) and the list of clues still waiting for extraction; users' declared relatives
(亲属申报) for recusal.

Every clue already in the ledger is put on the waiting list; the background worker (``sanwang worker``) or
``sanwang init`` works through it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clue_entity_pending",
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_clue_entity_pending_clue_id_clues")),
        sa.PrimaryKeyConstraint("clue_id", name=op.f("pk_clue_entity_pending")),
    )
    op.create_table(
        "clue_entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_clue_entities_clue_id_clues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_entities")),
    )
    with op.batch_alter_table("clue_entities") as b:
        b.create_index(b.f("ix_clue_entities_clue_id"), ["clue_id"])
    op.execute("INSERT INTO clue_entity_pending (clue_id) SELECT id FROM clues")
    op.create_table(
        "user_relatives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("id_number", sa.String(length=18), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_relatives_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_relatives")),
        sa.UniqueConstraint("user_id", "id_number", name="uq_user_relatives_user_id"),
    )
    with op.batch_alter_table("user_relatives") as b:
        b.create_index(b.f("ix_user_relatives_user_id"), ["user_id"])


def downgrade() -> None:
    op.drop_table("user_relatives")
    op.drop_table("clue_entities")
    op.drop_table("clue_entity_pending")
