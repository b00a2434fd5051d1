"""Which triage model and rules scored each clue (研判版本), so a new model or an office's edited triage.yaml can
re-score the clues scored before it (``sanwang clue rescore``; ``sanwang init`` does it after an upgrade).

Clues scored before this revision have no version and count as scored by an older model.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clue_triage") as b:
        b.add_column(sa.Column("version", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clue_triage") as b:
        b.drop_column("version")
