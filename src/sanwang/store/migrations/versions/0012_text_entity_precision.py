"""How precise each stored entity's value is (实体精度): a month (2019年3月 is stored as 2019-03-01), a year, a
relative date, or an amount given as a lower bound (5万余元). Rows stored before have no precision.

Revision ID: 0012_text
Revises: 0011_cases
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_text"
down_revision = "0011_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clue_entities") as b:
        b.add_column(sa.Column("precision", sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clue_entities") as b:
        b.drop_column("precision")
