"""The fund ledger: postings and decided repayment-plan totals.

Revision ID: t0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "t0001"
down_revision = None
branch_labels = ("tasks",)
depends_on = "0002"


def upgrade() -> None:
    op.create_table(
        "fund_transactions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
        sa.Column("booked_on", sa.Date, nullable=False),
        sa.Column("project", sa.String(80), nullable=False),
        sa.Column("budget_year", sa.Integer),
        sa.Column("board", sa.String(40), nullable=False),
        sa.Column("reference", sa.String(255), nullable=False),
        sa.Column("spent", sa.Integer),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("posted_by", sa.String(80), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_fund_transactions_fund", "fund_transactions", ["fund", "id"])
    op.create_table(
        "repayment_plan_totals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("project", sa.String(80), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("repayment_plan_totals")
    op.drop_index("ix_fund_transactions_fund", "fund_transactions")
    op.drop_table("fund_transactions")
