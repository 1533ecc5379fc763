"""Sif's BPM engine: definitions, cases, work items and the audit trail, on SQLite or PostgreSQL.

The only package that imports SpiffWorkflow (through ``engine.bpmn``). Everything here returns
the typed values of ``engine.models``; errors are the ``engine.errors`` hierarchy.
"""

from engine.audit import case_events
from engine.bundle import read_bundle
from engine.cases import (
    CasePage,
    find_case,
    get_case,
    list_cases,
    retry_case,
    set_case_status,
    start_case,
)
from engine.clock import Clock, RealClock
from engine.db import Database
from engine.definitions import Definition, Deployment, deploy, list_definitions
from engine.errors import (
    BundleInvalid,
    Conflict,
    FieldError,
    Incident,
    NotAllowed,
    NotFound,
    Problem,
    SifError,
    ValidationFailed,
)
from engine.migrate import migrate
from engine.models import Case, CaseStatus, Event, HumanTask, TaskState, User
from engine.runtime import Runtime
from engine.services import ServiceCall, ServiceRegistry
from engine.settings import Settings
from engine.users import add_user, check_password, get_user, list_users
from engine.validate import validate_bundle
from engine.worklist import claim_task, complete_task, get_task, tasks_for, unclaim_task

__all__ = [
    "BundleInvalid",
    "Case",
    "CasePage",
    "CaseStatus",
    "Clock",
    "Conflict",
    "Database",
    "Definition",
    "Deployment",
    "Event",
    "FieldError",
    "HumanTask",
    "Incident",
    "NotAllowed",
    "NotFound",
    "Problem",
    "RealClock",
    "Runtime",
    "ServiceCall",
    "ServiceRegistry",
    "Settings",
    "SifError",
    "TaskState",
    "User",
    "ValidationFailed",
    "add_user",
    "case_events",
    "check_password",
    "claim_task",
    "complete_task",
    "deploy",
    "find_case",
    "get_case",
    "get_task",
    "get_user",
    "list_cases",
    "list_definitions",
    "list_users",
    "migrate",
    "read_bundle",
    "retry_case",
    "set_case_status",
    "start_case",
    "tasks_for",
    "unclaim_task",
    "validate_bundle",
]
