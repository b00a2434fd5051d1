"""The work unit of a declared relative (亲属工作单位), so recusal (回避) also covers subjects recorded without an ID
number whose name and unit match the relative.

Relatives declared before this revision have no unit and are matched by ID number only, as before.

Revision ID: 0009_policy
Revises: 0008_io
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_policy"
down_revision = "0008_io"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_relatives") as b:
        b.add_column(sa.Column("unit_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_relatives") as b:
        b.drop_column("unit_name")
