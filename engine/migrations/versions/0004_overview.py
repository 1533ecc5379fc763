"""What administrators and auditors read: each case's stage (DOMAIN §3.3 code), its earliest
due task and next timer, searchable case tags (rule profile, board …), the element index the
waiting-time heatmap groups by, and the audit trail of user administration.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("stage_code", sa.String(60), nullable=False, server_default=""))
        batch.add_column(sa.Column("due_at", TS))
        batch.add_column(sa.Column("next_timer_at", TS))
        batch.add_column(
            sa.Column("search_text", sa.String(300), nullable=False, server_default="")
        )
    # Cases saved before this version: their key and title, lowercase (ASCII-only here; the
    # next save of a case writes it with Python's full Unicode lowercasing).
    op.execute("UPDATE cases SET search_text = lower(business_key || ' ' || title)")
    op.create_index("ix_cases_stage_code", "cases", ["stage_code", "updated_at"])
    op.create_index("ix_cases_due_at", "cases", ["due_at"])
    op.create_index("ix_cases_updated", "cases", ["updated_at"])  # the overview's default order
    op.create_index("ix_cases_search", "cases", ["search_text", "updated_at"])  # its search
    op.create_index("ix_cases_timer_order", "cases",
                    [sa.text("(next_timer_at IS NULL)"), "next_timer_at", "id"])  # fmt: skip
    op.create_index("ix_human_tasks_element_state", "human_tasks",
                    ["element_id", "state", "created_at", "case_id"])  # fmt: skip
    op.create_table(
        "case_tags",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    op.create_index("ix_case_tags_name_value", "case_tags", ["name", "value", "case_id"])
    op.create_table(
        "admin_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
    )
    op.create_index("ix_admin_events_subject", "admin_events", ["subject", "id"])


def downgrade() -> None:
    op.drop_index("ix_admin_events_subject", "admin_events")
    op.drop_table("admin_events")
    op.drop_index("ix_case_tags_name_value", "case_tags")
    op.drop_table("case_tags")
    op.drop_index("ix_human_tasks_element_state", "human_tasks")
    op.drop_index("ix_cases_timer_order", "cases")
    op.drop_index("ix_cases_search", "cases")
    op.drop_index("ix_cases_updated", "cases")
    op.drop_index("ix_cases_due_at", "cases")
    op.drop_index("ix_cases_stage_code", "cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("search_text")
        batch.drop_column("next_timer_at")
        batch.drop_column("due_at")
        batch.drop_column("stage_code")
