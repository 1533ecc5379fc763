"""The layering and the public surface are deliberate: pin them."""

from __future__ import annotations

import subprocess
import sys

import engine


def imported_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_engine_pulls_in_neither_flask_nor_web() -> None:
    modules = imported_after("import engine")
    assert "flask" not in modules
    assert not any(m == "web" or m.startswith("web.") for m in modules)


def test_tasks_pulls_in_no_web() -> None:
    modules = imported_after("import tasks")
    assert not any(m == "web" or m.startswith("web.") for m in modules)


def test_only_engine_bpmn_imports_spiffworkflow() -> None:
    import re
    from pathlib import Path

    root = Path(engine.__file__).parent.parent
    spiff_import = re.compile(r"^\s*(from|import)\s+SpiffWorkflow\b", re.MULTILINE)
    offenders = [
        str(p.relative_to(root))
        for package in ("engine", "tasks", "web")
        for p in (root / package).rglob("*.py")
        if spiff_import.search(p.read_text()) and "engine/bpmn/" not in p.as_posix()
    ]
    assert offenders == []


PUBLIC_API = {
    "Account",
    "AccountPage",
    "AccountQuery",
    "AdminEvent",
    "Answer",
    "AspectChange",
    "Beat",
    "BundleInvalid",
    "Case",
    "CaseDiagram",
    "CaseFilter",
    "CaseMove",
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
    "ElementChange",
    "ElementWait",
    "Event",
    "Facets",
    "FieldChange",
    "FieldError",
    "FormChange",
    "HumanTask",
    "InboxPage",
    "InboxQuery",
    "InboxRow",
    "Incident",
    "InvalidTime",
    "LogEvent",
    "MailResult",
    "MigrationPlan",
    "MigrationResult",
    "NextTimer",
    "NotAllowed",
    "NotFound",
    "Notification",
    "NotificationPage",
    "OverviewPage",
    "OverviewRow",
    "Paged",
    "Problem",
    "ProcessDraft",
    "Readiness",
    "RealClock",
    "RoleChange",
    "RuleCall",
    "Runtime",
    "Scheduler",
    "ServiceCall",
    "ServiceRegistry",
    "Settings",
    "SettingsInvalid",
    "SifError",
    "StepRefused",
    "SweepResult",
    "TaskAtStep",
    "TaskState",
    "TaskView",
    "TimerInfo",
    "TokenInfo",
    "User",
    "ValidationFailed",
    "VersionDiff",
    "VersionInfo",
    "VirtualClock",
    "WaitingMap",
    "add_duration",
    "add_notifications",
    "add_user",
    "advance_clock",
    "authenticate",
    "case_bpmn",
    "case_business_key",
    "case_diagram",
    "case_events",
    "case_id_by_key",
    "case_labels",
    "case_tags",
    "check_bundle",
    "check_password",
    "claim_task",
    "complete_task",
    "completed_steps",
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
    "list_scheduler_beats",
    "list_timers",
    "list_tokens",
    "list_users",
    "mark_all_read",
    "mark_read",
    "matching_ids",
    "migrate",
    "migrate_cases",
    "migration_heads",
    "my_cases",
    "next_due_at",
    "notifications_for",
    "open_task_count",
    "open_tasks_at",
    "overdue_tasks",
    "overview",
    "overview_rows",
    "parse_duration",
    "plan_migration",
    "process_bpmn",
    "process_draft",
    "process_versions",
    "purge_drafts",
    "reactivate_user",
    "read_bundle",
    "readiness",
    "reset_password",
    "retry_case",
    "revoke_token",
    "role_holders",
    "save_draft",
    "save_process_draft",
    "scheduler_id",
    "send_message",
    "send_pending",
    "set_case_status",
    "set_email",
    "set_roles",
    "set_virtual_time",
    "shift_years",
    "start_case",
    "step_answers",
    "step_names",
    "sweep",
    "task_holders",
    "task_view",
    "tasks_for",
    "timer_lag",
    "to_datetime",
    "unclaim_task",
    "unread_count",
    "user_for_token",
    "user_history",
    "validate_bundle",
    "version_bpmn",
    "version_diff",
    "version_file",
    "waiting_by_element",
}


def test_the_public_api_is_pinned() -> None:
    assert set(engine.__all__) == PUBLIC_API
    for name in engine.__all__:
        assert hasattr(engine, name), name
