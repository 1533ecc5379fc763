"""What process owners need: a comment on each deployment, the modeller's drafts (a bundle a
person is editing, kept per person and process, never deployed), and the cases of a version
found through an index (case counts per version, the cases a migration may move).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("deployments") as batch:
        batch.add_column(sa.Column("comment", sa.Text, nullable=False, server_default=""))
    op.create_table(
        "process_drafts",
        sa.Column("user_name", sa.String(80), primary_key=True),
        sa.Column("process_key", sa.String(255), primary_key=True),
        sa.Column("base_version", sa.Integer),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("saved_at", TS, nullable=False),
    )
    op.create_index("ix_cases_definition_status", "cases", ["definition_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_cases_definition_status", "cases")
    op.drop_table("process_drafts")
    with op.batch_alter_table("deployments") as batch:
        batch.drop_column("comment")
