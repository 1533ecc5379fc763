"""Closing a project (S31): the fund's register of closed projects with their lessons learned
and the results report to KS. (The archive itself and the boards' final frame adjustments are
postings of their own kinds in ``fund_transactions``: no column changes.)

Revision ID: t0004
Revises: t0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_closures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("project", sa.String(80), nullable=False),
        sa.Column("case_id", sa.Integer),
        sa.Column("closed_on", sa.Date, nullable=False),
        sa.Column("lessons", sa.Text, nullable=False),
        sa.Column("results_report", sa.String(255), nullable=False, server_default=""),
        sa.Column("closed_by", sa.String(80), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_project_closures_fund", "project_closures", ["fund", "closed_on"])


def downgrade() -> None:
    op.drop_index("ix_project_closures_fund", "project_closures")
    op.drop_table("project_closures")
