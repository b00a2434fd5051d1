"""The full-text index also holds each clue's subjects (被反映人): their names, units and positions.

The index is derived data: this revision clears it, and ``sanwang init`` (which every upgrade must run before
the ledger is used again) rebuilds it from the clues and their subjects, leaving their triage scores as they are.

Revision ID: 0008_io
Revises: 0007_workflow
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0008_io"
down_revision = "0007_workflow"
branch_labels = None
depends_on = None


def _clear() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("INSERT INTO clue_fts (clue_fts) VALUES ('delete-all')")  # a contentless FTS5 table's DELETE
    else:
        op.execute("DELETE FROM clue_fts")


def upgrade() -> None:
    _clear()


def downgrade() -> None:
    _clear()  # rebuilt by `sanwang init` of the older version, from the texts alone
