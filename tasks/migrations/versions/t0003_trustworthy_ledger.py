"""A ledger an auditor trusts: every posting names the decision behind it (body, date, §) and
whether it closed the project's money (a full exemption); repayment plans keep their lines per
year and board and who decided them; the rule profile frozen on a case is kept where every
part of the case (also an exemption requested at any time) can read it; a reservation keeps
what it waits for; the fund keeps its council meetings.

Revision ID: t0003
Revises: t0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fund_transactions") as batch:
        batch.add_column(
            sa.Column("decision_body", sa.String(40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("decision_date", sa.Date))
        batch.add_column(sa.Column("paragraph", sa.String(40), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("closes_project", sa.Boolean, nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("repayment_plan_totals") as batch:
        batch.add_column(
            sa.Column("decision_body", sa.String(40), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("decision_date", sa.Date))
        batch.add_column(sa.Column("paragraph", sa.String(40), nullable=False, server_default=""))
        batch.add_column(sa.Column("entered_by", sa.String(80), nullable=False, server_default=""))
    op.create_table(
        "repayment_plan_lines",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "plan_id",
            sa.Integer,
            sa.ForeignKey("repayment_plan_totals.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("board", sa.String(40), nullable=False),
        sa.Column("amount", sa.Integer, nullable=False),
    )
    op.create_index("ix_repayment_plan_lines_plan", "repayment_plan_lines", ["plan_id"])
    op.create_table(  # the fund's council meetings (F01), which ideas are booked to (S02)
        "council_meetings",
        sa.Column("fund", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
    )
    op.create_table(  # what a reservation waits for, checked before it is released (S16)
        "reservation_conditions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("project", sa.String(80), nullable=False),
        sa.Column("case_id", sa.Integer, nullable=False),
        sa.Column("release_when", sa.String(40), nullable=False),
        sa.Column("condition", sa.Text, nullable=False),
    )
    op.create_table(  # the rule profile frozen on a case at its grant (S13)
        "case_profiles",
        sa.Column("case_id", sa.Integer, primary_key=True),
        sa.Column("fund", sa.String(40), nullable=False),
        sa.Column("profile", sa.Text, nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_profiles")
    op.drop_table("reservation_conditions")
    op.drop_table("council_meetings")
    op.drop_index("ix_repayment_plan_lines_plan", "repayment_plan_lines")
    op.drop_table("repayment_plan_lines")
    with op.batch_alter_table("repayment_plan_totals") as batch:
        for name in ("entered_by", "paragraph", "decision_date", "decision_body"):
            batch.drop_column(name)
    with op.batch_alter_table("fund_transactions") as batch:
        for name in ("closes_project", "paragraph", "decision_date", "decision_body"):
            batch.drop_column(name)
