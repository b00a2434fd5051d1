"""Who approved the handling (审批领导) on clues and on the tracks of 一案三查, the second signatory of a 查否
endorsement.

Existing rows are filled from the history: a clue's approver is the actor of its latest ``approve`` event; a track's
is the actor of its latest ``track_assign`` event when that actor is a leader.

Revision ID: 0007_workflow
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_workflow"
down_revision = "0006"
branch_labels = None
depends_on = None

_events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("entity_kind", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("actor_id", sa.Integer),
    sa.column("data", sa.JSON),
)
_users = sa.table("users", sa.column("id", sa.Integer), sa.column("roles", sa.String))
_clues = sa.table("clues", sa.column("id", sa.Integer), sa.column("approved_by", sa.Integer))
_tracks = sa.table(
    "case_tracks",
    sa.column("gang_case_id", sa.Integer),
    sa.column("track", sa.Integer),
    sa.column("approved_by", sa.Integer),
)


def upgrade() -> None:
    for table in ("clues", "case_tracks"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("approved_by", sa.Integer(), nullable=True))
            b.create_foreign_key(op.f(f"fk_{table}_approved_by_users"), "users", ["approved_by"], ["id"])
    latest = (
        sa.select(_events.c.actor_id)
        .where(_events.c.entity_kind == "clue", _events.c.entity_id == _clues.c.id, _events.c.action == "approve")
        .order_by(_events.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    op.execute(_clues.update().values(approved_by=latest))
    conn = op.get_bind()
    leaders = {
        uid for uid, roles in conn.execute(sa.select(_users.c.id, _users.c.roles)) if "leader" in roles.split(",")
    }
    assigned: dict[tuple[int, int], int | None] = {}
    rows = conn.execute(
        sa.select(_events.c.entity_id, _events.c.actor_id, _events.c.data)
        .where(_events.c.entity_kind == "gang_case", _events.c.action == "track_assign")
        .order_by(_events.c.id)
    )
    for gang_case_id, actor_id, data in rows:
        track = (data or {}).get("track")
        if track is not None:
            assigned[(gang_case_id, int(track))] = actor_id if actor_id in leaders else None
    for (gang_case_id, track), leader in assigned.items():
        if leader is not None:
            op.execute(
                _tracks.update()
                .where(_tracks.c.gang_case_id == gang_case_id, _tracks.c.track == track)
                .values(approved_by=leader)
            )


def downgrade() -> None:
    for table in ("clues", "case_tracks"):
        with op.batch_alter_table(table) as b:
            b.drop_constraint(op.f(f"fk_{table}_approved_by_users"), type_="foreignkey")
            b.drop_column("approved_by")
