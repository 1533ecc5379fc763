"""Reading one project's part of a fund's ledger (a posting's check, a project's balance) by
an index, so it costs the same in the fund's tenth year as in its first.

Revision ID: t0005
Revises: t0004
"""

from __future__ import annotations

from alembic import op

revision = "t0005"
down_revision = "t0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_fund_transactions_project", "fund_transactions", ["fund", "project", "id"])
    op.create_index(
        "ix_repayment_plan_totals_project", "repayment_plan_totals", ["fund", "project", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_repayment_plan_totals_project", "repayment_plan_totals")
    op.drop_index("ix_fund_transactions_project", "fund_transactions")
