"""Clue text index — PLACEHOLDER kept by the lead so the chain 0002 → 0003 → 0004 stays valid.

The engineer writing the clue-text/search tables replaces this whole file (same file name, revision "0003",
down_revision "0002") with the real migration.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
