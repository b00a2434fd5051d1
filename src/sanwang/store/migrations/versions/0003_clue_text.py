"""Full-text search index over clue texts (线索全文检索).

SQLite: a contentless FTS5 table ``clue_fts`` (rowid = clue id) over the space-separated search tokens of
``sanwang.text.segment``; PostgreSQL: ``clue_fts (clue_id, tokens tsvector)`` with a GIN index, the tsvector
built from the same tokens. Both are derived data, outside the ORM metadata; ``sanwang init`` fills them for
clues registered before this revision. ``clue_text_pending`` lists registered clues not indexed yet;
``clue_triage`` holds each indexed clue's triage scores.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clue_text_pending",
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_clue_text_pending_clue_id_clues")),
        sa.PrimaryKeyConstraint("clue_id", name=op.f("pk_clue_text_pending")),
    )
    op.create_table(
        "clue_triage",
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("gang", sa.Float(), nullable=False),
        sa.Column("misconduct", sa.Float(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_clue_triage_clue_id_clues")),
        sa.PrimaryKeyConstraint("clue_id", name=op.f("pk_clue_triage")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE clue_fts USING fts5(tokens, content='', tokenize='unicode61')")
    else:
        op.execute(
            "CREATE TABLE clue_fts (clue_id INTEGER PRIMARY KEY REFERENCES clues (id), tokens TSVECTOR NOT NULL)"
        )
        op.execute("CREATE INDEX ix_clue_fts_tokens ON clue_fts USING gin (tokens)")


def downgrade() -> None:
    op.execute("DROP TABLE clue_fts")
    op.drop_table("clue_triage")
    op.drop_table("clue_text_pending")
