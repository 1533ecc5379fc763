"""What the web application needs: case titles, sign-in lock-out, API tokens, task drafts,
and the indexes the inbox and "My cases" read by.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("title", sa.String(255), nullable=False, server_default=""))
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer, nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", TS))
    # Few and narrow: every save writes cases and human_tasks, and each index costs there.
    op.create_index("ix_human_tasks_completed_by", "human_tasks", ["completed_by"])
    op.create_index("ix_cases_started_by", "cases", ["started_by"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS),
        sa.Column("revoked_at", TS),
    )  # fmt: skip
    op.create_table(
        "task_drafts",
        sa.Column("task_id", sa.String(36), sa.ForeignKey("human_tasks.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_name", sa.String(80), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("saved_at", TS, nullable=False),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_table("task_drafts")
    op.drop_table("api_tokens")
    op.drop_index("ix_cases_started_by", "cases")
    op.drop_index("ix_human_tasks_completed_by", "human_tasks")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_sign_ins")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("title")
