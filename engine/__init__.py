"""Sif's BPM engine: definitions, cases, work items and the audit trail, on SQLite or PostgreSQL.

The only package that imports SpiffWorkflow (through ``engine.bpmn``). Everything here returns
the typed values of ``engine.models``; errors are the ``engine.errors`` hierarchy.
"""

from engine.audit import case_events
from engine.bundle import read_bundle
from engine.cases import (
    CasePage,
    case_id_by_key,
    case_labels,
    find_case,
    get_case,
    list_cases,
    retry_case,
    send_message,
    set_case_status,
    start_case,
    step_names,
)
from engine.clock import Clock, RealClock, VirtualClock, set_virtual_time
from engine.db import Database
from engine.definitions import (
    Definition,
    Deployment,
    check_bundle,
    definition_files,
    deploy,
    find_definition,
    list_definitions,
)
from engine.diagram import (
    CaseDiagram,
    DiagramTimer,
    Drawing,
    case_bpmn,
    case_diagram,
    process_bpmn,
)
from engine.drafts import Draft, get_draft, purge_drafts, save_draft
from engine.durations import InvalidTime, add_duration, parse_duration, shift_years, to_datetime
from engine.errors import (
    BundleInvalid,
    Conflict,
    FieldError,
    Incident,
    NotAllowed,
    NotFound,
    Problem,
    SifError,
    StepRefused,
    ValidationFailed,
)
from engine.eventlog import LogEvent, event_log
from engine.heatmap import ElementWait, WaitingMap, waiting_by_element
from engine.history import Answer, TaskView, task_view
from engine.inbox import InboxPage, InboxQuery, InboxRow, inbox, my_cases, open_task_count
from engine.migrate import migrate
from engine.models import Case, CaseStatus, Event, HumanTask, Paged, TaskState, User
from engine.overview import (
    CaseFilter,
    Facets,
    NextTimer,
    OverviewPage,
    OverviewRow,
    matching_ids,
    overview,
    overview_rows,
)
from engine.process_drafts import (
    ProcessDraft,
    discard_process_draft,
    process_draft,
    save_process_draft,
)
from engine.runtime import Runtime
from engine.scheduler import Scheduler, scheduler_id
from engine.services import RuleCall, ServiceCall, ServiceRegistry
from engine.settings import Settings
from engine.tags import case_tags
from engine.timers import SweepResult, TimerInfo, advance_clock, list_timers, next_due_at, sweep
from engine.tokens import TokenInfo, create_token, list_tokens, revoke_token, user_for_token
from engine.useradmin import (
    Account,
    AccountPage,
    AccountQuery,
    AdminEvent,
    create_user,
    deactivate_user,
    get_account,
    list_accounts,
    reactivate_user,
    reset_password,
    set_roles,
    user_history,
)
from engine.users import add_user, authenticate, check_password, get_user, list_users
from engine.validate import validate_bundle
from engine.worklist import claim_task, complete_task, get_task, tasks_for, unclaim_task

__all__ = [
    "Account",
    "AccountPage",
    "AccountQuery",
    "AdminEvent",
    "Answer",
    "BundleInvalid",
    "Case",
    "CaseDiagram",
    "CaseFilter",
    "CasePage",
    "CaseStatus",
    "Clock",
    "Conflict",
    "Database",
    "Definition",
    "Deployment",
    "DiagramTimer",
    "Draft",
    "Drawing",
    "ElementWait",
    "Event",
    "Facets",
    "FieldError",
    "HumanTask",
    "InboxPage",
    "InboxQuery",
    "InboxRow",
    "Incident",
    "InvalidTime",
    "LogEvent",
    "NextTimer",
    "NotAllowed",
    "NotFound",
    "OverviewPage",
    "OverviewRow",
    "Paged",
    "Problem",
    "ProcessDraft",
    "RealClock",
    "RuleCall",
    "Runtime",
    "Scheduler",
    "ServiceCall",
    "ServiceRegistry",
    "Settings",
    "SifError",
    "StepRefused",
    "SweepResult",
    "TaskState",
    "TaskView",
    "TimerInfo",
    "TokenInfo",
    "User",
    "ValidationFailed",
    "VirtualClock",
    "WaitingMap",
    "add_duration",
    "add_user",
    "advance_clock",
    "authenticate",
    "case_bpmn",
    "case_diagram",
    "case_events",
    "case_id_by_key",
    "case_labels",
    "case_tags",
    "check_bundle",
    "check_password",
    "claim_task",
    "complete_task",
    "create_token",
    "create_user",
    "deactivate_user",
    "definition_files",
    "deploy",
    "discard_process_draft",
    "event_log",
    "find_case",
    "find_definition",
    "get_account",
    "get_case",
    "get_draft",
    "get_task",
    "get_user",
    "inbox",
    "list_accounts",
    "list_cases",
    "list_definitions",
    "list_timers",
    "list_tokens",
    "list_users",
    "matching_ids",
    "migrate",
    "my_cases",
    "next_due_at",
    "open_task_count",
    "overview",
    "overview_rows",
    "parse_duration",
    "process_bpmn",
    "process_draft",
    "purge_drafts",
    "reactivate_user",
    "read_bundle",
    "reset_password",
    "retry_case",
    "revoke_token",
    "save_draft",
    "save_process_draft",
    "scheduler_id",
    "send_message",
    "set_case_status",
    "set_roles",
    "set_virtual_time",
    "shift_years",
    "start_case",
    "step_names",
    "sweep",
    "task_view",
    "tasks_for",
    "to_datetime",
    "unclaim_task",
    "user_for_token",
    "user_history",
    "validate_bundle",
    "waiting_by_element",
]
