"""Notifications: reminders and escalations for people, shown in the inbox and mailed to the
address a user may now have.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(254)))
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("recipient", sa.String(80), nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("task_id", sa.String(36)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("read_at", TS),
        sa.Column("mail_state", sa.String(20), nullable=False),
        sa.Column("mail_attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("mail_retry_at", TS),
        sa.Column("mailed_at", TS),
    )
    op.create_index(
        "ix_notifications_recipient_read", "notifications", ["recipient", "read_at", "id"]
    )
    op.create_index("ix_notifications_mail", "notifications", ["mail_state", "mail_retry_at"])


def downgrade() -> None:
    op.drop_index("ix_notifications_mail", "notifications")
    op.drop_index("ix_notifications_recipient_read", "notifications")
    op.drop_table("notifications")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
