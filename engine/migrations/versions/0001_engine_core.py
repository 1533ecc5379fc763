"""Engine core: users, deployments, definitions, cases, human tasks, events.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "user_roles",
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("role", sa.String(80), primary_key=True),
    )
    op.create_table(
        "deployments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("deployed_by", sa.String(80), nullable=False),
        sa.Column("deployed_at", TS, nullable=False),
    )
    op.create_table(
        "deployment_files",
        sa.Column("deployment_id", sa.Integer, sa.ForeignKey("deployments.id"), primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("content", sa.Text, nullable=False),
    )
    op.create_table(
        "definitions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("process_key", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("deployment_id", sa.Integer, sa.ForeignKey("deployments.id"), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("meta", sa.Text, nullable=False),
        sa.Column("deployed_at", TS, nullable=False),
        sa.UniqueConstraint("process_key", "version", name="uq_definition_version"),
    )
    op.create_table(
        "business_key_counters",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("business_key", sa.String(40), nullable=False, unique=True),
        sa.Column("definition_id", sa.Integer, sa.ForeignKey("definitions.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(255), nullable=False),
        sa.Column("workflow", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("incident", sa.Text),
        sa.Column("started_by", sa.String(80), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("ended_at", TS),
    )
    op.create_index("ix_cases_status_updated", "cases", ["status", "updated_at"])
    op.create_table(
        "human_tasks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("element_id", sa.String(255), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("roles", sa.String(500), nullable=False),
        sa.Column("form", sa.String(255)),
        sa.Column("assignee", sa.String(80)),
        sa.Column("due_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("claimed_at", TS),
        sa.Column("completed_at", TS),
        sa.Column("completed_by", sa.String(80)),
    )
    op.create_index("ix_human_tasks_case", "human_tasks", ["case_id"])
    op.create_index("ix_human_tasks_assignee_state", "human_tasks", ["assignee", "state"])
    op.create_index("ix_human_tasks_state_created", "human_tasks", ["state", "created_at"])
    op.create_table(
        "human_task_roles",
        sa.Column(
            "task_id",
            sa.String(36),
            sa.ForeignKey("human_tasks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(80), primary_key=True),
    )
    op.create_index("ix_human_task_roles_role", "human_task_roles", ["role", "task_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("task_id", sa.String(36)),
        sa.Column("element_id", sa.String(255)),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_events_case", "events", ["case_id", "id"])
    _make_events_append_only()


def _make_events_append_only() -> None:
    """The audit trail can be added to, never changed: the database itself refuses."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION sif_events_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'events are append-only'; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
            "FOR EACH ROW EXECUTE FUNCTION sif_events_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER events_no_{action.lower()} BEFORE {action} ON events "
                "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER events_append_only ON events")
        op.execute("DROP FUNCTION sif_events_append_only()")
    for table in (
        "events",
        "human_task_roles",
        "human_tasks",
        "cases",
        "business_key_counters",
        "definitions",
        "deployment_files",
        "deployments",
        "user_roles",
        "users",
    ):
        op.drop_table(table)
