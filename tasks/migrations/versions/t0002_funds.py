"""Funds: which rule profile a fund runs under (F01 fund set-up).

Revision ID: t0002
Revises: t0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funds",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("profile", sa.String(80), nullable=False),
        sa.Column("established", sa.Date, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("funds")
