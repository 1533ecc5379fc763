"""The tables, as SQLAlchemy Core. Alembic migrations in ``engine/migrations`` create them.

``cases.workflow`` holds the serialized SpiffWorkflow state (without the spec, which is
stored once per definition). ``human_tasks``, ``human_task_roles`` and ``events`` are
projections written in the same transaction, so lists never deserialize a workflow.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

Timestamp = DateTime(timezone=True)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(200)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", Timestamp, nullable=False),
    Column("failed_sign_ins", Integer, nullable=False, default=0),  # since the last success
    Column("locked_until", Timestamp),  # sign-in refused until then (lock-out)
    Column("email", String(254)),  # where notifications are mailed; none: shown in Sif only
)

user_roles = Table(
    "user_roles",
    metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(80), primary_key=True),
)

deployments = Table(
    "deployments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("deployed_by", String(80), nullable=False),
    Column("deployed_at", Timestamp, nullable=False),
    Column("comment", Text, nullable=False, default=""),  # the deployer's note on the change
)

deployment_files = Table(
    "deployment_files",
    metadata,
    Column("deployment_id", ForeignKey("deployments.id"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("content", Text, nullable=False),
)

definitions = Table(
    "definitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("process_key", String(255), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(255), nullable=False),
    Column("deployment_id", ForeignKey("deployments.id"), nullable=False),
    Column("spec", Text, nullable=False),
    Column("meta", Text, nullable=False),
    Column("deployed_at", Timestamp, nullable=False),
    UniqueConstraint("process_key", "version", name="uq_definition_version"),
)

business_key_counters = Table(
    "business_key_counters",
    metadata,
    Column("year", Integer, primary_key=True),
    Column("last", Integer, nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("business_key", String(40), nullable=False, unique=True),
    Column("definition_id", ForeignKey("definitions.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("stage", String(255), nullable=False, default=""),
    Column("title", String(255), nullable=False, default=""),  # the case data's ``title``
    Column("stage_code", String(60), nullable=False, default=""),  # the BPMN ``stage`` property
    Column("due_at", Timestamp),  # the earliest due date of its open tasks
    Column("next_timer_at", Timestamp),  # when its next waiting timer is due
    Column("search_text", String(300), nullable=False, default=""),  # key and title, lowercase
    Column("workflow", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("incident", Text),
    Column("started_by", String(80), nullable=False),
    Column("started_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("ended_at", Timestamp),
    Index("ix_cases_status_updated", "status", "updated_at"),
    Index("ix_cases_started_by", "started_by"),
    Index("ix_cases_stage_code", "stage_code", "updated_at"),
    Index("ix_cases_due_at", "due_at"),
    Index("ix_cases_updated", "updated_at"),
    # The overview's search: matched, counted and ordered by updated time in this index alone.
    Index("ix_cases_search", "search_text", "updated_at"),
    # The process pages' case counts per version, and the cases a migration may move.
    Index("ix_cases_definition_status", "definition_id", "status"),
)
# The overview sorted by next timer, undated cases last, read in index order.
Index("ix_cases_timer_order", cases.c.next_timer_at.is_(None), cases.c.next_timer_at, cases.c.id)

human_tasks = Table(
    "human_tasks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("element_id", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("state", String(20), nullable=False),
    Column("roles", String(500), nullable=False, default=""),  # comma-separated, for display
    Column("form", String(255)),
    Column("assignee", String(80)),
    Column("due_at", Timestamp),
    Column("created_at", Timestamp, nullable=False),
    Column("claimed_at", Timestamp),
    Column("completed_at", Timestamp),
    Column("completed_by", String(80)),
    Index("ix_human_tasks_case", "case_id"),
    Index("ix_human_tasks_assignee_state", "assignee", "state"),
    Index("ix_human_tasks_state_created", "state", "created_at"),
    Index("ix_human_tasks_completed_by", "completed_by"),
    Index("ix_human_tasks_element_state", "element_id", "state", "created_at", "case_id"),
)

human_task_roles = Table(
    "human_task_roles",
    metadata,
    Column("task_id", ForeignKey("human_tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(80), primary_key=True),
    Index("ix_human_task_roles_role", "role", "task_id"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("at", Timestamp, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("task_id", String(36)),
    Column("element_id", String(255)),
    Column("detail", Text, nullable=False, default="{}"),
    Index("ix_events_case", "case_id", "id"),
)

timers = Table(
    "timers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("task_id", String(36), nullable=False),
    Column("element_id", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("kind", String(20), nullable=False),  # date | duration | cycle
    Column("position", String(40), nullable=False),  # catch | boundary_… | start
    Column("state", String(20), nullable=False),  # waiting | fired | cancelled
    Column("due_at", Timestamp),
    Column("lease_owner", String(120)),
    Column("lease_until", Timestamp),  # real time: leases are about processes
    Column("fired_count", Integer, nullable=False, default=0),
    Column("last_fired_at", Timestamp),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    UniqueConstraint("case_id", "task_id", name="uq_timer_task"),
    Index("ix_timers_state_due", "state", "due_at"),
)

clock_state = Table(
    "clock_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("virtual_now", Timestamp, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the token
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", Timestamp, nullable=False),
    Column("last_used_at", Timestamp),
    Column("revoked_at", Timestamp),
)

task_drafts = Table(
    "task_drafts",
    metadata,
    Column("task_id", ForeignKey("human_tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("user_name", String(80), primary_key=True),
    Column("data", Text, nullable=False),  # JSON, as the form was when saved
    Column("saved_at", Timestamp, nullable=False),
)

case_tags = Table(
    "case_tags",
    metadata,
    Column("case_id", ForeignKey("cases.id"), primary_key=True),
    Column("name", String(40), primary_key=True),  # a name of ``Runtime.case_tags``
    Column("value", String(200), nullable=False),
    Index("ix_case_tags_name_value", "name", "value", "case_id"),
)

admin_events = Table(
    "admin_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Timestamp, nullable=False),
    Column("actor", String(80), nullable=False),
    Column("kind", String(40), nullable=False),  # user_added, roles_changed, …
    Column("subject", String(80), nullable=False),  # the user name acted on
    Column("detail", Text, nullable=False, default="{}"),
    Index("ix_admin_events_subject", "subject", "id"),
)

process_drafts = Table(
    "process_drafts",
    metadata,
    Column("user_name", String(80), primary_key=True),
    Column("process_key", String(255), primary_key=True),
    Column("base_version", Integer),  # the version the draft was started from
    Column("files", Text, nullable=False),  # JSON: file name → text
    Column("saved_at", Timestamp, nullable=False),
)

scheduler_beats = Table(  # each scheduler process's last sweep (real time)
    "scheduler_beats",
    metadata,
    Column("owner", String(120), primary_key=True),  # engine.scheduler_id()
    Column("started_at", Timestamp, nullable=False),
    Column("beat_at", Timestamp, nullable=False),  # the end of its last sweep
    Column("fired", Integer, nullable=False, default=0),  # timers fired, since it started
    Column("failed", Integer, nullable=False, default=0),  # sweeps or timers that failed
    Index("ix_scheduler_beats_beat", "beat_at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("recipient", String(80), nullable=False),  # a user name
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("task_id", String(36)),  # the human task it is about, if any
    Column("kind", String(20), nullable=False),  # reminder | escalation | info
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", Timestamp, nullable=False),  # the clock's time (virtual in simulations)
    Column("read_at", Timestamp),
    Column("mail_state", String(20), nullable=False),  # pending|sending|sent|failed|not_needed
    Column("mail_attempts", Integer, nullable=False, default=0),
    Column("mail_retry_at", Timestamp),  # real time: next try, or the end of a sender's claim
    Column("mailed_at", Timestamp),
    # "My unread, newest first" and the badge's count read this index alone.
    Index("ix_notifications_recipient_read", "recipient", "read_at", "id"),
    # The sender's claim: rows still to be mailed, by when they may be tried.
    Index("ix_notifications_mail", "mail_state", "mail_retry_at"),
)
