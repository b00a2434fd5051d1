"""Statistics and overdue-list indexes: one covering range index per date column the figures count by, one for
the historical overdue figure, and the open-deadline index keyed by kind and due date for the overdue list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clues") as b:
        b.drop_index("ix_clues_received_stats")
        b.create_index("ix_clues_received_stats", ["received", "unit_id", "channel", "gang_related", "concluded_on"])
        b.create_index("ix_clues_disposed_stats", ["disposed_on", "unit_id", "disposal"])
        b.create_index("ix_clues_concluded_stats", ["concluded_on", "unit_id", "outcome"])
    with op.batch_alter_table("deadlines") as b:
        b.create_index("ix_deadlines_period", ["entity_kind", "due", "unit_id", "met_on", "entity_id"])
        b.drop_index("ix_deadlines_open_due")
        b.create_index(
            "ix_deadlines_open_due",
            ["entity_kind", "due", "entity_id"],
            sqlite_where=sa.text("met_on IS NULL"),
            postgresql_where=sa.text("met_on IS NULL"),
        )
        b.create_index(
            "ix_deadlines_open_entity",
            ["entity_kind", "entity_id", "due"],
            sqlite_where=sa.text("met_on IS NULL"),
            postgresql_where=sa.text("met_on IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as b:
        b.drop_index("ix_deadlines_open_entity")
        b.drop_index("ix_deadlines_open_due")
        b.create_index(
            "ix_deadlines_open_due",
            ["due"],
            sqlite_where=sa.text("met_on IS NULL"),
            postgresql_where=sa.text("met_on IS NULL"),
        )
        b.drop_index("ix_deadlines_period")
    with op.batch_alter_table("clues") as b:
        b.drop_index("ix_clues_concluded_stats")
        b.drop_index("ix_clues_disposed_stats")
        b.drop_index("ix_clues_received_stats")
        b.create_index("ix_clues_received_stats", ["received", "unit_id", "channel", "state", "disposal", "outcome"])
