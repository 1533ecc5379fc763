"""Timers and the virtual clock.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "timers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=False),
        sa.Column("element_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("position", sa.String(40), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("due_at", TS),
        sa.Column("lease_owner", sa.String(120)),
        sa.Column("lease_until", TS),
        sa.Column("fired_count", sa.Integer, nullable=False),
        sa.Column("last_fired_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("case_id", "task_id", name="uq_timer_task"),
    )
    op.create_index("ix_timers_state_due", "timers", ["state", "due_at"])
    op.create_table(
        "clock_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("virtual_now", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("clock_state")
    op.drop_index("ix_timers_state_due", "timers")
    op.drop_table("timers")
