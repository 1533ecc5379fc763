"""Scheduler beats: each scheduler process records when it last swept, so an operator (and
``sif doctor``, ``/readyz``) can tell a stopped scheduler from a quiet one.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "scheduler_beats",
        sa.Column("owner", sa.String(120), primary_key=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("beat_at", TS, nullable=False),
        sa.Column("fired", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_scheduler_beats_beat", "scheduler_beats", ["beat_at"])


def downgrade() -> None:
    op.drop_index("ix_scheduler_beats_beat", "scheduler_beats")
    op.drop_table("scheduler_beats")
