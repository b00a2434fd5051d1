"""Each gang member's crimes (罪名), as the police notify them: a list per member.

Members registered before this revision have none recorded (an empty list is not written for them: unknown).

Revision ID: 0010_gang
Revises: 0009_policy
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_gang"
# Chained after the revision already merged on main; the lead re-chains at merge if needed.
down_revision = "0009_policy"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gang_members") as b:
        b.add_column(sa.Column("crimes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gang_members") as b:
        b.drop_column("crimes")
